from __future__ import annotations

from typing import Any

from django.db.models import F
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticatedOrReadOnly
from rest_framework.request import Request
from rest_framework.response import Response

from core.api import ScopedReadViewSet, crud_schema
from news import services
from news.api.serializers import (
    ArticleCommentSerializer,
    ArticlePinSerializer,
    ArticleSerializer,
    ArticleWriteSerializer,
)
from news.filters import ArticleFilter
from news.models import Article
from regions.models import District

TAG = "宣传"


def _transition(summary: str, description: str, request: Any = None) -> Any:
    return extend_schema(
        tags=[TAG],
        summary=summary,
        description=description,
        request=request,
        responses=ArticleSerializer,
    )


@crud_schema(
    "宣传稿件",
    TAG,
    "新闻动态、通知公告、典型案例、先进典型。已发布的稿件无需登录即可查看；草稿、待审核、"
    "已退回和已撤回的稿件只有作者和本区司法局可见。区司法局、司法所和律所管理员可新建草稿并修改"
    "自己的草稿（PATCH 只改提交的字段；上传封面用 multipart/form-data）。",
)
class ArticleViewSet(ScopedReadViewSet, mixins.CreateModelMixin, mixins.UpdateModelMixin):
    # Every action starts from what the user may see; the services decide what the
    # user may do (PermissionDenied answers 404 like a missing row).
    queryset = Article.objects.select_related("district", "firm", "lawyer", "author").order_by(
        "-pinned", F("published_at").desc(nulls_last=True), "-id"
    )
    permission_classes = [IsAuthenticatedOrReadOnly]
    serializer_class = ArticleSerializer
    filterset_class = ArticleFilter
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_serializer_class(self) -> Any:
        if self.action in ("create", "update", "partial_update"):
            return ArticleWriteSerializer
        return super().get_serializer_class()  # an action's own serializer_class

    def _read(self, article: Article, code: int = status.HTTP_200_OK) -> Response:
        article = self.get_queryset().get(pk=article.pk)
        return Response(
            ArticleSerializer(article, context=self.get_serializer_context()).data, code
        )

    def _valid(self, serializer_class: Any, partial: bool = False) -> Any:
        serializer = serializer_class(
            data=self.request.data, partial=partial, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        return serializer

    @extend_schema(request=ArticleWriteSerializer, responses={201: ArticleSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not services.can_write(request.user):
            raise PermissionDenied(_("您没有撰写宣传稿件的权限"))
        serializer = self._valid(ArticleWriteSerializer)
        district = serializer.validated_data.get("district") or self._only_district()
        article = services.create_article(
            actor=request.user, district=district, data=serializer.to_input()
        )
        return self._read(article, status.HTTP_201_CREATED)

    def _only_district(self) -> District:
        districts = list(services.writable_districts(self.request.user)[:2])
        if len(districts) != 1:
            raise ValidationError({"district": [_("请选择稿件所属的区")]})
        return districts[0]

    @extend_schema(request=ArticleWriteSerializer, responses=ArticleSerializer)
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        article = self.get_object()
        serializer = self._valid(ArticleWriteSerializer, partial=kwargs.get("partial", False))
        chosen = serializer.validated_data.get("district")
        if chosen is not None and chosen.pk != article.district_id:
            raise ValidationError({"district": [_("稿件所属的区不能修改")]})
        article = services.update_article(
            actor=request.user, article=article, data=serializer.to_input(article)
        )
        return self._read(article)

    @extend_schema(request=ArticleWriteSerializer, responses=ArticleSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.update(request, *args, partial=True, **kwargs)

    @_transition("提交审核", "作者把草稿（或已退回、已撤回的稿件）提交区司法局审核。")
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: Any = None) -> Response:
        return self._read(services.submit_article(actor=request.user, article=self.get_object()))

    @_transition("发布", "区司法局发布待审核的稿件，或直接发布自己撰写的稿件。")
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: Any = None) -> Response:
        return self._read(services.publish_article(actor=request.user, article=self.get_object()))

    @_transition(
        "退回修改", "区司法局把待审核的稿件退回作者，须填写意见。", ArticleCommentSerializer
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="return",
        url_name="return",
        serializer_class=ArticleCommentSerializer,
    )
    def return_article(self, request: Request, pk: Any = None) -> Response:
        data = self._valid(ArticleCommentSerializer).validated_data
        article = services.return_article(
            actor=request.user, article=self.get_object(), comment=data["comment"]
        )
        return self._read(article)

    @_transition(
        "撤回",
        "区司法局撤回已发布的稿件（可填写说明）；作者撤回待审核的稿件。撤回后作者可修改再提交。",
        ArticleCommentSerializer,
    )
    @action(detail=True, methods=["post"], serializer_class=ArticleCommentSerializer)
    def withdraw(self, request: Request, pk: Any = None) -> Response:
        data = self._valid(ArticleCommentSerializer).validated_data
        article = services.withdraw_article(
            actor=request.user, article=self.get_object(), comment=data["comment"]
        )
        return self._read(article)

    @_transition(
        "置顶或取消置顶", "区司法局把稿件置顶（pinned=true）或取消置顶。", ArticlePinSerializer
    )
    @action(detail=True, methods=["post"], serializer_class=ArticlePinSerializer)
    def pin(self, request: Request, pk: Any = None) -> Response:
        data = self._valid(ArticlePinSerializer).validated_data
        article = services.set_pinned(
            actor=request.user, article=self.get_object(), pinned=data["pinned"]
        )
        return self._read(article)
