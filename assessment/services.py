"""Every state change of the ranking, the appeals, the annual assessment, the
commendations and the rules (subsidies: assessment.subsidies). Typed functions in a
transaction; a bad input raises ValidationError with a Chinese message and changes
nothing; an actor outside their scope gets PermissionDenied (answered as 404)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Avg, Count
from django.utils import timezone
from django.utils.translation import gettext as _

from assessment import bulletin as bulletins
from assessment import metrics
from assessment.choices import (
    AnnualStatus,
    AppealStatus,
    Difficulty,
    RankingStatus,
    ScoreStatus,
)
from assessment.models import (
    AnnualAssessment,
    AnnualScore,
    Appeal,
    Bulletin,
    Commendation,
    MediationRate,
    MetricEvidence,
    MetricScore,
    MonthlyScore,
    RankingConfig,
    RankingMonth,
    SubsidyRates,
)
from core.audit import record
from core.models import OperationLog
from core.services import delete_rows, insert_rows, save_instance, update_rows
from firms.models import LawFirm, Lawyer
from regions.models import District

MIN_REASON = 5
# The columns compute_months writes a new metric row with (core.services.insert_rows),
# and those it sets again on a row it keeps (core.services.update_rows).
METRIC_FIELDS = (
    "score_id", "metric", "weight", "numerator", "denominator", "raw_value", "value",
    "adjusted", "adjust_note",
)  # fmt: skip
KEPT_FIELDS = ("weight", "numerator", "denominator", "raw_value", "value")
DEFAULT_MEDIATION_RATES = {
    Difficulty.SIMPLE: Decimal("300.00"),
    Difficulty.ORDINARY: Decimal("500.00"),
    Difficulty.COMPLEX: Decimal("1000.00"),
}


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


def _text(value: object) -> str:
    return " ".join(str(value or "").split())


def require_bureau(actor: Any, district: District | int) -> None:
    """Only the district's bureau (or a superuser) may do this."""
    pk = district if isinstance(district, int) else district.pk
    if actor is None:
        return  # the system (jobs, demo)
    if not District.objects.editable_by(actor).filter(pk=pk).exists():
        raise PermissionDenied


def scoped(qs: Any, actor: Any, scope: str = "editable_by") -> Any:
    """``qs`` limited to the actor's scope; the system (actor None) acts on any row."""
    return qs if actor is None else getattr(qs, scope)(actor)


def log_change(action: str, obj: Any, text: str, district_id: int, **changes: Any) -> None:
    record(
        action,
        model=obj._meta.label,
        object_id=obj.pk,
        object_repr=text,
        changes=changes,
        district_id=district_id,
    )


# --- rules ----------------------------------------------------------------------------


def config_for(district: District | int) -> RankingConfig:
    """The district's ranking rules (the defaults until the bureau saves its own)."""
    pk = district if isinstance(district, int) else district.pk
    return RankingConfig.objects.filter(district_id=pk).first() or RankingConfig(district_id=pk)


def rates_for(district: District | int) -> SubsidyRates:
    pk = district if isinstance(district, int) else district.pk
    return SubsidyRates.objects.filter(district_id=pk).first() or SubsidyRates(district_id=pk)


def mediation_rates(district: District | int) -> dict[tuple[str, str], Decimal]:
    """The rate table, (category, difficulty) → yuan; category "" is every category
    without its own row. The defaults apply until the bureau sets a table."""
    pk = district if isinstance(district, int) else district.pk
    rows = MediationRate.objects.filter(district_id=pk).values_list(
        "category", "difficulty", "amount_yuan"
    )
    table = {(c, d): a for c, d, a in rows}
    return table or {("", d): a for d, a in DEFAULT_MEDIATION_RATES.items()}


@transaction.atomic
def save_rules(*, actor: Any, rules: RankingConfig | SubsidyRates) -> RankingConfig | SubsidyRates:
    """Save a district's ranking rules or subsidy rates (the bureau)."""
    require_bureau(actor, rules.district_id)
    return save_instance(actor=actor, instance=rules)


@transaction.atomic
def set_mediation_rates(
    *, actor: Any, district: District, rates: dict[tuple[str, str], Decimal | None]
) -> None:
    """Set the cells of the rate table; a cell set to None is removed."""
    require_bureau(actor, district)
    existing = {
        (r.category, r.difficulty): r for r in MediationRate.objects.filter(district=district)
    }
    for key, amount in rates.items():
        row = existing.get(key)
        if amount is None:
            if row is not None:
                row.delete()
            continue
        if amount < 0:
            raise ValidationError(_("补贴金额不能为负数"))
        if row is None:
            row = MediationRate(district=district, category=key[0], difficulty=key[1])
        elif row.amount_yuan == amount:
            continue
        row.amount_yuan = amount
        save_instance(actor=actor, instance=row)


