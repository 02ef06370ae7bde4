"""Races with real concurrent transactions: 24 threads, each on its own connection.

They run on whatever database the suite uses: on PostgreSQL the row lock
(SELECT ... FOR UPDATE) and the conditional UPDATE decide; on SQLite writers are
serialised (BEGIN IMMEDIATE). The test suite's SQLite database is in memory with a
shared cache, where a writer that finds the database busy gets "database table is
locked" at once instead of waiting (the busy timeout of a file database does not
apply), so on SQLite a thread retries such an attempt, which is what the timeout
does for the file database in production. A retried attempt changed nothing (its
transaction was rolled back), so the assertions are the same on both databases.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from functools import partial
from typing import Any

import pytest
from django.db import OperationalError, connection, connections

from core.testing import make_user
from points import services
from points.choices import Action, CouponStatus, EntryKind
from points.models import Coupon, LedgerEntry, PointsAccount
from points.services import PointsError
from points.tests.conftest import fund, make_offer

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 24


def _attempt(fn: Callable[[], Any]) -> Any:
    for _i in range(500):
        try:
            return fn()
        except OperationalError as exc:
            if connection.vendor != "sqlite" or "locked" not in str(exc):
                raise
            time.sleep(random.uniform(0.001, 0.01))
    raise AssertionError("SQLite stayed locked")


def race(calls: list[Callable[[], Any]]) -> list[Any]:
    """Start all calls at once, each in its own thread and connection; return each
    call's result or the exception it raised."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[i] = _attempt(calls[i])
        except Exception as exc:  # collected and asserted by the test
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results


def successes(results: list[Any]) -> list[Any]:
    unexpected = [r for r in results if isinstance(r, Exception) and not isinstance(r, PointsError)]
    assert not unexpected, unexpected
    return [r for r in results if not isinstance(r, Exception)]


def assert_ledger_consistent() -> None:
    checked, problems = services.ledger_mismatches()
    assert checked >= 1 and problems == []


def test_racing_for_the_last_points(world: Any) -> None:
    fund(world, world.resident, 100)
    offer = make_offer(world.firm_f, points_cost=60)
    results = race(
        [lambda: services.redeem(user=world.resident, offer=offer) for _i in range(THREADS)]
    )
    assert len(successes(results)) == 1
    assert sum(isinstance(r, PointsError) for r in results) == THREADS - 1
    assert Coupon.objects.count() == 1
    assert PointsAccount.objects.get(user=world.resident).balance == 40
    assert_ledger_consistent()


def test_many_redemptions_never_overspend(world: Any) -> None:
    fund(world, world.resident, 300)
    offer = make_offer(world.firm_f, points_cost=60)
    results = race(
        [lambda: services.redeem(user=world.resident, offer=offer) for _i in range(THREADS)]
    )
    assert len(successes(results)) == 5
    assert PointsAccount.objects.get(user=world.resident).balance == 0
    assert LedgerEntry.objects.filter(kind=EntryKind.REDEEM).count() == 5
    assert_ledger_consistent()


def test_retries_with_the_same_key_count_once(world: Any) -> None:
    fund(world, world.resident, 300)
    offer = make_offer(world.firm_f, points_cost=60)
    results = race(
        [
            lambda: services.redeem(user=world.resident, offer=offer, key="same")
            for _i in range(THREADS)
        ]
    )
    coupons = successes(results)
    assert len(coupons) == THREADS and len({c.pk for c in coupons}) == 1
    assert PointsAccount.objects.get(user=world.resident).balance == 240
    assert_ledger_consistent()


def test_one_verifier_wins(world: Any) -> None:
    fund(world, world.resident, 100)
    coupon = services.redeem(user=world.resident, offer=make_offer(world.firm_f))
    verifiers = [world.firm_admin_f, world.lawyer_f, world.lawyer_g] * (THREADS // 3)
    results = race([partial(services.verify_coupon, actor=u, code=coupon.code) for u in verifiers])
    won = successes(results)
    assert len(won) == 1 and won[0].used_by in (world.firm_admin_f, world.lawyer_f)
    refused_g = [r for r, u in zip(results, verifiers, strict=True) if u == world.lawyer_g]
    assert all(isinstance(r, PointsError) for r in refused_g)
    coupon.refresh_from_db()
    assert coupon.status == CouponStatus.USED


def test_cancel_and_verify_race(world: Any) -> None:
    fund(world, world.resident, 100)
    coupon = services.redeem(user=world.resident, offer=make_offer(world.firm_f))
    calls: list[Callable[[], Any]] = []
    for _i in range(THREADS // 2):
        calls.append(lambda: services.verify_coupon(actor=world.firm_admin_f, code=coupon.code))
        calls.append(lambda: services.cancel_coupon(user=world.resident, coupon=coupon))
    results = race(calls)
    won = successes(results)
    coupon.refresh_from_db()
    refunds = LedgerEntry.objects.filter(kind=EntryKind.REFUND).count()
    if coupon.status == CouponStatus.USED:
        assert len(won) == 1 and refunds == 0
        assert PointsAccount.objects.get(user=world.resident).balance == 40
    else:
        # the cancel won; repeated cancels return the same refund entry
        assert coupon.status == CouponStatus.CANCELLED and refunds == 1
        assert all(getattr(w, "kind", None) == EntryKind.REFUND for w in won)
        assert PointsAccount.objects.get(user=world.resident).balance == 100
    assert_ledger_consistent()


def test_one_source_earns_once(world: Any, rules: Any) -> None:
    source = make_user()
    results = race(
        [
            lambda: services.earn(
                user=world.resident, action=Action.MEDIATION_FOLLOWUP, source=source
            )
            for _i in range(THREADS)
        ]
    )
    entries = successes(results)
    assert len({e.pk for e in entries}) == 1
    assert PointsAccount.objects.get(user=world.resident).balance == 15
    assert_ledger_consistent()
