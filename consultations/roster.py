"""The duty roster of the 金融法律服务中心 (every day ``duty_lawyers_per_day``
lawyers, each an active volunteer with at least ``duty_min_practice_years`` years of
practice): fair generation, manual placement, swaps, check-in/out and the export.

No write here ever puts an ineligible lawyer on duty; a day that cannot be filled is
reported back and noticed to the bureau."""

from __future__ import annotations

import calendar
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Max, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import Role
from consultations.choices import NoticeKind, ShiftStatus, SwapStatus
from consultations.models import DutyShift, DutySwapRequest, DutyUnavailability
from consultations.notify import bureau_users, notify_lawyers, notify_users
from consultations.text import clean_text
from core.audit import record
from core.excel import Column, export_workbook
from core.models import OperationLog
from core.scope import get_principal
from firms.models import Lawyer
from regions import services as region_services
from regions.models import District

WEEKDAYS = "一二三四五六日"
FAIRNESS_DAYS = 365  # shifts in the past year count towards "fewest shifts first"


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def month_days(year: int, month: int) -> list[date]:
    return [date(year, month, d) for d in range(1, calendar.monthrange(year, month)[1] + 1)]


def volunteers(district: District | int) -> QuerySet[Lawyer]:
    """Active volunteer lawyers of the district's active firms (years not checked)."""
    district_id = district if isinstance(district, int) else district.pk
    return Lawyer.objects.filter(
        firm__district_id=district_id, firm__is_active=True, is_active=True, is_volunteer=True
    )


def eligible_lawyers(district: District, day: date) -> QuerySet[Lawyer]:
    years = region_services.settings_for(district).duty_min_practice_years
    return volunteers(district).filter(practice_start_date__lte=years_before(day, years))


def ineligibility(
    lawyer: Lawyer, district: District, day: date, *, years: int | None = None
) -> str | None:
    """Why the lawyer may not be on duty that day, or None. ``years``: the district's
    minimum years of practice, when the caller has read its settings already."""
    if years is None:
        years = region_services.settings_for(district).duty_min_practice_years
    if lawyer.firm.district_id != district.pk:
        return _("%(name)s 不是本区律所的律师") % {"name": lawyer.name}
    if not (lawyer.is_active and lawyer.firm.is_active):
        return _("%(name)s 已不在职") % {"name": lawyer.name}
    if not lawyer.is_volunteer:
        return _("%(name)s 不是志愿律师") % {"name": lawyer.name}
    if lawyer.practice_start_date > years_before(day, years):
        return _("%(name)s 执业不满 %(n)s 年") % {"name": lawyer.name, "n": years}
    return None


def _is_bureau(actor: Any, district: District) -> bool:
    p = get_principal(actor)
    return p.is_superuser or district.pk in p.ids(Role.BUREAU_ADMIN)


@dataclass
class RosterResult:
    created: int = 0
    short_days: list[date] = field(default_factory=list)


def short_days(district: District, year: int, month: int) -> list[date]:
    """Days of the month with fewer eligible lawyers on duty than required."""
    settings = region_services.settings_for(district)
    per_day, years = settings.duty_lawyers_per_day, settings.duty_min_practice_years
    counts: Counter[date] = Counter()
    for day in month_days(year, month):
        counts[day] = 0
    shifts = DutyShift.objects.filter(
        district=district, date__year=year, date__month=month
    ).select_related("lawyer__firm")
    for shift in shifts:
        if ineligibility(shift.lawyer, district, shift.date, years=years) is None:
            counts[shift.date] += 1
    return [day for day, n in sorted(counts.items()) if n < per_day]


