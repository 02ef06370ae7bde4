from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from core.testing import make_user
from pairing.models import Pairing
from points import services
from points.choices import Action, CouponStatus, EntryKind, OfferScope, OfferStatus
from points.models import Coupon, EarningRule, LedgerEntry, Offer, PointsAccount, PointsPolicy
from points.services import PointsError
from points.tests.conftest import fund, make_offer
from regions import services as region_services

pytestmark = pytest.mark.django_db

CHECKIN = Action.SERVICE_DAY_CHECKIN


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime(year, month, day, hour, minute))


def balance(user: Any) -> int:
    return PointsAccount.objects.get(user=user).balance


# --- earning ---------------------------------------------------------------------


def test_earn_grants_the_rule_once_per_source(world: Any, rules: Any) -> None:
    source = make_user()
    entry = services.earn(user=world.resident, action=Action.MEDIATION_FOLLOWUP, source=source)
    assert entry is not None and entry.amount == 15 and entry.kind == EntryKind.EARN
    assert entry.source == source and entry.action == Action.MEDIATION_FOLLOWUP
    again = services.earn(user=world.resident, action=Action.MEDIATION_FOLLOWUP, source=source)
    assert again == entry
    assert LedgerEntry.objects.count() == 1 and balance(world.resident) == 15
    # the same record may earn for another action (a different key)
    other = services.earn(user=world.resident, action=Action.ANSWER_RATING, source=source)
    assert other is not None and other.pk != entry.pk


def test_earn_respects_daily_and_monthly_caps(world: Any, rules: Any) -> None:
    day1 = at(2026, 3, 2, 9)
    first = services.earn(user=world.resident, action=CHECKIN, source=make_user(), now=day1)
    assert first is not None and first.amount == 10
    # daily cap 10 reached
    assert services.earn(user=world.resident, action=CHECKIN, source=make_user(), now=day1) is None
    # next day: monthly cap 20 leaves room for one more
    day2 = day1 + timedelta(days=1)
    assert services.earn(user=world.resident, action=CHECKIN, source=make_user(), now=day2)
    day3 = day1 + timedelta(days=2)
    assert services.earn(user=world.resident, action=CHECKIN, source=make_user(), now=day3) is None
    # next month the cap starts again
    april = at(2026, 4, 1, 8)
    assert services.earn(user=world.resident, action=CHECKIN, source=make_user(), now=april)
    assert balance(world.resident) == 30


def test_earn_grants_what_is_left_under_a_cap(world: Any, rules: Any) -> None:
    now = at(2026, 5, 1, 10)
    amounts = [
        services.earn(user=world.resident, action=Action.ANSWER_RATING, source=make_user(), now=now)
        for _i in range(3)
    ]
    assert [e.amount if e else None for e in amounts] == [5, 3, None]  # daily cap 8
    lectures = [
        services.earn(
            user=world.resident,
            action=Action.LECTURE_ATTENDANCE,
            source=make_user(),
            now=now + timedelta(days=40 * i),
        )
        for i in range(4)
    ]
    assert [e.amount if e else None for e in lectures] == [20, 20, 10, None]  # yearly 50


def test_caps_use_local_days(world: Any, rules: Any) -> None:
    # 23:30 and 00:30 Shanghai time are different days although one UTC day
    late = at(2026, 3, 2, 23, 30)
    assert services.earn(user=world.resident, action=CHECKIN, source=make_user(), now=late)
    early = late + timedelta(hours=1)
    assert services.earn(user=world.resident, action=CHECKIN, source=make_user(), now=early)


def test_earn_returns_none_without_rule_or_district(world: Any, rules: Any) -> None:
    rules[CHECKIN].is_active = False
    rules[CHECKIN].save()
    assert services.earn(user=world.resident, action=CHECKIN, source=make_user()) is None
    assert (
        services.earn(user=world.bureau_admin, action=Action.MEDIATION_FOLLOWUP, source=make_user())
        is None
    )
    # a resident of the other district: no rule there
    other = make_user()
    region_services.set_home_community(user=other, community=world.other_community)
    assert services.earn(user=other, action=Action.MEDIATION_FOLLOWUP, source=make_user()) is None
    assert not LedgerEntry.objects.exists()
    with pytest.raises(ValueError):
        services.earn(user=world.resident, action="bogus", source=make_user())


