"""The dashboards of the bureau (a district), a 司法所 (a street) and a firm: coverage,
visits, replies on time, mediation outcomes, points, and the ranking over a year.

Each chart is one or two grouped SQL queries, whatever the amount of data; a chart is
a dict the page draws with ECharts and also shows as a table."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Avg, Count, F, Max, Min, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from assessment.models import MonthlyScore
from assessment.querysets import street_firms
from consultations.models import Question, QuestionAssignment
from firms.models import LawFirm
from mediation.choices import Outcome
from mediation.models import Case
from pairing.models import Pairing
from points.choices import EntryKind
from points.models import LedgerMonth
from regions.models import Community, District, Street
from visits.coverage import community_coverage, roll_up
from visits.models import PlanMonth, VisitMonth

MONTHS = [f"{m}月" for m in range(1, 13)]


@dataclass(frozen=True)
class Scope:
    """What a dashboard covers: a district, a street or a firm."""

    district: District
    street: Street | None = None
    firm: LawFirm | None = None

    @property
    def title(self) -> str:
        if self.firm is not None:
            return self.firm.name
        if self.street is not None:
            return self.street.office_name or self.street.name
        return f"{self.district.name}司法局"

    def where(self, district: str, street: str, firm: str) -> Q:
        """The scope as a filter, given each level's lookup on the model at hand."""
        if self.firm is not None:
            return Q(**{firm: self.firm.pk})
        if self.street is not None:
            return Q(**{street: self.street.pk})
        return Q(**{district: self.district.pk})


def _monthly(rows: Any, *names: str) -> dict[str, list[float]]:
    """{name: [12 monthly values]} from rows with a ``m`` (month) and the names."""
    result = {name: [0.0] * 12 for name in names}
    for row in rows:
        index = row["m"].month - 1
        for name in names:
            result[name][index] = float(row[name] or 0)
    return result


def chart(
    categories: list[str], series: Mapping[str, Sequence[float | None]], **options: Any
) -> dict[str, Any]:
    return {
        "categories": categories,
        "series": [{"name": name, "data": data} for name, data in series.items()],
        **options,
    }


def _communities(scope: Scope) -> QuerySet[Community]:
    qs = Community.objects.filter(is_active=True, street__district=scope.district)
    if scope.firm is not None:
        paired = Pairing.objects.active().filter(firm=scope.firm).values("community_id")
        return qs.filter(pk__in=paired)
    if scope.street is not None:
        return qs.filter(street=scope.street)
    return qs


def coverage(scope: Scope, year: int, today: date) -> dict[str, Any]:
    rows = community_coverage(_communities(scope), year, today=today)
    if scope.street is None and scope.firm is None:
        rows, _total = roll_up(rows)
    return chart(
        [r.name for r in rows],
        {
            "覆盖率（%）": [r.rate for r in rows],
            "完成计划进度（%）": [min(r.plan_rate, 100) for r in rows],
        },
        max=100,
        unit="%",
    )


def visits(scope: Scope, year: int) -> dict[str, Any]:
    done = (  # the roll-up of the confirmed visits (visits.VisitMonth), not the visits
        VisitMonth.objects.filter(
            scope.where("community__street__district", "community__street", "firm")
        )
        .filter(month__gte=date(year, 1, 1), month__lte=date(year, 12, 1))
        .values(m=F("month"))
        .annotate(n=Sum("visits"))
        .order_by("m")
    )
    plan = (
        PlanMonth.objects.filter(
            scope.where(
                "plan__community__street__district", "plan__community__street", "plan__firm"
            )
        )
        .filter(plan__is_current=True, plan__year=year)
        .values("month")
        .annotate(n=Sum("visits"))
        .order_by("month")
    )
    planned = [0.0] * 12
    for row in plan:
        planned[row["month"] - 1] = float(row["n"] or 0)
    return chart(MONTHS, {"计划走访（次）": planned, "已确认走访（次）": _monthly(done, "n")["n"]})


def replies(scope: Scope, year: int, now: Any) -> dict[str, Any]:
    questions = Question.objects.filter(reply_deadline__year=year, reply_deadline__lte=now)
    on_time = Q(deadline_met=True)
    if scope.firm is not None:
        assigned = QuestionAssignment.objects.filter(lawyer__firm=scope.firm).values("question_id")
        questions = questions.filter(Q(pk__in=assigned) | Q(first_reply_lawyer__firm=scope.firm))
        on_time &= Q(first_reply_lawyer__firm=scope.firm)
    elif scope.street is not None:
        questions = questions.filter(community__street=scope.street)
    else:
        questions = questions.filter(district=scope.district)
    rows = _monthly(
        questions.annotate(m=TruncMonth("reply_deadline"))
        .values("m")
        .annotate(total=Count("pk"), on_time=Count("pk", filter=on_time))
        .order_by("m"),
        "total",
        "on_time",
    )
    rate = [
        round(100 * o / t, 1) if t else None  # nothing due: no point on the line
        for o, t in zip(rows["on_time"], rows["total"], strict=True)
    ]
    return chart(
        MONTHS,
        {
            "到期咨询（件）": rows["total"],
            "按时答复（件）": rows["on_time"],
            "按时答复率（%）": rate,
        },
        rate_series=2,
    )