@transaction.atomic
def generate_roster(
    *, actor: Any, district: District, year: int, month: int, today: date | None = None
) -> RosterResult:
    """Fill every day of the month from ``today`` on up to the required number of
    lawyers. Fair and deterministic: whoever has had the fewest shifts in the past
    year goes first, then whoever served longest ago, then by id (so it goes round);
    a lawyer's unavailable dates are respected, nobody serves twice a day, and only
    eligible lawyers are placed. Existing shifts are kept."""
    if not _is_bureau(actor, district):
        raise PermissionDenied
    today = today or timezone.localdate()
    if not 1 <= month <= 12 or not 2000 <= year <= 2100:
        raise ValidationError(_("年月不正确"))
    result = fill_roster(district=district, year=year, month=month, today=today)
    record(
        OperationLog.Action.CREATE,
        model=DutyShift._meta.label,
        object_repr=f"生成 {year} 年 {month} 月值班表：新增 {result.created} 班",
        changes={
            "created": result.created,
            "short_days": [d.isoformat() for d in result.short_days],
        },
        district_id=district.pk,
    )
    if result.short_days:
        per_day = region_services.settings_for(district).duty_lawyers_per_day
        shown = "、".join(f"{d.day}日" for d in result.short_days[:10])
        notify_users(
            bureau_users(district.pk),
            kind=NoticeKind.ROSTER,
            title=_("%(y)s年%(m)s月有 %(n)s 天值班律师不足")
            % {"y": year, "m": month, "n": len(result.short_days)},
            body=_("每天需要 %(k)s 名符合条件的志愿律师：%(days)s") % {"k": per_day, "days": shown},
            now=timezone.now(),
        )
    return result


def fill_roster(*, district: District, year: int, month: int, today: date) -> RosterResult:
    """The generator itself (no permission check, no notices): see generate_roster."""
    per_day = region_services.settings_for(district).duty_lawyers_per_day
    years = region_services.settings_for(district).duty_min_practice_years
    days = [d for d in month_days(year, month) if d >= today]
    result = RosterResult()
    if not days:
        raise ValidationError(_("只能为今天及以后的日期排班"))
    candidates = list(volunteers(district).select_related("firm").order_by("pk"))
    ids = [c.pk for c in candidates]
    blocked = set(
        DutyUnavailability.objects.filter(
            lawyer_id__in=ids, date__gte=days[0], date__lte=days[-1]
        ).values_list("lawyer_id", "date")
    )
    since = days[0] - timedelta(days=FAIRNESS_DAYS)
    history = (
        DutyShift.objects.filter(lawyer_id__in=ids, date__gte=since)
        .values("lawyer_id")
        .annotate(n=Count("pk"), last=Max("date"))
    )
    counts = {row["lawyer_id"]: row["n"] for row in history}
    last = {row["lawyer_id"]: row["last"] for row in history}
    on_duty: dict[date, set[int]] = {}
    for lawyer_id, day in DutyShift.objects.filter(
        district=district, date__gte=days[0], date__lte=days[-1]
    ).values_list("lawyer_id", "date"):
        on_duty.setdefault(day, set()).add(lawyer_id)
    eligible_since = {c.pk: c.practice_start_date for c in candidates}
    new: list[DutyShift] = []
    for day in days:
        cutoff = years_before(day, years)
        have = on_duty.setdefault(day, set())
        filled = sum(1 for pk in have if pk in eligible_since and eligible_since[pk] <= cutoff)
        pool = [
            c
            for c in candidates
            if c.practice_start_date <= cutoff and c.pk not in have and (c.pk, day) not in blocked
        ]
        pool.sort(key=lambda c: (counts.get(c.pk, 0), last.get(c.pk) or date.min, c.pk))
        for lawyer in pool[: max(per_day - filled, 0)]:
            new.append(DutyShift(district=district, date=day, lawyer=lawyer))
            have.add(lawyer.pk)
            counts[lawyer.pk] = counts.get(lawyer.pk, 0) + 1
            last[lawyer.pk] = day
            filled += 1
        if filled < per_day:
            result.short_days.append(day)
    DutyShift.objects.bulk_create(new)
    result.created = len(new)
    return result


@transaction.atomic
def assign_shift(*, actor: Any, district: District, day: date, lawyer: Lawyer) -> DutyShift:
    """Put one lawyer on duty on one day (the bureau), if eligible and free."""
    if not _is_bureau(actor, district):
        raise PermissionDenied
    reason = ineligibility(lawyer, district, day)
    if reason:
        raise ValidationError({"lawyer": reason})
    if DutyUnavailability.objects.filter(lawyer=lawyer, date=day).exists():
        raise ValidationError({"lawyer": _("%(name)s 已登记当天不能值班") % {"name": lawyer.name}})
    if DutyShift.objects.filter(lawyer=lawyer, date=day).exists():
        raise ValidationError({"lawyer": _("%(name)s 当天已在值班表中") % {"name": lawyer.name}})
    shift = DutyShift(district=district, date=day, lawyer=lawyer)
    shift.full_clean()
    shift.save()
    return shift


