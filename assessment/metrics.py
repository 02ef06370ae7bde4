"""The monthly metrics: what each measures, how (one grouped SQL query for all the
district's firms: their records of the month, GROUP BY firm), and the records behind
it (the evidence).

Every metric is a numerator and a denominator per firm; its value is 100 × n / d,
capped at 100 (coverage compares with the share of the year gone by; mediation
compares with the firm with the most successes). A firm with nothing to count on a
metric (no question due, no shift ...) is not scored on it: its total is the weighted
mean of the metrics it has. The evidence rows of a metric add up to its numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.utils import timezone

from assessment.choices import Metric
from consultations.choices import AssignmentStatus, ShiftStatus
from consultations.models import DutyShift, Question, QuestionAssignment
from firms.models import LawFirm
from mediation.choices import DisputeCategory, Outcome
from mediation.models import Case
from pairing.models import Pairing
from visits.choices import ServiceDayStatus, VisitKind, VisitStatus
from visits.models import PlanMonth, ServiceDay, Visit, VisitMonth

HUNDRED = Decimal(100)
CENT = Decimal("0.01")
ZERO = Decimal(0)
ONE = Decimal(1)
LIVE_ASSIGNMENTS = (AssignmentStatus.PENDING, AssignmentStatus.ACTIVE)


def q2(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def add_months(day: date, n: int) -> date:
    index = day.year * 12 + day.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Month:
    """One month of one district (or of several, measured together by
    assessment.services.compute_months), with its bounds as dates and as local times."""

    district_id: int
    first: date
    more_districts: tuple[int, ...] = ()

    @property
    def district_ids(self) -> list[int]:
        return [self.district_id, *self.more_districts]

    @property
    def next_first(self) -> date:
        return add_months(self.first, 1)

    @property
    def last(self) -> date:
        return self.next_first - timedelta(days=1)

    @property
    def year_start(self) -> date:
        return self.first.replace(month=1)

    @property
    def start(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.first, time.min))

    @property
    def end(self) -> datetime:
        """Exclusive: the first moment of the next month."""
        return timezone.make_aware(datetime.combine(self.next_first, time.min))


@dataclass(frozen=True)
class Evidence:
    """One record behind a firm's metric, and what it adds to the numbers."""

    firm_id: int
    kind: str
    object_id: int | None
    day: date | None
    label: str
    numerator: Decimal
    denominator: Decimal
    note: str = ""


def _paired_at_end(m: Month, prefix: str = "") -> Q:
    return Q(**{f"{prefix}start_date__lte": m.last}) & (
        Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": m.last})
    )


def ranked_firms(m: Month) -> QuerySet[LawFirm]:
    """The firms of the district paired with a community at some time in the month."""
    paired = Pairing.objects.filter(start_date__lte=m.last).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=m.first)
    )
    return LawFirm.objects.filter(
        district_id__in=m.district_ids, pk__in=paired.values("firm_id")
    ).order_by("name", "pk")


# --- the measures: each one grouped query over the firms' records --------------------------
#
# A measure returns rows (firm_id, num, den) for the given firms, GROUP BY firm; a firm
# may have several rows (the parts of a UNION ALL), which add up; a firm without any
# row has 0 / 0.


def _zero() -> Value:
    return Value(0, output_field=IntegerField())


def _confirmed_visits(m: Month, firm_ids: list[int]) -> QuerySet:
    """The firms' confirmed visits of the month (the visits metric and its evidence)."""
    return Visit.objects.filter(
        firm_id__in=firm_ids, status=VisitStatus.CONFIRMED, date__gte=m.first, date__lte=m.last
    )


def _visits(m: Month, firm_ids: list[int]) -> QuerySet:
    """The firms' confirmed visits of the month (the roll-up visits.VisitMonth) against
    their plans' visits for the month."""
    done = (
        VisitMonth.objects.filter(firm_id__in=firm_ids, month=m.first)
        .order_by()
        .values("firm_id")
        .annotate(num=Sum("visits"), den=_zero())
        .values_list("firm_id", "num", "den")
    )
    plan = (
        PlanMonth.objects.filter(
            plan__firm_id__in=firm_ids,
            plan__is_current=True,
            plan__year=m.first.year,
            month=m.first.month,
        )
        .order_by()
        .values("plan__firm_id")
        .annotate(num=_zero(), den=Sum("visits"))
        .values_list("plan__firm_id", "num", "den")
    )
    return done.union(plan, all=True)


