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

from typing import Any, Self

from django.db.models import Q

from accounts.roles import Role
from core.scope import Principal, ScopedQuerySet, filter_any, get_principal, q_in


def firm_ids(p: Principal) -> set[int]:
    """Firms the user works for (as firm admin or lawyer)."""
    return p.ids(Role.FIRM_ADMIN) | p.parent_ids(Role.LAWYER)


class _PlaceScoped(ScopedQuerySet):
    """Rows of one community (``community_path``) done by one firm (``firm_path``)."""

    community_path = "community"
    firm_path: str | None = "firm"
    # A model that keeps its community's street and district names its own columns.
    street_path: str | None = None
    district_path: str | None = None

    def _region(self, p: Principal) -> list[Q | None]:
        c = self.community_path
        street = self.street_path or f"{c}__street"
        district = self.district_path or f"{street}__district"
        return [
            q_in(f"{district}_id", p.ids(Role.BUREAU_ADMIN)),
            q_in(f"{street}_id", p.ids(Role.STREET_STAFF)),
            q_in(f"{c}_id", p.ids(Role.COMMUNITY_STAFF)),
        ]

    def visible_to(self, user: Any) -> Self:
        p = get_principal(user)
        if p.is_superuser:
            return self.all()
        firm = q_in(f"{self.firm_path}_id", firm_ids(p)) if self.firm_path else None
        return filter_any(self, *self._region(p), firm)


class DistrictGoalQuerySet(ScopedQuerySet):
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


class VisitPlanQuerySet(_PlaceScoped):
    def editable_by(self, user: Any) -> Self:
        """Each firm files and revises its own plans."""
        p = get_principal(user)
        if p.is_superuser:
            return self.all()
        return filter_any(self, q_in("firm_id", p.ids(Role.FIRM_ADMIN)))

    def current(self) -> VisitPlanQuerySet:
        return self.filter(is_current=True)


class HouseholdQuerySet(_PlaceScoped):
    firm_path = None

    def visible_to(self, user: Any) -> Self:
        p = get_principal(user)
        if p.is_superuser:
            return self.all()
        firms = firm_ids(p)
        visited = (
            Q(visit_links__visit__firm_id__in=sorted(firms)) if firms else None
        )  # a firm sees the households it visited
        return filter_any(self, *self._region(p), visited).distinct()


class VisitQuerySet(_PlaceScoped):
    # A visit carries its street and district (each with an index by date).
    street_path = "street"
    district_path = "district"

    def _own(self, p: Principal) -> list[Q | None]:
        from visits.models import Visit

        lawyers = p.ids(Role.LAWYER)
        present = (
            Q(
                pk__in=Visit.lawyers.through.objects.filter(lawyer_id__in=sorted(lawyers)).values(
                    "visit_id"
                )
            )
            if lawyers
            else None
        )
        recorder = Q(recorded_by_id=p.user_id) if lawyers and p.user_id else None
        return [q_in("firm_id", p.ids(Role.FIRM_ADMIN)), present, recorder]

    def visible_to(self, user: Any) -> Self:
        p = get_principal(user)
        if p.is_superuser:
            return self.all()
        return filter_any(self, *self._region(p), *self._own(p))

    def editable_by(self, user: Any) -> Self:
        """The recording lawyer, the lawyers present and their firm admin change a
        record (services add: only while it is not confirmed or locked)."""
        p = get_principal(user)
        if p.is_superuser:
            return self.all()
        return filter_any(self, *self._own(p))

    def confirmable_by(self, user: Any) -> Self:
        """Community staff confirm or dispute their community's records."""
        p = get_principal(user)
        if p.is_superuser:
            return self.all()
        return filter_any(self, q_in("community_id", p.ids(Role.COMMUNITY_STAFF)))

    def confirmed(self) -> VisitQuerySet:
        return self.filter(status="confirmed")


class VisitChildQuerySet(ScopedQuerySet):
    """Photos of a visit: scope follows the visit."""

    def visible_to(self, user: Any) -> Self:
        from visits.models import Visit

        return self.filter(visit__in=Visit.objects.visible_to(user).values("pk"))

    def editable_by(self, user: Any) -> Self:
        from visits.models import Visit

        return self.filter(visit__in=Visit.objects.editable_by(user).values("pk"))


class ServiceDayQuerySet(_PlaceScoped):
    """Service days are announced to the public; staff of the place manage them."""

    def visible_to(self, user: Any) -> Self:
        return self.all()

    def editable_by(self, user: Any) -> Self:
        p = get_principal(user)
        if p.is_superuser:
            return self.all()
        return filter_any(self, *self._region(p))

    def followed_by(self, user: Any) -> Self:
        """Days whose attendance the user follows: the place's staff, the serving firm."""
        p = get_principal(user)
        if p.is_superuser:
            return self.all()
        return filter_any(self, *self._region(p), q_in("firm_id", p.ids(Role.FIRM_ADMIN)))

    def published(self) -> ServiceDayQuerySet:
        return self.exclude(status="cancelled").filter(
            community__is_active=True, community__street__is_active=True
        )


