"""The bureau's consultation board: per firm, how its lawyers kept the reply deadline."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from consultations.choices import AssignmentReason, AssignmentStatus
from consultations.models import QuestionAssignment
from regions.models import District


def month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    start = datetime(year, month, 1, tzinfo=tz)
    end = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=tz)
    return start, end


def firm_rates(district: District, year: int, month: int, now: datetime) -> list[dict[str, Any]]:
    """Per firm, for the questions posted in the month and routed to its lawyers (not
    as an escalation, and not declined for a conflict): answered on time, late, and
    still unanswered past the deadline; the on-time rate over those three."""
    start, end = month_bounds(year, month)
    rows = (
        QuestionAssignment.objects.filter(
            question__district=district, question__posted_at__gte=start, question__posted_at__lt=end
        )
        .exclude(reason=AssignmentReason.ESCALATED)
        .exclude(status=AssignmentStatus.DECLINED)
        .values("lawyer__firm_id", "lawyer__firm__name")
        .annotate(
            total=Count("question", distinct=True),
            on_time=Count("question", filter=Q(question__deadline_met=True), distinct=True),
            late=Count("question", filter=Q(question__deadline_met=False), distinct=True),
            overdue=Count(
                "question",
                filter=Q(question__first_replied_at__isnull=True, question__reply_deadline__lt=now),
                distinct=True,
            ),
        )
        .order_by("lawyer__firm__name")
    )
    result = []
    for row in rows:
        due = row["on_time"] + row["late"] + row["overdue"]
        row["rate"] = round(100 * row["on_time"] / due, 1) if due else None
        result.append(row)
    return result