def _own_lawyer(actor: Any) -> Lawyer:
    lawyer = Lawyer.objects.filter(
        pk__in=get_principal(actor).ids(Role.LAWYER), is_active=True
    ).first()
    if lawyer is None:
        raise PermissionDenied
    return lawyer


@transaction.atomic
def check_in(*, actor: Any, shift: DutyShift, now: datetime | None = None) -> DutyShift:
    now = now or timezone.now()
    lawyer = _own_lawyer(actor)
    if shift.lawyer_id != lawyer.pk:
        raise PermissionDenied
    if shift.date != timezone.localdate(now):
        raise ValidationError(_("只能在值班当天签到"))
    if not DutyShift.objects.filter(pk=shift.pk, status=ShiftStatus.SCHEDULED).update(
        status=ShiftStatus.CHECKED_IN, checked_in_at=now
    ):
        raise ValidationError(_("已经签到过了"))
    shift.refresh_from_db()
    return shift


@transaction.atomic
def check_out(*, actor: Any, shift: DutyShift, now: datetime | None = None) -> DutyShift:
    now = now or timezone.now()
    lawyer = _own_lawyer(actor)
    if shift.lawyer_id != lawyer.pk:
        raise PermissionDenied
    if not DutyShift.objects.filter(
        pk=shift.pk, status=ShiftStatus.CHECKED_IN, checked_in_at__lte=now
    ).update(status=ShiftStatus.DONE, checked_out_at=now):
        raise ValidationError(_("请先签到，签退只能一次"))
    shift.refresh_from_db()
    return shift


@transaction.atomic
def mark_unavailable(
    *, actor: Any, day: date, reason: str = "", today: date | None = None
) -> DutyUnavailability:
    lawyer = _own_lawyer(actor)
    if day < (today or timezone.localdate()):
        raise ValidationError({"date": _("不能登记已过去的日期")})
    row, _created = DutyUnavailability.objects.get_or_create(
        lawyer=lawyer, date=day, defaults={"reason": clean_text(reason)[:100]}
    )
    return row


@transaction.atomic
def request_swap(
    *,
    actor: Any,
    shift: DutyShift,
    to_lawyer: Lawyer,
    reason: str,
    to_shift: DutyShift | None = None,
    today: date | None = None,
) -> DutySwapRequest:
    """Ask to give a shift to a colleague (or to exchange it for one of theirs)."""
    lawyer = _own_lawyer(actor)
    today = today or timezone.localdate()
    if shift.lawyer_id != lawyer.pk:
        raise PermissionDenied
    reason = clean_text(reason)
    district = shift.district
    errors: dict[str, str] = {}
    if shift.date < today or shift.status != ShiftStatus.SCHEDULED:
        errors["shift"] = _("只能为今后尚未签到的值班申请换班")
    elif len(reason) < 2:
        errors["reason"] = _("请填写换班原因")
    elif to_lawyer.pk == lawyer.pk:
        errors["to_lawyer"] = _("请选择其他律师")
    elif DutySwapRequest.objects.filter(shift=shift, status=SwapStatus.PENDING).exists():
        errors["shift"] = _("该值班已有待审批的换班申请")
    else:
        problem = _swap_problem(shift, to_lawyer, to_shift, district)
        if problem:
            errors["to_lawyer"] = problem
    if errors:
        raise ValidationError(errors)
    swap = DutySwapRequest(
        shift=shift, requester=lawyer, to_lawyer=to_lawyer, to_shift=to_shift, reason=reason[:200]
    )
    swap.full_clean()
    swap.save()
    notify_users(
        bureau_users(district.pk),
        kind=NoticeKind.ROSTER,
        title=_("%(a)s 申请 %(d)s 的值班换给 %(b)s")
        % {"a": lawyer.name, "d": f"{shift.date:%m月%d日}", "b": to_lawyer.name},
        body=reason[:200],
        now=timezone.now(),
    )
    return swap


