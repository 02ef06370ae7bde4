"""The duty roster: fair, never an ineligible lawyer, short days warned; swaps,
check-in/out and the Excel export."""

from __future__ import annotations

import io
from collections import Counter
from datetime import date, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from openpyxl import load_workbook

from consultations import roster
from consultations.choices import NoticeKind, ShiftStatus, SwapStatus
from consultations.models import DutyShift, DutyUnavailability, Notice
from core.testing import make_lawyer, make_user
from regions.services import update_district_settings

from .conftest import SHANGHAI

OCT1 = date(2026, 10, 1)


@pytest.fixture
def volunteers(world):
    """L (2010) plus three more eligible volunteers, and three who are not eligible."""
    eligible = [world.lawyer_l] + [
        make_lawyer(
            world.firm_g, f"志愿{i}", user=make_user(f"志愿{i}"), is_volunteer=True, year=2015
        )
        for i in range(3)
    ]
    make_lawyer(world.firm_f, "新律师", is_volunteer=True, year=2024)  # < 5 years
    make_lawyer(world.firm_f, "离职律师", is_volunteer=True, is_active=False)
    make_lawyer(world.firm_f, "非志愿律师", is_volunteer=False)
    return eligible


def generate(world, **kw):
    kw.setdefault("year", 2026)
    kw.setdefault("month", 10)
    kw.setdefault("today", OCT1)
    return roster.generate_roster(actor=world.bureau_admin, district=world.district, **kw)


def test_generated_roster_is_full_fair_and_only_eligible(world, volunteers):
    DutyUnavailability.objects.create(lawyer=volunteers[1], date=date(2026, 10, 5))
    result = generate(world)
    assert result.created == 31 * 2
    assert result.short_days == []
    shifts = DutyShift.objects.filter(district=world.district)
    assert set(shifts.values_list("lawyer", flat=True)) == {v.pk for v in volunteers}
    per_day = Counter(shifts.values_list("date", flat=True))
    assert set(per_day.values()) == {2}
    load = Counter(shifts.values_list("lawyer", flat=True))
    assert max(load.values()) - min(load.values()) <= 1
    assert not shifts.filter(lawyer=volunteers[1], date=date(2026, 10, 5)).exists()
    # Running it again changes nothing (existing shifts are kept, no gaps to fill).
    assert generate(world).created == 0


def test_generation_is_deterministic(world, volunteers):
    generate(world)
    first = list(DutyShift.objects.order_by("date", "lawyer_id").values_list("date", "lawyer_id"))
    DutyShift.objects.all().delete()
    generate(world)
    second = list(DutyShift.objects.order_by("date", "lawyer_id").values_list("date", "lawyer_id"))
    assert first == second


def test_fairness_counts_past_shifts(world, volunteers):
    for day in range(1, 11):
        DutyShift.objects.create(
            district=world.district, date=date(2026, 9, day), lawyer=world.lawyer_l
        )
    generate(world, month=10)
    load = Counter(DutyShift.objects.filter(date__month=10).values_list("lawyer", flat=True))
    assert load[world.lawyer_l.pk] < min(v for k, v in load.items() if k != world.lawyer_l.pk)


def test_short_days_are_reported_to_the_bureau(world):
    # Only L is eligible: every day is one lawyer short.
    result = generate(world)
    assert len(result.short_days) == 31
    assert DutyShift.objects.count() == 31
    assert Notice.objects.filter(user=world.bureau_admin, kind=NoticeKind.ROSTER).count() == 1
    assert roster.short_days(world.district, 2026, 10) == result.short_days


def test_settings_change_the_rules(world, volunteers):
    update_district_settings(
        actor=world.bureau_admin,
        district=world.district,
        values={"duty_lawyers_per_day": 3, "duty_min_practice_years": 12},
    )
    result = generate(world)
    # Only L has 12+ years: every day is two short, and nobody else is placed.
    assert set(DutyShift.objects.values_list("lawyer", flat=True)) == {world.lawyer_l.pk}
    assert len(result.short_days) == 31


def test_an_ineligible_lawyer_is_never_put_on_duty(world, volunteers):
    young = make_lawyer(world.firm_f, "见习", is_volunteer=True, year=2024)
    for lawyer, reason in (
        (young, "执业不满 5 年"),
        (world.lawyer_other, "不是志愿律师"),
        (make_lawyer(world.other_firm, "外区", is_volunteer=True), "不是本区律所的律师"),
    ):
        with pytest.raises(ValidationError, match=reason):
            roster.assign_shift(
                actor=world.bureau_admin, district=world.district, day=OCT1, lawyer=lawyer
            )
    assert not DutyShift.objects.exists()
    roster.assign_shift(
        actor=world.bureau_admin, district=world.district, day=OCT1, lawyer=world.lawyer_l
    )
    with pytest.raises(ValidationError, match="当天已在值班表中"):
        roster.assign_shift(
            actor=world.bureau_admin, district=world.district, day=OCT1, lawyer=world.lawyer_l
        )
    # The database refuses a second shift the same day too.
    with pytest.raises(IntegrityError), transaction.atomic():
        DutyShift.objects.create(district=world.district, date=OCT1, lawyer=world.lawyer_l)


