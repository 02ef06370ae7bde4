"""Scope of articles: the only place it is decided.

- published articles: everyone, signed in or not;
- drafts, articles pending review, returned and withdrawn ones: their author and the
  bureau (区司法局) of the article's district;
- writers: the bureau, street staff (司法所) and firm admins write for the district
  they work in; the bureau reviews and publishes.
"""

from __future__ import annotations

from typing import Any, ClassVar, Self

from django.db.models import Q

from accounts.roles import Role
from core.scope import Principal, Scope, ScopedQuerySet, always, own

WRITER_ROLES = (Role.BUREAU_ADMIN, Role.STREET_STAFF, Role.FIRM_ADMIN)


def writer_district_ids(p: Principal) -> set[int]:
    """Districts the user may write articles for (the superuser: none listed, any)."""
    return {b.district_id for b in p.bindings if b.role in WRITER_ROLES and b.district_id}


def _own_drafts(qs: ScopedQuerySet, p: Principal, user: Any) -> Q | None:
    """The author's own drafts (returned, withdrawn) in a district they write for."""
    districts = writer_district_ids(p)
    if not (p.user_id and districts):
        return None
    return Q(
        author_id=p.user_id,
        district_id__in=sorted(districts),
        status__in=["draft", "returned", "withdrawn"],
    )


def _bureau_pending(qs: ScopedQuerySet, p: Principal, user: Any) -> Q | None:
    bureau = p.ids(Role.BUREAU_ADMIN)
    return Q(status="pending", district_id__in=sorted(bureau)) if bureau else None


class ArticleQuerySet(ScopedQuerySet):
    visible = Scope(
        {Role.BUREAU_ADMIN: "district_id"}, also=(always(Q(status="published")), own("author_id"))
    )
    # Articles the user may change now: their own drafts in a district they write for;
    # for the bureau also its district's pending ones.
    editable = Scope(also=(_own_drafts, _bureau_pending))
    # Every article of the districts whose bureau the user is.
    reviewable: ClassVar[Scope] = Scope({Role.BUREAU_ADMIN: "district_id"})

    def reviewable_by(self, user: Any) -> Self:
        return self.scoped(self.reviewable, user)

    def published(self) -> ArticleQuerySet:
        """Published articles, pinned first, newest first."""
        return self.filter(status="published").order_by("-pinned", "-published_at", "-id")
