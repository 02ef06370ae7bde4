"""Subsidies (经费) of a period, computed from evidence:

- liaison work: the district's yearly rate per firm, pro rata by the months the firm
  was paired (each calendar month is its twelfth, rounded so that a year's months add
  up to the rate exactly); held for a month when no liaison lawyer served;
- duty: the rate per shift checked in and out (checked in only: held);
- mediation: per lawyer and successful case, by the rate table (category ×
  difficulty); held until the agreement is confirmed by every party and the case is
  archived.

Each source is itemized once (database constraints); paying is a conditional update,
so an item is never paid twice. A random sample of the paid mediation items, drawn
with a seed fixed per period, is called back.
"""

from __future__ import annotations

import io
import math
import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import DecimalField, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from assessment.choices import Difficulty, ItemStatus, PeriodStatus, SubsidyKind
from assessment.metrics import add_months, q2
from assessment.models import SubsidyItem, SubsidyPeriod
from assessment.services import log_change, mediation_rates, rates_for, require_bureau, scoped
from consultations.models import DutyShift
from core.audit import record
from core.models import OperationLog
from mediation.choices import DisputeCategory, Outcome
from mediation.models import Case
from pairing.models import Liaison, Pairing
from regions.models import District
from regions.services import settings_for

SAMPLE_SEED = "assessment-follow-up"
NO_LONGER = "来源记录已不再符合发放条件"


def month_share(rate: Decimal, month: int) -> Decimal:
    """The liaison subsidy of calendar month ``month`` (1–12) at a yearly ``rate``."""
    return q2(rate * month / 12) - q2(rate * (month - 1) / 12)


def _months(start: date, end: date) -> list[date]:
    months, m = [], start.replace(day=1)
    while m <= end:
        months.append(m)
        m = add_months(m, 1)
    return months


def _overlaps(month: date, start: date, end: date | None) -> bool:
    return start <= add_months(month, 1) - timedelta(days=1) and (end is None or end >= month)


@dataclass
class Candidate:
    """What an item of one source should be now."""

    kind: str
    firm_id: int
    description: str
    amount: Decimal
    status: str
    hold_reason: str = ""
    lawyer_id: int | None = None
    month: date | None = None
    duty_shift_id: int | None = None
    mediation_case_id: int | None = None
    difficulty: str = ""

    @property
    def key(self) -> tuple[Any, ...]:
        return key_of(self)


def key_of(item: Any) -> tuple[Any, ...]:
    """The source an item pays for: what the database allows once."""
    if item.kind == SubsidyKind.DUTY:
        return (SubsidyKind.DUTY, item.duty_shift_id)
    if item.kind == SubsidyKind.MEDIATION:
        return (SubsidyKind.MEDIATION, item.mediation_case_id, item.lawyer_id)
    return (SubsidyKind.LIAISON, item.firm_id, item.month)


def _status(reason: str) -> str:
    return ItemStatus.HELD if reason else ItemStatus.PAYABLE


def _liaison(period: SubsidyPeriod, last_day: date) -> list[Candidate]:
    rate = settings_for(period.district_id).liaison_subsidy_yuan
    months = [m for m in _months(period.start, period.end) if m <= last_day]
    pairings = Pairing.objects.filter(
        community__street__district_id=period.district_id, start_date__lte=period.end
    ).filter(Q(end_date__isnull=True) | Q(end_date__gte=period.start))
    paired: dict[int, set[date]] = {}
    for firm_id, start, end in pairings.values_list("firm_id", "start_date", "end_date"):
        paired.setdefault(firm_id, set()).update(m for m in months if _overlaps(m, start, end))
    staffed: dict[int, set[date]] = {}
    liaisons = Liaison.objects.filter(pairing__in=pairings.values("pk"))
    for firm_id, start, end in liaisons.values_list("pairing__firm_id", "start_date", "end_date"):
        staffed.setdefault(firm_id, set()).update(m for m in months if _overlaps(m, start, end))
    return [
        Candidate(
            kind=SubsidyKind.LIAISON,
            firm_id=firm_id,
            month=m,
            description=f"{m.year}年{m.month}月联络员工作补贴（{rate} 元/年 ÷ 12）",
            amount=month_share(rate, m.month),
            status=_status(reason),
            hold_reason=reason,
        )
        for firm_id, firm_months in sorted(paired.items())
        for m in sorted(firm_months)
        for reason in ["" if m in staffed.get(firm_id, set()) else "当月结对社区未配备联络员"]
    ]


