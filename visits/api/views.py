from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from core.api import (
    EDIT_ACTIONS,
    KeysetPagination,
    ScopedReadViewSet,
    ScopedViewSet,
    crud_schema,
)
from core.excel import xlsx_response
from core.views import in_scope, public_rows
from firms.models import LawFirm
from pairing.models import Pairing
from regions.models import Community
from visits import services
from visits.api.serializers import (
    CheckInSerializer,
    CommentSerializer,
    CoverageSerializer,
    DistrictGoalSerializer,
    HouseholdSerializer,
    MeetingSerializer,
    MonthlyReportSerializer,
    NoticeSerializer,
    PhotoSerializer,
    PlanInputSerializer,
    ReasonSerializer,
    ServiceDaySerializer,
    SummarySerializer,
    VisitPlanSerializer,
    VisitSerializer,
)
from visits.coverage import community_coverage
from visits.excel import report_workbook
from visits.filters import (
    MeetingFilter,
    MonthlyReportFilter,
    ServiceDayFilter,
    VisitFilter,
    VisitPlanFilter,
)
from visits.models import (
    DistrictGoal,
    Household,
    Meeting,
    MonthlyReport,
    Notice,
    ServiceDay,
    Visit,
    VisitPlan,
)
from visits.querysets import MEETING_MANAGERS, coverage_communities

TAG = "走访与服务日"


def _done(serializer_class: Any, instance: Any, request: Request) -> Response:
    return Response(serializer_class(instance, context={"request": request}).data)


