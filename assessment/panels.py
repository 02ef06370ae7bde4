"""Workspace panels: the ranking, appeals and subsidies each role deals with."""

from __future__ import annotations

from typing import Any

from accounts.roles import Role
from assessment.models import Appeal, MonthlyScore, RankingMonth, SubsidyPeriod
from assessment.querysets import street_firms
from core.scope import RoleBinding
from core.workspace import register_panel

ROWS = 8


def bureau_panel(request: Any, binding: RoleBinding) -> dict[str, Any] | None:
    months = RankingMonth.objects.editable_by(request.user).filter(district_id=binding.object_id)
    return {
        "district_id": binding.object_id,
        "latest": months.order_by("-month").first(),
        "open_appeals": Appeal.objects.editable_by(request.user)
        .filter(status="open", score__ranking__district_id=binding.object_id)
        .count(),
        "open_periods": SubsidyPeriod.objects.editable_by(request.user)
        .filter(district_id=binding.object_id, status="open")
        .count(),
    }


def street_panel(request: Any, binding: RoleBinding) -> dict[str, Any] | None:
    latest = (
        RankingMonth.objects.visible_to(request.user)
        .filter(status="published", district_id=binding.district_id)
        .order_by("-month")
        .first()
    )
    scores = []
    if latest is not None:
        scores = list(
            MonthlyScore.objects.visible_to(request.user)
            .filter(ranking=latest, firm_id__in=street_firms({binding.object_id}))
            .select_related("firm")
            .order_by("rank", "firm__name")[:ROWS]
        )
    return {"latest": latest, "scores": scores, "street_id": binding.object_id}


def firm_panel(request: Any, binding: RoleBinding) -> dict[str, Any] | None:
    score = (
        MonthlyScore.objects.visible_to(request.user)
        .filter(firm_id=binding.object_id)
        .select_related("ranking")
        .order_by("-ranking__month")
        .first()
    )
    return {"score": score, "firm_id": binding.object_id}


def register() -> None:
    register_panel(Role.BUREAU_ADMIN, "assessment/panels/bureau.html", bureau_panel, order=60)
    register_panel(Role.STREET_STAFF, "assessment/panels/street.html", street_panel, order=60)
    register_panel(Role.FIRM_ADMIN, "assessment/panels/firm.html", firm_panel, order=60)
