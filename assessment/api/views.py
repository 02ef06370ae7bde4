from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from assessment import services, subsidies
from assessment.api.serializers import (
    AppealCreateSerializer,
    AppealDecisionSerializer,
    AppealSerializer,
    BulletinSerializer,
    MonthlyScoreSerializer,
    SubsidyItemSerializer,
    SubsidyPeriodCreateSerializer,
    SubsidyPeriodSerializer,
)
from assessment.filters import (
    AppealFilter,
    BulletinFilter,
    MonthlyScoreFilter,
    SubsidyItemFilter,
    SubsidyPeriodFilter,
)
from assessment.models import (
    Appeal,
    Bulletin,
    MonthlyScore,
    SubsidyItem,
    SubsidyPeriod,
)
from assessment.querysets import APPELLANTS, BUREAU
from core.api import ScopedReadViewSet, crud_schema

TAG = "考核排名与经费"
COUNTS = inline_serializer(
    "SubsidyGenerateResult",
    {
        "created": serializers.IntegerField(),
        "updated": serializers.IntegerField(),
        "held": serializers.IntegerField(),
    },
)


@crud_schema(
    "律所月度得分",
    TAG,
    "各律所每月的总分、名次和各项指标（分子、分母、得分、权重）。律所只能看到本所的得分，"
    "司法所看到辖区律所的得分，区司法局看到全区。",
    read_only=True,
)
class MonthlyScoreViewSet(ScopedReadViewSet):
    queryset = (
        MonthlyScore.objects.select_related("ranking", "firm")
        .with_metrics()
        .order_by("-ranking__month", "rank", "firm__name")
    )
    serializer_class = MonthlyScoreSerializer
    filterset_class = MonthlyScoreFilter


@crud_schema("排名申诉", TAG, "律所对本所月度草稿得分的申诉及区司法局的处理结果。", read_only=True)
class AppealViewSet(ScopedReadViewSet, mixins.CreateModelMixin):
    queryset = Appeal.objects.select_related("score__firm", "score__ranking").order_by("-filed_at")
    serializer_class = AppealSerializer
    filterset_class = AppealFilter
    edit_actions = frozenset({"decide"})

    @extend_schema(
        tags=[TAG],
        summary="提出申诉（律所管理员，申诉期内）",
        request=AppealCreateSerializer,
        responses={201: AppealSerializer},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not APPELLANTS.holds(request.user):
            raise PermissionDenied("只有律所管理员可以提出申诉")
        data = self.validated(AppealCreateSerializer)
        appeal = services.file_appeal(actor=request.user, **data)
        return Response(AppealSerializer(appeal).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        tags=[TAG],
        summary="处理申诉（区司法局）",
        request=AppealDecisionSerializer,
        responses={200: AppealSerializer},
    )
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: Any = None) -> Response:
        appeal = self.get_object()
        data = self.validated(AppealDecisionSerializer)
        appeal = services.decide_appeal(actor=request.user, appeal=appeal, **data)
        return Response(AppealSerializer(self.get_queryset().get(pk=appeal.pk)).data)


@crud_schema(
    "排名通报",
    TAG,
    "已发布月份的排名通报（公开，无需登录），含排名表、Excel 和 PDF 地址。",
    read_only=True,
)
class BulletinViewSet(ScopedReadViewSet):
    permission_classes = [AllowAny]
    queryset = Bulletin.objects.select_related("district").order_by("-month", "district_id")
    serializer_class = BulletinSerializer
    filterset_class = BulletinFilter


@crud_schema(
    "经费核算期", TAG, "区司法局的经费核算期；律所管理员可查看本区的核算期。", read_only=True
)
class SubsidyPeriodViewSet(ScopedReadViewSet, mixins.CreateModelMixin):
    queryset = SubsidyPeriod.objects.select_related("district").order_by("-start")
    serializer_class = SubsidyPeriodSerializer
    filterset_class = SubsidyPeriodFilter
    edit_actions = frozenset({"generate", "pay"})

    @extend_schema(
        tags=[TAG],
        summary="新建核算期（区司法局）",
        request=SubsidyPeriodCreateSerializer,
        responses={201: SubsidyPeriodSerializer},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not BUREAU.holds(request.user):
            raise PermissionDenied
        period = subsidies.create_period(
            actor=request.user, **self.validated(SubsidyPeriodCreateSerializer)
        )
        return Response(SubsidyPeriodSerializer(period).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        tags=[TAG], summary="核算：按最新记录生成和更新明细", request=None, responses={200: COUNTS}
    )
    @action(detail=True, methods=["post"])
    def generate(self, request: Request, pk: Any = None) -> Response:
        return Response(subsidies.generate_items(actor=request.user, period=self.get_object()))

    @extend_schema(
        tags=[TAG],
        summary="将待发放明细标记为已发放",
        request=None,
        responses={
            200: inline_serializer("SubsidyPayResult", {"paid": serializers.IntegerField()})
        },
    )
    @action(detail=True, methods=["post"])
    def pay(self, request: Request, pk: Any = None) -> Response:
        return Response({"paid": subsidies.pay_items(actor=request.user, period=self.get_object())})


@crud_schema(
    "经费明细",
    TAG,
    "核算期的每一笔补贴：来源、金额、状态（待发放、暂缓、已发放）和回访抽查。"
    "律所管理员只能看到本所的明细。",
    read_only=True,
)
class SubsidyItemViewSet(ScopedReadViewSet):
    queryset = SubsidyItem.objects.select_related("firm", "lawyer").order_by(
        "period_id", "firm_id", "pk"
    )
    serializer_class = SubsidyItemSerializer
    filterset_class = SubsidyItemFilter