def test_a_source_earns_for_one_user_only(world: Any, rules: Any) -> None:
    other = make_user()
    region_services.set_home_community(user=other, community=world.community_b1)
    source = make_user()
    assert services.earn(user=world.resident, action=Action.MEDIATION_FOLLOWUP, source=source)
    assert services.earn(user=other, action=Action.MEDIATION_FOLLOWUP, source=source) is None
    assert LedgerEntry.objects.count() == 1


# --- adjustments -------------------------------------------------------------------


def test_adjust_needs_reason_and_the_bureau_of_the_district(world: Any) -> None:
    with pytest.raises(PointsError):
        services.adjust(actor=world.bureau_admin, user=world.resident, amount=10, reason=" ")
    with pytest.raises(PointsError):
        services.adjust(actor=world.bureau_admin, user=world.resident, amount=0, reason="x")
    for actor in (world.outsider, world.street_staff_a, world.firm_admin_f, world.resident):
        with pytest.raises(PermissionDenied):
            services.adjust(actor=actor, user=world.resident, amount=10, reason="补发")
    with pytest.raises(PointsError):  # no home community, no account
        services.adjust(actor=world.bureau_admin, user=world.lawyer_f, amount=10, reason="补发")
    assert not LedgerEntry.objects.exists()
    entry = services.adjust(
        actor=world.bureau_admin, user=world.resident, amount=10, reason="补发", key="k1"
    )
    assert entry.actor == world.bureau_admin and entry.reason == "补发"
    assert (
        services.adjust(
            actor=world.bureau_admin, user=world.resident, amount=10, reason="补发", key="k1"
        )
        == entry
    )
    with pytest.raises(PointsError):  # would go below zero
        services.adjust(actor=world.bureau_admin, user=world.resident, amount=-11, reason="扣减")
    assert balance(world.resident) == 10


# --- redeeming ---------------------------------------------------------------------


def test_redeem_spends_points_for_a_coupon(world: Any, offer: Offer) -> None:
    fund(world, world.resident, 100)
    coupon = services.redeem(user=world.resident, offer=offer, key="r1")
    assert coupon.status == CouponStatus.ISSUED and coupon.points == 60
    assert coupon.firm == world.firm_f and len(coupon.code) == services.CODE_LENGTH
    assert set(coupon.code) <= set(services.CODE_ALPHABET)
    assert balance(world.resident) == 40
    entry = LedgerEntry.objects.get(kind=EntryKind.REDEEM)
    assert entry.amount == -60 and entry.coupon == coupon and entry.balance_after == 40
    # the retry returns the same coupon and spends nothing
    assert services.redeem(user=world.resident, offer=offer, key="r1") == coupon
    assert balance(world.resident) == 40 and Coupon.objects.count() == 1
    with pytest.raises(PointsError, match="积分不足"):
        services.redeem(user=world.resident, offer=offer, key="r2")
    assert balance(world.resident) == 40 and Coupon.objects.count() == 1


def test_coupon_expiry_is_capped_by_the_offer(world: Any) -> None:
    fund(world, world.resident, 100)
    now = at(2026, 6, 1, 10)
    short = make_offer(world.firm_f, valid_until=now.date() + timedelta(days=3))
    coupon = services.redeem(user=world.resident, offer=short, now=now)
    assert timezone.localtime(coupon.expires_at) == at(2026, 6, 5, 0, 0)