def _reached(m: Month, firm_ids: list[int]) -> QuerySet:
    """The firms' months from January to this one (the roll-up visits.VisitMonth, whose
    ``households`` are the households first reached in the year that month) in the
    communities each firm is paired with at the end of the month."""
    paired = Pairing.objects.filter(
        _paired_at_end(m), community_id=OuterRef("community_id"), firm_id=OuterRef("firm_id")
    )
    return VisitMonth.objects.filter(
        Exists(paired), firm_id__in=firm_ids, month__gte=m.year_start, month__lte=m.first
    ).order_by()


def _coverage(m: Month, firm_ids: list[int]) -> QuerySet:
    """Households reached in the year, each counted once per firm, in the communities
    the firm is paired with at the end of the month; their households."""
    reached = (
        _reached(m, firm_ids)
        .values("firm_id")
        .annotate(num=Sum("households"), den=_zero())
        .values_list("firm_id", "num", "den")
    )
    homes = (
        Pairing.objects.filter(_paired_at_end(m), firm_id__in=firm_ids)
        .order_by()
        .values("firm_id")
        .annotate(num=_zero(), den=Sum("community__households"))
        .values_list("firm_id", "num", "den")
    )
    return reached.union(homes, all=True)


def _due_questions(m: Month) -> QuerySet:
    return Question.objects.filter(
        district_id__in=m.district_ids, reply_deadline__gte=m.start, reply_deadline__lt=m.end
    )


def _replies(m: Month, firm_ids: list[int]) -> QuerySet:
    """Questions due in the month that were routed to the firm (or that it answered),
    less those another firm answered in time; on time: answered in time by the firm.

    Two disjoint parts, each a plain grouped query: the questions the firm's lawyers
    answered first (routed to it or not), and those routed to the firm (a live
    assignment to one of its lawyers) that it did not answer and nobody answered in
    time."""
    answered = (
        _due_questions(m)
        .filter(first_reply_lawyer__firm_id__in=firm_ids)
        .order_by()
        .values("first_reply_lawyer__firm_id")
        .annotate(num=Count("pk", filter=Q(deadline_met=True)), den=Count("pk"))
        .values_list("first_reply_lawyer__firm_id", "num", "den")
    )
    missed = (
        QuestionAssignment.objects.filter(
            status__in=LIVE_ASSIGNMENTS,
            lawyer__firm_id__in=firm_ids,
            question__district_id__in=m.district_ids,
            question__reply_deadline__gte=m.start,
            question__reply_deadline__lt=m.end,
        )
        .filter(Q(question__deadline_met__isnull=True) | Q(question__deadline_met=False))
        .filter(
            Q(question__first_reply_lawyer__isnull=True)
            | ~Q(question__first_reply_lawyer__firm_id=F("lawyer__firm_id"))
        )
        .order_by()
        .values("lawyer__firm_id")
        .annotate(num=_zero(), den=Count("question_id", distinct=True))
        .values_list("lawyer__firm_id", "num", "den")
    )
    return answered.union(missed, all=True)


def _rated(m: Month) -> QuerySet:
    return Question.objects.filter(
        district_id__in=m.district_ids,
        closed_at__gte=m.start,
        closed_at__lt=m.end,
        rating__isnull=False,
    )


def _satisfaction(m: Month, firm_ids: list[int]) -> QuerySet:
    return (
        _rated(m)
        .filter(first_reply_lawyer__firm_id__in=firm_ids)
        .order_by()
        .values("first_reply_lawyer__firm_id")
        .annotate(num=Sum("rating"), den=Count("pk") * 5)
        .values_list("first_reply_lawyer__firm_id", "num", "den")
    )


def _service_days(m: Month, firm_ids: list[int]) -> QuerySet:
    return (
        ServiceDay.objects.filter(firm_id__in=firm_ids, month=m.first)
        .exclude(status=ServiceDayStatus.CANCELLED)
        .order_by()
        .values("firm_id")
        .annotate(num=Count("pk", filter=Q(status=ServiceDayStatus.HELD)), den=Count("pk"))
        .values_list("firm_id", "num", "den")
    )


def _successes(m: Month) -> QuerySet:
    return Case.objects.filter(
        district_id__in=m.district_ids,
        outcome=Outcome.SUCCESS,
        closed_at__gte=m.start,
        closed_at__lt=m.end,
        lawyer__isnull=False,
    )


def _mediation(m: Month, firm_ids: list[int]) -> QuerySet:
    """Successes only; the denominator (the most successes of any firm) is set after."""
    return (
        _successes(m)
        .filter(lawyer__firm_id__in=firm_ids)
        .order_by()
        .values("lawyer__firm_id")
        .annotate(num=Count("pk"), den=_zero())
        .values_list("lawyer__firm_id", "num", "den")
    )


