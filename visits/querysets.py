"""Scope of plans, visits, service days, reports, notices and meetings: the only
place it is decided.

- bureau admin: everything of their district;
- 司法所 (street) staff: their street's communities, and the reports sent to them;
- community staff: their community (they confirm its visit records);
- firm admin: their firm's plans, visits, reports and meetings;
- lawyer: the visits they recorded or took part in, their firm's plans;
- residents: the published service days, their own sign-ups and check-ins.
"""

from __future__ import annotations

from typing import Any, ClassVar, Self

from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    When,
)
from django.db.models.functions import Coalesce

from accounts.roles import Role
from core.scope import (
    ANY_ROLE,
    EVERYONE,
    Gate,
    Principal,
    RoleTable,
    Scope,
    ScopedQuerySet,
    district,
    follows,
    own,
)
from firms.querysets import firm_ids, firm_people


def place(
    community: str = "community", street: str | None = None, district: str | None = None
) -> RoleTable:
    """The staff of a row's place: the bureau of its district, the 司法所 of its street,
    the community's staff. ``community`` is the path to the row's community; a model
    that keeps its community's street and district names its own columns (``street``,
    ``district``), read by their own indexes instead of through the community."""
    street = street or f"{community}__street"
    district = district or f"{street}__district"
    return {
        Role.BUREAU_ADMIN: f"{district}_id",
        Role.STREET_STAFF: f"{street}_id",
        Role.COMMUNITY_STAFF: f"{community}_id",
    }


# Everyone, signed in or not.
PUBLIC = EVERYONE


def _lawyer_present(qs: ScopedQuerySet, p: Principal, user: Any) -> Q | None:
    """Visits the user took part in as a lawyer: keys read from the through table
    (its lawyer index), not a join of the visits to it."""
    from visits.models import Visit

    lawyers = p.ids(Role.LAWYER)
    if not lawyers:
        return None
    present = Visit.lawyers.through.objects.filter(lawyer_id__in=sorted(lawyers))
    return Q(pk__in=present.values("visit_id"))


def _lawyer_recorded(qs: ScopedQuerySet, p: Principal, user: Any) -> Q | None:
    """Visits a lawyer recorded themselves."""
    return Q(recorded_by_id=p.user_id) if p.has(Role.LAWYER) and p.user_id else None


class DistrictGoalQuerySet(ScopedQuerySet):
    visible = Scope({ANY_ROLE: district("district_id")})
    editable = Scope({Role.BUREAU_ADMIN: "district_id"})


class VisitPlanQuerySet(ScopedQuerySet):
    visible = Scope({**place(), **firm_people()})
    # Each firm files and revises its own plans.
    editable = Scope({Role.FIRM_ADMIN: "firm_id"})

    def current(self) -> VisitPlanQuerySet:
        return self.filter(is_current=True)


class HouseholdQuerySet(ScopedQuerySet):
    # The place's staff; a firm the households it visited (one row per visit: distinct).
    visible = Scope({**place(), **firm_people("visit_links__visit__firm")}, distinct=True)