def _duty(period: SubsidyPeriod, last_day: date) -> list[Candidate]:
    rate = rates_for(period.district_id).duty_rate_yuan
    shifts = (
        DutyShift.objects.filter(
            district_id=period.district_id,
            date__gte=period.start,
            date__lte=min(period.end, last_day),
            checked_in_at__isnull=False,
        )
        .select_related("lawyer")
        .order_by("date", "pk")
    )
    return [
        Candidate(
            kind=SubsidyKind.DUTY,
            firm_id=s.lawyer.firm_id,
            lawyer_id=s.lawyer_id,
            duty_shift_id=s.pk,
            description=f"{s.date:%Y-%m-%d} 值班",
            amount=rate,
            status=_status(reason),
            hold_reason=reason,
        )
        for s in shifts
        for reason in ["" if s.checked_out_at else "已签到未签退"]
    ]


def _mediation(period: SubsidyPeriod, now: datetime, overrides: dict[int, str]) -> list[Candidate]:
    rates = rates_for(period.district_id)
    table = mediation_rates(period.district_id)
    start = timezone.make_aware(datetime.combine(period.start, time.min))
    end = timezone.make_aware(datetime.combine(period.end + timedelta(days=1), time.min))
    cases = (
        Case.objects.filter(
            district_id=period.district_id,
            outcome=Outcome.SUCCESS,
            lawyer__isnull=False,
            closed_at__gte=start,
            closed_at__lt=min(end, now),
        )
        .values_list(
            "pk",
            "case_number",
            "category",
            "amount",
            "lawyer_id",
            "lawyer__firm_id",
            "agreement__confirmed_at",
            "archived_at",
        )
        .order_by("closed_at", "pk")
    )
    labels = dict(DisputeCategory.choices)
    rows = []
    for pk, number, category, amount, lawyer_id, firm_id, agreed, archived in cases:
        difficulty = overrides.get(pk) or rates.difficulty_of(amount)
        rate = table.get((category, difficulty), table.get(("", difficulty)))
        reason = (
            "调解协议书尚未经各方当事人确认"
            if agreed is None
            else "案件尚未归档（卷宗未齐全）"
            if archived is None
            else "未设置该类别、难度的补贴标准"
            if rate is None
            else ""
        )
        rows.append(
            Candidate(
                kind=SubsidyKind.MEDIATION,
                firm_id=firm_id,
                lawyer_id=lawyer_id,
                mediation_case_id=pk,
                difficulty=difficulty,
                description=f"{number} {labels.get(category, category)}"
                f"（{Difficulty(difficulty).label}）调解成功",
                amount=rate or Decimal("0.00"),
                status=_status(reason),
                hold_reason=reason,
            )
        )
    return rows


FIELDS = ["description", "amount", "status", "hold_reason", "difficulty", "lawyer_id", "firm_id"]


