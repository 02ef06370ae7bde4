from __future__ import annotations

from typing import Any

import pytest

from api.testing import api_client, result_ids
from points import services
from points.choices import Action, CouponStatus, OfferStatus
from points.models import Coupon, EarningRule, LedgerEntry, Offer, PointsAccount
from points.tests.conftest import fund, make_offer

pytestmark = [pytest.mark.django_db, pytest.mark.urls("points.tests.urls")]

LISTS = [
    "/api/points-accounts/",
    "/api/points-entries/",
    "/api/points-rules/",
    "/api/points-offers/",
    "/api/points-coupons/",
]


@pytest.mark.parametrize("path", LISTS)
def test_anonymous_gets_401(db: Any, path: str) -> None:
    response = api_client().get(path)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


@pytest.fixture
def coupon(world: Any, offer: Offer) -> Coupon:
    fund(world, world.resident, 100)
    return services.redeem(user=world.resident, offer=offer)


def test_scope_of_lists(world: Any, rules: Any, coupon: Coupon) -> None:
    account = PointsAccount.objects.get(user=world.resident)
    resident, bureau, outsider = (
        api_client(world.resident),
        api_client(world.bureau_admin),
        api_client(world.outsider),
    )
    assert result_ids(resident.get("/api/points-accounts/")) == {account.pk}
    assert result_ids(bureau.get("/api/points-accounts/")) == {account.pk}
    assert result_ids(outsider.get("/api/points-accounts/")) == set()
    entries = set(LedgerEntry.objects.values_list("pk", flat=True))
    assert result_ids(resident.get("/api/points-entries/")) == entries
    assert result_ids(outsider.get("/api/points-entries/")) == set()
    assert result_ids(api_client(world.firm_admin_f).get("/api/points-entries/")) == set()
    assert result_ids(api_client(world.firm_admin_f).get("/api/points-coupons/")) == {coupon.pk}
    assert result_ids(api_client(world.lawyer_g).get("/api/points-coupons/")) == set()
    assert result_ids(outsider.get("/api/points-rules/")) == set()
    assert len(result_ids(resident.get("/api/points-rules/"))) == 4


def test_detail_out_of_scope_is_404(world: Any, coupon: Coupon) -> None:
    account = PointsAccount.objects.get(user=world.resident)
    entry = LedgerEntry.objects.first()
    assert entry is not None
    for user in (world.outsider, world.lawyer_g, world.street_staff_a):
        client = api_client(user)
        assert client.get(f"/api/points-accounts/{account.pk}/").status_code == 404
        assert client.get(f"/api/points-entries/{entry.pk}/").status_code == 404
        assert client.get(f"/api/points-coupons/{coupon.pk}/").status_code == 404
    body = api_client(world.resident).get(f"/api/points-coupons/{coupon.pk}/").json()
    assert body["code"] == coupon.code and body["status"] == "issued"


def test_me(world: Any) -> None:
    fund(world, world.resident, 12)
    assert api_client(world.resident).get("/api/points-accounts/me/").json()["balance"] == 12
    assert api_client(world.lawyer_f).get("/api/points-accounts/me/").status_code == 404


