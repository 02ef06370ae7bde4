from __future__ import annotations

import random
from typing import Any

import pytest

from core.testing import make_user
from pairing.models import Pairing
from points import demo, services
from points.choices import CouponStatus, EntryKind, OfferStatus
from points.models import Coupon, EarningRule, LedgerEntry, Offer, PointsAccount
from regions import services as region_services

pytestmark = pytest.mark.django_db


def test_seed_is_complete_and_idempotent(world: Any) -> None:
    Pairing.objects.create(community=world.community_a1, firm=world.firm_f, start_date="2025-01-01")
    region_services.set_home_community(user=make_user("李居民"), community=world.community_b1)
    first = demo.seed(world.district, random.Random(1))
    assert first["rules"] == 4 and first["offers"] == 5 and first["coupons"] == 3
    assert EarningRule.objects.filter(district=world.district).count() == 4
    assert Offer.objects.filter(status=OfferStatus.PUBLISHED).count() == 4
    assert Offer.objects.filter(status=OfferStatus.PENDING).count() == 1
    assert Offer.objects.values("firm").distinct().count() >= 2
    account = PointsAccount.objects.get(user=world.resident)
    assert account.balance > 0
    migrated = LedgerEntry.objects.get(account=account, kind=EntryKind.ADJUST)
    assert migrated.reason == demo.MIGRATION_REASON and migrated.actor == world.bureau_admin
    statuses = set(Coupon.objects.values_list("status", flat=True))
    assert {CouponStatus.USED, CouponStatus.ISSUED} <= statuses
    again = demo.seed(world.district, random.Random(1))
    assert again == {"rules": 0, "offers": 0, "entries": 0, "coupons": 0}
    assert services.ledger_mismatches()[1] == []


def test_seed_without_residents_or_firms(world: Any) -> None:
    created = demo.seed(world.other_district, random.Random(1))
    assert created["rules"] == 4 and created["coupons"] == 0