def mediation(scope: Scope, year: int) -> dict[str, Any]:
    rows = _monthly(
        Case.objects.filter(scope.where("district", "street", "lawyer__firm"))
        .filter(closed_at__year=year, outcome__in=[Outcome.SUCCESS, Outcome.FAILURE])
        .annotate(m=TruncMonth("closed_at"))
        .values("m")
        .annotate(
            success=Count("pk", filter=Q(outcome=Outcome.SUCCESS)),
            failure=Count("pk", filter=Q(outcome=Outcome.FAILURE)),
        )
        .order_by("m"),
        "success",
        "failure",
    )
    return chart(
        MONTHS, {"调解成功（件）": rows["success"], "未达成协议（件）": rows["failure"]}, stack=True
    )


def points(scope: Scope, year: int) -> dict[str, Any]:
    """Points earned and redeemed by month, from the ledger's roll-up (points.LedgerMonth:
    a street's are its residents' when the entries were written)."""
    rows = _monthly(
        LedgerMonth.objects.filter(month__gte=date(year, 1, 1), month__lte=date(year, 12, 1))
        .filter(scope.where("district_id", "street_id", "firm_id"))
        .values(m=F("month"))
        .annotate(
            # Issued as the points pages count it (points.services): earned, and added
            # by hand (a month's net adjustment of a street and firm, when positive).
            earned=Sum(
                "amount", filter=Q(kind=EntryKind.EARN) | Q(kind=EntryKind.ADJUST, amount__gt=0)
            ),
            redeemed=Sum("amount", filter=Q(kind=EntryKind.REDEEM)),
        )
        .order_by("m"),
        "earned",
        "redeemed",
    )
    redeemed = [-v for v in rows["redeemed"]]
    if scope.firm is not None:
        return chart(MONTHS, {"在本所兑换的积分": redeemed})
    return chart(MONTHS, {"发放积分": rows["earned"], "兑换积分": redeemed})


def ranking(scope: Scope, year: int) -> dict[str, Any]:
    scores = MonthlyScore.objects.filter(
        ranking__status="published",
        ranking__month__year=year,
        ranking__district=scope.district,
    )
    if scope.firm is not None:
        rows = scores.filter(firm=scope.firm).values("ranking__month", "total", "rank")
        total: list[float | None] = [None] * 12
        rank: list[float | None] = [None] * 12
        for r in rows:
            total[r["ranking__month"].month - 1] = float(r["total"])
            rank[r["ranking__month"].month - 1] = r["rank"]
        return chart(MONTHS, {"总分": total, "名次": rank}, kind="line", max=100, rank_series=1)
    if scope.street is not None:
        series: dict[str, list[float | None]] = {}
        rows = (
            scores.filter(firm__in=street_firms({scope.street.pk}))
            .values("ranking__month", "firm__name", "total")
            .order_by("firm__name")
        )
        for r in rows:
            line = series.setdefault(r["firm__name"], [None] * 12)
            line[r["ranking__month"].month - 1] = float(r["total"])
        return chart(MONTHS, series, kind="line", max=100)  # type: ignore[arg-type]
    rows = (
        scores.values("ranking__month")
        .annotate(avg=Avg("total"), top=Max("total"), low=Min("total"))
        .order_by("ranking__month")
    )
    lines: dict[str, list[float | None]] = {
        "最高分": [None] * 12,
        "平均分": [None] * 12,
        "最低分": [None] * 12,
    }
    for r in rows:
        i = r["ranking__month"].month - 1
        lines["最高分"][i], lines["平均分"][i] = float(r["top"]), round(float(r["avg"]), 2)
        lines["最低分"][i] = float(r["low"])
    return chart(MONTHS, lines, kind="line", max=100)  # type: ignore[arg-type]


def build(scope: Scope, year: int) -> dict[str, dict[str, Any]]:
    now = timezone.now()
    return {
        "coverage": coverage(scope, year, timezone.localdate(now)),
        "visits": visits(scope, year),
        "replies": replies(scope, year, now),
        "mediation": mediation(scope, year),
        "points": points(scope, year),
        "ranking": ranking(scope, year),
    }
