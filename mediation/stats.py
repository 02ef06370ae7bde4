"""Statistics for the bureau and each 司法所: SQL aggregates over the cases in scope
(a fixed number of queries, whatever the number of cases)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Avg, Count, Exists, OuterRef, Q, QuerySet, Sum

from mediation.choices import CaseStatus, DisputeCategory, OrgKind, OrgLevel, Outcome
from mediation.models import Case, Party

IN_PROGRESS = (CaseStatus.ACCEPTED, CaseStatus.ASSIGNED, CaseStatus.MEDIATING)
DURATION_BUCKETS = (
    ("≤7 天", 0, 7),
    ("8–15 天", 8, 15),
    ("16–30 天", 16, 30),
    ("30 天以上", 31, None),
)


def _counts() -> dict[str, Any]:
    return {
        "total": Count("pk"),
        "success": Count("pk", filter=Q(outcome=Outcome.SUCCESS)),
        "failure": Count("pk", filter=Q(outcome=Outcome.FAILURE)),
        "avg_days": Avg("duration_days"),
        "avg_trips": Avg("trips"),
    }


def _rate(success: int, failure: int) -> float | None:
    done = success + failure
    return round(100 * success / done, 1) if done else None


def statistics(cases: QuerySet[Case], *, now: datetime) -> dict[str, Any]:
    """Totals, outcomes, duration buckets and trips; rows by organization and by
    category; lawyers' successful mediations (the basis of their subsidy)."""
    duration = {
        f"d{i}": Count(
            "pk",
            filter=Q(duration_days__gte=lo) & (Q(duration_days__lte=hi) if hi else Q()),
        )
        for i, (_label, lo, hi) in enumerate(DURATION_BUCKETS)
    }
    many_trips = Exists(Party.objects.filter(case=OuterRef("pk"), trips__gt=1))
    totals = cases.annotate(many_trips=many_trips).aggregate(
        **_counts(),
        applied=Count("pk", filter=Q(status=CaseStatus.APPLIED)),
        declined=Count("pk", filter=Q(status=CaseStatus.DECLINED)),
        in_progress=Count("pk", filter=Q(status__in=IN_PROGRESS)),
        overdue=Count("pk", filter=Q(closed_at__isnull=True, due_at__lt=now)),
        deadline_met=Count("pk", filter=Q(deadline_met=True)),
        trips=Sum("trips"),
        at_most_once=Count("pk", filter=Q(many_trips=False)),
        **duration,
    )
    totals["success_rate"] = _rate(totals["success"], totals["failure"])
    totals["duration"] = [
        (label, totals.pop(f"d{i}")) for i, (label, _lo, _hi) in enumerate(DURATION_BUCKETS)
    ]
    kinds, levels = dict(OrgKind.choices), dict(OrgLevel.choices)
    by_org = list(
        cases.filter(organization__isnull=False)
        .values(
            "organization_id", "organization__name", "organization__kind", "organization__level"
        )
        .annotate(**_counts())
        .order_by("-total", "organization__name")
    )
    for row in by_org:
        row["kind_label"] = kinds.get(row["organization__kind"], "")
        row["level_label"] = levels.get(row["organization__level"], "")
        row["success_rate"] = _rate(row["success"], row["failure"])
    categories = dict(DisputeCategory.choices)
    by_category = list(
        cases.values("category").annotate(**_counts()).order_by("-total", "category")
    )
    for row in by_category:
        row["label"] = categories.get(row["category"], row["category"])
        row["success_rate"] = _rate(row["success"], row["failure"])
    lawyers = list(
        cases.filter(outcome=Outcome.SUCCESS, lawyer__isnull=False)
        .values("lawyer_id", "lawyer__name", "lawyer__firm__name")
        .annotate(successes=Count("pk"))
        .order_by("-successes", "lawyer__name")
    )
    return {"totals": totals, "by_org": by_org, "by_category": by_category, "lawyers": lawyers}