def _shifts(m: Month) -> QuerySet:
    return DutyShift.objects.filter(
        district_id__in=m.district_ids, date__gte=m.first, date__lte=m.last
    )


def _duty(m: Month, firm_ids: list[int]) -> QuerySet:
    done = Q(checked_in_at__isnull=False, checked_out_at__isnull=False)
    return (
        _shifts(m)
        .filter(lawyer__firm_id__in=firm_ids)
        .order_by()
        .values("lawyer__firm_id")
        .annotate(num=Count("pk", filter=done), den=Count("pk"))
        .values_list("lawyer__firm_id", "num", "den")
    )


# --- evidence: the records behind the numbers, for a set of firms ------------------------------


def _local(value: datetime | None) -> str:
    return timezone.localtime(value).strftime("%m-%d %H:%M") if value else ""


def _labels(choices: Iterable[tuple[Any, Any]]) -> dict[str, str]:
    """Choice labels, for records read as values (get_FOO_display per row costs more
    than the rest of the row)."""
    return {str(k): str(v) for k, v in choices}


def _visits_evidence(m: Month, firm_ids: list[int]) -> Iterable[Evidence]:
    visits = (
        _confirmed_visits(m, firm_ids)
        .order_by("date", "pk")
        .values_list("pk", "firm_id", "date", "community__name", "kind")
    )
    kinds = _labels(VisitKind.choices)
    for pk, firm_id, day, community, kind in visits:
        yield Evidence(firm_id, "visit", pk, day, f"{community} {kinds.get(kind, kind)}", ONE, ZERO)
    months = PlanMonth.objects.filter(
        plan__firm_id__in=firm_ids,
        plan__is_current=True,
        plan__year=m.first.year,
        month=m.first.month,
    ).values_list("plan_id", "plan__firm_id", "plan__community__name", "visits")
    for plan_id, firm_id, community, target in months:
        yield Evidence(
            firm_id,
            "plan",
            plan_id,
            None,
            f"{community} {m.first.month} 月计划走访 {target} 次",
            ZERO,
            Decimal(target),
        )


def _coverage_evidence(m: Month, firm_ids: list[int]) -> Iterable[Evidence]:
    reached = {
        (firm_id, community_id): n
        for firm_id, community_id, n in _reached(m, firm_ids)
        .values("firm_id", "community_id")
        .annotate(n=Sum("households"))
        .values_list("firm_id", "community_id", "n")
    }
    rows = (
        Pairing.objects.filter(_paired_at_end(m), firm_id__in=firm_ids)
        .values_list("firm_id", "community_id", "community__name", "community__households")
        .order_by("community__name")
    )
    for firm_id, community_id, name, households in rows:
        reached_count = reached.get((firm_id, community_id), 0)
        yield Evidence(
            firm_id,
            "community",
            community_id,
            None,
            f"{name}：1 月至今覆盖 {reached_count} 户 / 共 {households} 户",
            Decimal(reached_count),
            Decimal(households),
        )


def _replies_evidence(m: Month, firm_ids: list[int]) -> Iterable[Evidence]:
    routed: dict[int, set[int]] = {}
    for question_id, firm_id in QuestionAssignment.objects.filter(
        question__in=_due_questions(m),
        lawyer__firm_id__in=firm_ids,
        status__in=LIVE_ASSIGNMENTS,
    ).values_list("question_id", "lawyer__firm_id"):
        routed.setdefault(question_id, set()).add(firm_id)
    questions = (
        _due_questions(m)
        .filter(Q(pk__in=list(routed)) | Q(first_reply_lawyer__firm_id__in=firm_ids))
        .values_list(
            "pk",
            "case_number",
            "reply_deadline",
            "first_replied_at",
            "deadline_met",
            "first_reply_lawyer__firm_id",
        )
        .order_by("reply_deadline", "pk")
    )
    wanted = set(firm_ids)
    for pk, number, deadline, replied, met, by in questions:
        firms = routed.get(pk, set()) | ({by} & wanted)
        for firm_id in sorted(firms):
            if met and by != firm_id:
                continue  # another firm answered in time: nobody was left waiting
            on_time = bool(met and by == firm_id)
            note = "按时答复" if on_time else ("超时答复" if replied else "未答复")
            yield Evidence(
                firm_id,
                "question",
                pk,
                timezone.localdate(deadline),
                f"{number}（答复时限 {_local(deadline)}）",
                Decimal(int(on_time)),
                Decimal(1),
                note,
            )