@transaction.atomic
def create_period(
    *, actor: Any, district: District, start: date, end: date, title: str = ""
) -> SubsidyPeriod:
    """A period of whole months that overlaps no other period of the district."""
    require_bureau(actor, district)
    if start.day != 1:
        raise ValidationError({"start": _("开始日期应为某月 1 日")})
    if end != add_months(end, 1) - timedelta(days=1):
        raise ValidationError({"end": _("结束日期应为某月的最后一天")})
    if end < start:
        raise ValidationError({"end": _("结束日期不能早于开始日期")})
    District.objects.select_for_update().filter(pk=district.pk).first()  # one at a time
    other = SubsidyPeriod.objects.filter(district=district, start__lte=end, end__gte=start).first()
    if other is not None:
        raise ValidationError(_("与已有核算期“%(t)s”时间重叠") % {"t": other.title})
    title = " ".join((title or "").split()) or f"{start:%Y年%m月}至{end:%Y年%m月}经费"
    period = SubsidyPeriod(district=district, title=title[:100], start=start, end=end)
    period.full_clean()
    period.save()
    return period


def _locked_open(actor: Any, period: SubsidyPeriod) -> SubsidyPeriod:
    locked = scoped(SubsidyPeriod.objects, actor).select_for_update().filter(pk=period.pk).first()
    if locked is None:
        raise PermissionDenied
    if not locked.is_open:
        raise ValidationError(_("该核算期已结束"))
    return locked


def _refreshable(item: SubsidyItem, period: SubsidyPeriod) -> bool:
    """An item of this period not paid yet follows its evidence and the rates."""
    return item.period_id == period.pk and item.status != ItemStatus.PAID


@transaction.atomic
def generate_items(
    *, actor: Any, period: SubsidyPeriod, now: datetime | None = None
) -> dict[str, int]:
    """Itemize every source of the period not itemized yet (in any period); bring the
    period's unpaid items up to date with their evidence and the rates."""
    now = now or timezone.now()
    period = _locked_open(actor, period)
    today = timezone.localdate(now)
    if period.start > today:
        raise ValidationError(_("核算期尚未开始"))
    overrides = dict(
        SubsidyItem.objects.filter(
            period__district_id=period.district_id,
            kind=SubsidyKind.MEDIATION,
            difficulty_set_by__isnull=False,
        ).values_list("mediation_case_id", "difficulty")
    )
    candidates = {
        c.key: c
        for c in (
            *_liaison(period, today),
            *_duty(period, today),
            *_mediation(period, now, overrides),
        )
    }
    shifts = [c.duty_shift_id for c in candidates.values() if c.duty_shift_id]
    cases = [c.mediation_case_id for c in candidates.values() if c.mediation_case_id]
    existing = {
        key_of(item): item
        for item in SubsidyItem.objects.filter(period__district_id=period.district_id).filter(
            Q(period=period)
            | Q(duty_shift_id__in=shifts)
            | Q(mediation_case_id__in=cases)
            | Q(kind=SubsidyKind.LIAISON, month__gte=period.start, month__lte=period.end)
        )
    }
    new, changed = [], []
    for key, c in candidates.items():
        item = existing.get(key)
        if item is None:
            new.append(
                SubsidyItem(
                    period=period,
                    kind=c.kind,
                    month=c.month,
                    duty_shift_id=c.duty_shift_id,
                    mediation_case_id=c.mediation_case_id,
                    **{f: getattr(c, f) for f in FIELDS},
                )
            )
        elif _refreshable(item, period) and any(getattr(item, f) != getattr(c, f) for f in FIELDS):
            for f in FIELDS:
                setattr(item, f, getattr(c, f))
            changed.append(item)
    for key, item in existing.items():
        if _refreshable(item, period) and key not in candidates and item.hold_reason != NO_LONGER:
            item.status, item.hold_reason = ItemStatus.HELD, NO_LONGER
            changed.append(item)
    for item in changed:
        item.updated_at = now
    SubsidyItem.objects.bulk_create(new)
    SubsidyItem.objects.bulk_update(changed, [*FIELDS, "updated_at"])
    period.generated_at = now
    period.save(update_fields=["generated_at", "updated_at"])
    held = SubsidyItem.objects.filter(period=period, status=ItemStatus.HELD).count()
    log_change(
        OperationLog.Action.OTHER,
        period,
        f"核算{period}：新增 {len(new)} 条，更新 {len(changed)} 条",
        period.district_id,
        created=len(new),
        updated=len(changed),
    )
    return {"created": len(new), "updated": len(changed), "held": held}