# --- the monthly ranking --------------------------------------------------------------


def _rerank(
    rankings: list[RankingMonth],
    now: datetime,
    values: dict[int, dict[str, Decimal | None]] | None = None,
) -> None:
    """Totals (the weighted mean of the metrics' values) and ranks of these months;
    ``values`` (score id → metric → value) if the caller has them, else read."""
    if values is None:
        values = defaultdict(dict)
        for score_id, metric, value in MetricScore.objects.filter(
            score__ranking__in=rankings
        ).values_list("score_id", "metric", "value"):
            values[score_id][metric] = value
    weights = {r.pk: r.weights for r in rankings}
    by_ranking: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for pk, ranking_id in MonthlyScore.objects.filter(ranking__in=rankings).values_list(
        "pk", "ranking_id"
    ):
        by_ranking[ranking_id][pk] = metrics.total_of(values.get(pk, {}), weights[ranking_id])
    rows = []
    for month in by_ranking.values():
        ranks = metrics.ranks(month)
        rows += [(pk, total, ranks[pk], now) for pk, total in month.items()]
    update_rows(MonthlyScore, ("total", "rank", "updated_at"), rows)


def _metric_rows(rankings: Iterable[RankingMonth]) -> Any:
    """The metric rows of these months, by their scores' keys (so that delete_rows
    does not join the table to itself)."""
    return MetricScore.objects.filter(
        score_id__in=MonthlyScore.objects.filter(ranking__in=rankings).values("pk")
    )


def _evidence_rows(ranking: RankingMonth, rows: Iterable[MetricScore]) -> list[MetricEvidence]:
    """The records behind these metric rows of a month (each with ``score`` loaded), as
    the records stand now: one or two queries per metric, whatever the firm count.

    Where the records changed after the month was computed (a visit confirmed late, a
    rating given ...), one more row holds the difference, so that the rows still add
    up to the numbers the month was computed, appealed and published with."""
    m = metrics.Month(ranking.district_id, ranking.month)
    wanted = {(row.score.firm_id, row.metric): row for row in rows}
    firm_ids = sorted({firm_id for firm_id, _ in wanted})
    sums: dict[int, list[Decimal]] = defaultdict(lambda: [metrics.ZERO, metrics.ZERO])
    out = []
    asked = {metric for _, metric in wanted}
    for metric in (k for k in ranking.weights if k in asked):
        for e in metrics.evidence(metric, m, firm_ids):
            row = wanted.get((e.firm_id, metric))
            if row is None:
                continue
            sums[row.pk][0] += e.numerator
            sums[row.pk][1] += e.denominator
            out.append(
                MetricEvidence(
                    metric_score_id=row.pk,
                    kind=e.kind,
                    object_id=e.object_id,
                    day=e.day,
                    label=e.label[:200],
                    note=e.note,
                    numerator=e.numerator,
                    denominator=e.denominator,
                )
            )
    computed = timezone.localtime(ranking.computed_at).strftime("%Y-%m-%d %H:%M")
    for row in wanted.values():
        num, den = sums[row.pk]
        if (num, den) != (row.numerator, row.denominator):
            out.append(
                MetricEvidence(
                    metric_score_id=row.pk,
                    kind=MetricEvidence.Kind.CHANGED,
                    label=_("%(t)s 计算后记录有变化：本行为计算时的数值与现有记录之差")
                    % {"t": computed},
                    note=_("以计算时为准"),
                    numerator=row.numerator - num,
                    denominator=row.denominator - den,
                )
            )
    return out


def evidence_of(row: MetricScore) -> list[MetricEvidence]:
    """The records behind one metric row (with ``score__ranking`` loaded), by day: a
    published month's as written at publication, a draft's as the records stand
    (a draft is not written down: computing a province's month stays a matter of
    one grouped query per metric)."""
    ranking = row.score.ranking
    if not ranking.is_draft:
        return list(MetricEvidence.objects.filter(metric_score=row).order_by("day", "pk"))
    rows = _evidence_rows(ranking, [row])
    return sorted(rows, key=lambda e: (e.day is None, e.day or date.min))


