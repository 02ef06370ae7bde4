from __future__ import annotations

import re
from typing import Any

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from core.scope import get_principal
from core.testing import make_user, walk_more
from core.workspace import panels_for
from points import services
from points.choices import Action, CouponStatus, OfferStatus
from points.models import Coupon, LedgerEntry, Offer, PointsAccount, PointsPolicy
from points.tests.conftest import fund, make_offer
from regions import services as region_services

pytestmark = pytest.mark.django_db


def url(name: str, *args: Any) -> str:
    return reverse(f"points:{name}", args=args)


def test_anonymous_is_sent_to_sign_in(client: Any) -> None:
    for name in ("home", "history", "offer_list", "coupon_list", "firm_offers", "verify", "bureau"):
        response = client.get(url(name))
        assert response.status_code == 302 and "/accounts/" in response["Location"]


def test_resident_pages(world: Any, rules: Any, offer: Offer, client_for: Any) -> None:
    fund(world, world.resident, 100)
    client = client_for(world.resident)
    home = client.get(url("home"))
    assert home.status_code == 200
    assert '<p class="display-4 fw-bold mb-2" data-testid="balance">100</p>' in home.text
    assert "服务日签到" in home.text
    assert "测试充值" in client.get(url("history")).text
    offers = client.get(url("offer_list"))
    assert "合同审查八折" in offers.text and "60 积分兑换" in offers.text


def test_redeeming_asks_for_a_confirmation_first(world: Any, offer: Offer, client_for: Any) -> None:
    fund(world, world.resident, 100)
    client = client_for(world.resident)
    offers = client.get(url("offer_list")).text
    assert f'href="{url("redeem", offer.pk)}"' in offers  # a link to the confirmation
    page = client.get(url("redeem", offer.pk))
    assert page.status_code == 200 and "确认兑换" in page.text
    assert "需要积分" in page.text and "兑换后剩余" in page.text and "40 分" in page.text
    assert not Coupon.objects.exists()  # looking changes nothing
    key = re.search(r'name="key" value="([0-9a-f]+)"', page.text)
    assert key is not None
    done = client.post(url("redeem", offer.pk), {"key": key.group(1)})
    assert done.status_code == 302 and Coupon.objects.count() == 1


def test_redeem_retry_and_coupon_pages(world: Any, offer: Offer, client_for: Any) -> None:
    fund(world, world.resident, 130)
    client = client_for(world.resident)
    response = client.post(url("redeem", offer.pk), {"key": "abc"})
    coupon = Coupon.objects.get()
    assert response.status_code == 302 and response["Location"] == url("coupon_detail", coupon.pk)
    client.post(url("redeem", offer.pk), {"key": "abc"})  # double submit
    assert Coupon.objects.count() == 1
    assert PointsAccount.objects.get(user=world.resident).balance == 70
    detail = client.get(url("coupon_detail", coupon.pk))
    assert coupon.code in detail.text and "<svg" in detail.text
    assert url("coupon_detail", coupon.pk) in client.get(url("coupon_list")).text
    response = client.post(url("coupon_cancel", coupon.pk), follow=True)
    assert "60 积分已退回" in response.text
    assert PointsAccount.objects.get(user=world.resident).balance == 130
    assert "已取消" in client.get(url("coupon_detail", coupon.pk)).text


def test_redeem_without_enough_points_says_so(world: Any, offer: Offer, client_for: Any) -> None:
    fund(world, world.resident, 10)
    response = client_for(world.resident).post(url("redeem", offer.pk), follow=True)
    assert "积分不足" in response.text and not Coupon.objects.exists()


def test_coupons_of_others_answer_404(world: Any, offer: Offer, client_for: Any) -> None:
    fund(world, world.resident, 100)
    coupon = services.redeem(user=world.resident, offer=offer)
    other = make_user()
    region_services.set_home_community(user=other, community=world.community_a2)
    for user in (other, world.firm_admin_f, world.bureau_admin):
        client = client_for(user)
        assert client.get(url("coupon_detail", coupon.pk)).status_code == 404
        assert client.post(url("coupon_cancel", coupon.pk)).status_code == 404
        assert url("coupon_detail", coupon.pk) not in client.get(url("coupon_list")).text
    coupon.refresh_from_db()
    assert coupon.status == CouponStatus.ISSUED


def test_offers_not_open_to_the_resident_answer_404(world: Any, client_for: Any) -> None:
    fund(world, world.resident, 100)
    foreign = make_offer(world.other_firm)
    draft = make_offer(world.firm_f, status=OfferStatus.DRAFT)
    client = client_for(world.resident)
    for o in (foreign, draft):
        assert client.post(url("redeem", o.pk)).status_code == 404
        assert client.get(url("redeem", o.pk)).status_code == 404
    assert not Coupon.objects.exists()


