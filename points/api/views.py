from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import User
from core.api import KeysetPagination, ScopedReadViewSet, ScopedViewSet, crud_schema
from core.views import in_scope
from points import services
from points.api.serializers import (
    AccountSerializer,
    AdjustSerializer,
    CouponSerializer,
    EntrySerializer,
    OfferSerializer,
    ReviewSerializer,
    RuleSerializer,
    VerifySerializer,
)
from points.filters import CouponFilter, EntryFilter, OfferFilter, RuleFilter
from points.models import Coupon, EarningRule, LedgerEntry, Offer, PointsAccount
from points.querysets import ADJUSTABLE, OFFER_MAKERS
from regions.models import District

TAG = "积分折扣"
IDEMPOTENCY = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    description="幂等键：同一请求重试时使用相同的值，不会重复记账",
)


def _idempotency_key(request: Request) -> str | None:
    key = (request.headers.get("Idempotency-Key") or "").strip()[:64]
    return f"api:{key}" if key else None


@crud_schema(
    "积分账户",
    TAG,
    "居民看到自己的账户；区司法局管理员看到本区居民的账户。余额等于流水之和。",
    read_only=True,
)
class AccountViewSet(ScopedReadViewSet):
    queryset = PointsAccount.objects.select_related("user").order_by("pk")
    serializer_class = AccountSerializer

    @extend_schema(tags=[TAG], summary="我的积分账户", responses=AccountSerializer)
    @action(detail=False, methods=["get"])
    def me(self, request: Request) -> Response:
        account = services.get_account(request.user)
        if account is None:
            raise Http404
        return Response(self.get_serializer(account).data)


@crud_schema(
    "积分流水",
    TAG,
    "只增不改的积分流水（获得、兑换、退回、过期、调整）。居民看到自己的，司法局看到本区的。",
    read_only=True,
)
class EntryViewSet(ScopedReadViewSet):
    queryset = LedgerEntry.objects.select_related("source_type")
    serializer_class = EntrySerializer
    filterset_class = EntryFilter
    pagination_class = KeysetPagination
    keyset_order = ("-occurred_at", "-id")

    @extend_schema(
        tags=[TAG],
        summary="调整居民积分",
        description="区司法局管理员为本区居民补发（正数）或扣减（负数）积分，须填写原因。",
        parameters=[IDEMPOTENCY],
        request=AdjustSerializer,
        responses={201: EntrySerializer},
    )
    @action(detail=False, methods=["post"], serializer_class=AdjustSerializer)
    def adjust(self, request: Request) -> Response:
        data = AdjustSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = (
            in_scope(User, request.user, ADJUSTABLE).filter(pk=data.validated_data["user"]).first()
        )
        if user is None:
            raise Http404
        entry = services.adjust(
            actor=request.user,
            user=user,
            amount=data.validated_data["amount"],
            reason=data.validated_data["reason"],
            key=_idempotency_key(request),
        )
        return Response(EntrySerializer(entry).data, status=status.HTTP_201_CREATED)


@crud_schema(
    "积分规则",
    TAG,
    "各区的积分规则：每项参与事项的积分和每日、每月、每年上限。区司法局管理员可新建和修改。",
)
class RuleViewSet(ScopedViewSet):
    queryset = EarningRule.objects.all()
    serializer_class = RuleSerializer
    filterset_class = RuleFilter
    create_parent = District


@crud_schema(
    "积分优惠",
    TAG,
    "律所发布的积分兑换优惠。居民看到可兑换的（available=true 只看可兑换的），"
    "律所看到本所的，司法局看到本区的。律所管理员新建、修改（草稿、退回或下架状态）并提交；"
    "司法局审核。",
)
class OfferViewSet(ScopedViewSet):
    queryset = Offer.objects.select_related("firm")
    action_scopes = {"review": "reviewable_by", "redeem": "available_to"}
    serializer_class = OfferSerializer
    filterset_class = OfferFilter

    def can_create(self) -> bool:
        return OFFER_MAKERS.holds(self.request.user)

    @extend_schema(tags=[TAG], summary="提交优惠", request=None, responses=OfferSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: Any = None) -> Response:
        offer = services.submit_offer(actor=request.user, offer=self.get_object())
        return Response(OfferSerializer(offer, context={"request": request}).data)

    @extend_schema(tags=[TAG], summary="下架或撤回优惠", request=None, responses=OfferSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: Any = None) -> Response:
        offer = services.withdraw_offer(actor=request.user, offer=self.get_object())
        return Response(OfferSerializer(offer, context={"request": request}).data)

    @extend_schema(
        tags=[TAG],
        summary="审核优惠",
        description="区司法局管理员通过（发布）或退回（须填写意见）待审核的优惠。",
        request=ReviewSerializer,
        responses=OfferSerializer,
    )
    @action(detail=True, methods=["post"], serializer_class=ReviewSerializer)
    def review(self, request: Request, pk: Any = None) -> Response:
        data = ReviewSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        offer = services.review_offer(
            actor=request.user,
            offer=self.get_object(),
            approve=data.validated_data["approve"],
            note=data.validated_data["note"],
        )
        return Response(OfferSerializer(offer, context={"request": request}).data)

    @extend_schema(
        tags=[TAG],
        summary="积分兑换优惠券",
        description="用积分兑换一张一次性优惠券。带相同 Idempotency-Key 重试时返回同一张券。",
        parameters=[IDEMPOTENCY],
        request=None,
        responses={201: CouponSerializer},
    )
    @action(detail=True, methods=["post"])
    def redeem(self, request: Request, pk: Any = None) -> Response:
        coupon = services.redeem(
            user=request.user, offer=self.get_object(), key=_idempotency_key(request)
        )
        return Response(CouponSerializer(coupon).data, status=status.HTTP_201_CREATED)


@crud_schema(
    "优惠券",
    TAG,
    "居民看到自己的优惠券，律所看到本所的，司法局看到本区的。",
    read_only=True,
)
class CouponViewSet(ScopedReadViewSet):
    queryset = Coupon.objects.select_related("offer", "firm").order_by("-issued_at", "-id")
    serializer_class = CouponSerializer
    filterset_class = CouponFilter
    action_scopes = {"cancel": "owned_by"}

    @extend_schema(
        tags=[TAG],
        summary="取消优惠券",
        description="居民取消未使用且未过期的优惠券，积分退回（重复请求只退回一次）。",
        request=None,
        responses=EntrySerializer,
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: Any = None) -> Response:
        entry = services.cancel_coupon(user=request.user, coupon=self.get_object())
        return Response(EntrySerializer(entry).data)

    @extend_schema(
        tags=[TAG],
        summary="核销优惠券",
        description="律所在居民付费时核销本所的优惠券；已使用、已取消或已过期的券不能核销。",
        request=VerifySerializer,
        responses=CouponSerializer,
    )
    @action(detail=False, methods=["post"], serializer_class=VerifySerializer)
    def verify(self, request: Request) -> Response:
        data = VerifySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        coupon = services.verify_coupon(actor=request.user, code=data.validated_data["code"])
        return Response(CouponSerializer(coupon).data)
