"""Subsidies from evidence: pro rata liaison work, confirmed duty shifts, successful
mediations with complete files; each source paid once; the follow-up sample."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from openpyxl import load_workbook

from assessment import subsidies
from assessment.models import MediationRate, SubsidyItem, SubsidyRates
from assessment.tests import factories as make

YEAR_END = make.at(date(2026, 12, 31), 20)
D = Decimal


@pytest.fixture
def setup(world):  # type: ignore[no-untyped-def]
    """F paired with A1 from 1 July 2026 (liaison from then); G with B1 all year, but
    its liaison only from March."""
    a1 = make.pair(world.community_a1, world.firm_f, date(2026, 7, 1))
    make.liaison(a1, world.lawyer_l, date(2026, 7, 1))
    b1 = make.pair(world.community_b1, world.firm_g, date(2025, 6, 1))
    make.liaison(b1, world.lawyer_other, date(2026, 3, 1))
    return world


def _period(world, start=date(2026, 1, 1), end=date(2026, 12, 31)):  # type: ignore[no-untyped-def]
    return subsidies.create_period(
        actor=world.bureau_admin, district=world.district, start=start, end=end
    )


def _sum(items) -> Decimal:  # type: ignore[no-untyped-def]
    return sum((i.amount for i in items), D(0))


def test_liaison_subsidy_is_pro_rata_by_months_paired(setup):
    w = setup
    period = _period(w)
    subsidies.generate_items(actor=w.bureau_admin, period=period, now=YEAR_END)
    f = SubsidyItem.objects.filter(period=period, firm=w.firm_f, kind="liaison")
    assert sorted(i.month.month for i in f) == [7, 8, 9, 10, 11, 12]
    assert _sum(f) == D("2000.00")  # 6/12 × 4000
    assert set(f.values_list("status", flat=True)) == {"payable"}
    g = SubsidyItem.objects.filter(period=period, firm=w.firm_g, kind="liaison")
    assert _sum(g) == D("4000.00")  # twelve twelfths add up to the rate exactly
    held = g.filter(status="held")
    assert sorted(i.month.month for i in held) == [1, 2]  # no liaison yet
    assert set(held.values_list("hold_reason", flat=True)) == {"当月结对社区未配备联络员"}


def test_half_year_periods_split_the_year_without_overlap(setup):
    w = setup
    first = _period(w, date(2026, 1, 1), date(2026, 6, 30))
    second = _period(w, date(2026, 7, 1), date(2026, 12, 31))
    for period in (first, second):
        subsidies.generate_items(actor=w.bureau_admin, period=period, now=YEAR_END)
    g = SubsidyItem.objects.filter(firm=w.firm_g, kind="liaison")
    assert _sum(g.filter(period=first)) + _sum(g.filter(period=second)) == D("4000.00")
    assert _sum(SubsidyItem.objects.filter(period=first, firm=w.firm_f)) == 0
    with pytest.raises(ValidationError, match="时间重叠"):
        _period(w, date(2026, 6, 1), date(2026, 7, 31))
    with pytest.raises(ValidationError, match="某月 1 日"):
        _period(w, date(2027, 1, 2), date(2027, 1, 31))
    with pytest.raises(ValidationError, match="最后一天"):
        _period(w, date(2027, 1, 1), date(2027, 1, 30))


def test_duty_subsidy_per_confirmed_shift(setup):
    w = setup
    SubsidyRates.objects.create(district=w.district, duty_rate_yuan=D("150.00"))
    done = make.shift(w.district, date(2026, 9, 1), w.lawyer_l)
    open_shift = make.shift(w.district, date(2026, 9, 2), w.lawyer_l, out=False)
    make.shift(w.district, date(2026, 9, 3), w.lawyer_l, checked_in=False)  # absent: not owed
    period = _period(w)
    subsidies.generate_items(actor=w.bureau_admin, period=period, now=YEAR_END)
    duty = SubsidyItem.objects.filter(period=period, kind="duty")
    assert {(i.duty_shift_id, i.status, i.amount) for i in duty} == {
        (done.pk, "payable", D("150.00")),
        (open_shift.pk, "held", D("150.00")),
    }
    open_shift.checked_out_at = make.at(date(2026, 9, 2), 17)
    open_shift.save()
    counts = subsidies.generate_items(actor=w.bureau_admin, period=period, now=YEAR_END)
    assert counts["created"] == 0
    assert set(duty.values_list("status", flat=True)) == {"payable"}


def test_mediation_subsidy_by_rate_table_and_complete_files(setup):
    w = setup
    asker = w.resident
    MediationRate.objects.create(
        district=w.district, category="", difficulty="simple", amount_yuan=D("300.00")
    )
    MediationRate.objects.create(
        district=w.district, category="labor", difficulty="complex", amount_yuan=D("1500.00")
    )
    simple = make.case(w.district, w.lawyer_l, make.at(date(2026, 5, 6)), applied_by=asker)
    labor = make.case(
        w.district,
        w.lawyer_other,
        make.at(date(2026, 5, 7)),
        applied_by=asker,
        category="labor",
        amount=D("200000"),
    )
    unarchived = make.case(
        w.district, w.lawyer_l, make.at(date(2026, 5, 8)), applied_by=asker, archived=False
    )
    unconfirmed = make.case(
        w.district, w.lawyer_l, make.at(date(2026, 5, 9)), applied_by=asker, confirmed=False
    )
    no_rate = make.case(
        w.district, w.lawyer_l, make.at(date(2026, 5, 10)), applied_by=asker, amount=D("50000")
    )
    make.case(w.district, w.lawyer_l, make.at(date(2026, 5, 11)), applied_by=asker, success=False)
    make.case(w.district, None, make.at(date(2026, 5, 12)), applied_by=asker)  # no lawyer
    period = _period(w)
    subsidies.generate_items(actor=w.bureau_admin, period=period, now=YEAR_END)
    items = {
        i.mediation_case_id: i for i in SubsidyItem.objects.filter(period=period, kind="mediation")
    }
    assert set(items) == {simple.pk, labor.pk, unarchived.pk, unconfirmed.pk, no_rate.pk}
    assert (items[simple.pk].status, items[simple.pk].amount) == ("payable", D("300.00"))
    assert (items[labor.pk].difficulty, items[labor.pk].amount) == ("complex", D("1500.00"))
    assert items[labor.pk].firm_id == w.firm_g.pk
    assert items[unarchived.pk].hold_reason == "案件尚未归档（卷宗未齐全）"
    assert items[unconfirmed.pk].hold_reason == "调解协议书尚未经各方当事人确认"
    assert items[no_rate.pk].hold_reason == "未设置该类别、难度的补贴标准"
    # The bureau judges the 50 000 yuan case simple: the table's rate applies.
    item = subsidies.set_item_difficulty(
        actor=w.bureau_admin, item=items[no_rate.pk], difficulty="simple"
    )
    assert (item.status, item.amount, item.difficulty_set_by) == (
        "payable",
        D("300.00"),
        w.bureau_admin,
    )
    subsidies.generate_items(actor=w.bureau_admin, period=period, now=YEAR_END)
    assert SubsidyItem.objects.get(pk=item.pk).difficulty == "simple"  # kept


def test_an_item_is_never_paid_twice(setup):
    w = setup
    shift = make.shift(w.district, date(2026, 9, 1), w.lawyer_l)
    period = _period(w)
    subsidies.generate_items(actor=w.bureau_admin, period=period, now=YEAR_END)
    paid = subsidies.pay_items(actor=w.bureau_admin, period=period, now=YEAR_END)
    assert paid == SubsidyItem.objects.filter(period=period, status="paid").count() > 0
    first_paid_at = SubsidyItem.objects.get(duty_shift=shift).paid_at
    with pytest.raises(ValidationError, match="没有待发放"):
        subsidies.pay_items(actor=w.bureau_admin, period=period)
    # A rate change and a new generation leave paid items as they were paid.
    SubsidyRates.objects.create(district=w.district, duty_rate_yuan=D("999.00"))
    counts = subsidies.generate_items(actor=w.bureau_admin, period=period, now=YEAR_END)
    assert counts["created"] == 0
    item = SubsidyItem.objects.get(duty_shift=shift)
    assert (item.amount, item.paid_at) == (D("200.00"), first_paid_at)
    # The database refuses a second item for the same source, in any period.
    later = _period(w, date(2027, 1, 1), date(2027, 12, 31))
    for source in (
        {"kind": "duty", "duty_shift": shift, "lawyer": w.lawyer_l},
        {"kind": "liaison", "month": date(2026, 7, 1)},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            SubsidyItem.objects.create(
                period=later,
                firm=w.firm_f,
                description="重复",
                amount=1,
                status="payable",
                **source,
            )


def test_follow_up_sample_is_ten_percent_at_least_one_and_repeatable(setup):
    w = setup
    for day in range(1, 16):
        make.case(w.district, w.lawyer_l, make.at(date(2026, 4, day)), applied_by=w.resident)
    period = _period(w)
    subsidies.generate_items(actor=w.bureau_admin, period=period, now=YEAR_END)
    subsidies.pay_items(actor=w.bureau_admin, period=period, now=YEAR_END)
    chosen = subsidies.draw_sample(actor=w.bureau_admin, period=period)
    assert len(chosen) == 2  # 10 % of 15, rounded up
    assert set(SubsidyItem.objects.filter(sampled=True).values_list("pk", flat=True)) == set(chosen)
    with pytest.raises(ValidationError, match="已抽取"):
        subsidies.draw_sample(actor=w.bureau_admin, period=period)
    # The seed is fixed per period: drawing again from the same items gives the same cases.
    SubsidyItem.objects.update(sampled=False)
    period.sample_drawn_at = None
    period.save()
    assert subsidies.draw_sample(actor=w.bureau_admin, period=period) == chosen
    item = SubsidyItem.objects.get(pk=chosen[0])
    subsidies.record_follow_up(actor=w.bureau_admin, item=item, note="当事人表示协议已履行")
    assert SubsidyItem.objects.get(pk=item.pk).followed_up_at is not None
    unsampled = SubsidyItem.objects.filter(sampled=False)[0]
    with pytest.raises(ValidationError, match="未被抽中"):
        subsidies.record_follow_up(actor=w.bureau_admin, item=unsampled, note="随便回访一下")


def test_only_the_bureau_settles(setup):
    w = setup
    period = _period(w)
    for user in (w.firm_admin_f, w.street_staff_a, w.outsider, w.lawyer_f):
        with pytest.raises(PermissionDenied):
            subsidies.generate_items(actor=user, period=period, now=YEAR_END)
        with pytest.raises(PermissionDenied):
            subsidies.create_period(
                actor=user, district=w.district, start=date(2027, 1, 1), end=date(2027, 1, 31)
            )
    assert not SubsidyItem.objects.exists()


def test_payment_sheet_and_totals_by_firm(setup):
    w = setup
    make.shift(w.district, date(2026, 9, 1), w.lawyer_l)
    period = _period(w)
    subsidies.generate_items(actor=w.bureau_admin, period=period, now=YEAR_END)
    totals = {
        t["firm__name"]: t for t in subsidies.firm_totals(SubsidyItem.objects.filter(period=period))
    }
    f = totals[w.firm_f.name]
    assert (f["liaison"], f["duty"], f["mediation"], f["payable"], f["held"]) == (
        D("2000.00"),
        D("200.00"),
        D("0.00"),
        D("2200.00"),
        D("0.00"),
    )
    g = totals[w.firm_g.name]
    assert (g["liaison"], g["held"]) == (D("3333.33"), D("666.67"))  # March to December
    wb = load_workbook(io.BytesIO(subsidies.payment_workbook(period)))
    assert wb.sheetnames == ["发放明细", "按律所汇总"]
    rows = list(wb["按律所汇总"].iter_rows(min_row=2, values_only=True))
    assert (w.firm_f.name, 2000, 200, 0, 0, 2200, 0) in rows
    assert wb["发放明细"].max_row == 1 + SubsidyItem.objects.filter(period=period).count()