class AttendanceQuerySet(_PlaceScoped):
    """Sign-ups and check-ins: the resident's own, the place's staff, the firm."""

    community_path = "service_day__community"
    firm_path = "service_day__firm"

    def visible_to(self, user: Any) -> Self:
        p = get_principal(user)
        if p.is_superuser:
            return self.all()
        own = Q(user_id=p.user_id) if p.user_id else None
        firm = q_in("service_day__firm_id", p.ids(Role.FIRM_ADMIN))
        return filter_any(self, *self._region(p), firm, own)

    def editable_by(self, user: Any) -> Self:
        p = get_principal(user)
        if p.is_superuser:
            return self.all()
        return filter_any(self, Q(user_id=p.user_id) if p.user_id else None)


class MonthlyReportQuerySet(ScopedQuerySet):
    def visible_to(self, user: Any) -> Self:
        p = get_principal(user)
        if p.is_superuser:
            return self.all()
        return filter_any(
            self,
            q_in("street__district_id", p.ids(Role.BUREAU_ADMIN)),
            q_in("street_id", p.ids(Role.STREET_STAFF)),
            q_in("firm_id", p.ids(Role.FIRM_ADMIN)),
        )

    def editable_by(self, user: Any) -> Self:
        """The firm reviews, refreshes and submits its reports."""
        p = get_principal(user)
        if p.is_superuser:
            return self.all()
        return filter_any(self, q_in("firm_id", p.ids(Role.FIRM_ADMIN)))

    def reviewable_by(self, user: Any) -> Self:
        """The 司法所 of the street confirms or returns the reports sent to it."""
        p = get_principal(user)
        if p.is_superuser:
            return self.all()
        return filter_any(self, q_in("street_id", p.ids(Role.STREET_STAFF)))


class NoticeQuerySet(ScopedQuerySet):
    def visible_to(self, user: Any) -> Self:
        p = get_principal(user)
        if p.is_superuser:
            return self.all()
        return filter_any(
            self,
            q_in("district_id", p.ids(Role.BUREAU_ADMIN)),
            q_in("street_id", p.ids(Role.STREET_STAFF)),
            q_in("firm_id", p.ids(Role.FIRM_ADMIN)),
        )

    def open(self) -> NoticeQuerySet:
        return self.filter(resolved_at__isnull=True)


class MeetingQuerySet(ScopedQuerySet):
    def visible_to(self, user: Any) -> Self:
        p = get_principal(user)
        if p.is_superuser:
            return self.all()
        return filter_any(
            self,
            q_in("district_id", p.ids(Role.BUREAU_ADMIN)),
            q_in("street_id", p.ids(Role.STREET_STAFF)),
            q_in("firm_id", firm_ids(p)),
        )

    def editable_by(self, user: Any) -> Self:
        p = get_principal(user)
        if p.is_superuser:
            return self.all()
        return filter_any(
            self,
            q_in("district_id", p.ids(Role.BUREAU_ADMIN)),
            q_in("street_id", p.ids(Role.STREET_STAFF)),
            q_in("firm_id", p.ids(Role.FIRM_ADMIN)),
        )


class MeetingChildQuerySet(ScopedQuerySet):
    def visible_to(self, user: Any) -> Self:
        from visits.models import Meeting

        return self.filter(meeting__in=Meeting.objects.visible_to(user).values("pk"))

    def editable_by(self, user: Any) -> Self:
        from visits.models import Meeting

        return self.filter(meeting__in=Meeting.objects.editable_by(user).values("pk"))


def coverage_communities(user: Any) -> Any:
    """The communities whose coverage the user follows: the bureau its district, a
    司法所 its street, community staff their community, a firm its paired ones."""
    from pairing.models import Pairing
    from regions.models import Community

    p = get_principal(user)
    qs = Community.objects.filter(is_active=True)
    if p.is_superuser:
        return qs
    firms = firm_ids(p)
    paired = (
        Q(pk__in=Pairing.objects.active().filter(firm_id__in=sorted(firms)).values("community_id"))
        if firms
        else None
    )
    return filter_any(
        qs,  # type: ignore[arg-type]
        q_in("street__district_id", p.ids(Role.BUREAU_ADMIN)),
        q_in("street_id", p.ids(Role.STREET_STAFF)),
        q_in("pk", p.ids(Role.COMMUNITY_STAFF)),
        paired,
    )