def _satisfaction_evidence(m: Month, firm_ids: list[int]) -> Iterable[Evidence]:
    rated = (
        _rated(m)
        .filter(first_reply_lawyer__firm_id__in=firm_ids)
        .values_list("pk", "case_number", "closed_at", "rating", "first_reply_lawyer__firm_id")
        .order_by("closed_at", "pk")
    )
    for pk, number, closed, rating, firm_id in rated:
        yield Evidence(
            firm_id,
            "question",
            pk,
            timezone.localdate(closed),
            f"{number} 居民评分 {rating} 分",
            Decimal(rating),
            Decimal(5),
        )


def _service_days_evidence(m: Month, firm_ids: list[int]) -> Iterable[Evidence]:
    days = (
        ServiceDay.objects.filter(firm_id__in=firm_ids, month=m.first)
        .exclude(status=ServiceDayStatus.CANCELLED)
        .order_by("date", "pk")
        .values_list("pk", "firm_id", "date", "community__name", "status")
    )
    statuses = _labels(ServiceDayStatus.choices)
    for pk, firm_id, day, community, status in days:
        yield Evidence(
            firm_id or 0,
            "service_day",
            pk,
            day,
            f"{community} 服务日",
            ONE if status == ServiceDayStatus.HELD else ZERO,
            ONE,
            statuses.get(status, status),
        )


def _mediation_evidence(m: Month, firm_ids: list[int]) -> Iterable[Evidence]:
    cases = (
        _successes(m)
        .filter(lawyer__firm_id__in=firm_ids)
        .values_list(
            "pk", "case_number", "closed_at", "category", "lawyer__name", "lawyer__firm_id"
        )
        .order_by("closed_at", "pk")
    )
    labels = dict(DisputeCategory.choices)
    for pk, number, closed, category, lawyer, firm_id in cases:
        yield Evidence(
            firm_id,
            "case",
            pk,
            timezone.localdate(closed),
            f"{number} {labels.get(category, category)}（{lawyer}）",
            Decimal(1),
            ZERO,
            "调解成功",
        )


def _duty_evidence(m: Month, firm_ids: list[int]) -> Iterable[Evidence]:
    shifts = (
        _shifts(m)
        .filter(lawyer__firm_id__in=firm_ids)
        .order_by("date", "pk")
        .values_list(
            "pk", "lawyer__firm_id", "date", "lawyer__name", "status", "checked_in_at",
            "checked_out_at",
        )
    )  # fmt: skip
    statuses = _labels(ShiftStatus.choices)
    for pk, firm_id, day, lawyer, status, checked_in, checked_out in shifts:
        yield Evidence(
            firm_id,
            "shift",
            pk,
            day,
            f"{lawyer} 值班",
            ONE if checked_in is not None and checked_out is not None else ZERO,
            ONE,
            statuses.get(status, status),
        )


# --- the definitions ------------------------------------------------------------------------


@dataclass(frozen=True)
class Definition:
    metric: Metric
    rule: str  # how the value is computed, as the pages explain it
    numerator: str
    denominator: str
    # Rows (firm_id, numerator, denominator) of the given firms; a firm's rows add up.
    measure: Callable[[Month, list[int]], QuerySet]
    evidence: Callable[[Month, list[int]], Iterable[Evidence]]
    # The value when the denominator is 0: None means "not scored on this metric".
    when_empty: Callable[[Decimal], Decimal | None] = lambda num: None

    @property
    def label(self) -> str:
        return str(self.metric.label)