def test_firm_verifies_its_coupons_only(world: Any, offer: Offer, client_for: Any) -> None:
    fund(world, world.resident, 100)
    coupon = services.redeem(user=world.resident, offer=offer)
    page = client_for(world.firm_admin_f).get(url("verify") + f"?code={coupon.code}")
    assert page.status_code == 200 and f'value="{coupon.code}"' in page.text
    refused = client_for(world.lawyer_g).post(url("verify"), {"code": coupon.code})
    assert "不是本所" in refused.text
    # The code first shows the coupon to check; only 确认核销 uses it up.
    shown = client_for(world.lawyer_f).post(url("verify"), {"code": coupon.code})
    assert "请核对后确认核销" in shown.text and "合同审查八折" in shown.text
    coupon.refresh_from_db()
    assert coupon.status == CouponStatus.ISSUED
    ok = client_for(world.lawyer_f).post(url("verify"), {"code": coupon.code, "confirm": "1"})
    assert "核销成功" in ok.text
    coupon.refresh_from_db()
    assert coupon.status == CouponStatus.USED
    again = client_for(world.firm_admin_f).post(url("verify"), {"code": coupon.code})
    assert "已于" in again.text and "请核对后确认核销" not in again.text
    for user in (world.resident, world.bureau_admin):
        assert client_for(user).get(url("verify")).status_code == 404


def test_firm_offer_pages(world: Any, client_for: Any) -> None:
    client = client_for(world.firm_admin_f)
    assert client.get(url("offer_add")).status_code == 200
    data = {
        "firm": world.firm_f.pk,
        "title": "律师函九折",
        "services": "律师函",
        "discount_percent": 10,
        "max_discount_yuan": "200",
        "points_cost": 40,
        "scope": "district",
        "valid_from": "2026-01-01",
        "valid_until": "2099-12-31",
        "coupon_valid_days": 30,
    }
    assert client.post(url("offer_add"), {**data, "firm": world.firm_g.pk}).status_code == 200
    assert not Offer.objects.exists()  # another firm: refused by the form
    bad = client.post(url("offer_add"), {**data, "valid_until": "2025-01-01"})
    assert "截止日期不能早于开始日期" in bad.text and not Offer.objects.exists()
    assert client.post(url("offer_add"), data).status_code == 302
    offer = Offer.objects.get()
    assert offer.status == OfferStatus.DRAFT
    assert client.get(url("offer_edit", offer.pk)).status_code == 200
    client.post(url("offer_submit", offer.pk))
    offer.refresh_from_db()
    assert offer.status == OfferStatus.PENDING
    assert "律师函九折" in client.get(url("firm_offers")).text
    # other firms and residents cannot touch it
    assert client_for(world.lawyer_g).post(url("offer_withdraw", offer.pk)).status_code == 404
    assert client_for(world.resident).get(url("firm_offers")).status_code == 404
    assert client_for(world.lawyer_f).get(url("offer_edit", offer.pk)).status_code == 404


def test_bureau_pages(world: Any, rules: Any, client_for: Any) -> None:
    fund(world, world.resident, 100)
    pending = make_offer(world.firm_f, status=OfferStatus.PENDING)
    client = client_for(world.bureau_admin)
    page = client.get(url("bureau"))
    assert page.status_code == 200 and "服务日签到" in page.text
    assert '<div class="fs-4 fw-bold" data-testid="issued">100</div>' in page.text
    assert "合同审查八折" in client.get(url("bureau_offers")).text
    client.post(url("offer_review", pending.pk), {"decision": "reject", "note": ""})
    pending.refresh_from_db()
    assert pending.status == OfferStatus.PENDING  # a rejection needs a note
    client.post(url("offer_review", pending.pk), {"decision": "approve"})
    pending.refresh_from_db()
    assert pending.status == OfferStatus.PUBLISHED
    # rules and settings
    rule = rules[Action.ANSWER_RATING]
    client.post(
        url("rule_edit", rule.pk), {"action": "x", "points": 7, "daily_cap": 14, "is_active": "on"}
    )
    rule.refresh_from_db()
    assert rule.points == 7 and rule.daily_cap == 14 and rule.action == Action.ANSWER_RATING
    bad = client.post(url("rule_edit", rule.pk), {"points": 7, "daily_cap": 100, "monthly_cap": 10})
    assert "每日 ≤ 每月" in bad.text
    client.post(url("policy_edit"), {"expiry_years": 2})
    policy = PointsPolicy.objects.get(district=world.district)
    assert policy.expiry_years == 2 and policy.offers_need_review is False
    # adjustments
    form = {"phone": world.resident.phone, "amount": 25, "reason": "活动补发", "key": "k"}
    client.post(url("adjust"), form)
    client.post(url("adjust"), form)  # double submit
    assert PointsAccount.objects.get(user=world.resident).balance == 125
    refused = client.post(url("adjust"), {**form, "phone": world.lawyer_f.phone, "key": "k2"})
    assert "本区没有使用该手机号的居民" in refused.text