@transaction.atomic
def set_item_difficulty(
    *, actor: Any, item: SubsidyItem, difficulty: str, now: datetime | None = None
) -> SubsidyItem:
    """The bureau sets a mediated case's difficulty; the amount follows the table."""
    if difficulty not in Difficulty.values:
        raise ValidationError({"difficulty": _("请选择难度")})
    row = scoped(SubsidyItem.objects, actor).filter(pk=item.pk).first()
    if row is None:
        raise PermissionDenied
    period = _locked_open(actor, row.period)
    if row.kind != SubsidyKind.MEDIATION or row.status == ItemStatus.PAID:
        raise ValidationError(_("只能调整未发放的调解个案补贴的难度"))
    row.difficulty, row.difficulty_set_by = difficulty, actor
    row.save(update_fields=["difficulty", "difficulty_set_by", "updated_at"])
    generate_items(actor=actor, period=period, now=now)
    row.refresh_from_db()
    return row


@transaction.atomic
def pay_items(*, actor: Any, period: SubsidyPeriod, now: datetime | None = None) -> int:
    """Mark every payable item of the period paid (held items stay held). A second
    run finds nothing payable: an item is paid once."""
    now = now or timezone.now()
    period = _locked_open(actor, period)
    count = SubsidyItem.objects.filter(period=period, status=ItemStatus.PAYABLE).update(
        status=ItemStatus.PAID, paid_at=now, paid_by=actor, updated_at=now
    )
    if not count:
        raise ValidationError(_("没有待发放的明细"))
    log_change(OperationLog.Action.OTHER, period, f"发放{period} {count} 条", period.district_id)
    return count


@transaction.atomic
def close_period(
    *, actor: Any, period: SubsidyPeriod, now: datetime | None = None
) -> SubsidyPeriod:
    period = _locked_open(actor, period)
    period.status, period.closed_at = PeriodStatus.CLOSED, now or timezone.now()
    period.save(update_fields=["status", "closed_at", "updated_at"])
    return period