def test_only_the_bureau_of_the_district_makes_the_roster(world, volunteers):
    for user in (world.lawyer_f, world.firm_admin_f, world.street_staff_a, world.outsider):
        with pytest.raises(PermissionDenied):
            roster.generate_roster(
                actor=user, district=world.district, year=2026, month=10, today=OCT1
            )
    assert not DutyShift.objects.exists()


def test_past_months_cannot_be_generated(world, volunteers):
    with pytest.raises(ValidationError, match="今天及以后"):
        generate(world, month=9)


def test_swap_requested_and_approved(world, volunteers):
    mine = DutyShift.objects.create(
        district=world.district, date=date(2026, 10, 8), lawyer=world.lawyer_l
    )
    other = volunteers[1]
    with pytest.raises(ValidationError, match="不是志愿律师"):
        roster.request_swap(
            actor=world.lawyer_f,
            shift=mine,
            to_lawyer=world.lawyer_other,
            reason="出差",
            today=OCT1,
        )
    with pytest.raises(PermissionDenied):
        roster.request_swap(
            actor=other.user, shift=mine, to_lawyer=other, reason="出差", today=OCT1
        )
    swap = roster.request_swap(
        actor=world.lawyer_f, shift=mine, to_lawyer=other, reason="出差", today=OCT1
    )
    with pytest.raises(ValidationError, match="待审批"):
        roster.request_swap(
            actor=world.lawyer_f, shift=mine, to_lawyer=volunteers[2], reason="出差", today=OCT1
        )
    with pytest.raises(PermissionDenied):
        roster.decide_swap(actor=world.lawyer_f, swap=swap, approve=True)
    roster.decide_swap(actor=world.bureau_admin, swap=swap, approve=True, note="同意")
    mine.refresh_from_db()
    swap.refresh_from_db()
    assert mine.lawyer == other
    assert (swap.status, swap.decided_by) == (SwapStatus.APPROVED, world.bureau_admin)
    with pytest.raises(ValidationError, match="已审批"):
        roster.decide_swap(actor=world.bureau_admin, swap=swap, approve=False)


def test_swap_exchange_and_rejection(world, volunteers):
    mine = DutyShift.objects.create(
        district=world.district, date=date(2026, 10, 8), lawyer=world.lawyer_l
    )
    theirs = DutyShift.objects.create(
        district=world.district, date=date(2026, 10, 9), lawyer=volunteers[1]
    )
    swap = roster.request_swap(
        actor=world.lawyer_f,
        shift=mine,
        to_lawyer=volunteers[1],
        to_shift=theirs,
        reason="调休",
        today=OCT1,
    )
    roster.decide_swap(actor=world.bureau_admin, swap=swap, approve=True)
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.lawyer, theirs.lawyer) == (volunteers[1], world.lawyer_l)
    again = roster.request_swap(
        actor=world.lawyer_f, shift=theirs, to_lawyer=volunteers[2], reason="临时有事", today=OCT1
    )
    roster.decide_swap(actor=world.bureau_admin, swap=again, approve=False, note="请自行协调")
    theirs.refresh_from_db()
    assert theirs.lawyer == world.lawyer_l


def test_check_in_and_out_on_the_day(world):
    shift = DutyShift.objects.create(district=world.district, date=OCT1, lawyer=world.lawyer_l)
    morning = datetime(2026, 10, 1, 8, 55, tzinfo=SHANGHAI)
    with pytest.raises(ValidationError, match="值班当天"):
        roster.check_in(actor=world.lawyer_f, shift=shift, now=morning - timedelta(days=1))
    with pytest.raises(ValidationError, match="请先签到"):
        roster.check_out(actor=world.lawyer_f, shift=shift, now=morning)
    with pytest.raises(PermissionDenied):
        roster.check_in(actor=world.lawyer_g, shift=shift, now=morning)
    roster.check_in(actor=world.lawyer_f, shift=shift, now=morning)
    with pytest.raises(ValidationError, match="已经签到"):
        roster.check_in(actor=world.lawyer_f, shift=shift, now=morning)
    roster.check_out(actor=world.lawyer_f, shift=shift, now=morning + timedelta(hours=8))
    shift.refresh_from_db()
    assert shift.status == ShiftStatus.DONE
    assert shift.checked_in_at and shift.checked_out_at
    assert shift.checked_out_at - shift.checked_in_at == timedelta(hours=8)


def test_roster_exports_to_excel(world, volunteers):
    generate(world)
    content = roster.export_roster(
        actor=world.bureau_admin, district=world.district, year=2026, month=10
    )
    ws = load_workbook(io.BytesIO(content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:4] == ("值班日期", "星期", "值班律师", "律所")
    assert len(rows) == 1 + 62
    assert rows[1][1] == "星期四"  # 1 October 2026
    assert {r[2] for r in rows[1:]} == {v.name for v in volunteers}
