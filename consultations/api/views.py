"""Endpoints of online consultation. Scope comes from ``visible_to``; every change
goes through the services (their errors keep the API's one error shape)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from consultations import knowledge, quotes, roster, services
from consultations.api.serializers import (
    CategorySerializer,
    CloseSerializer,
    DutyShiftSerializer,
    KnowledgeSerializer,
    NoteSerializer,
    QuestionCreateSerializer,
    QuestionSerializer,
    QuoteSerializer,
    ReplySerializer,
    ServiceRequestSerializer,
)
from consultations.filters import DutyShiftFilter, QuestionFilter, ServiceRequestFilter
from consultations.models import Category, DutyShift, KnowledgeEntry, Question, ServiceRequest
from consultations.querysets import can_read_text
from core.api import KeysetPagination, ScopedReadViewSet, crud_schema

TAG = "在线咨询"


def read_create_schema(noun: str, description: str) -> Any:
    """Chinese summaries for a viewset that lists, reads and creates (no updates)."""
    summaries = {"list": f"{noun}列表", "retrieve": f"{noun}详情", "create": f"新建{noun}"}

    def decorate(viewset: Any) -> Any:
        viewset = extend_schema(tags=[TAG])(viewset)
        return extend_schema_view(
            **{a: extend_schema(summary=s, description=description) for a, s in summaries.items()}
        )(viewset)

    return decorate


@crud_schema("咨询类别", TAG, "咨询类别的统一目录（只读）。", read_only=True)
class CategoryViewSet(ScopedReadViewSet):
    queryset = Category.objects.filter(is_active=True)
    serializer_class = CategorySerializer


@read_create_schema(
    "法律咨询",
    "居民的法律咨询。居民看到自己的咨询，律师看到分派给本所的和值班时的值班池，工作人员按辖区。"
    "私密咨询在律师确认无利益冲突前不返回标题和内容（readable 为 false）。"
    "service_level 为“剩余 5 小时”“已超时 3 小时”“按时答复”等。",
)
class QuestionViewSet(ScopedReadViewSet, mixins.CreateModelMixin):
    queryset = Question.objects.select_related("category", "community").order_by(
        "-posted_at", "-id"
    )
    serializer_class = QuestionSerializer
    filterset_class = QuestionFilter
    pagination_class = KeysetPagination
    keyset_order = ("-posted_at", "-id")

    def get_queryset(self) -> QuerySet[Question]:
        scoped: Any = super().get_queryset()
        return scoped.with_access(self.request.user)  # what the user may read of each

    @extend_schema(
        tags=[TAG],
        summary="提交法律咨询",
        description="同一人几分钟内重复提交相同内容视为同一咨询（返回 200 与原咨询）；"
        "提交过于频繁会被拒绝。",
        request=QuestionCreateSerializer,
        responses={201: QuestionSerializer, 200: QuestionSerializer},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = QuestionCreateSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        question, created = services.post_question(
            actor=request.user,  # type: ignore[arg-type]
            draft=services.Draft(**data.validated_data),
        )
        question = self.get_queryset().get(pk=question.pk)
        return Response(
            self.get_serializer(question).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    @extend_schema(
        tags=[TAG],
        summary="咨询的回复（GET 列表，POST 回复）",
        description="提问人追问，或承办律师（已确认无利益冲突）答复；律师的首次答复记录是否按时。",
        methods=["GET", "POST"],
        request=ReplySerializer,
        responses=ReplySerializer(many=True),
    )
    @action(detail=True, methods=["get", "post"], serializer_class=ReplySerializer)
    def replies(self, request: Request, pk: Any = None) -> Response:
        question = self.get_object()
        if request.method == "POST":
            serializer = ReplySerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            reply = services.post_reply(
                actor=request.user,  # type: ignore[arg-type]
                question=question,
                text=serializer.validated_data["text"],
            )
            return Response(ReplySerializer(reply).data, status=status.HTTP_201_CREATED)
        if not can_read_text(request.user, question):
            raise PermissionDenied("请先确认无利益冲突后查看")
        rows = question.replies.select_related("lawyer").order_by("posted_at", "id")
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(ReplySerializer(page, many=True).data)

    @extend_schema(
        tags=[TAG],
        summary="结束咨询并评价",
        description="提问人结束咨询；已有律师答复的须评分 1–5。",
        request=CloseSerializer,
        responses=QuestionSerializer,
    )
    @action(detail=True, methods=["post"], serializer_class=CloseSerializer)
    def close(self, request: Request, pk: Any = None) -> Response:
        question = self.get_object()
        serializer = CloseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.close_question(
            actor=request.user,  # type: ignore[arg-type]
            question=question,
            rating=serializer.validated_data.get("rating"),
            comment=serializer.validated_data.get("comment", ""),
        )
        return Response(
            QuestionSerializer(
                self.get_queryset().get(pk=question.pk), context=self.get_serializer_context()
            ).data
        )

    @extend_schema(tags=[TAG], summary="确认无利益冲突", request=None, responses=QuestionSerializer)
    @action(
        detail=True,
        methods=["post"],
        url_path="confirm-no-conflict",
        serializer_class=NoteSerializer,
    )
    def confirm_no_conflict(self, request: Request, pk: Any = None) -> Response:
        question = self.get_object()
        services.confirm_no_conflict(actor=request.user, question=question)  # type: ignore[arg-type]
        return Response(
            QuestionSerializer(
                self.get_queryset().get(pk=question.pk), context=self.get_serializer_context()
            ).data
        )

    @extend_schema(
        tags=[TAG],
        summary="存在利益冲突，回避",
        description="回避后咨询转给下一位律师（另一名联络律师或当天值班律师）。",
        request=NoteSerializer,
        responses={204: None},
    )
    @action(detail=True, methods=["post"], serializer_class=NoteSerializer)
    def decline(self, request: Request, pk: Any = None) -> Response:
        question = self.get_object()
        serializer = NoteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.decline_for_conflict(
            actor=request.user,  # type: ignore[arg-type]
            question=question,
            note=serializer.validated_data.get("note", ""),
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


@crud_schema("值班", TAG, "金融法律服务中心值班表（本区工作人员与律师可见）。", read_only=True)
class DutyShiftViewSet(ScopedReadViewSet):
    queryset = DutyShift.objects.select_related("lawyer__firm").order_by("date", "lawyer__name")
    serializer_class = DutyShiftSerializer
    filterset_class = DutyShiftFilter

    def _check(self, request: Request, check: Any) -> Response:
        shift = check(actor=request.user, shift=self.get_object())
        return Response(DutyShiftSerializer(shift).data)

    @extend_schema(tags=[TAG], summary="值班签到", request=None, responses=DutyShiftSerializer)
    @action(detail=True, methods=["post"], url_path="check-in")
    def check_in(self, request: Request, pk: Any = None) -> Response:
        return self._check(request, roster.check_in)

    @extend_schema(tags=[TAG], summary="值班签退", request=None, responses=DutyShiftSerializer)
    @action(detail=True, methods=["post"], url_path="check-out")
    def check_out(self, request: Request, pk: Any = None) -> Response:
        return self._check(request, roster.check_out)


@read_create_schema(
    "有偿服务",
    "有偿服务申请：居民向已公开收费标准的律师申请，律师书面报价（费用和服务范围），居民接受或谢绝。",
)
class ServiceRequestViewSet(ScopedReadViewSet, mixins.CreateModelMixin):
    queryset = ServiceRequest.objects.select_related("lawyer").order_by("-created_at", "-id")
    serializer_class = ServiceRequestSerializer
    filterset_class = ServiceRequestFilter

    def perform_create(self, serializer: Any) -> None:
        data = serializer.validated_data
        serializer.instance = quotes.request_service(
            actor=self.request.user,  # type: ignore[arg-type]
            lawyer=data["lawyer"],
            description=data["description"],
            question=data.get("question"),
        )

    def _fresh(self, pk: Any) -> Response:
        return Response(self.get_serializer(self.get_queryset().get(pk=pk)).data)

    @extend_schema(
        tags=[TAG],
        summary="律师书面报价",
        request=QuoteSerializer,
        responses=ServiceRequestSerializer,
    )
    @action(detail=True, methods=["post"], serializer_class=QuoteSerializer)
    def quote(self, request: Request, pk: Any = None) -> Response:
        item = self.get_object()
        serializer = QuoteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        quotes.quote(
            actor=request.user,  # type: ignore[arg-type]
            request=item,
            fee=serializer.validated_data["quote_fee"],
            scope=serializer.validated_data["quote_scope"],
        )
        return Response(
            ServiceRequestSerializer(
                self.get_queryset().get(pk=item.pk), context=self.get_serializer_context()
            ).data
        )

    def _decide(self, request: Request, accept: bool) -> Response:
        item = self.get_object()
        serializer = NoteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        quotes.decide(
            actor=request.user,  # type: ignore[arg-type]
            request=item,
            accept=accept,
            note=serializer.validated_data.get("note", ""),
        )
        return Response(
            ServiceRequestSerializer(
                self.get_queryset().get(pk=item.pk), context=self.get_serializer_context()
            ).data
        )

    @extend_schema(
        tags=[TAG], summary="接受报价", request=NoteSerializer, responses=ServiceRequestSerializer
    )
    @action(detail=True, methods=["post"], serializer_class=NoteSerializer)
    def accept(self, request: Request, pk: Any = None) -> Response:
        return self._decide(request, True)

    @extend_schema(
        tags=[TAG], summary="谢绝报价", request=NoteSerializer, responses=ServiceRequestSerializer
    )
    @action(detail=True, methods=["post"], serializer_class=NoteSerializer)
    def decline(self, request: Request, pk: Any = None) -> Response:
        return self._decide(request, False)


@extend_schema(tags=[TAG])
@crud_schema(
    "知识库条目",
    TAG,
    "已答复的公开咨询（已去除个人信息）。带 q 参数时按中文分词检索，按相关度排序。",
    read_only=True,
)
class KnowledgeViewSet(ScopedReadViewSet):
    queryset = KnowledgeEntry.objects.select_related("category")
    serializer_class = KnowledgeSerializer

    @extend_schema(
        parameters=[OpenApiParameter("q", str, description="检索词（中文句子或关键词）")]
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[KnowledgeEntry]:
        qs = super().get_queryset()
        text = self.request.query_params.get("q", "").strip()[:200] if self.action == "list" else ""
        return knowledge.search(qs, text) if text else qs.order_by("-published_at", "-id")
