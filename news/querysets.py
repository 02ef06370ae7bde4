"""Scope of articles: the only place it is decided.

- published articles: everyone, signed in or not;
- drafts, articles pending review, returned and withdrawn ones: their author and the
  bureau (区司法局) of the article's district;
- writers: the bureau, street staff (司法所) and firm admins write for the district
  they work in; the bureau reviews and publishes.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from accounts.roles import Role
from core.scope import Principal, ScopedQuerySet, filter_any, get_principal, q_in

WRITER_ROLES = (Role.BUREAU_ADMIN, Role.STREET_STAFF, Role.FIRM_ADMIN)


def writer_district_ids(p: Principal) -> set[int]:
    """Districts the user may write articles for (the superuser: none listed, any)."""
    return {b.district_id for b in p.bindings if b.role in WRITER_ROLES and b.district_id}


class ArticleQuerySet(ScopedQuerySet):
    def visible_to(self, user: Any) -> ScopedQuerySet:
        p = get_principal(user)
        if p.is_superuser:
            return self.all()
        return filter_any(
            self,
            Q(status="published"),
            Q(author_id=p.user_id) if p.user_id else None,
            q_in("district_id", p.ids(Role.BUREAU_ADMIN)),
        )

    def editable_by(self, user: Any) -> ScopedQuerySet:
        """Articles the user may change now: their own drafts (returned, withdrawn) in
        a district they write for; for the bureau also its district's pending ones."""
        p = get_principal(user)
        if p.is_superuser:
            return self.all()
        own = None
        if p.user_id and writer_district_ids(p):
            own = Q(
                author_id=p.user_id,
                district_id__in=sorted(writer_district_ids(p)),
                status__in=["draft", "returned", "withdrawn"],
            )
        bureau = p.ids(Role.BUREAU_ADMIN)
        return filter_any(
            self, own, Q(status="pending", district_id__in=sorted(bureau)) if bureau else None
        )

    def reviewable_by(self, user: Any) -> ScopedQuerySet:
        """Every article of the districts whose bureau the user is."""
        p = get_principal(user)
        if p.is_superuser:
            return self.all()
        return filter_any(self, q_in("district_id", p.ids(Role.BUREAU_ADMIN)))

    def published(self) -> ArticleQuerySet:
        """Published articles, pinned first, newest first."""
        return self.filter(status="published").order_by("-pinned", "-published_at", "-id")
