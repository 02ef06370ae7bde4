"""The monthly service day: scheduled ahead, signed up for, checked in on the day."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from points.models import EarningRule, LedgerEntry
from regions import services as region_services
from visits import services
from visits.choices import ServiceDayStatus
from visits.models import ServiceDay, ServiceDayCheckin, ServiceDaySignup

TZ = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def days(paired):  # type: ignore[no-untyped-def]
    services.schedule_service_days(today=date(2026, 3, 1))
    return paired


def test_schedule_is_idempotent_and_covers_three_months(days):
    w = days
    assert ServiceDay.objects.count() == 9  # 3 paired communities x 3 months
    assert services.schedule_service_days(today=date(2026, 3, 1)) == 0
    assert set(ServiceDay.objects.values_list("date", flat=True)) == {
        date(2026, 3, 15),
        date(2026, 4, 15),
        date(2026, 5, 15),
    }
    assert ServiceDay.objects.get(community=w.community_b1, month=date(2026, 3, 1)).firm == w.firm_g
    # A month later one more month is added.
    assert services.schedule_service_days(today=date(2026, 4, 1)) == 3


def test_schedule_uses_the_district_day_and_skips_a_passed_day(paired):
    w = paired
    region_services.update_district_settings(
        actor=w.bureau_admin, district=w.district, values={"service_day_of_month": 20}
    )
    services.schedule_service_days(today=date(2026, 3, 25))
    assert set(ServiceDay.objects.values_list("date", flat=True)) == {
        date(2026, 4, 20),
        date(2026, 5, 20),
    }


def test_next_service_day(days):
    w = days
    on_the_day = services.next_service_day(w.community_a1, date(2026, 3, 15))
    after = services.next_service_day(w.community_a1, date(2026, 3, 16))
    assert on_the_day is not None and on_the_day.date == date(2026, 3, 15)
    assert after is not None and after.date == date(2026, 4, 15)
    assert services.next_service_day(w.community_a1, date(2026, 6, 1)) is None
    assert services.next_service_day(w.other_community, date(2026, 3, 1)) is None


def test_sign_up_once_and_not_after_the_day(days):
    w = days
    day = ServiceDay.objects.get(community=w.community_a1, month=date(2026, 3, 1))
    services.sign_up(user=w.resident, service_day=day, today=date(2026, 3, 10))
    with pytest.raises(ValidationError) as exc:
        services.sign_up(user=w.resident, service_day=day, today=date(2026, 3, 10))
    assert "已报名" in exc.value.messages[0]
    with pytest.raises(ValidationError):
        services.sign_up(user=w.lawyer_f, service_day=day, today=date(2026, 3, 16))
    assert ServiceDaySignup.objects.count() == 1
    services.cancel_signup(user=w.resident, service_day=day, today=date(2026, 3, 11))
    assert not ServiceDaySignup.objects.exists()


def test_check_in_outside_the_service_day_is_refused(days):
    w = days
    with pytest.raises(ValidationError) as exc:
        services.check_in(
            user=w.resident, community=w.community_a1, now=datetime(2026, 3, 14, 10, tzinfo=TZ)
        )
    assert "今天不是清波社区的服务日" in exc.value.messages[0]
    assert "3月15日" in exc.value.messages[0]
    # 23:30 UTC on the 14th is already the 15th in Shanghai (and 16:30 UTC on the 15th is
    # the 16th): the local date decides.
    late_utc = datetime(2026, 3, 15, 16, 30, tzinfo=ZoneInfo("UTC"))
    with pytest.raises(ValidationError):
        services.check_in(user=w.resident, community=w.community_a1, now=late_utc)
    assert not ServiceDayCheckin.objects.exists()


def test_check_in_on_the_day_once_earns_points(days):
    w = days
    EarningRule.objects.create(district=w.district, action="service_day_checkin", points=10)
    early_utc = datetime(2026, 3, 14, 23, 30, tzinfo=ZoneInfo("UTC"))  # 07:30 on the 15th
    checkin = services.check_in(user=w.resident, community=w.community_a1, now=early_utc)
    assert checkin.service_day.date == date(2026, 3, 15)
    with pytest.raises(ValidationError) as exc:
        services.check_in(
            user=w.resident, community=w.community_a1, now=datetime(2026, 3, 15, 11, tzinfo=TZ)
        )
    assert "已经签到" in exc.value.messages[0]
    assert ServiceDayCheckin.objects.count() == 1
    entries = LedgerEntry.objects.filter(account__user=w.resident)
    assert list(entries.values_list("amount", "action")) == [(10, "service_day_checkin")]
    assert entries.get().source == checkin
    day = checkin.service_day
    day.refresh_from_db()
    assert day.status == ServiceDayStatus.HELD


def test_cancelled_day_refuses_check_in_and_sign_up(days):
    w = days
    day = ServiceDay.objects.get(community=w.community_a1, month=date(2026, 3, 1))
    with pytest.raises(PermissionDenied):  # another community's staff, a firm, a resident
        services.cancel_service_day(actor=w.resident, service_day=day, today=date(2026, 3, 1))
    services.cancel_service_day(actor=w.community_staff_a1, service_day=day, today=date(2026, 3, 1))
    with pytest.raises(ValidationError):
        services.sign_up(user=w.resident, service_day=day, today=date(2026, 3, 1))
    with pytest.raises(ValidationError):
        services.check_in(
            user=w.resident, community=w.community_a1, now=datetime(2026, 3, 15, 9, tzinfo=TZ)
        )


def test_staff_move_the_day_within_its_month(days):
    w = days
    day = ServiceDay.objects.get(community=w.community_a1, month=date(2026, 4, 1))
    services.update_service_day(
        actor=w.community_staff_a1,
        service_day=day,
        values={"date": date(2026, 4, 16), "start_time": time(14, 0), "end_time": time(16, 0)},
        today=date(2026, 3, 1),
    )
    day.refresh_from_db()
    assert (day.date, day.start_time) == (date(2026, 4, 16), time(14, 0))
    with pytest.raises(ValidationError):
        services.update_service_day(
            actor=w.community_staff_a1,
            service_day=day,
            values={"date": date(2026, 5, 2)},
            today=date(2026, 3, 1),
        )
    with pytest.raises(PermissionDenied):
        services.update_service_day(
            actor=w.lawyer_f, service_day=day, values={"topic": "x"}, today=date(2026, 3, 1)
        )
