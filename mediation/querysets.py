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

Overseen cases (statistics, the full choice of organizations when assigning): the
bureau's district, the 司法所's street. Filing for a resident: the communities of the
staff's area (community, street, district) and of a mediator's district.
"""

from __future__ import annotations

from typing import Any, ClassVar, Self

from django.db.models import Case, Q, When

from accounts.roles import Role
from core.scope import (
    ANY_ROLE,
    Gate,
    Principal,
    Scope,
    ScopedQuerySet,
    bound,
    district,
    follows,
    own,
    together,
)


class OrganizationQuerySet(ScopedQuerySet):
    visible = Scope({ANY_ROLE: district("district_id")})
    editable = Scope({Role.BUREAU_ADMIN: "district_id"})

    def by_level(self) -> OrganizationQuerySet:
        """District organizations first, then streets', then communities'."""
        rank = Case(When(level="district", then=0), When(level="street", then=1), default=2)
        return self.annotate(level_rank=rank).order_by("level_rank", "kind", "name")

    def public(self) -> OrganizationQuerySet:
        """The organizations residents may apply to: those active."""
        return self.filter(is_active=True)


class MediatorQuerySet(ScopedQuerySet):
    visible = Scope({ANY_ROLE: district("organization__district_id")})
    editable = Scope({Role.BUREAU_ADMIN: "organization__district_id"})


class MediationLawyerQuerySet(OrganizationQuerySet):
    """Same scope as organizations: by the district."""


def _party_to(qs: ScopedQuerySet, p: Principal, user: Any) -> Any:
    """Ids of the cases the user is a party to (by account, or by the phone they sign
    in with), through the parties' table."""
    from mediation.models import Party

    if not p.user_id:
        return None
    mine = Q(user_id=p.user_id)
    phone = getattr(user, "phone", "")
    if phone:
        mine |= Q(phone=phone)
    return Party.objects.filter(mine).values("case_id")


class CaseQuerySet(ScopedQuerySet):
    # The cases the user is a party to come through the parties' table; the case's own
    # columns are one branch (PostgreSQL combines their indexes); the two are unioned.
    # Changes go through the transition services, which check the actor's part in the
    # case; the rows are those the user sees (no ``editable``).
    visible = Scope(
        also=(
            _party_to,
            together(
                own("applied_by_id"),
                bound(Role.MEDIATOR, "organization_id"),
                bound(Role.LAWYER, "lawyer_id"),
                bound(Role.COMMUNITY_STAFF, "community_id"),
                bound(Role.STREET_STAFF, "street_id"),
                bound(Role.BUREAU_ADMIN, "district_id"),
            ),
        ),
        union=True,
    )
    # The cases of the area the user oversees: the bureau's district, the 司法所's street.
    overseen: ClassVar[Scope] = Scope(
        {Role.BUREAU_ADMIN: "district_id", Role.STREET_STAFF: "street_id"}
    )

    def overseen_by(self, user: Any) -> Self:
        return self.scoped(self.overseen, user)

    def open(self) -> CaseQuerySet:
        return self.filter(closed_at__isnull=True).exclude(status="declined")

    def overdue(self, now: Any) -> CaseQuerySet:
        return self.open().filter(due_at__lt=now)


class CaseChildQuerySet(ScopedQuerySet):
    """Parties, events, messages, files, sessions, agreements: scope follows the case."""

    visible = Scope(also=(follows("case"),))


def oversees_cases(user: Any) -> bool:
    """Whether the user oversees an area's cases (superuser, bureau, 司法所), even an
    area without a case yet: who may open the statistics."""
    return CaseQuerySet.overseen.holds(user)


# Communities (regions.Community) the user may file a case for on a resident's behalf:
# community staff their community, 司法所 staff their street's, the bureau and the
# mediators the district's. Only people bound to the place: a superuser gets none.
FILING = Scope(
    {
        Role.COMMUNITY_STAFF: "pk",
        Role.STREET_STAFF: "street_id",
        Role.BUREAU_ADMIN: "street__district_id",
        Role.MEDIATOR: district("street__district_id"),
    },
    superuser=False,
)


# Page gates (core.scope.Gate): who works on cases (the case list's full filters), and
# who is a mediator (cases assigned to me).
CASE_WORKERS = Gate(
    (Role.MEDIATOR, Role.LAWYER, Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.BUREAU_ADMIN)
)
MEDIATORS = Gate((Role.MEDIATOR,), superuser=False)
# Who applies for mediation for themselves (the case list offers it): residents.
RESIDENTS = Gate((Role.RESIDENT,), superuser=False)