def _swap_problem(
    shift: DutyShift, to_lawyer: Lawyer, to_shift: DutyShift | None, district: District
) -> str | None:
    reason = ineligibility(to_lawyer, district, shift.date)
    if reason:
        return reason
    busy = DutyShift.objects.filter(lawyer=to_lawyer, date=shift.date).exclude(pk=shift.pk)
    if busy.exists():
        return _("%(name)s 当天已在值班") % {"name": to_lawyer.name}
    if DutyUnavailability.objects.filter(lawyer=to_lawyer, date=shift.date).exists():
        return _("%(name)s 已登记当天不能值班") % {"name": to_lawyer.name}
    if to_shift is not None:
        if to_shift.lawyer_id != to_lawyer.pk or to_shift.district_id != district.pk:
            return _("所选交换的值班不属于该律师")
        if to_shift.status != ShiftStatus.SCHEDULED:
            return _("所选交换的值班已签到")
        requester = shift.lawyer
        reason = ineligibility(requester, district, to_shift.date)
        if reason:
            return reason
        if DutyShift.objects.filter(lawyer=requester, date=to_shift.date).exists():
            return _("您在对方的值班日已有值班")
    return None


@transaction.atomic
def decide_swap(
    *, actor: Any, swap: DutySwapRequest, approve: bool, note: str = "", now: datetime | None = None
) -> DutySwapRequest:
    """The bureau approves (the shifts change hands, checked again) or rejects."""
    now = now or timezone.now()
    if not DutySwapRequest.objects.editable_by(actor).filter(pk=swap.pk).exists():
        raise PermissionDenied
    swap = DutySwapRequest.objects.select_for_update().get(pk=swap.pk)
    if swap.status != SwapStatus.PENDING:
        raise ValidationError(_("该申请已审批"))
    shift = DutyShift.objects.select_related("district").get(pk=swap.shift_id)
    if approve:
        to_shift = swap.to_shift
        problem = _swap_problem(shift, swap.to_lawyer, to_shift, shift.district)
        if problem is None and shift.status != ShiftStatus.SCHEDULED:
            problem = _("该值班已签到，不能再换")
        if problem:
            raise ValidationError(problem)
        requester_id = shift.lawyer_id
        shift.lawyer = swap.to_lawyer
        shift.save(update_fields=["lawyer", "updated_at"])
        if to_shift is not None:
            to_shift.lawyer_id = requester_id
            to_shift.save(update_fields=["lawyer", "updated_at"])
    swap.status = SwapStatus.APPROVED if approve else SwapStatus.REJECTED
    swap.decided_by = actor
    swap.decided_at = now
    swap.decision_note = clean_text(note)[:200]
    swap.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "updated_at"])
    notify_lawyers(
        Lawyer.objects.filter(pk__in=[swap.requester_id, swap.to_lawyer_id]).select_related("user"),
        kind=NoticeKind.ROSTER,
        title=_("%(d)s 的换班申请%(r)s")
        % {"d": f"{shift.date:%m月%d日}", "r": _("已批准") if approve else _("未获批准")},
        body=swap.decision_note,
        now=now,
        sms=_("%(d)s 的值班换班申请%(r)s。")
        % {"d": f"{shift.date:%m月%d日}", "r": _("已批准") if approve else _("未获批准")},
    )
    return swap


ROSTER_COLUMNS = (
    Column("date", "值班日期", width=12),
    Column("weekday", "星期"),
    Column("lawyer", "值班律师"),
    Column("firm", "律所", width=24),
    Column("years", "执业年限（年）"),
    Column("status", "状态"),
    Column("checked_in_at", "签到时间", width=18),
    Column("checked_out_at", "签退时间", width=18),
)


def _stamp(value: datetime | None) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def export_roster(*, actor: User, district: District, year: int, month: int) -> bytes:
    """The month's roster as an .xlsx (one row per shift), logged as an export."""
    shifts = (
        DutyShift.objects.visible_to(actor)
        .filter(district=district, date__year=year, date__month=month)
        .select_related("lawyer__firm")
        .order_by("date", "lawyer__name")
    )
    rows = [
        (
            s.date,
            f"星期{WEEKDAYS[s.date.weekday()]}",
            s.lawyer.name,
            s.lawyer.firm.name,
            s.lawyer.years_of_practice,
            s.get_status_display(),
            _stamp(s.checked_in_at),
            _stamp(s.checked_out_at),
        )
        for s in shifts
    ]
    return export_workbook(
        f"{year}年{month}月值班表", ROSTER_COLUMNS, rows, model=DutyShift, district_id=district.pk
    )


def on_duty_today(actor: Any, today: date | None = None) -> QuerySet[DutyShift]:
    return DutyShift.objects.filter(
        lawyer_id__in=get_principal(actor).ids(Role.LAWYER), date=today or timezone.localdate()
    )
