"""Scope of cloud mediation: the only place it is decided.

Register (organizations, mediators, lawyers in mediation): read by everyone who
works or lives in the district; edited by its bureau.

Cases
- party: the cases where they are a party (by account, or by the phone they sign in
  with), and the applications they submitted;
- mediator: the cases of their organization;
- lawyer: the cases they take part in;
- community staff: their community's cases; 司法所 (street staff): their street's;
  bureau admin: the district's.
"""

from __future__ import annotations

from typing import Any, Self

from django.db.models import Case, Q, When

from accounts.roles import Role
from core.scope import ScopedQuerySet, filter_any, filter_union, get_principal, q_in, q_or


class OrganizationQuerySet(ScopedQuerySet):
    def visible_to(self, user: Any) -> Self:
        p = get_principal(user)
        if p.is_superuser:
            return self.all()
        return filter_any(self, q_in("district_id", p.district_ids))

    def editable_by(self, user: Any) -> Self:
        p = get_principal(user)
        if p.is_superuser:
            return self.all()
        return filter_any(self, q_in("district_id", p.ids(Role.BUREAU_ADMIN)))

    def by_level(self) -> OrganizationQuerySet:
        """District organizations first, then streets', then communities'."""
        rank = Case(When(level="district", then=0), When(level="street", then=1), default=2)
        return self.annotate(level_rank=rank).order_by("level_rank", "kind", "name")


class MediatorQuerySet(ScopedQuerySet):
    def visible_to(self, user: Any) -> Self:
        p = get_principal(user)
        if p.is_superuser:
            return self.all()
        return filter_any(self, q_in("organization__district_id", p.district_ids))

    def editable_by(self, user: Any) -> Self:
        p = get_principal(user)
        if p.is_superuser:
            return self.all()
        return filter_any(self, q_in("organization__district_id", p.ids(Role.BUREAU_ADMIN)))


class MediationLawyerQuerySet(OrganizationQuerySet):
    """Same scope as organizations: by the district."""


class CaseQuerySet(ScopedQuerySet):
    def visible_to(self, user: Any) -> Self:
        from mediation.models import Party

        p = get_principal(user)
        if p.is_superuser:
            return self.all()
        if p.user_id is None:
            return self.none()
        mine = Q(user_id=p.user_id)
        phone = getattr(user, "phone", "")
        if phone:
            mine |= Q(phone=phone)
        # The case's own columns are one branch (PostgreSQL combines their indexes); the
        # cases the user is a party to come through the parties' table.
        own = q_or(
            Q(applied_by_id=p.user_id),
            q_in("organization_id", p.ids(Role.MEDIATOR)),
            q_in("lawyer_id", p.ids(Role.LAWYER)),
            q_in("community_id", p.ids(Role.COMMUNITY_STAFF)),
            q_in("street_id", p.ids(Role.STREET_STAFF)),
            q_in("district_id", p.ids(Role.BUREAU_ADMIN)),
        )
        return filter_union(self, Party.objects.filter(mine).values("case_id"), own)

    def editable_by(self, user: Any) -> Self:
        """Changes go through the transition services, which check the actor's part
        in the case; the rows are those the user sees."""
        return self.visible_to(user)

    def open(self) -> CaseQuerySet:
        return self.filter(closed_at__isnull=True).exclude(status="declined")

    def overdue(self, now: Any) -> CaseQuerySet:
        return self.open().filter(due_at__lt=now)


class CaseChildQuerySet(ScopedQuerySet):
    """Parties, events, messages, files, sessions, agreements: scope follows the case."""

    def visible_to(self, user: Any) -> Self:
        from mediation.models import Case

        return self.filter(case__in=Case.objects.visible_to(user).values("pk"))