def compute_month(
    *, actor: Any, district: District, month: date, now: datetime | None = None
) -> RankingMonth:
    """Compute (or recompute) one district's draft ranking of an ended month."""
    return compute_months(actor=actor, districts=[district], month=month, now=now)[0]


def _read_by_key() -> None:
    """For the rest of the transaction, PostgreSQL prices a page read by key as a read
    from cache (random_page_cost 1.1 instead of the server's 4): the month's rows are
    few and recent, and at the default it scans the whole assignment table instead
    (the replies' missed part at province scale: 368 ms scanning, 165 ms by key). Not
    for the pages' connections: there it made the lawyer's queue plan start parallel
    workers and run slower."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL random_page_cost = 1.1")


@transaction.atomic
def compute_months(
    *, actor: Any, districts: Sequence[District], month: date, now: datetime | None = None
) -> list[RankingMonth]:
    """Compute (or recompute) the draft rankings of an ended month of these districts
    from the records, all at once: each metric is one grouped SQL query for all their
    firms, each table written with a statement or two. Values set by accepted appeals
    are kept; firms get a fresh appeal window. Nothing changes if any of the months is
    published already."""
    now = _now(now)
    today = timezone.localdate(now)
    first = month.replace(day=1)
    ids = list(dict.fromkeys(d.pk for d in districts))
    if not ids:
        return []
    for pk in ids:
        require_bureau(actor, pk)
    if first >= today.replace(day=1):
        raise ValidationError(_("只能计算已经结束的月份"))
    saved = {c.district_id: c for c in RankingConfig.objects.filter(district_id__in=ids)}
    configs = {pk: saved.get(pk) or RankingConfig(district_id=pk) for pk in ids}
    rankings = {
        r.district_id: r
        for r in RankingMonth.objects.select_for_update().filter(district_id__in=ids, month=first)
    }
    if any(not r.is_draft for r in rankings.values()):
        raise ValidationError(_("该月排名已发布，不能重新计算"))
    for r in rankings.values():
        config = configs[r.district_id]
        r.weights, r.computed_at, r.updated_at = config.enabled(), now, now
        r.appeal_deadline = today + timedelta(days=config.appeal_window_days)
    RankingMonth.objects.bulk_update(
        list(rankings.values()), ["weights", "computed_at", "appeal_deadline", "updated_at"]
    )
    created = RankingMonth.objects.bulk_create(
        RankingMonth(
            district_id=pk,
            month=first,
            weights=configs[pk].enabled(),
            computed_at=now,
            appeal_deadline=today + timedelta(days=configs[pk].appeal_window_days),
        )
        for pk in ids
        if pk not in rankings
    )
    rankings.update({r.district_id: r for r in created})
    by_pk = {d.pk: d for d in districts}
    in_order = [rankings[pk] for pk in ids]
    for r in in_order:
        r.district = by_pk[r.district_id]  # named in the log, not fetched again

    _read_by_key()
    m = metrics.Month(ids[0], first, tuple(ids[1:]))
    firms = metrics.firm_districts(m)
    asked = list(dict.fromkeys(k for r in in_order for k in r.weights))
    numbers = metrics.measure(m, asked, firms=firms)
    of_firm = {f: rankings[d] for f, d in firms.items()}
    MonthlyScore.objects.filter(ranking__in=in_order).exclude(firm_id__in=list(numbers)).delete()
    have = set(
        MonthlyScore.objects.filter(ranking__in=in_order).values_list("ranking_id", "firm_id")
    )
    MonthlyScore.objects.bulk_create(
        [
            MonthlyScore(ranking=of_firm[f], firm_id=f, total=0, rank=1)
            for f in numbers
            if (of_firm[f].pk, f) not in have
        ],
        batch_size=2000,
    )
    score_ids = {
        firm_id: pk
        for pk, firm_id in MonthlyScore.objects.filter(ranking__in=in_order).values_list(
            "pk", "firm_id"
        )
    }
    # The metric rows are derived from the records: written with a statement each for
    # the rows kept (UPDATE), new (INSERT) and gone (DELETE), keeping what the bureau set
    # on appeal. A draft's evidence is read from the records when looked at
    # (evidence_of) and written down at publication; rows of an older draft go.
    current = _metric_rows(in_order)
    existing = {
        (score_id, metric): (pk, adjusted, value, note)
        for pk, score_id, metric, adjusted, value, note in current.values_list(
            "pk", "score_id", "metric", "adjusted", "value", "adjust_note"
        )
    }
    delete_rows(MetricEvidence.objects.filter(metric_score_id__in=current.values("pk")))
    new_rows, kept_rows = [], []
    values: dict[int, dict[str, Decimal | None]] = defaultdict(dict)
    for firm_id, per_metric in numbers.items():
        weights = of_firm[firm_id].weights
        score_id = score_ids[firm_id]
        for metric, (num, den) in per_metric.items():
            if metric not in weights:
                continue  # measured for another district's ranking
            raw = metrics.value_of(metric, num, den, m)
            old = existing.pop((score_id, metric), None)
            if old is None:
                new_rows.append((score_id, metric, weights[metric], num, den, raw, raw, False, ""))
                values[score_id][metric] = raw
                continue
            pk, adjusted, set_on_appeal, _note = old
            value = set_on_appeal if adjusted else raw
            kept_rows.append((pk, weights[metric], num, den, raw, value))
            values[score_id][metric] = value
    delete_rows(MetricScore.objects.filter(pk__in=[old[0] for old in existing.values()]))
    update_rows(MetricScore, KEPT_FIELDS, kept_rows)
    insert_rows(MetricScore, METRIC_FIELDS, new_rows)
    _rerank(in_order, now, values)
    ranked = Counter(firms.values())
    for r in in_order:
        log_change(
            OperationLog.Action.OTHER,
            r,
            f"计算{r}（{ranked[r.district_id]} 家律所）",
            r.district_id,
            firms=ranked[r.district_id],
        )
    return in_order


@transaction.atomic
def file_appeal(
    *, actor: Any, score: MonthlyScore, reason: str, metric: str = "", now: datetime | None = None
) -> Appeal:
    """A firm admin appeals their firm's draft score within the window."""
    now = _now(now)
    locked = (
        MonthlyScore.objects.appealable_by(actor).select_for_update().filter(pk=score.pk).first()
    )
    if locked is None:
        raise PermissionDenied
    ranking = RankingMonth.objects.get(pk=locked.ranking_id)
    if not ranking.is_draft:
        raise ValidationError(_("该月排名已发布，不能再申诉"))
    if timezone.localdate(now) > ranking.appeal_deadline:
        raise ValidationError(
            _("申诉期已于 %(d)s 截止") % {"d": f"{ranking.appeal_deadline:%Y-%m-%d}"}
        )
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON:
        raise ValidationError({"reason": _("请写明申诉理由（至少 5 个字）")})
    if metric and metric not in ranking.weights:
        raise ValidationError({"metric": _("该指标未计入本月排名")})
    if Appeal.objects.filter(score=locked, status=AppealStatus.OPEN).exists():
        raise ValidationError(_("本月得分已有一条待处理的申诉，请等待处理结果"))
    appeal = Appeal.objects.create(
        score=locked, metric=metric, reason=reason[:2000], filed_by=actor, filed_at=now
    )
    locked.status = ScoreStatus.APPEALED
    locked.save(update_fields=["status", "updated_at"])
    log_change(OperationLog.Action.CREATE, appeal, str(appeal), ranking.district_id, metric=metric)
    return appeal


