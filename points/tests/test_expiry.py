"""Expiry with a moved clock, and the ledger check."""

from __future__ import annotations

from datetime import datetime
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from core.testing import make_user
from points import jobs, services
from points.choices import Action, EntryKind
from points.models import LedgerEntry, PointsAccount, PointsPolicy
from points.tests.conftest import make_offer
from regions import services as region_services

pytestmark = pytest.mark.django_db


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime(year, month, day, hour, minute))


def earn(world: Any, when: datetime) -> None:
    entry = services.earn(
        user=world.resident, action=Action.MEDIATION_FOLLOWUP, source=make_user(), now=when
    )
    assert entry is not None


def account(world: Any) -> PointsAccount:
    return PointsAccount.objects.get(user=world.resident)


def expired(world: Any) -> int:
    return -sum(
        LedgerEntry.objects.filter(account__user=world.resident, kind=EntryKind.EXPIRE).values_list(
            "amount", flat=True
        )
    )


def test_points_expire_at_the_end_of_the_following_year(world: Any, rules: Any) -> None:
    earn(world, at(2024, 3, 1, 10))  # 15
    earn(world, at(2024, 11, 1, 10))  # 15 → 30 earned in 2024
    earn(world, at(2025, 2, 1, 10))  # 15 earned in 2025
    # during 2025 nothing of 2024 has expired yet
    assert services.expire_points(now=at(2025, 12, 31, 23, 0)) == 0
    # 1 January 2026 (Shanghai): the 30 points of 2024 expire, the 2025 ones stay
    assert services.expire_points(now=at(2026, 1, 1, 0, 5)) == 1
    assert expired(world) == 30 and account(world).balance == 15
    # idempotent: a second run writes nothing
    assert services.expire_points(now=at(2026, 1, 1, 6, 0)) == 0
    assert services.expire_points(now=at(2026, 7, 1, 6, 0)) == 0
    # a year later the 2025 points go too
    assert services.expire_points(now=at(2027, 1, 2, 0, 0)) == 1
    assert account(world).balance == 0 and expired(world) == 45


def test_spending_uses_the_oldest_points_first(world: Any, rules: Any) -> None:
    for month in (3, 4, 5, 6):
        earn(world, at(2024, month, 1, 10))  # 60 in 2024
    offer = make_offer(world.firm_f, points_cost=40)
    services.redeem(user=world.resident, offer=offer, now=at(2025, 1, 10, 10))  # spends 40 old
    earn(world, at(2025, 2, 1, 10))  # 15 new
    assert account(world).balance == 35
    services.expire_points(now=at(2026, 1, 1, 8))
    assert expired(world) == 20 and account(world).balance == 15


def test_a_refund_gives_back_points_of_the_same_age(world: Any, rules: Any) -> None:
    for month in (3, 4, 5, 6):
        earn(world, at(2024, month, 1, 10))  # 60 in 2024
    offer = make_offer(world.firm_f, points_cost=40)
    coupon = services.redeem(user=world.resident, offer=offer, now=at(2025, 1, 10, 10))
    services.cancel_coupon(user=world.resident, coupon=coupon, now=at(2025, 1, 11, 10))
    services.expire_points(now=at(2026, 1, 1, 8))
    assert expired(world) == 60 and account(world).balance == 0


def test_adjusted_points_expire_and_deductions_count_as_spending(world: Any) -> None:
    # adjustments are dated by the real clock: expire relative to it
    now = timezone.now()
    services.adjust(actor=world.bureau_admin, user=world.resident, amount=50, reason="迁移")
    services.adjust(actor=world.bureau_admin, user=world.resident, amount=-20, reason="更正")
    later = at(now.year + 2, 1, 1, 8)
    assert services.expire_points(now=later) == 1
    assert expired(world) == 30 and account(world).balance == 0


def test_district_without_expiry(world: Any, rules: Any) -> None:
    PointsPolicy.objects.create(district=world.district, expiry_years=None)
    earn(world, at(2020, 3, 1, 10))
    assert services.expire_points(now=at(2030, 1, 1, 8)) == 0
    assert account(world).balance == 15


def test_longer_expiry(world: Any, rules: Any) -> None:
    PointsPolicy.objects.create(district=world.district, expiry_years=2)
    earn(world, at(2024, 3, 1, 10))
    assert services.expire_points(now=at(2026, 6, 1, 8)) == 0
    assert services.expire_points(now=at(2027, 1, 1, 8)) == 1


def test_job_runs_twice_safely(world: Any, rules: Any, monkeypatch: Any) -> None:
    earn(world, at(2020, 3, 1, 10))
    coupon_offer = make_offer(world.firm_f, points_cost=5)
    services.redeem(user=world.resident, offer=coupon_offer, now=at(2020, 4, 1, 10))
    first = jobs.expire()
    assert first == {"points_expired": 1, "coupons_expired": 1}
    assert jobs.expire() == {"points_expired": 0, "coupons_expired": 0}
    assert account(world).balance == 0


def test_expiry_query_count_is_flat(
    world: Any, rules: Any, django_assert_max_num_queries: Any
) -> None:
    earn(world, at(2024, 3, 1, 10))
    services.expire_points(now=at(2026, 1, 1, 8))
    for i in range(30):
        user = make_user()
        region_services.set_home_community(user=user, community=world.community_a2)
        services.earn(
            user=user,
            action=Action.MEDIATION_FOLLOWUP,
            source=make_user(),
            now=at(2025, 1, 1 + i % 28, 10),
        )
    with django_assert_max_num_queries(3):  # nothing to expire: one aggregate per district
        assert services.expire_points(now=at(2026, 2, 1, 8)) == 0


def test_verify_ledger_command(world: Any, rules: Any) -> None:
    earn(world, at(2024, 3, 1, 10))
    out = StringIO()
    call_command("verify_ledger", stdout=out)
    assert "全部一致" in out.getvalue()
    # a balance changed behind the ledger's back is reported, and the command fails
    PointsAccount.objects.filter(user=world.resident).update(balance=99)
    out = StringIO()
    with pytest.raises(CommandError, match="1 个账户不一致"):
        call_command("verify_ledger", stdout=out)
    assert "余额 99，流水合计 15" in out.getvalue()
