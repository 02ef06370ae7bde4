"""Workspace panels (core.workspace): what each role sees of mediation on /workspace/.
Each panel runs a fixed number of aggregate queries."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from core.scope import RoleBinding
from mediation.choices import CaseStatus
from mediation.models import Case

PANEL_ROWS = 5


def _counts(cases: Any) -> dict[str, int]:
    now = timezone.now()
    return cases.aggregate(
        applied=Count("pk", filter=Q(status=CaseStatus.APPLIED)),
        in_progress=Count(
            "pk",
            filter=Q(status__in=[CaseStatus.ACCEPTED, CaseStatus.ASSIGNED, CaseStatus.MEDIATING]),
        ),
        overdue=Count("pk", filter=Q(closed_at__isnull=True, due_at__lt=now)),
        to_follow_up=Count("pk", filter=Q(status__in=[CaseStatus.AGREED, CaseStatus.FAILED])),
    )


def mediator_panel(request: Any, binding: RoleBinding) -> dict[str, Any]:
    """My cases by state, my overdue ones, and the organization's applications."""
    user = request.user
    mine = Case.objects.filter(organization_id=binding.object_id, mediators__user=user)
    by_status = dict(
        mine.values_list("status")
        .annotate(n=Count("pk"))
        .order_by("status")
        .values_list("status", "n")
    )
    labels = dict(CaseStatus.choices)
    return {
        "by_status": [(labels[s], by_status[s], s) for s in CaseStatus.values if s in by_status],
        "mine": _counts(mine),
        "org": _counts(Case.objects.filter(organization_id=binding.object_id)),
    }


def resident_panel(request: Any, binding: RoleBinding) -> dict[str, Any]:
    cases = Case.objects.visible_to(request.user).order_by("-applied_at", "-id")
    return {"cases": list(cases[:PANEL_ROWS])}


def lawyer_panel(request: Any, binding: RoleBinding) -> dict[str, Any] | None:
    cases = Case.objects.filter(lawyer_id=binding.object_id)
    counts = _counts(cases)
    counts["success"] = cases.filter(outcome="success").count()
    if not any(counts.values()):
        return None
    return {"counts": counts}


def street_panel(request: Any, binding: RoleBinding) -> dict[str, Any]:
    return {
        "counts": _counts(Case.objects.filter(street_id=binding.object_id)),
        "scope": "street",
    }


def bureau_panel(request: Any, binding: RoleBinding) -> dict[str, Any]:
    return {
        "counts": _counts(Case.objects.filter(district_id=binding.object_id)),
        "scope": "district",
    }


def community_panel(request: Any, binding: RoleBinding) -> dict[str, Any]:
    return {"counts": _counts(Case.objects.filter(community_id=binding.object_id))}