class VisitQuerySet(ScopedQuerySet):
    # A visit carries its street and district (each with an index by date).
    visible = Scope(
        {**place(street="street", district="district"), Role.FIRM_ADMIN: "firm_id"},
        also=(_lawyer_present, _lawyer_recorded),
    )
    # The recording lawyer, the lawyers present and their firm admin change a record
    # (services add: only while it is not confirmed or locked).
    editable = Scope({Role.FIRM_ADMIN: "firm_id"}, also=(_lawyer_present, _lawyer_recorded))
    # Community staff confirm or dispute their community's records.
    confirmable: ClassVar[Scope] = Scope({Role.COMMUNITY_STAFF: "community_id"})

    def confirmable_by(self, user: Any) -> Self:
        return self.scoped(self.confirmable, user)

    def confirmed(self) -> VisitQuerySet:
        return self.filter(status="confirmed")

    def with_household_total(self) -> Self:
        """Each visit with ``household_total``: a subquery, not a join with GROUP BY, so
        PostgreSQL counts the households of a page's rows only, after the sort and limit
        (a bureau's list grouped every visit of the district: 200 ms at province scale)."""
        from visits.models import VisitHousehold

        households = (
            VisitHousehold.objects.filter(visit=OuterRef("pk"))
            .order_by()
            .values("visit")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return self.annotate(household_total=Coalesce(Subquery(households), 0))


class VisitChildQuerySet(ScopedQuerySet):
    """Photos of a visit: scope follows the visit."""

    visible = Scope(also=(follows("visit"),))
    editable = Scope(also=(follows("visit", "editable_by"),))


class ServiceDayQuerySet(ScopedQuerySet):
    """Service days are announced to the public; staff of the place manage them."""

    visible = PUBLIC
    editable = Scope(place())
    # Days whose attendance the user follows: the place's staff, the serving firm.
    followed: ClassVar[Scope] = Scope({**place(), Role.FIRM_ADMIN: "firm_id"})

    def followed_by(self, user: Any) -> Self:
        return self.scoped(self.followed, user)

    def nearest_first(self, user: Any) -> Self:
        """The days of the user's own community first, then of their street, then the
        rest, each by date: a resident reads her own before another street's. Without a
        home community, by date."""
        from regions.models import ResidentProfile

        home = (
            ResidentProfile.objects.owned_by(user)
            .values_list("community_id", "community__street_id")
            .first()
        )
        order = ("date", "community__street__name", "community__name")
        if home is None or home[0] is None:
            return self.order_by(*order)
        community_id, street_id = home
        nearness = Case(
            When(community_id=community_id, then=0),
            When(community__street_id=street_id, then=1),
            default=2,
            output_field=IntegerField(),
        )
        return self.annotate(nearness=nearness).order_by("nearness", *order)

    def with_signed_up(self, user: Any) -> Self:
        """Each day with ``signed_up``: whether this (signed-in) user signed up for it."""
        from visits.models import ServiceDaySignup

        mine = ServiceDaySignup.objects.filter(service_day=OuterRef("pk"), user=user)
        return self.annotate(signed_up=Exists(mine))

    def published(self) -> ServiceDayQuerySet:
        return self.exclude(status="cancelled").filter(
            community__is_active=True, community__street__is_active=True
        )


class AttendanceQuerySet(ScopedQuerySet):
    """Sign-ups and check-ins: the resident's own, the place's staff, the firm."""

    visible = Scope(
        {**place("service_day__community"), Role.FIRM_ADMIN: "service_day__firm_id"},
        also=(own("user_id"),),
    )
    editable = Scope(also=(own("user_id"),))


class MonthlyReportQuerySet(ScopedQuerySet):
    visible = Scope(
        {
            Role.BUREAU_ADMIN: "street__district_id",
            Role.STREET_STAFF: "street_id",
            Role.FIRM_ADMIN: "firm_id",
        }
    )
    # The firm reviews, refreshes and submits its reports.
    editable = Scope({Role.FIRM_ADMIN: "firm_id"})
    # The 司法所 of the street confirms or returns the reports sent to it.
    reviewable: ClassVar[Scope] = Scope({Role.STREET_STAFF: "street_id"})

    def reviewable_by(self, user: Any) -> Self:
        return self.scoped(self.reviewable, user)


class NoticeQuerySet(ScopedQuerySet):
    visible = Scope(
        {
            Role.BUREAU_ADMIN: "district_id",
            Role.STREET_STAFF: "street_id",
            Role.FIRM_ADMIN: "firm_id",
        }
    )

    def open(self) -> NoticeQuerySet:
        return self.filter(resolved_at__isnull=True)


class MeetingQuerySet(ScopedQuerySet):
    visible = Scope(
        {Role.BUREAU_ADMIN: "district_id", Role.STREET_STAFF: "street_id", **firm_people()}
    )
    editable = Scope(
        {
            Role.BUREAU_ADMIN: "district_id",
            Role.STREET_STAFF: "street_id",
            Role.FIRM_ADMIN: "firm_id",
        }
    )


class MeetingChildQuerySet(ScopedQuerySet):
    visible = Scope(also=(follows("meeting"),))
    editable = Scope(also=(follows("meeting", "editable_by"),))


def _paired_communities(qs: ScopedQuerySet, p: Principal, user: Any) -> Q | None:
    """The communities the user's firms are paired with now."""
    from pairing.models import Pairing

    firms = firm_ids(p)
    if not firms:
        return None
    paired = Pairing.objects.active().filter(firm_id__in=sorted(firms))
    return Q(pk__in=paired.values("community_id"))


# Communities whose coverage the user follows (applied to communities).
COVERAGE = Scope(
    {
        Role.BUREAU_ADMIN: "street__district_id",
        Role.STREET_STAFF: "street_id",
        Role.COMMUNITY_STAFF: "pk",
    },
    also=(_paired_communities,),
)


def coverage_communities(user: Any) -> Any:
    """The communities whose coverage the user follows: the bureau its district, a
    司法所 its street, community staff their community, a firm its paired ones."""
    from regions.models import Community

    return COVERAGE.apply(Community.objects.filter(is_active=True), user)


# --- scopes applied to the rows of lower apps (pairings, lawyers, firms, streets) ---------

# Pairings whose annual plans the user files (applied to pairings): their firm admin's;
# superusers file for every pairing.
PLANNING = Scope({Role.FIRM_ADMIN: "firm_id"})
# Pairings whose missing plans the plan list reminds the user of: their own firms' only,
# superusers included (no reminders of every firm's plans).
PLANS_OWED = Scope({Role.FIRM_ADMIN: "firm_id"}, superuser=False)


def plans_owed(user: Any, year: int) -> QuerySet:
    """The pairings in force, of the user's own firms (PLANS_OWED), whose community has
    no current plan for the year, whichever firm would have filed it."""
    from pairing.models import Pairing
    from visits.models import VisitPlan

    filed = VisitPlan.objects.current().filter(year=year).values("community_id")
    return PLANS_OWED.apply(Pairing.objects.active(), user).exclude(community_id__in=filed)


# Lawyers a user may name as present on a new visit (applied to lawyers): those of the
# firms they work for, as firm admin or lawyer; a superuser only through such a firm.
VISIT_LAWYERS = Scope(firm_people(), superuser=False)

# Firms and streets a user may hold a meeting for (applied to firms, streets): a firm
# admin their firms, 司法所 staff their streets, the bureau those of its district.
MEETING_FIRMS = Scope({Role.FIRM_ADMIN: "pk", Role.BUREAU_ADMIN: "district_id"})
MEETING_STREETS = Scope({Role.STREET_STAFF: "pk", Role.BUREAU_ADMIN: "district_id"})


# Page gates (core.scope.Gate): who adds meetings (the bureau, the 司法所, firm admins),
# who reads the monthly reports' roll-up (the bureau, the 司法所).
MEETING_MANAGERS = Gate((Role.BUREAU_ADMIN, Role.STREET_STAFF, Role.FIRM_ADMIN))
ROLLUP_READERS = Gate((Role.BUREAU_ADMIN, Role.STREET_STAFF))