@crud_schema(
    "走访记录",
    TAG,
    "律师为本所当前结对的社区记录走访（住户门牌按幢、单元、室归一，同一户一年只计一次）；"
    "社区工作人员确认或提出异议，只有已确认的记录计入统计；月报确认后当月记录锁定。",
)
class VisitViewSet(ScopedViewSet):
    queryset = Visit.objects.select_related("community", "firm").prefetch_related(
        "lawyers", "households", "photos"
    )
    serializer_class = VisitSerializer
    filterset_class = VisitFilter
    pagination_class = KeysetPagination
    keyset_order = ("-date", "-id")
    edit_actions = frozenset({"update", "partial_update", "submit", "photos"})
    action_scopes = {"confirm": "confirmable_by", "dispute": "confirmable_by"}

    def can_create(self) -> bool:
        return services.paired_communities(self.request.user).exists()

    @extend_schema(tags=[TAG], summary="提交社区确认", request=None, responses=VisitSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: Any = None) -> Response:
        visit = services.submit_visit(actor=request.user, visit=self.get_object())
        return _done(VisitSerializer, visit, request)

    @extend_schema(tags=[TAG], summary="社区确认走访记录", request=None, responses=VisitSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, pk: Any = None) -> Response:
        visit = services.confirm_visit(actor=request.user, visit=self.get_object())
        return _done(VisitSerializer, visit, request)

    @extend_schema(
        tags=[TAG],
        summary="社区对走访记录提出异议",
        request=ReasonSerializer,
        responses=VisitSerializer,
    )
    @action(detail=True, methods=["post"])
    def dispute(self, request: Request, pk: Any = None) -> Response:
        form = ReasonSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        visit = services.dispute_visit(
            actor=request.user, visit=self.get_object(), reason=form.validated_data["reason"]
        )
        return _done(VisitSerializer, visit, request)

    @extend_schema(
        tags=[TAG],
        summary="上传走访照片",
        request={"multipart/form-data": PhotoSerializer},
        responses=VisitSerializer,
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def photos(self, request: Request, pk: Any = None) -> Response:
        visit = self.get_object()
        upload = request.FILES.get("image")
        data = VisitSerializer(context={"request": request})._input({}, visit)
        data.photos = [upload] if upload else []
        if not data.photos:
            form = PhotoSerializer(data=request.data)
            form.is_valid(raise_exception=True)
        # Adding a photo leaves the record's status as it is.
        visit = services.update_visit(actor=request.user, visit=visit, data=data, submit=False)
        return _done(VisitSerializer, visit, request)


@crud_schema("住户", TAG, "走访到的住户（按幢、单元、室归一）。", read_only=True)
class HouseholdViewSet(ScopedReadViewSet):
    queryset = Household.objects.order_by("community_id", "building", "unit", "room")
    serializer_class = HouseholdSerializer
    filterset_fields = ["community"]


@crud_schema(
    "年度走访计划",
    TAG,
    "律所为结对社区填报的年度计划（每月走访次数和户数）；修订时原计划作为历史版本保留。",
    read_only=True,
)
class VisitPlanViewSet(ScopedReadViewSet):
    queryset = (
        VisitPlan.objects.select_related("firm", "community")
        .prefetch_related("months")
        .order_by("-year", "community_id", "-revision")
    )
    serializer_class = VisitPlanSerializer
    filterset_class = VisitPlanFilter

    @extend_schema(
        tags=[TAG],
        summary="填报或修订年度走访计划",
        request=PlanInputSerializer,
        responses={201: VisitPlanSerializer},
    )
    def create(self, request: Request) -> Response:
        form = PlanInputSerializer(data=request.data, context={"request": request})
        form.is_valid(raise_exception=True)
        community = form.validated_data["community"]
        firm = (
            in_scope(LawFirm, request.user, "editable_by")
            .filter(pairings__in=public_rows(Pairing).filter(community=community))
            .first()
        )
        if firm is None:
            raise PermissionDenied
        plan = services.file_plan(
            actor=request.user,
            firm=firm,
            community=community,
            year=form.validated_data["year"],
            months=[(m["visits"], m["households"]) for m in form.validated_data["months"]],
            reason=form.validated_data.get("reason", ""),
        )
        return Response(_done(VisitPlanSerializer, plan, request).data, status=201)


@crud_schema("全区走访目标", TAG, "区司法局设定的年度目标：走千家、访万户，户数全覆盖。")
class DistrictGoalViewSet(ScopedReadViewSet, mixins.CreateModelMixin):
    queryset = DistrictGoal.objects.order_by("district_id", "-year")
    serializer_class = DistrictGoalSerializer

    def perform_create(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        district, year = data.pop("district"), data.pop("year")
        serializer.instance = services.set_district_goal(
            actor=self.request.user, district=district, year=year, values=data
        )


@crud_schema(
    "服务日",
    TAG,
    "每月固定服务日（默认 15 日，可在区参数中调整），提前三个月排期并向居民公布；"
    "社区工作人员可在本月内调整日期、时间、地点和主题。",
)
class ServiceDayViewSet(ScopedReadViewSet, mixins.UpdateModelMixin):
    queryset = ServiceDay.objects.select_related("community__street", "firm").order_by(
        "date", "community_id"
    )
    serializer_class = ServiceDaySerializer
    filterset_class = ServiceDayFilter
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    edit_actions = EDIT_ACTIONS

    @extend_schema(tags=[TAG], summary="报名服务日", request=None, responses={201: None})
    @action(detail=True, methods=["post"], url_path="sign-up")
    def sign_up(self, request: Request, pk: Any = None) -> Response:
        services.sign_up(user=request.user, service_day=self.get_object())
        return Response({"message": "报名成功"}, status=status.HTTP_201_CREATED)

    @extend_schema(tags=[TAG], summary="取消报名", request=None, responses={204: None})
    @action(detail=True, methods=["post"], url_path="cancel-sign-up")
    def cancel_sign_up(self, request: Request, pk: Any = None) -> Response:
        services.cancel_signup(user=request.user, service_day=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        tags=[TAG],
        summary="服务日扫码签到",
        description="只在该社区服务日当天（北京时间）可签到，每人一次，签到获得积分。",
        request=CheckInSerializer,
        responses={201: None},
    )
    @action(detail=False, methods=["post"], url_path="check-in")
    def check_in(self, request: Request) -> Response:
        form = CheckInSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        checkin = services.check_in(user=request.user, community=form.validated_data["community"])
        return Response(
            {"message": "签到成功", "service_day": checkin.service_day_id},
            status=status.HTTP_201_CREATED,
        )


@crud_schema(
    "月报",
    TAG,
    "每月 1 日按律所、街道汇总上月已确认的走访记录；律所提交司法所，司法所确认或退回；"
    "逾期未报送的标记为逾期。",
    read_only=True,
)
class MonthlyReportViewSet(ScopedReadViewSet):
    queryset = MonthlyReport.objects.select_related("firm", "street").order_by(
        "-month", "street_id", "firm_id"
    )
    serializer_class = MonthlyReportSerializer
    filterset_class = MonthlyReportFilter
    action_scopes = {
        "refresh": "editable_by",
        "submit": "editable_by",
        "confirm": "reviewable_by",
        "return_report": "reviewable_by",
    }

    @extend_schema(
        tags=[TAG], summary="重新汇总月报", request=None, responses=MonthlyReportSerializer
    )
    @action(detail=True, methods=["post"])
    def refresh(self, request: Request, pk: Any = None) -> Response:
        report = services.refresh_report(actor=request.user, report=self.get_object())
        return _done(MonthlyReportSerializer, report, request)

    @extend_schema(
        tags=[TAG], summary="提交月报", request=SummarySerializer, responses=MonthlyReportSerializer
    )
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: Any = None) -> Response:
        form = SummarySerializer(data=request.data)
        form.is_valid(raise_exception=True)
        report = services.submit_report(
            actor=request.user,
            report=self.get_object(),
            summary=form.validated_data.get("summary", ""),
        )
        return _done(MonthlyReportSerializer, report, request)

    @extend_schema(
        tags=[TAG], summary="司法所确认月报", request=None, responses=MonthlyReportSerializer
    )
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, pk: Any = None) -> Response:
        report = services.confirm_report(actor=request.user, report=self.get_object())
        return _done(MonthlyReportSerializer, report, request)

    @extend_schema(
        tags=[TAG],
        summary="司法所退回月报",
        request=CommentSerializer,
        responses=MonthlyReportSerializer,
    )
    @action(detail=True, methods=["post"], url_path="return")
    def return_report(self, request: Request, pk: Any = None) -> Response:
        form = CommentSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        report = services.return_report(
            actor=request.user, report=self.get_object(), comment=form.validated_data["comment"]
        )
        return _done(MonthlyReportSerializer, report, request)

    @extend_schema(
        tags=[TAG],
        summary="导出月报 Excel",
        responses={
            (
                200,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ): OpenApiTypes.BINARY
        },
    )
    @action(detail=True, methods=["get"])
    def export(self, request: Request, pk: Any = None) -> HttpResponse:
        report = self.get_object()
        name = f"{report.street.name}_{report.firm.name}_{report.month:%Y年%m月}走访月报.xlsx"
        return xlsx_response(report_workbook(report), name)


