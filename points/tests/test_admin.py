from __future__ import annotations

from typing import Any

import pytest

from points.models import LedgerEntry
from points.tests.conftest import fund

pytestmark = pytest.mark.django_db


def test_ledger_admin_is_read_only(world: Any, client_for: Any) -> None:
    fund(world, world.resident, 10)
    entry = LedgerEntry.objects.get()
    client = client_for(world.superuser)
    changelist = client.get("/admin/points/ledgerentry/")
    assert changelist.status_code == 200 and "测试充值" in changelist.text
    assert client.get("/admin/points/ledgerentry/add/").status_code == 403
    detail = client.get(f"/admin/points/ledgerentry/{entry.pk}/change/")
    assert detail.status_code == 200 and 'name="_save"' not in detail.text
    client.post(f"/admin/points/ledgerentry/{entry.pk}/change/", {"amount": 999})
    assert client.post(f"/admin/points/ledgerentry/{entry.pk}/delete/").status_code == 403
    assert LedgerEntry.objects.get().amount == 10
    for path in ("pointsaccount", "coupon", "offer", "earningrule", "pointspolicy"):
        assert client.get(f"/admin/points/{path}/").status_code == 200