def test_bureau_pages_are_scoped(world: Any, rules: Any, client_for: Any) -> None:
    pending = make_offer(world.firm_f, status=OfferStatus.PENDING)
    outsider = client_for(world.outsider)
    assert outsider.get(url("bureau") + f"?district={world.district.pk}").status_code == 404
    own = outsider.get(url("bureau"))
    assert own.status_code == 200 and "服务日签到" not in own.text
    assert (
        outsider.post(url("offer_review", pending.pk), {"decision": "approve"}).status_code == 404
    )
    assert outsider.get(url("rule_edit", rules[Action.ANSWER_RATING].pk)).status_code == 404
    for user in (world.resident, world.firm_admin_f, world.street_staff_a):
        assert client_for(user).get(url("bureau")).status_code == 404
    pending.refresh_from_db()
    assert pending.status == OfferStatus.PENDING


def test_workspace_panels(world: Any, rules: Any, rf: Any) -> None:
    fund(world, world.resident, 42)
    make_offer(world.firm_f, status=OfferStatus.PENDING)
    expected = {
        "resident": '可用积分 <strong class="fs-4">42</strong>',
        "firm_admin_f": "核销优惠券",
        "bureau_admin": "待审核优惠 1 项",
    }
    for persona, text in expected.items():
        request = rf.get("/workspace/")
        request.user = getattr(world, persona)
        html = "".join(
            render_to_string(template, context, request=request)
            for binding in get_principal(request.user).bindings
            for template, context in panels_for(request, binding)
            if template.startswith("points/")
        )
        assert text in html, persona


# --- query budgets ---------------------------------------------------------------------


def _grow(world: Any, n: int) -> None:
    """n entries and n // 3 coupons for the resident, and n // 3 offers."""
    fund(world, world.resident, 10 * n)
    for i in range(n // 3):
        services.redeem(
            user=world.resident, offer=make_offer(world.firm_f, points_cost=1, title=f"优惠{i}")
        )
    for _i in range(n - 1 - n // 3):
        services.adjust(actor=world.bureau_admin, user=world.resident, amount=1, reason="补发")


@pytest.mark.parametrize(
    ("persona", "name", "budget"),
    [
        ("resident", "home", 12),
        ("resident", "history", 10),
        ("resident", "offer_list", 12),
        ("resident", "coupon_list", 10),
        ("firm_admin_f", "firm_offers", 12),
        ("firm_admin_f", "verify", 10),
        ("bureau_admin", "bureau", 14),
        ("bureau_admin", "bureau_offers", 12),
    ],
)
def test_page_queries_do_not_grow(
    world: Any,
    rules: Any,
    client_for: Any,
    django_assert_max_num_queries: Any,
    persona: str,
    name: str,
    budget: int,
) -> None:
    _grow(world, 60)  # more rows than the budget and more than a page
    client = client_for(getattr(world, persona))
    query = "?status=published" if name == "bureau_offers" else ""
    with django_assert_max_num_queries(budget):
        response = client.get(url(name) + query)
    assert response.status_code == 200
    assert LedgerEntry.objects.count() >= 60


def test_history_walks_the_ledger_with_more(world: Any, rules: Any, client_for: Any) -> None:
    from points.models import LedgerEntry

    _grow(world, 45)
    seen, _pages = walk_more(client_for(world.resident), url("history"))
    mine = LedgerEntry.objects.filter(account__user=world.resident)
    assert seen == list(mine.order_by("-occurred_at", "-id").values_list("pk", flat=True))
    assert len(seen) > 40


def test_resident_panel_reads_balance_and_unused_coupons_in_one_query(
    world: Any, rules: Any, rf: Any, django_assert_num_queries: Any
) -> None:
    from points.panels import resident_panel

    request = rf.get("/workspace/")
    request.user = world.resident
    binding = next(b for b in get_principal(world.resident).bindings if b.role == "resident")
    with django_assert_num_queries(1):
        assert resident_panel(request, binding) == {"balance": 0, "unused": 0}  # no account
    fund(world, world.resident, 30)
    first, second = (make_offer(world.firm_f, points_cost=5, title=t) for t in ("甲", "乙"))
    services.redeem(user=world.resident, offer=first)
    services.cancel_coupon(
        user=world.resident, coupon=services.redeem(user=world.resident, offer=second)
    )
    with django_assert_num_queries(1):  # the cancelled one's points came back
        assert resident_panel(request, binding) == {"balance": 25, "unused": 1}
