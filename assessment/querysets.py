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

from typing import Any, Self

from django.db.models import Q, QuerySet

from accounts.roles import Role
from core.scope import Principal, ScopedQuerySet, filter_any, get_principal, q_in

WORKING_ROLES = (
    Role.BUREAU_ADMIN,
    Role.STREET_STAFF,
    Role.COMMUNITY_STAFF,
    Role.FIRM_ADMIN,
    Role.LAWYER,
)


def working_districts(p: Principal) -> set[int]:
    return {b.district_id for b in p.bindings if b.role in WORKING_ROLES and b.district_id}


def street_firms(street_ids: set[int]) -> QuerySet:
    """Ids of the firms paired (now or before) with a community of these streets."""
    from pairing.models import Pairing

    return Pairing.objects.filter(community__street_id__in=sorted(street_ids)).values("firm_id")


def _firm_scope(p: Principal, firm: str, district: str) -> list[Q | None]:
    streets = p.ids(Role.STREET_STAFF)
    return [
        q_in(district, p.ids(Role.BUREAU_ADMIN)),
        Q(**{f"{firm}__in": street_firms(streets)}) if streets else None,
        q_in(firm, p.ids(Role.FIRM_ADMIN)),
    ]


def scored_firms(user: Any) -> QuerySet:
    """The firms whose scores and dashboards the user may see."""
    from firms.models import LawFirm

    p = get_principal(user)
    if p.is_superuser:
        return LawFirm.objects.all()
    return filter_any(LawFirm.objects.all(), *_firm_scope(p, "pk", "district_id"))  # type: ignore[arg-type]


class _BureauEdits(ScopedQuerySet):
    district_path = "district_id"

    def editable_by(self, user: Any) -> Self:
        p = get_principal(user)
        if p.is_superuser:
            return self.all()
        return filter_any(self, q_in(self.district_path, p.ids(Role.BUREAU_ADMIN)))


class DistrictRuleQuerySet(_BureauEdits):
    """Rules and rates: read by everyone working in the district, set by its bureau."""

    def visible_to(self, user: Any) -> Self:
        p = get_principal(user)
        if p.is_superuser:
            return self.all()
        return filter_any(self, q_in("district_id", working_districts(p)))


class RankingMonthQuerySet(_BureauEdits):
    """A month's header (status, deadline): the bureau, the street offices and firms."""

    def visible_to(self, user: Any) -> Self:
        p = get_principal(user)
        if p.is_superuser:
            return self.all()
        districts = {
            b.district_id
            for b in p.bindings
            if b.role in (Role.BUREAU_ADMIN, Role.STREET_STAFF, Role.FIRM_ADMIN) and b.district_id
        }
        return filter_any(self, q_in("district_id", districts))

    def published(self) -> RankingMonthQuerySet:
        return self.filter(status="published")


class MonthlyScoreQuerySet(ScopedQuerySet):
    def visible_to(self, user: Any) -> Self:
        p = get_principal(user)
        if p.is_superuser:
            return self.all()
        return filter_any(self, *_firm_scope(p, "firm_id", "ranking__district_id"))

    def appealable_by(self, user: Any) -> Self:
        """A firm admin appeals their own firm's scores (the services check the rest)."""
        p = get_principal(user)
        return filter_any(self, q_in("firm_id", p.ids(Role.FIRM_ADMIN)))

    def published(self) -> MonthlyScoreQuerySet:
        return self.filter(ranking__status="published")


class MetricScoreQuerySet(ScopedQuerySet):
    def visible_to(self, user: Any) -> Self:
        from assessment.models import MonthlyScore

        return self.filter(score__in=MonthlyScore.objects.visible_to(user).values("pk"))


class EvidenceQuerySet(ScopedQuerySet):
    def visible_to(self, user: Any) -> Self:
        from assessment.models import MonthlyScore

        return self.filter(
            metric_score__score__in=MonthlyScore.objects.visible_to(user).values("pk")
        )


class AppealQuerySet(ScopedQuerySet):
    def visible_to(self, user: Any) -> Self:
        p = get_principal(user)
        if p.is_superuser:
            return self.all()
        return filter_any(self, *_firm_scope(p, "score__firm_id", "score__ranking__district_id"))

    def editable_by(self, user: Any) -> Self:
        """The bureau decides appeals."""
        p = get_principal(user)
        if p.is_superuser:
            return self.all()
        return filter_any(self, q_in("score__ranking__district_id", p.ids(Role.BUREAU_ADMIN)))

    def open(self) -> AppealQuerySet:
        return self.filter(status="open")


class BulletinQuerySet(_BureauEdits):
    """Published bulletins are public: the ranking table is the district's news."""

    def visible_to(self, user: Any) -> Self:
        return self.all()


class SubsidyPeriodQuerySet(_BureauEdits):
    """The bureau settles periods; a firm admin reads their district's periods."""

    def visible_to(self, user: Any) -> Self:
        p = get_principal(user)
        if p.is_superuser:
            return self.all()
        firm_districts = {
            b.district_id for b in p.bindings if b.role == Role.FIRM_ADMIN and b.district_id
        }
        return filter_any(self, q_in("district_id", p.ids(Role.BUREAU_ADMIN) | firm_districts))


class SubsidyItemQuerySet(_BureauEdits):
    district_path = "period__district_id"

    def visible_to(self, user: Any) -> Self:
        """The bureau every item; a firm admin their own firm's items."""
        p = get_principal(user)
        if p.is_superuser:
            return self.all()
        return filter_any(
            self,
            q_in("period__district_id", p.ids(Role.BUREAU_ADMIN)),
            q_in("firm_id", p.ids(Role.FIRM_ADMIN)),
        )


class AnnualAssessmentQuerySet(_BureauEdits):
    """The bureau sees drafts; the district's people see the published results."""

    def visible_to(self, user: Any) -> Self:
        p = get_principal(user)
        if p.is_superuser:
            return self.all()
        return filter_any(
            self,
            q_in("district_id", p.ids(Role.BUREAU_ADMIN)),
            Q(status="published", district_id__in=sorted(working_districts(p)))
            if working_districts(p)
            else None,
        )


class AnnualScoreQuerySet(ScopedQuerySet):
    def visible_to(self, user: Any) -> Self:
        from assessment.models import AnnualAssessment

        return self.filter(assessment__in=AnnualAssessment.objects.visible_to(user).values("pk"))

    def editable_by(self, user: Any) -> Self:
        from assessment.models import AnnualAssessment

        return self.filter(assessment__in=AnnualAssessment.objects.editable_by(user).values("pk"))


class CommendationQuerySet(_BureauEdits):
    """Commendations are public (the portal shows them)."""

    def visible_to(self, user: Any) -> Self:
        return self.all()