def test_redeem_with_idempotency_key(world: Any, offer: Offer) -> None:
    fund(world, world.resident, 100)
    client = api_client(world.resident)
    path = f"/api/points-offers/{offer.pk}/redeem/"
    first = client.post(path, HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == 201
    again = client.post(path, HTTP_IDEMPOTENCY_KEY="k-1")
    assert again.status_code == 201 and again.json()["id"] == first.json()["id"]
    assert Coupon.objects.count() == 1
    short = client.post(path, HTTP_IDEMPOTENCY_KEY="k-2")
    assert short.status_code == 400 and "积分不足" in short.json()["message"]
    assert PointsAccount.objects.get(user=world.resident).balance == 40
    foreign = make_offer(world.other_firm)
    assert client.post(f"/api/points-offers/{foreign.pk}/redeem/").status_code == 404


def test_available_offers(world: Any, offer: Offer) -> None:
    make_offer(world.firm_f, title="草稿", status=OfferStatus.DRAFT)
    response = api_client(world.resident).get("/api/points-offers/?available=true")
    assert result_ids(response) == {offer.pk}
    assert response.json()["results"][0]["discount_label"] == "8折"


def test_verify_and_cancel(world: Any, coupon: Coupon) -> None:
    refused = api_client(world.lawyer_g).post(
        "/api/points-coupons/verify/", {"code": coupon.code}, format="json"
    )
    assert refused.status_code == 400 and "不是本所" in refused.json()["message"]
    cancel_other = api_client(world.firm_admin_f).post(f"/api/points-coupons/{coupon.pk}/cancel/")
    assert cancel_other.status_code == 404
    ok = api_client(world.firm_admin_f).post(
        "/api/points-coupons/verify/", {"code": coupon.code}, format="json"
    )
    assert ok.status_code == 200 and ok.json()["status"] == CouponStatus.USED
    again = api_client(world.lawyer_f).post(
        "/api/points-coupons/verify/", {"code": coupon.code}, format="json"
    )
    assert again.status_code == 400 and "已于" in again.json()["message"]
    cancel = api_client(world.resident).post(f"/api/points-coupons/{coupon.pk}/cancel/")
    assert cancel.status_code == 400


def test_cancel_twice_refunds_once(world: Any, coupon: Coupon) -> None:
    client = api_client(world.resident)
    first = client.post(f"/api/points-coupons/{coupon.pk}/cancel/")
    second = client.post(f"/api/points-coupons/{coupon.pk}/cancel/")
    assert first.status_code == second.status_code == 200
    assert first.json()["id"] == second.json()["id"] and first.json()["amount"] == 60
    assert PointsAccount.objects.get(user=world.resident).balance == 100


def test_offer_lifecycle(world: Any) -> None:
    data = {
        "firm": world.firm_f.pk,
        "title": "律师函九折",
        "services": "律师函",
        "discount_percent": 10,
        "max_discount_yuan": "200.00",
        "points_cost": 40,
        "scope": "paired",
        "valid_from": "2026-01-01",
        "valid_until": "2099-12-31",
    }
    assert api_client(world.lawyer_f).post("/api/points-offers/", data).status_code == 403
    assert api_client(world.bureau_admin).post("/api/points-offers/", data).status_code == 403
    wrong = api_client(world.firm_admin_f).post(
        "/api/points-offers/", {**data, "firm": world.firm_g.pk}
    )
    assert wrong.status_code == 400 and not Offer.objects.exists()
    created = api_client(world.firm_admin_f).post("/api/points-offers/", data)
    assert created.status_code == 201 and created.json()["status"] == "draft"
    pk = created.json()["id"]
    firm = api_client(world.firm_admin_f)
    assert firm.post(f"/api/points-offers/{pk}/submit/").json()["status"] == "pending"
    assert firm.patch(f"/api/points-offers/{pk}/", {"title": "改"}).status_code == 400
    assert (
        api_client(world.outsider)
        .post(f"/api/points-offers/{pk}/review/", {"approve": True})
        .status_code
        == 404
    )
    reject = api_client(world.bureau_admin).post(
        f"/api/points-offers/{pk}/review/", {"approve": False}
    )
    assert reject.status_code == 400 and "审核意见" in reject.json()["message"]
    ok = api_client(world.bureau_admin).post(f"/api/points-offers/{pk}/review/", {"approve": True})
    assert ok.status_code == 200 and ok.json()["status"] == "published"


def test_rules_and_adjust(world: Any) -> None:
    bureau = api_client(world.bureau_admin)
    rule = {"district": world.district.pk, "action": Action.ANSWER_RATING, "points": 5}
    assert api_client(world.outsider).post("/api/points-rules/", rule).status_code == 400
    assert api_client(world.resident).post("/api/points-rules/", rule).status_code == 403
    created = bureau.post("/api/points-rules/", rule)
    assert created.status_code == 201
    dup = bureau.post("/api/points-rules/", rule)
    assert dup.status_code == 400
    assert EarningRule.objects.count() == 1
    body = {"user": world.resident.pk, "amount": 30, "reason": "活动补发"}
    first = bureau.post("/api/points-entries/adjust/", body, HTTP_IDEMPOTENCY_KEY="a1")
    again = bureau.post("/api/points-entries/adjust/", body, HTTP_IDEMPOTENCY_KEY="a1")
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert PointsAccount.objects.get(user=world.resident).balance == 30
    assert api_client(world.outsider).post("/api/points-entries/adjust/", body).status_code == 404
    no_reason = bureau.post("/api/points-entries/adjust/", {**body, "reason": ""})
    assert no_reason.status_code == 400


@pytest.mark.parametrize(
    ("persona", "path"),
    [
        ("resident", "/api/points-entries/"),
        ("resident", "/api/points-coupons/"),
        ("resident", "/api/points-offers/"),
        ("bureau_admin", "/api/points-accounts/"),
        ("bureau_admin", "/api/points-entries/"),
        ("firm_admin_f", "/api/points-coupons/"),
        ("firm_admin_f", "/api/points-offers/"),
    ],
)
def test_list_queries_do_not_grow(
    world: Any, django_assert_max_num_queries: Any, persona: str, path: str
) -> None:
    fund(world, world.resident, 1000)
    for i in range(30):
        offer = make_offer(world.firm_f, points_cost=1, title=f"优惠{i}")
        services.redeem(user=world.resident, offer=offer)
    client = api_client(getattr(world, persona))
    with django_assert_max_num_queries(8):
        response = client.get(path)
    assert response.status_code == 200 and response.json()["results"]


def test_schema_lists_the_endpoints(db: Any) -> None:
    schema = api_client().get("/api/schema/")
    assert schema.status_code == 200
    text = schema.content.decode()
    for path in ("/api/points-offers/{id}/redeem/", "/api/points-coupons/verify/"):
        assert path in text
