"""Workspace panels: what each role has to do in online consultation."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from accounts.roles import Role
from consultations.choices import LIVE_ASSIGNMENT, QuestionStatus, SwapStatus
from consultations.models import DutyShift, DutySwapRequest, Notice, Question
from consultations.services import overdue_q
from core.scope import RoleBinding
from core.workspace import register_panel


def _counts(qs: Any) -> dict[str, int]:
    now = timezone.now()
    return qs.aggregate(
        open=Count("pk", filter=Q(status=QuestionStatus.OPEN)),
        overdue=Count("pk", filter=overdue_q(now)),
    )


def resident_panel(request: Any, binding: RoleBinding) -> dict[str, Any]:
    user = request.user
    mine = Question.objects.visible_to(user).filter(asker=user)
    return {
        "counts": _counts(mine),
        "recent": mine.select_related("category").order_by("-posted_at")[:3],
        "unread": Notice.objects.visible_to(user).unread().count(),  # type: ignore[attr-defined]
    }


def lawyer_panel(request: Any, binding: RoleBinding) -> dict[str, Any]:
    user = request.user
    live = Question.objects.assigned_to(user, LIVE_ASSIGNMENT).with_access(user)
    return {
        "counts": _counts(live),
        "pending_conflict": live.filter(my_status="pending").count(),
        "shift": DutyShift.objects.filter(
            lawyer_id=binding.object_id, date=timezone.localdate()
        ).first(),
        "unread": Notice.objects.visible_to(user).unread().count(),  # type: ignore[attr-defined]
    }


def staff_panel(request: Any, binding: RoleBinding) -> dict[str, Any]:
    field = {
        Role.COMMUNITY_STAFF: "community_id",
        Role.STREET_STAFF: "community__street_id",
        Role.BUREAU_ADMIN: "district_id",
        Role.FIRM_ADMIN: "assignments__lawyer__firm_id",
    }[Role(binding.role)]
    qs = Question.objects.visible_to(request.user).filter(**{field: binding.object_id})
    context: dict[str, Any] = {"counts": _counts(qs.distinct()), "role": binding.role}
    if binding.role == Role.BUREAU_ADMIN:
        context["pending_swaps"] = DutySwapRequest.objects.filter(
            status=SwapStatus.PENDING, shift__district_id=binding.object_id
        ).count()
    return context


def register() -> None:
    register_panel(Role.RESIDENT, "consultations/panels/resident.html", resident_panel, order=20)
    register_panel(Role.LAWYER, "consultations/panels/lawyer.html", lawyer_panel, order=20)
    for role in (Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.FIRM_ADMIN, Role.BUREAU_ADMIN):
        register_panel(role, "consultations/panels/staff.html", staff_panel, order=20)