def test_offers_a_resident_qualifies_for(world: Any) -> None:
    paired = make_offer(world.firm_f, title="结对优惠", scope=OfferScope.PAIRED)
    other_paired = make_offer(world.firm_g, title="他所结对", scope=OfferScope.PAIRED)
    district_wide = make_offer(world.firm_g, title="全区")
    make_offer(world.other_firm, title="外区")
    make_offer(world.firm_f, title="草稿", status=OfferStatus.DRAFT)
    make_offer(world.firm_f, title="已过期", valid_until=timezone.localdate() - timedelta(days=1))
    assert set(Offer.objects.available_to(world.resident)) == {district_wide}
    Pairing.objects.create(
        community=world.community_a1, firm=world.firm_f, start_date=timezone.localdate()
    )
    assert set(Offer.objects.available_to(world.resident)) == {district_wide, paired}
    assert other_paired not in Offer.objects.visible_to(world.resident)
    fund(world, world.resident, 500)
    with pytest.raises(PointsError, match="不可兑换"):
        services.redeem(user=world.resident, offer=other_paired)
    assert balance(world.resident) == 500


# --- verifying and cancelling ---------------------------------------------------------


@pytest.fixture
def coupon(world: Any, offer: Offer) -> Coupon:
    fund(world, world.resident, 100)
    return services.redeem(user=world.resident, offer=offer)


def test_verify_once_by_the_firm(world: Any, coupon: Coupon) -> None:
    typed = f" {coupon.code[:5].lower()}-{coupon.code[5:]} "
    used = services.verify_coupon(actor=world.firm_admin_f, code=typed)
    assert used.status == CouponStatus.USED and used.used_by == world.firm_admin_f
    with pytest.raises(PointsError, match="已于"):
        services.verify_coupon(actor=world.lawyer_f, code=coupon.code)
    with pytest.raises(PointsError, match="已于"):
        services.cancel_coupon(user=world.resident, coupon=coupon)
    assert balance(world.resident) == 40


def test_other_firms_cannot_verify(world: Any, coupon: Coupon) -> None:
    for actor in (world.lawyer_g, world.bureau_admin, world.resident, world.outsider):
        with pytest.raises(PointsError, match="不是本所"):
            services.verify_coupon(actor=actor, code=coupon.code)
    with pytest.raises(PointsError):
        services.verify_coupon(actor=world.firm_admin_f, code="NOPE")
    coupon.refresh_from_db()
    assert coupon.status == CouponStatus.ISSUED


def test_expired_coupon_cannot_be_used_or_cancelled(world: Any, coupon: Coupon) -> None:
    later = coupon.expires_at + timedelta(seconds=1)
    with pytest.raises(PointsError, match="过期"):
        services.verify_coupon(actor=world.firm_admin_f, code=coupon.code, now=later)
    with pytest.raises(PointsError, match="过期"):
        services.cancel_coupon(user=world.resident, coupon=coupon, now=later)
    assert services.expire_coupons(now=later) == 1
    assert services.expire_coupons(now=later) == 0
    coupon.refresh_from_db()
    assert coupon.status == CouponStatus.EXPIRED
    assert balance(world.resident) == 40


def test_cancel_refunds_once(world: Any, coupon: Coupon) -> None:
    with pytest.raises(PermissionDenied):
        services.cancel_coupon(user=world.lawyer_f, coupon=coupon)
    refund = services.cancel_coupon(user=world.resident, coupon=coupon)
    assert refund.kind == EntryKind.REFUND and refund.amount == 60
    assert services.cancel_coupon(user=world.resident, coupon=coupon) == refund
    assert balance(world.resident) == 100
    with pytest.raises(PointsError, match="已取消"):
        services.verify_coupon(actor=world.firm_admin_f, code=coupon.code)


# --- the ledger is append-only --------------------------------------------------------


