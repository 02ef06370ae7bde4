"""Property: whatever sequence of earn / redeem / cancel / expire / adjust operations
runs, the balance equals the sum of the entries and never goes below zero, and a
refused operation changes nothing."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.testing import make_user
from points import services
from points.choices import Action
from points.models import Coupon, LedgerEntry, PointsAccount
from points.services import PointsError
from points.tests.conftest import make_offer

pytestmark = pytest.mark.django_db

operations = st.lists(
    st.one_of(
        st.tuples(st.just("earn"), st.sampled_from(Action.values), st.integers(0, 5)),
        st.tuples(st.just("redeem"), st.integers(0, 2), st.integers(0, 3)),
        st.tuples(st.just("cancel"), st.integers(0, 5)),
        st.tuples(st.just("expire"), st.integers(0, 1)),
        st.tuples(st.just("adjust"), st.integers(-80, 80), st.integers(0, 3)),
        st.tuples(st.just("wait"), st.integers(1, 400)),
    ),
    max_size=25,
)


def _snapshot(account_id: int) -> tuple[int, int]:
    return (
        PointsAccount.objects.get(pk=account_id).balance,
        LedgerEntry.objects.filter(account_id=account_id).count(),
    )


@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=operations)
def test_balance_is_the_sum_of_entries(world: Any, rules: Any, ops: list[tuple]) -> None:
    with transaction.atomic():
        _run(world, ops)
        transaction.set_rollback(True)  # each example starts from the same world


def _run(world: Any, ops: list[tuple]) -> None:
    resident = world.resident
    offers = [make_offer(world.firm_f, points_cost=cost) for cost in (5, 30, 80)]
    sources = [make_user() for _i in range(6)]
    account = services.get_account(resident)
    assert account is not None
    clock = timezone.make_aware(datetime(2024, 1, 1, 9))
    for op in ops:
        before = _snapshot(account.pk)
        try:
            if op[0] == "earn":
                services.earn(user=resident, action=op[1], source=sources[op[2]], now=clock)
            elif op[0] == "redeem":
                services.redeem(user=resident, offer=offers[op[1]], key=str(op[2]), now=clock)
            elif op[0] == "cancel":
                coupons = list(Coupon.objects.filter(account=account).order_by("pk"))
                if coupons:
                    coupon = coupons[op[1] % len(coupons)]
                    services.cancel_coupon(user=resident, coupon=coupon, now=clock)
            elif op[0] == "expire":
                services.expire_points(now=clock) if op[1] else services.expire_coupons(now=clock)
            elif op[0] == "adjust":
                if op[1]:
                    services.adjust(
                        actor=world.bureau_admin,
                        user=resident,
                        amount=op[1],
                        reason="测试",
                        key=str(op[2]),
                    )
            else:
                clock += timedelta(days=op[1])
        except PointsError:
            assert _snapshot(account.pk) == before  # refused: nothing changed
        balance, _count = _snapshot(account.pk)
        total = LedgerEntry.objects.filter(account_id=account.pk).aggregate(
            s=Sum("amount", default=0)
        )["s"]
        assert balance == total >= 0
        last = LedgerEntry.objects.filter(account_id=account.pk).order_by("-id").first()
        assert (last.balance_after if last else 0) == balance