@transaction.atomic
def draw_sample(*, actor: Any, period: SubsidyPeriod, now: datetime | None = None) -> list[int]:
    """Draw the paid mediation items to call back: the district's share (at least
    one), with a seed fixed per period, so the draw can be repeated and checked."""
    now = now or timezone.now()
    locked = scoped(SubsidyPeriod.objects, actor).select_for_update().filter(pk=period.pk).first()
    if locked is None:
        raise PermissionDenied
    if locked.sample_drawn_at is not None:
        raise ValidationError(_("本期已抽取回访样本"))
    paid = list(
        SubsidyItem.objects.filter(
            period=locked, kind=SubsidyKind.MEDIATION, status=ItemStatus.PAID
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not paid:
        raise ValidationError(_("本期尚无已发放的调解个案补贴，无法抽取回访样本"))
    share = rates_for(locked.district_id).sample_percent
    count = max(1, math.ceil(len(paid) * share / 100))
    chosen = sorted(random.Random(f"{SAMPLE_SEED}:{locked.pk}").sample(paid, count))  # noqa: S311
    SubsidyItem.objects.filter(pk__in=chosen).update(sampled=True, updated_at=now)
    locked.sample_drawn_at = now
    locked.save(update_fields=["sample_drawn_at", "updated_at"])
    log_change(
        OperationLog.Action.OTHER, locked, f"{locked}抽取回访 {count} 件", locked.district_id
    )
    return chosen


@transaction.atomic
def record_follow_up(
    *, actor: Any, item: SubsidyItem, note: str, now: datetime | None = None
) -> SubsidyItem:
    row = scoped(SubsidyItem.objects, actor).select_for_update().filter(pk=item.pk).first()
    if row is None:
        raise PermissionDenied
    if not row.sampled:
        raise ValidationError(_("该明细未被抽中回访"))
    note = " ".join((note or "").split())
    if len(note) < 2:
        raise ValidationError({"note": _("请填写回访情况")})
    row.follow_up_note, row.followed_up_at = note[:300], now or timezone.now()
    row.save(update_fields=["follow_up_note", "followed_up_at", "updated_at"])
    return row


def _sum(kind: str | None = None, status: str | None = None, paying: bool = False) -> Coalesce:
    condition = Q()
    if kind:
        condition &= Q(kind=kind)
    if status:
        condition &= Q(status=status)
    if paying:
        condition &= ~Q(status=ItemStatus.HELD)
    return Coalesce(
        Sum("amount", filter=condition),
        Value(Decimal("0.00")),
        output_field=DecimalField(max_digits=12, decimal_places=2),
    )


def firm_totals(items: Any) -> list[dict[str, Any]]:
    """Per firm (one grouped query): each kind (held items apart), paid, payable, held."""
    rows = list(
        items.order_by()
        .values("firm_id", "firm__name")
        .annotate(
            liaison=_sum(SubsidyKind.LIAISON, paying=True),
            duty=_sum(SubsidyKind.DUTY, paying=True),
            mediation=_sum(SubsidyKind.MEDIATION, paying=True),
            paid=_sum(status=ItemStatus.PAID),
            payable=_sum(status=ItemStatus.PAYABLE),
            held=_sum(status=ItemStatus.HELD),
        )
        .order_by("firm__name")
    )
    # SQLite sums decimals as floats: back to yuan and fen.
    return [{k: q2(Decimal(str(v))) if k in AMOUNTS else v for k, v in r.items()} for r in rows]


AMOUNTS = ("liaison", "duty", "mediation", "paid", "payable", "held")


def payment_workbook(period: SubsidyPeriod) -> bytes:
    """The payment sheet: every item, and the totals by firm."""
    wb = Workbook()
    ws = wb.active
    ws.title = "发放明细"
    header = ["序号", "类型", "律所", "律师", "事由", "金额（元）", "状态", "暂缓原因", "抽中回访"]
    ws.append(header)
    items = (
        SubsidyItem.objects.filter(period=period)
        .select_related("firm", "lawyer")
        .order_by("firm__name", "kind", "month", "pk")
    )
    count = 0
    for count, item in enumerate(items, start=1):
        ws.append(
            [
                count,
                item.get_kind_display(),
                item.firm.name,
                item.lawyer.name if item.lawyer else "",
                item.description,
                item.amount,
                item.get_status_display(),
                item.hold_reason,
                "是" if item.sampled else "",
            ]
        )
    totals = wb.create_sheet("按律所汇总")
    totals.append(
        ["律所", "联络员工作补贴", "值班补贴", "调解个案补贴", "已发放", "待发放", "暂缓"]
    )
    rows = firm_totals(SubsidyItem.objects.filter(period=period))
    for r in rows:
        totals.append(
            [
                r["firm__name"],
                r["liaison"],
                r["duty"],
                r["mediation"],
                r["paid"],
                r["payable"],
                r["held"],
            ]
        )
    for sheet, widths in ((ws, [6, 16, 30, 10, 44, 12, 14, 28, 10]), (totals, [30, *[14] * 6])):
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="DDEBF7")
        for i, width in enumerate(widths):
            sheet.column_dimensions[chr(ord("A") + i)].width = width
        sheet.freeze_panes = "A2"
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, Decimal):
                    cell.number_format = "#,##0.00"
    record(
        OperationLog.Action.EXPORT,
        model=SubsidyItem._meta.label,
        object_repr=f"导出{period}发放表 {count} 条",
        changes={"rows": count},
        district_id=period.district_id,
    )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