def _decimal(value: Any, field: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError({field: _("请填写 0–100 之间的数")}) from exc
    if not number.is_finite() or not 0 <= number <= 100:
        raise ValidationError({field: _("请填写 0–100 之间的数")})
    return metrics.q2(number)


@transaction.atomic
def decide_appeal(
    *,
    actor: Any,
    appeal: Appeal,
    accept: bool,
    comment: str,
    adjusted_value: Decimal | str | None = None,
    now: datetime | None = None,
) -> Appeal:
    """The bureau accepts (optionally setting the appealed metric's value) or rejects."""
    now = _now(now)
    locked = scoped(Appeal.objects, actor).select_for_update().filter(pk=appeal.pk).first()
    if locked is None:
        raise PermissionDenied
    if locked.status != AppealStatus.OPEN:
        raise ValidationError(_("该申诉已处理"))
    score = MonthlyScore.objects.select_related("ranking").get(pk=locked.score_id)
    comment = (comment or "").strip()
    if len(comment) < 2:
        raise ValidationError({"comment": _("请填写处理意见")})
    value = None
    if adjusted_value not in (None, ""):
        if not accept:
            raise ValidationError({"adjusted_value": _("驳回申诉时不能调整得分")})
        if not locked.metric:
            raise ValidationError({"adjusted_value": _("该申诉未指明指标，不能调整指标得分")})
        value = _decimal(adjusted_value, "adjusted_value")
    if value is not None:
        row = MetricScore.objects.get(score=score, metric=locked.metric)
        row.value, row.adjusted, row.adjust_note = value, True, comment[:300]
        row.save(update_fields=["value", "adjusted", "adjust_note"])
    locked.status = AppealStatus.ACCEPTED if accept else AppealStatus.REJECTED
    locked.decided_by, locked.decided_at = actor, now
    locked.decision_comment, locked.adjusted_value = comment[:2000], value
    locked.save(
        update_fields=[
            "status",
            "decided_by",
            "decided_at",
            "decision_comment",
            "adjusted_value",
            "updated_at",
        ]
    )
    score.status = ScoreStatus.DRAFT
    score.save(update_fields=["status", "updated_at"])
    if value is not None:
        _rerank([score.ranking], now)
    log_change(
        OperationLog.Action.UPDATE,
        locked,
        f"{locked}：{locked.get_status_display()}",
        score.ranking.district_id,
        status=locked.status,
        adjusted_value=str(value) if value is not None else None,
    )
    return locked


@transaction.atomic
def publish_month(
    *, actor: Any, ranking: RankingMonth, now: datetime | None = None, evidence: bool = True
) -> Bulletin:
    """Publish a draft month once its appeal window has passed and every appeal is
    decided: the scores are frozen, the records behind them written down and the
    bulletin keeps its own copy of the table. ``evidence=False`` only for generated
    months whose numbers no records stand behind (bench.seed)."""
    now = _now(now)
    locked = (
        scoped(RankingMonth.objects, actor)
        .select_for_update()
        .select_related("district")
        .filter(pk=ranking.pk)
        .first()
    )
    if locked is None:
        raise PermissionDenied
    if not locked.is_draft:
        raise ValidationError(_("该月排名已发布"))
    if timezone.localdate(now) <= locked.appeal_deadline:
        raise ValidationError(
            _("申诉期至 %(d)s，期满后才能发布") % {"d": f"{locked.appeal_deadline:%Y-%m-%d}"}
        )
    waiting = Appeal.objects.filter(score__ranking=locked, status=AppealStatus.OPEN).count()
    if waiting:
        raise ValidationError(_("还有 %(n)s 条申诉未处理，处理完毕后才能发布") % {"n": waiting})
    if not MonthlyScore.objects.filter(ranking=locked).exists():
        raise ValidationError(_("该月没有参与排名的律所"))
    # One bulletin number at a time per district: the bulletins are numbered by count.
    District.objects.select_for_update().filter(pk=locked.district_id).first()
    locked.status, locked.published_at, locked.published_by = RankingStatus.PUBLISHED, now, actor
    locked.save(update_fields=["status", "published_at", "published_by", "updated_at"])
    MonthlyScore.objects.filter(ranking=locked).update(status=ScoreStatus.PUBLISHED, updated_at=now)
    # The records behind every number, written down: a published month keeps them.
    rows = _metric_rows([locked])
    delete_rows(MetricEvidence.objects.filter(metric_score_id__in=rows.values("pk")))
    if evidence:
        MetricEvidence.objects.bulk_create(_evidence_rows(locked, rows.select_related("score")))
    bulletin = Bulletin.objects.create(**bulletins.bulletin_values(locked, now))
    log_change(OperationLog.Action.OTHER, locked, f"发布{locked}", locked.district_id)
    return bulletin


# --- the annual assessment -----------------------------------------------------------------


def _rerank_annual(assessment: AnnualAssessment, now: datetime) -> None:
    scores = list(AnnualScore.objects.filter(assessment=assessment))
    for s in scores:
        s.total = (
            None
            if s.bureau_mark is None
            else metrics.q2(
                (
                    s.platform_score * assessment.platform_weight
                    + s.bureau_mark * assessment.bureau_weight
                )
                / 100
            )
        )
        s.updated_at = now
    positions = metrics.ranks({s.pk: s.total for s in scores if s.total is not None})
    for s in scores:
        s.rank = positions.get(s.pk)
    AnnualScore.objects.bulk_update(scores, ["total", "rank", "updated_at"])


@transaction.atomic
def compute_annual(
    *, actor: Any, district: District, year: int, now: datetime | None = None
) -> AnnualAssessment:
    """The year's platform score per firm: the mean of its published monthly totals
    (one grouped query). The bureau's marks already given are kept."""
    now = _now(now)
    require_bureau(actor, district)
    averages = list(
        MonthlyScore.objects.published()
        .filter(ranking__district=district, ranking__month__year=year)
        .values("firm_id")
        .annotate(avg=Avg("total"), months=Count("pk"))
        .values_list("firm_id", "avg", "months")
    )
    if not averages:
        raise ValidationError(_("%(y)s 年尚无已发布的月度排名") % {"y": year})
    config = config_for(district)
    assessment = (
        AnnualAssessment.objects.select_for_update().filter(district=district, year=year).first()
    )
    if assessment is not None and not assessment.is_draft:
        raise ValidationError(_("该年度考核结果已公布，不能重新计算"))
    if assessment is None:
        assessment = AnnualAssessment(district=district, year=year)
    assessment.platform_weight = config.annual_platform_weight
    assessment.bureau_weight = config.annual_bureau_weight
    assessment.computed_at = now
    assessment.save()
    firms = [f for f, _avg, _n in averages]
    AnnualScore.objects.filter(assessment=assessment).exclude(firm_id__in=firms).delete()
    existing = {s.firm_id: s for s in AnnualScore.objects.filter(assessment=assessment)}
    new, changed = [], []
    for firm_id, avg, months in averages:
        platform = metrics.q2(Decimal(str(avg)))
        row = existing.get(firm_id)
        if row is None:
            new.append(
                AnnualScore(
                    assessment=assessment, firm_id=firm_id, months=months, platform_score=platform
                )
            )
        else:
            row.months, row.platform_score = months, platform
            changed.append(row)
    AnnualScore.objects.bulk_create(new)
    AnnualScore.objects.bulk_update(changed, ["months", "platform_score"])
    _rerank_annual(assessment, now)
    log_change(OperationLog.Action.OTHER, assessment, f"计算{assessment}", district.pk)
    return assessment


@transaction.atomic
def set_bureau_mark(
    *,
    actor: Any,
    score: AnnualScore,
    mark: Decimal | str,
    note: str = "",
    now: datetime | None = None,
) -> AnnualScore:
    now = _now(now)
    locked = scoped(AnnualScore.objects, actor).select_for_update().filter(pk=score.pk).first()
    if locked is None:
        raise PermissionDenied
    assessment = AnnualAssessment.objects.get(pk=locked.assessment_id)
    if not assessment.is_draft:
        raise ValidationError(_("该年度考核结果已公布，不能修改评分"))
    locked.bureau_mark = _decimal(mark, "bureau_mark")
    locked.bureau_note = _text(note)[:300]
    locked.save(update_fields=["bureau_mark", "bureau_note", "updated_at"])
    _rerank_annual(assessment, now)
    locked.refresh_from_db()
    return locked


@transaction.atomic
def publish_annual(
    *, actor: Any, assessment: AnnualAssessment, now: datetime | None = None
) -> AnnualAssessment:
    now = _now(now)
    locked = (
        scoped(AnnualAssessment.objects, actor).select_for_update().filter(pk=assessment.pk).first()
    )
    if locked is None:
        raise PermissionDenied
    if not locked.is_draft:
        raise ValidationError(_("该年度考核结果已公布"))
    missing = AnnualScore.objects.filter(assessment=locked, bureau_mark__isnull=True).count()
    if missing:
        raise ValidationError(_("还有 %(n)s 家律所未评分，评分后才能公布") % {"n": missing})
    locked.status, locked.published_at, locked.published_by = AnnualStatus.PUBLISHED, now, actor
    locked.save(update_fields=["status", "published_at", "published_by", "updated_at"])
    log_change(OperationLog.Action.OTHER, locked, f"公布{locked}", locked.district_id)
    return locked


@transaction.atomic
def commend(
    *,
    actor: Any,
    district: District,
    year: int,
    title: str,
    firm: LawFirm | None = None,
    lawyer: Lawyer | None = None,
    citation: str = "",
    awarded_on: date | None = None,
) -> Commendation:
    """Commend a firm or a lawyer of the district for a year (the bureau)."""
    require_bureau(actor, district)
    if (firm is None) == (lawyer is None):
        raise ValidationError(_("请选择受表彰的律所或律师（二选一）"))
    title = _text(title)
    if len(title) < 2:
        raise ValidationError({"title": _("请填写荣誉称号")})
    item = Commendation(
        district=district,
        year=year,
        kind="firm" if firm is not None else "lawyer",
        firm=firm,
        lawyer=lawyer,
        title=title,
        citation=(citation or "").strip(),
        awarded_on=awarded_on or timezone.localdate(),
    )
    return save_instance(actor=actor, instance=item)