class CoverageViewSet(viewsets.GenericViewSet):
    """Coverage per community (the page's numbers), computed by grouped queries."""

    permission_classes = [IsAuthenticated]
    serializer_class = CoverageSerializer
    pagination_class = None
    queryset = Community.objects.none()  # for the schema; list() computes the rows

    @extend_schema(
        tags=[TAG],
        summary="走访覆盖率",
        description="按社区返回本年已走访户数、社区户数、覆盖率和计划进度（按数据权限）。",
        parameters=[OpenApiParameter("year", int, description="年度，默认今年")],
        responses=CoverageSerializer(many=True),
    )
    def list(self, request: Request) -> Response:
        raw = request.query_params.get("year", "")
        year = int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else timezone.localdate().year
        rows = community_coverage(coverage_communities(request.user), year)
        return Response(CoverageSerializer(rows, many=True).data)


@crud_schema(
    "提醒", TAG, "月报逾期、走访进度落后等提醒（律所、司法所、区司法局）。", read_only=True
)
class NoticeViewSet(ScopedReadViewSet):
    queryset = Notice.objects.order_by("-created_at", "-id")
    serializer_class = NoticeSerializer

    @extend_schema(tags=[TAG], summary="标记提醒已处理", request=None, responses=NoticeSerializer)
    @action(detail=True, methods=["post"])
    def resolve(self, request: Request, pk: Any = None) -> Response:
        notice = services.resolve_notice(actor=request.user, notice=self.get_object())
        return _done(NoticeSerializer, notice, request)


@crud_schema("定期会议", TAG, "律所或司法所的定期会议：日期、参会人员、纪要；附件请在网页上传。")
class MeetingViewSet(ScopedViewSet):
    queryset = Meeting.objects.select_related("firm", "street").prefetch_related("attachments")
    serializer_class = MeetingSerializer
    filterset_class = MeetingFilter
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    def can_create(self) -> bool:
        return MEETING_MANAGERS.holds(self.request.user)
