from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.roles import Role
from core.api import ScopedRelatedField
from core.scope import get_principal
from firms.models import LawFirm, Lawyer
from news import services
from news.choices import ArticleKind
from news.models import Article
from regions.models import District


class ArticleSerializer(serializers.ModelSerializer):
    """An article. The workflow fields (author, review comment, actions) are filled
    only for its author and the bureau of its district."""

    district_name = serializers.CharField(source="district.name", read_only=True, label=_("区名称"))
    kind_label = serializers.CharField(
        source="get_kind_display", read_only=True, label=_("栏目名称")
    )
    status_label = serializers.CharField(
        source="get_status_display", read_only=True, label=_("状态名称")
    )
    lead = serializers.CharField(read_only=True, label=_("导语（摘要或正文开头）"))
    cover_url = serializers.SerializerMethodField(label=_("封面图片地址"))
    firm_name = serializers.CharField(
        source="firm.name", read_only=True, allow_null=True, label=_("相关律所名称")
    )
    lawyer_name = serializers.CharField(
        source="lawyer.name", read_only=True, allow_null=True, label=_("相关律师姓名")
    )
    author_name = serializers.SerializerMethodField(label=_("作者"))
    review_comment = serializers.SerializerMethodField(label=_("审核意见"))
    actions = serializers.SerializerMethodField(label=_("当前用户可执行的操作"))

    class Meta:
        model = Article
        fields = [
            "id",
            "district",
            "district_name",
            "kind",
            "kind_label",
            "title",
            "summary",
            "lead",
            "body",
            "cover_url",
            "source",
            "firm",
            "firm_name",
            "lawyer",
            "lawyer_name",
            "status",
            "status_label",
            "pinned",
            "published_at",
            "view_count",
            "author_name",
            "review_comment",
            "submitted_at",
            "reviewed_at",
            "actions",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def _insider(self, article: Article) -> bool:
        user = self.context["request"].user
        p = get_principal(user)
        return (
            p.is_superuser
            or (p.user_id is not None and article.author_id == p.user_id)
            or article.district_id in p.ids(Role.BUREAU_ADMIN)
        )

    def get_cover_url(self, article: Article) -> str | None:
        if not article.cover:
            return None
        return self.context["request"].build_absolute_uri(reverse("news:cover", args=[article.pk]))

    def get_author_name(self, article: Article) -> str:
        return str(article.author) if self._insider(article) else ""

    def get_review_comment(self, article: Article) -> str:
        return article.review_comment if self._insider(article) else ""

    @extend_schema_field(
        serializers.ListField(
            child=serializers.ChoiceField(choices=services.ACTIONS),
            label=_(
                "可执行的操作：edit 修改、submit 提交审核、publish 发布、return 退回、"
                "withdraw 撤回、pin 置顶"
            ),
        )
    )
    def get_actions(self, article: Article) -> list[str]:
        allowed = services.actions_for(self.context["request"].user, article)
        return [a for a in services.ACTIONS if a in allowed]


class ArticleWriteSerializer(serializers.Serializer):
    """A draft's content. ``district`` may be left out by writers of one district."""

    district = ScopedRelatedField(model=District, scope="visible_to", required=False, label=_("区"))
    kind = serializers.ChoiceField(choices=ArticleKind.choices, label=_("栏目"))
    title = serializers.CharField(max_length=100, label=_("标题"))
    summary = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default="", label=_("摘要")
    )
    body = serializers.CharField(
        max_length=services.MAX_BODY_CHARS, label=_("正文（纯文本，段落之间空一行）")
    )
    firm = ScopedRelatedField(
        model=LawFirm, scope="visible_to", required=False, allow_null=True, label=_("相关律所")
    )
    lawyer = ScopedRelatedField(
        model=Lawyer, scope="visible_to", required=False, allow_null=True, label=_("相关律师")
    )
    cover = serializers.FileField(
        required=False, allow_null=True, label=_("封面图片（JPG 或 PNG，不超过 5 MB）")
    )
    remove_cover = serializers.BooleanField(required=False, default=False, label=_("删除封面"))

    def to_input(self, article: Article | None = None) -> services.ArticleInput:
        """The input for the service; on a partial update, missing fields keep the
        article's values."""
        data: dict[str, Any] = dict(self.validated_data)

        def value(name: str) -> Any:
            if name in data or article is None:
                return data.get(name)
            return getattr(article, name)

        return services.ArticleInput(
            kind=value("kind"),
            title=value("title"),
            summary=value("summary") or "",
            body=value("body"),
            firm=value("firm"),
            lawyer=value("lawyer"),
            cover=data.get("cover"),
            remove_cover=bool(data.get("remove_cover")),
        )


class ArticleCommentSerializer(serializers.Serializer):
    comment = serializers.CharField(
        max_length=services.MAX_COMMENT_CHARS,
        required=False,
        allow_blank=True,
        default="",
        label=_("意见（退回时必填）"),
    )


class ArticlePinSerializer(serializers.Serializer):
    pinned = serializers.BooleanField(label=_("置顶"))