def test_entries_cannot_be_changed(world: Any) -> None:
    fund(world, world.resident, 10)
    entry = LedgerEntry.objects.get()
    entry.amount = 1000
    with pytest.raises(ValueError):
        entry.save()
    with pytest.raises(ValueError):
        entry.delete()
    with pytest.raises(ValueError):
        LedgerEntry.objects.filter(pk=entry.pk).update(amount=1000)
    with pytest.raises(ValueError):
        LedgerEntry.objects.all().delete()
    with (
        pytest.raises(Exception, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE points_ledgerentry SET amount = 1000")
    if connection.vendor == "postgresql":
        with (
            pytest.raises(Exception, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute("DELETE FROM points_ledgerentry")
    assert LedgerEntry.objects.get().amount == 10


def test_database_refuses_a_negative_balance(world: Any) -> None:
    fund(world, world.resident, 10)
    with pytest.raises(IntegrityError), transaction.atomic():
        PointsAccount.objects.filter(user=world.resident).update(balance=-1)


# --- offers ----------------------------------------------------------------------------


def _draft(world: Any) -> Offer:
    offer = make_offer(world.firm_f, status=OfferStatus.DRAFT)
    return Offer.objects.get(pk=offer.pk)


def test_offer_review_flow(world: Any) -> None:
    offer = _draft(world)
    with pytest.raises(PermissionDenied):
        services.submit_offer(actor=world.lawyer_g, offer=offer)
    services.submit_offer(actor=world.firm_admin_f, offer=offer)
    assert offer.status == OfferStatus.PENDING
    with pytest.raises(PointsError):  # pending offers are not edited
        offer.title = "改"
        services.save_offer(actor=world.firm_admin_f, offer=offer)
    with pytest.raises(PermissionDenied):
        services.review_offer(actor=world.outsider, offer=offer, approve=True)
    with pytest.raises(PointsError, match="审核意见"):
        services.review_offer(actor=world.bureau_admin, offer=offer, approve=False)
    services.review_offer(actor=world.bureau_admin, offer=offer, approve=False, note="折扣不清")
    assert offer.status == OfferStatus.REJECTED and offer.review_note == "折扣不清"
    services.submit_offer(actor=world.firm_admin_f, offer=offer)
    services.review_offer(actor=world.bureau_admin, offer=offer, approve=True)
    assert offer.status == OfferStatus.PUBLISHED and offer.reviewed_by == world.bureau_admin
    with pytest.raises(PointsError):  # a second approval changes nothing
        services.review_offer(actor=world.bureau_admin, offer=offer, approve=True)
    services.withdraw_offer(actor=world.firm_admin_f, offer=offer)
    assert offer.status == OfferStatus.WITHDRAWN


def test_district_without_review_publishes_at_once(world: Any) -> None:
    PointsPolicy.objects.create(district=world.district, offers_need_review=False)
    offer = _draft(world)
    services.submit_offer(actor=world.firm_admin_f, offer=offer)
    assert offer.status == OfferStatus.PUBLISHED


def test_only_the_firm_admin_saves_offers(world: Any) -> None:
    offer = Offer(
        firm=world.firm_f,
        title="律师函九折",
        services="律师函",
        discount_percent=10,
        max_discount_yuan=100,
        points_cost=30,
        valid_from=timezone.localdate(),
        valid_until=timezone.localdate() + timedelta(days=30),
    )
    for actor in (world.lawyer_f, world.bureau_admin, world.outsider):
        with pytest.raises(PermissionDenied):
            services.save_offer(actor=actor, offer=offer)
    services.save_offer(actor=world.firm_admin_f, offer=offer)
    assert offer.pk is not None and offer.status == OfferStatus.DRAFT
    bad = Offer(**{**{f.attname: getattr(offer, f.attname) for f in Offer._meta.concrete_fields}})
    bad.pk = None
    bad.discount_percent = 95
    bad.valid_until = bad.valid_from - timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        services.save_offer(actor=world.firm_admin_f, offer=bad)
    assert "valid_until" in exc.value.message_dict and "discount_percent" in exc.value.message_dict
    assert Offer.objects.count() == 1


def test_rule_validation_and_scope(world: Any) -> None:
    rule = EarningRule(
        district=world.district, action=CHECKIN, points=5, daily_cap=50, monthly_cap=10
    )
    with pytest.raises(ValidationError, match="每日"):
        services.save_rule(actor=world.bureau_admin, rule=rule)
    rule.daily_cap = 5
    with pytest.raises(PermissionDenied):
        services.save_rule(actor=world.outsider, rule=rule)
    services.save_rule(actor=world.bureau_admin, rule=rule)
    dup = EarningRule(district=world.district, action=CHECKIN, points=5)
    with pytest.raises(ValidationError):
        services.save_rule(actor=world.bureau_admin, rule=dup)