DEFINITIONS: dict[str, Definition] = {
    d.metric.value: d
    for d in (
        Definition(
            Metric.VISITS,
            "当月已确认的走访次数 ÷ 当月计划走访次数"
            "（未填报计划的，有走访计 100 分，无走访计 0 分）",
            "已确认走访（次）",
            "计划走访（次）",
            _visits,
            _visits_evidence,
            when_empty=lambda num: HUNDRED if num > 0 else ZERO,
        ),
        Definition(
            Metric.COVERAGE,
            "1 月至当月末累计走访覆盖的住户 ÷（月末结对社区总户数 × 当月月份 / 12），"
            "即按全年全覆盖的进度计",
            "累计覆盖住户（户）",
            "结对社区住户（户）",
            _coverage,
            _coverage_evidence,
        ),
        Definition(
            Metric.REPLIES,
            "答复时限在当月、分派给本所律师的咨询中，本所律师按时答复的比例（他所律师已按时答复的不计）",
            "按时答复（件）",
            "应答复咨询（件）",
            _replies,
            _replies_evidence,
        ),
        Definition(
            Metric.SATISFACTION,
            "当月居民对本所律师解答的评分之和 ÷（评价数 × 5 分）",
            "评分合计（分）",
            "满分合计（分）",
            _satisfaction,
            _satisfaction_evidence,
        ),
        Definition(
            Metric.SERVICE_DAYS,
            "本所结对社区当月服务日中已举行的比例（社区取消的不计）",
            "已举行（次）",
            "应举行（次）",
            _service_days,
            _service_days_evidence,
        ),
        Definition(
            Metric.MEDIATION,
            "本所律师参与并调解成功的案件数 ÷ 当月全区律所中的最多件数",
            "调解成功（件）",
            "全区最多（件）",
            _mediation,
            _mediation_evidence,
        ),
        Definition(
            Metric.DUTY,
            "本所律师当月值班中已签到并签退的比例",
            "签到签退（班次）",
            "排班（班次）",
            _duty,
            _duty_evidence,
        ),
    )
}


def value_of(metric: str, numerator: Decimal, denominator: Decimal, m: Month) -> Decimal | None:
    """A metric's value (0–100) from its numbers, or None if it is not scored."""
    if metric == Metric.COVERAGE:
        denominator = denominator * m.first.month / 12
    if denominator <= 0:
        return DEFINITIONS[metric].when_empty(numerator)
    return q2(min(HUNDRED, HUNDRED * numerator / denominator))


def total_of(values: dict[str, Decimal | None], weights: dict[str, int]) -> Decimal:
    """The weighted mean of the scored metrics (0 if none is scored)."""
    scored = {k: v for k, v in values.items() if v is not None and weights.get(k, 0) > 0}
    weight = sum(weights[k] for k in scored)
    if not weight:
        return q2(ZERO)
    return q2(sum((weights[k] * v for k, v in scored.items()), ZERO) / weight)


def ranks(totals: dict[Any, Decimal]) -> dict[Any, int]:
    """Competition ranking (1, 2, 2, 4): equal totals share a rank."""
    ordered = sorted(totals.values(), reverse=True)
    return {key: ordered.index(total) + 1 for key, total in totals.items()}


def firm_districts(m: Month) -> dict[int, int]:
    """The firms ranked in the month (of its districts), with their district."""
    return dict(ranked_firms(m).values_list("pk", "district_id"))


def measure(
    m: Month, metrics: Iterable[str], firms: dict[int, int] | None = None
) -> dict[int, dict[str, tuple[Decimal, Decimal]]]:
    """(numerator, denominator) of each metric for each firm ranked in the month (in
    any of its districts; ``firms``: firm_districts(m) if the caller has it): one
    grouped query per metric, whatever the number of firms and districts."""
    if firms is None:
        firms = firm_districts(m)
    firm_ids = list(firms)
    result: dict[int, dict[str, tuple[Decimal, Decimal]]] = {pk: {} for pk in firm_ids}
    if not result:
        return result
    for metric in metrics:
        for r in result.values():
            r[metric] = (ZERO, ZERO)
        for pk, num, den in DEFINITIONS[metric].measure(m, firm_ids):
            total_num, total_den = result[pk][metric]
            result[pk][metric] = (total_num + Decimal(num or 0), total_den + Decimal(den or 0))
        if metric == Metric.MEDIATION:  # against the most successes of the firm's district
            best: dict[int, Decimal] = {}
            for pk, r in result.items():
                best[firms[pk]] = max(best.get(firms[pk], ZERO), r[metric][0])
            for pk, r in result.items():
                r[metric] = (r[metric][0], best[firms[pk]])
    return result


def evidence(metric: str, m: Month, firm_ids: list[int]) -> list[Evidence]:
    """The records behind ``metric`` for these firms (one or two queries)."""
    rows = list(DEFINITIONS[metric].evidence(m, firm_ids))
    if metric == Metric.MEDIATION and firm_ids:
        best = max(
            _successes(m)
            .filter(lawyer__firm__in=ranked_firms(m).values("pk"))
            .values("lawyer__firm_id")
            .annotate(n=Count("pk"))
            .values_list("n", flat=True)
            .order_by("-n")[:1]
            or [0]
        )
        rows += [
            Evidence(
                f,
                "benchmark",
                None,
                None,
                f"当月全区律所调解成功最多 {best} 件",
                ZERO,
                Decimal(best),
            )
            for f in firm_ids
        ]
    return rows
