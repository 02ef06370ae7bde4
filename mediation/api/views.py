"""Endpoints of cloud mediation. Scope comes from ``visible_to``; every change goes
through the services (their errors keep the API's one error shape; an action the
user may not do answers like a missing case)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings

from core.api import KeysetPagination, ScopedReadViewSet, ScopedViewSet, crud_schema
from mediation import services
from mediation.api.serializers import (
    MediationApplicationSerializer,
    MediationAssignSerializer,
    MediationCaseDetailSerializer,
    MediationCaseSerializer,
    MediationConfirmSerializer,
    MediationDraftSerializer,
    MediationFailSerializer,
    MediationFollowUpSerializer,
    MediationMessageSerializer,
    MediationNoteSerializer,
    MediationReasonSerializer,
    MediationRecordSessionSerializer,
    MediationScheduleSerializer,
    MediationSendCodeSerializer,
    MediationSessionSerializer,
    MediationTimelineSerializer,
    MediatorSerializer,
    OrganizationSerializer,
)
from mediation.filters import CaseFilter, MediatorFilter, OrganizationFilter
from mediation.models import Case, Mediator, Organization
from mediation.timeline import timeline as build_timeline
from regions.models import District

TAG = "尚法云调解"


@crud_schema(
    "调解组织",
    TAG,
    "云调解数据库中的调解组织（人民调解、行政调解、行业性专业性调解），按区、街道、社区分级。"
    "本区人员可查看；区司法局管理员可新建和修改。",
)
class OrganizationViewSet(ScopedViewSet):
    queryset = Organization.objects.select_related("district")
    serializer_class = OrganizationSerializer
    filterset_class = OrganizationFilter
    create_parent = District


@crud_schema(
    "调解员",
    TAG,
    "调解组织的调解员（等级、专长、联系方式）。手机号只以脱敏形式返回；区司法局管理员可新建和修改。",
)
class MediatorViewSet(ScopedViewSet):
    queryset = Mediator.objects.select_related("organization")
    serializer_class = MediatorSerializer
    filterset_class = MediatorFilter
    create_parent = Organization


def _transition(summary: str, description: str, request_serializer: Any) -> Callable:
    """The schema of a transition: POST its body, get the case back."""
    return extend_schema(
        tags=[TAG],
        summary=summary,
        description=description,
        request=request_serializer,
        responses=MediationCaseDetailSerializer,
    )


# A case's messages and sessions: the API's usual numbered pages (the case list pages by
# keyset).
NUMBERED = api_settings.DEFAULT_PAGINATION_CLASS


@extend_schema(tags=[TAG])
class CaseViewSet(ScopedReadViewSet, mixins.CreateModelMixin):
    """Mediation cases in the user's scope, and their transitions."""

    queryset = Case.objects.select_related("organization", "community", "lawyer").order_by(
        "-applied_at", "-id"
    )
    filterset_class = CaseFilter
    pagination_class = KeysetPagination
    keyset_order = ("-applied_at", "-id")

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:
        return MediationCaseSerializer if self.action == "list" else MediationCaseDetailSerializer

    def _done(self, case: Case, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=case.pk)
        return Response(
            MediationCaseDetailSerializer(fresh, context=self.get_serializer_context()).data, code
        )

    @extend_schema(
        summary="调解案件列表",
        description="当事人看到自己的案件（按账号或登录手机号），调解员看到本组织的案件，律师看到参与的案件，"
        "社区、司法所、区司法局按辖区。列表不含当事人信息。",
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(
        summary="调解案件详情",
        description="含当事人（手机号、身份证号码仅对本案调解员完整显示）、调解协议书和当前用户可执行的操作"
        "（actions）。",
    )
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(
        summary="在线申请调解（掌上调）",
        description="第一位申请人为当前登录的居民。证据材料请在受理后通过调解室上传。",
        request=MediationApplicationSerializer,
        responses={201: MediationCaseDetailSerializer},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = MediationApplicationSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        case = services.apply(actor=request.user, application=data.application())
        return self._done(case, status.HTTP_201_CREATED)

    @_transition(
        "受理",
        "区司法局、司法所或所选调解组织受理申请；办理期限自受理起计算。",
        MediationNoteSerializer,
    )
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: Any = None) -> Response:
        body = self.validated(MediationNoteSerializer)
        return self._done(services.accept(actor=request.user, case=self.get_object(), **body))

    @_transition("不予受理", "写明理由，申请人可见。", MediationReasonSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, pk: Any = None) -> Response:
        body = self.validated(MediationReasonSerializer)
        return self._done(services.decline(actor=request.user, case=self.get_object(), **body))

    @_transition(
        "分派",
        "分派（或重新分派）调解组织、调解员和参与调解的律师；调解组织只能在本组织内分派。",
        MediationAssignSerializer,
    )
    @action(detail=True, methods=["post"])
    def assign(self, request: Request, pk: Any = None) -> Response:
        body = self.validated(MediationAssignSerializer)
        case = services.assign(actor=request.user, case=self.get_object(), **body)
        return self._done(case)

    @_transition("开始调解", "承办调解员开始调解，开放调解室。", None)
    @action(detail=True, methods=["post"])
    def start(self, request: Request, pk: Any = None) -> Response:
        return self._done(services.start(actor=request.user, case=self.get_object()))

    @_transition(
        "调解未成功", "记录未达成协议的原因和给当事人的引导途径。", MediationFailSerializer
    )
    @action(detail=True, methods=["post"])
    def fail(self, request: Request, pk: Any = None) -> Response:
        body = self.validated(MediationFailSerializer)
        body["guidance"] = list(body["guidance"])
        return self._done(
            services.record_failure(actor=request.user, case=self.get_object(), **body)
        )

    @_transition("回访", "调解成功或未成功后回访当事人。", MediationFollowUpSerializer)
    @action(detail=True, methods=["post"], url_path="follow-up")
    def follow_up(self, request: Request, pk: Any = None) -> Response:
        body = self.validated(MediationFollowUpSerializer)
        return self._done(services.follow_up(actor=request.user, case=self.get_object(), **body))

    @_transition("归档", "回访后归档。", None)
    @action(detail=True, methods=["post"])
    def archive(self, request: Request, pk: Any = None) -> Response:
        return self._done(services.archive(actor=request.user, case=self.get_object()))

    @_transition(
        "拟定调解协议书",
        "承办调解员拟定或修改协议；修改后为新版本，各方须重新确认。",
        MediationDraftSerializer,
    )
    @action(detail=True, methods=["post"])
    def agreement(self, request: Request, pk: Any = None) -> Response:
        body = self.validated(MediationDraftSerializer)
        case = self.get_object()
        services.draft_agreement(actor=request.user, case=case, **body)
        return self._done(case)

    @_transition(
        "发送确认验证码",
        "向当事人手机发送确认调解协议的一次性验证码（当事人本人或承办调解员）。",
        MediationSendCodeSerializer,
    )
    @action(detail=True, methods=["post"], url_path="confirmation-code")
    def confirmation_code(self, request: Request, pk: Any = None) -> Response:
        body = self.validated(MediationSendCodeSerializer)
        case = self.get_object()
        party = get_object_or_404(case.parties.all(), pk=body["party"])
        services.send_confirmation_code(actor=request.user, party=party)
        return self._done(case)

    @_transition(
        "确认调解协议书",
        "当事人用短信验证码在线确认；各方均确认后调解成功。",
        MediationConfirmSerializer,
    )
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, pk: Any = None) -> Response:
        body = self.validated(MediationConfirmSerializer)
        case = self.get_object()
        services.confirm_agreement(actor=request.user, case=case, code=body["code"])
        return self._done(case)

    @extend_schema(
        tags=[TAG],
        summary="调解室留言（GET 列表，POST 发言）",
        description="当事人、承办调解员和参与律师在调解室交流，"
        "可附文件（multipart 的 upload 字段）。",
        methods=["GET", "POST"],
        request=MediationMessageSerializer,
        responses=MediationMessageSerializer(many=True),
    )
    @action(
        detail=True,
        methods=["get", "post"],
        serializer_class=MediationMessageSerializer,
        pagination_class=NUMBERED,  # a case's own rows: numbered pages, as before
    )
    def messages(self, request: Request, pk: Any = None) -> Response:
        case = self.get_object()
        if request.method == "POST":
            serializer = MediationMessageSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            message = services.post_message(
                actor=request.user,
                case=case,
                text=serializer.validated_data.get("text", ""),
                files=serializer.validated_data.get("upload", []),
            )
            return Response(
                MediationMessageSerializer(message).data, status=status.HTTP_201_CREATED
            )
        page = self.paginate_queryset(case.messages.prefetch_related("files"))
        return self.get_paginated_response(MediationMessageSerializer(page, many=True).data)

    @extend_schema(
        tags=[TAG],
        summary="调解场次（GET 列表，POST 安排）",
        description="承办调解员安排线上或现场调解，并短信通知当事人。",
        methods=["GET", "POST"],
        request=MediationScheduleSerializer,
        responses=MediationSessionSerializer(many=True),
    )
    @action(
        detail=True,
        methods=["get", "post"],
        serializer_class=MediationSessionSerializer,
        pagination_class=NUMBERED,  # a case's own rows: numbered pages, as before
    )
    def sessions(self, request: Request, pk: Any = None) -> Response:
        case = self.get_object()
        if request.method == "POST":
            body = self.validated(MediationScheduleSerializer)
            session = services.schedule_session(actor=request.user, case=case, **body)
            return Response(
                MediationSessionSerializer(session).data, status=status.HTTP_201_CREATED
            )
        page = self.paginate_queryset(case.sessions.prefetch_related("attendees"))
        return self.get_paginated_response(MediationSessionSerializer(page, many=True).data)

    @extend_schema(
        tags=[TAG],
        summary="记录调解场次",
        description="记录调解情况和到场当事人；现场调解的到场当事人各计一次跑动。",
        request=MediationRecordSessionSerializer,
        responses=MediationSessionSerializer,
    )
    @action(detail=True, methods=["post"], url_path="record-session")
    def record_session(self, request: Request, pk: Any = None) -> Response:
        body = self.validated(MediationRecordSessionSerializer)
        case = self.get_object()
        session = get_object_or_404(case.sessions.all(), pk=body["session"])
        attendees = list(case.parties.filter(pk__in=body["attendees"]))
        if len(attendees) != len(set(body["attendees"])):
            raise serializers.ValidationError({"attendees": ["到场人员须是本案当事人"]})
        session = services.record_session(
            actor=request.user,
            session=session,
            record=body["record"],
            attendees=attendees,
        )
        return Response(MediationSessionSerializer(session).data)

    @extend_schema(
        tags=[TAG],
        summary="案件进程",
        description="一案一编码：由咨询转来的案件先列出咨询记录，再列出调解的每一步。",
        responses=MediationTimelineSerializer(many=True),
    )
    @action(
        detail=True,
        methods=["get"],
        serializer_class=MediationTimelineSerializer,
        pagination_class=None,
    )
    def timeline(self, request: Request, pk: Any = None) -> Response:
        entries = build_timeline(request.user, self.get_object())
        return Response(MediationTimelineSerializer(entries, many=True).data)
