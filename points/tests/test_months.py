"""The ledger's roll-up by month (LedgerMonth): every entry is added as it is written,
the rows add up to the ledger, a rebuild gives the same rows (the dashboards that read
them: assessment/tests/test_pages.py)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db.models import Sum
from django.utils import timezone

from points import services
from points.choices import EntryKind
from points.models import LedgerEntry, LedgerMonth, Offer
from points.tests.conftest import fund

pytestmark = pytest.mark.django_db


def _rows() -> set[tuple[int, int, int, Any, str, int, int]]:
    return set(
        LedgerMonth.objects.values_list(
            "district_id", "street_id", "firm_id", "month", "kind", "amount", "entries"
        )
    )


def test_entries_are_counted_as_they_are_written(world: Any, offer: Offer) -> None:
    month = timezone.localdate().replace(day=1)
    d, street = world.district.pk, world.street_a.pk  # the resident lives in A1
    fund(world, world.resident, 100)
    fund(world, world.resident, 50)
    coupon = services.redeem(user=world.resident, offer=offer, key="r1")
    services.redeem(user=world.resident, offer=offer, key="r1")  # a retry adds nothing
    assert _rows() == {
        (d, street, 0, month, EntryKind.ADJUST, 150, 2),
        (d, street, world.firm_f.pk, month, EntryKind.REDEEM, -60, 1),
    }
    services.cancel_coupon(user=world.resident, coupon=coupon)
    assert (d, street, world.firm_f.pk, month, EntryKind.REFUND, 60, 1) in _rows()
    # The rows add up to the ledger, kind by kind.
    for kind in EntryKind.values:
        ledger = LedgerEntry.objects.filter(kind=kind).aggregate(n=Sum("amount"))["n"] or 0
        rolled = LedgerMonth.objects.filter(kind=kind).aggregate(n=Sum("amount"))["n"] or 0
        assert rolled == ledger, kind
    # A rebuild from the ledger gives the same rows; one district's leaves the others.
    before = _rows()
    assert services.rebuild_ledger_months() == 3
    assert _rows() == before
    assert services.rebuild_ledger_months(district_id=world.other_district.pk) == 0
    assert _rows() == before
