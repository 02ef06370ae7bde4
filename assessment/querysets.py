"""Scope of assessment: the only place it is decided.

- bureau admin: everything of their district (computes, decides, publishes, pays);
- 司法所 (street) staff: the scores and appeals of the firms working in their street
  (paired with one of its communities), read only;
- firm admin: their own firm's scores, appeals and subsidy items (appeals are theirs
  to file), never another firm's detail;
- everybody: published bulletins and commendations (public, also on the portal);
- everyone working in a district: its rules and its published annual results.
"""

from __future__ import annotations

from typing import Any, ClassVar, Self

from django.db.models import Prefetch, Q, QuerySet

from accounts.roles import Role
from core.scope import (
    EVERYONE,
    Branch,
    Gate,
    Principal,
    RoleTable,
    Scope,
    ScopedQuerySet,
    district,
    follows,
)

WORKING_ROLES = (
    Role.BUREAU_ADMIN,
    Role.STREET_STAFF,
    Role.COMMUNITY_STAFF,
    Role.FIRM_ADMIN,
    Role.LAWYER,
)
# Everyone working in the district of the row.
WORKING: RoleTable = {role: district("district_id") for role in WORKING_ROLES}
# Everyone, signed in or not.
PUBLIC = EVERYONE


def working_districts(p: Principal) -> set[int]:
    return {b.district_id for b in p.bindings if b.role in WORKING_ROLES and b.district_id}


def street_firms(street_ids: set[int]) -> QuerySet:
    """Ids of the firms paired (now or before) with a community of these streets."""
    from pairing.models import Pairing

    return Pairing.objects.filter(community__street_id__in=sorted(street_ids)).values("firm_id")


def _firms_of_streets(firm: str) -> Branch:
    """The rows of firms working in the 司法所's streets (``firm``: the firm's key)."""

    def branch(qs: ScopedQuerySet, p: Principal, user: Any) -> Q | None:
        streets = p.ids(Role.STREET_STAFF)
        return Q(**{f"{firm}__in": street_firms(streets)}) if streets else None

    return branch


def firm_scope(firm: str, district: str) -> Scope:
    """A firm's assessment rows: the bureau of the district, the 司法所 of a street the
    firm works in, the firm's admins (``firm``, ``district``: the row's lookups)."""
    return Scope(
        {Role.BUREAU_ADMIN: district, Role.FIRM_ADMIN: firm}, also=(_firms_of_streets(firm),)
    )


def scored_firms(user: Any) -> QuerySet:
    """The firms whose scores and dashboards the user may see."""
    from firms.models import LawFirm

    return firm_scope("pk", "district_id").apply(LawFirm.objects.all(), user)


# The streets whose dashboard the user may open: pairing.querysets.DASHBOARD_STREETS,
# the same as the pairing dashboard's.
# The user's own dashboards, tried in this order by the dashboard link: the bureau's
# district (regions.District), the 司法所's street (regions.Street), the firm admin's
# firm (firms.LawFirm); superusers only through such a binding.
OWN_DISTRICTS = Scope({Role.BUREAU_ADMIN: "pk"}, superuser=False)
OWN_STREETS = Scope({Role.STREET_STAFF: "pk"}, superuser=False)
OWN_FIRMS = Scope({Role.FIRM_ADMIN: "pk"}, superuser=False)


class _BureauEdits(ScopedQuerySet):
    editable = Scope({Role.BUREAU_ADMIN: "district_id"})


class DistrictRuleQuerySet(_BureauEdits):
    """Rules and rates: read by everyone working in the district, set by its bureau."""

    visible = Scope(WORKING)


class RankingMonthQuerySet(_BureauEdits):
    """A month's header (status, deadline): the bureau, the street offices and firms."""

    visible = Scope(
        {
            Role.BUREAU_ADMIN: district("district_id"),
            Role.STREET_STAFF: district("district_id"),
            Role.FIRM_ADMIN: district("district_id"),
        }
    )

    def published(self) -> RankingMonthQuerySet:
        return self.filter(status="published")


class MonthlyScoreQuerySet(ScopedQuerySet):
    visible = firm_scope("firm_id", "ranking__district_id")
    # A firm admin appeals their own firm's scores (the services check the rest).
    appealable: ClassVar[Scope] = Scope({Role.FIRM_ADMIN: "firm_id"}, superuser=False)

    # A firm admin's own firm's scores (the ranking pages show them beside the month),
    # superusers included only through a binding.
    owned: ClassVar[Scope] = Scope({Role.FIRM_ADMIN: "firm_id"}, superuser=False)

    def appealable_by(self, user: Any) -> Self:
        return self.scoped(self.appealable, user)

    def owned_by(self, user: Any) -> Self:
        return self.scoped(self.owned, user)

    def published(self) -> MonthlyScoreQuerySet:
        return self.filter(ranking__status="published")

    def with_metrics(self) -> Self:
        """Each score with its metric rows, in the order they were computed."""
        from assessment.models import MetricScore

        return self.prefetch_related(
            Prefetch("metrics", queryset=MetricScore.objects.order_by("pk"))
        )


class MetricScoreQuerySet(ScopedQuerySet):
    visible = Scope(also=(follows("score"),))


class EvidenceQuerySet(ScopedQuerySet):
    visible = Scope(also=(follows("metric_score__score"),))


class AppealQuerySet(ScopedQuerySet):
    visible = firm_scope("score__firm_id", "score__ranking__district_id")
    # The bureau decides appeals.
    editable = Scope({Role.BUREAU_ADMIN: "score__ranking__district_id"})

    def open(self) -> AppealQuerySet:
        return self.filter(status="open")


class BulletinQuerySet(_BureauEdits):
    """Published bulletins are public: the ranking table is the district's news."""

    visible = PUBLIC


class SubsidyPeriodQuerySet(_BureauEdits):
    """The bureau settles periods; a firm admin reads their district's periods."""

    visible = Scope({Role.BUREAU_ADMIN: "district_id", Role.FIRM_ADMIN: district("district_id")})


class SubsidyItemQuerySet(_BureauEdits):
    # The bureau every item; a firm admin their own firm's items.
    visible = Scope({Role.BUREAU_ADMIN: "period__district_id", Role.FIRM_ADMIN: "firm_id"})
    editable = Scope({Role.BUREAU_ADMIN: "period__district_id"})


def _published_in_working_districts(qs: ScopedQuerySet, p: Principal, user: Any) -> Q | None:
    districts = working_districts(p)
    return Q(status="published", district_id__in=sorted(districts)) if districts else None


class AnnualAssessmentQuerySet(_BureauEdits):
    """The bureau sees drafts; the district's people see the published results."""

    visible = Scope({Role.BUREAU_ADMIN: "district_id"}, also=(_published_in_working_districts,))


class AnnualScoreQuerySet(ScopedQuerySet):
    visible = Scope(also=(follows("assessment"),))
    editable = Scope(also=(follows("assessment", "editable_by"),))


class CommendationQuerySet(_BureauEdits):
    """Commendations are public (the portal shows them)."""

    visible = PUBLIC


# Page gates (core.scope.Gate): who opens the ranking, subsidy and annual pages at all
# (the bureau, the 司法所, firm admins), who manages them (the bureau), who appeals a
# score (firm admins, superusers only through a firm).
ASSESSMENT_STAFF = Gate((Role.BUREAU_ADMIN, Role.STREET_STAFF, Role.FIRM_ADMIN))
BUREAU = Gate((Role.BUREAU_ADMIN,))
APPELLANTS = Gate((Role.FIRM_ADMIN,), superuser=False)
