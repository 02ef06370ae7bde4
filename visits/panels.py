"""Workspace panels: what each role has to do about visits, service days and reports.
Registered in VisitsConfig.ready(); core renders them inside each role's card."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from core.scope import RoleBinding
from core.workspace import register_panel
from pairing.models import Pairing
from regions.models import Community
from visits import services
from visits.choices import ReportStatus, VisitStatus
from visits.coverage import community_coverage, roll_up
from visits.models import (
    MonthlyReport,
    Notice,
    ServiceDay,
    ServiceDaySignup,
    Visit,
    VisitPlan,
)

ROWS = 5


def _upcoming(**filters: Any) -> Any:
    return (
        ServiceDay.objects.published()
        .filter(date__gte=timezone.localdate(), **filters)
        .select_related("community")
        .order_by("date", "community__name")
    )


def lawyer_panel(request: Any, b: RoleBinding) -> dict[str, Any]:
    user = request.user
    mine = Visit.objects.visible_to(user).select_related("community")
    paired = Pairing.objects.active().filter(firm_id=b.parent_id).values("community_id")
    return {
        "recent": mine.order_by("-date", "-id")[:ROWS],
        "disputed": mine.filter(status=VisitStatus.DISPUTED, locked=False).count(),
        "days": _upcoming(community__in=paired)[:ROWS],
        "can_record": Pairing.objects.active().filter(firm_id=b.parent_id).exists(),
    }


def community_staff_panel(request: Any, b: RoleBinding) -> dict[str, Any]:
    pending = (
        Visit.objects.confirmable_by(request.user)
        .filter(community_id=b.object_id, status=VisitStatus.SUBMITTED, locked=False)
        .select_related("firm")
        .order_by("date")
    )
    day = _upcoming(community_id=b.object_id).annotate(signup_count=Count("signups")).first()
    return {"pending": pending[:ROWS], "pending_count": pending.count(), "day": day}


def _coverage(communities: Any) -> dict[str, Any]:
    rows = community_coverage(communities, timezone.localdate().year)
    _streets, total = roll_up(rows)
    return {"total": total, "behind": [r for r in rows if r.behind]}


def firm_admin_panel(request: Any, b: RoleBinding) -> dict[str, Any]:
    year = timezone.localdate().year
    paired = Pairing.objects.active().filter(firm_id=b.object_id)
    filed = VisitPlan.objects.current().filter(firm_id=b.object_id, year=year)
    reports = (
        MonthlyReport.objects.editable_by(request.user)
        .filter(firm_id=b.object_id, status__in=[ReportStatus.DRAFT, ReportStatus.RETURNED])
        .select_related("street")
        .order_by("month", "street__name")
    )
    return {
        "year": year,
        "plans_missing": paired.exclude(community_id__in=filed.values("community_id")).count(),
        "plans_filed": filed.count(),
        "reports": reports[:ROWS],
        "today": timezone.localdate(),
        "notices": Notice.objects.open()
        .visible_to(request.user)
        .filter(firm_id=b.object_id)[:ROWS],
        **_coverage(Community.objects.filter(pk__in=paired.values("community_id"))),
    }


def street_staff_panel(request: Any, b: RoleBinding) -> dict[str, Any]:
    to_review = (
        MonthlyReport.objects.reviewable_by(request.user)
        .filter(street_id=b.object_id, status=ReportStatus.SUBMITTED)
        .select_related("firm")
        .order_by("month")
    )
    return {
        "to_review": to_review[:ROWS],
        "review_count": to_review.count(),
        "late_count": MonthlyReport.objects.filter(street_id=b.object_id, is_late=True)
        .exclude(status=ReportStatus.CONFIRMED)
        .count(),
        **_coverage(Community.objects.filter(street_id=b.object_id, is_active=True)),
    }


def bureau_panel(request: Any, b: RoleBinding) -> dict[str, Any]:
    month = services.add_months(services.month_start(timezone.localdate()), -1)
    reports = MonthlyReport.objects.visible_to(request.user).filter(street__district_id=b.object_id)
    counts = reports.filter(month=month).aggregate(
        total=Count("pk"),
        confirmed=Count("pk", filter=Q(status=ReportStatus.CONFIRMED)),
        submitted=Count("pk", filter=Q(status=ReportStatus.SUBMITTED)),
    )
    late = (
        reports.filter(is_late=True)
        .exclude(status=ReportStatus.CONFIRMED)
        .select_related("firm", "street")
        .order_by("due_date")
    )
    return {
        "month": month,
        "counts": counts,
        "late": late[:ROWS],
        "late_count": late.count(),
        **_coverage(Community.objects.filter(street__district_id=b.object_id, is_active=True)),
    }


def resident_panel(request: Any, b: RoleBinding) -> dict[str, Any] | None:
    if not b.object_id:
        return None
    mine = ServiceDaySignup.objects.filter(service_day=OuterRef("pk"), user_id=request.user.pk)
    day = _upcoming(community_id=b.object_id).annotate(signed_up=Exists(mine)).first()
    return {"day": day, "signed_up": day is not None and day.signed_up}


def register() -> None:
    register_panel("lawyer", "visits/panels/lawyer.html", lawyer_panel, order=20)
    register_panel(
        "community_staff", "visits/panels/community_staff.html", community_staff_panel, order=20
    )
    register_panel("firm_admin", "visits/panels/firm_admin.html", firm_admin_panel, order=20)
    register_panel("street_staff", "visits/panels/street_staff.html", street_staff_panel, order=20)
    register_panel("bureau_admin", "visits/panels/bureau_admin.html", bureau_panel, order=20)
    register_panel("resident", "visits/panels/resident.html", resident_panel, order=20)
