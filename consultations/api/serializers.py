from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from consultations.models import (
    Category,
    DutyShift,
    KnowledgeEntry,
    Question,
    Reply,
    ServiceRequest,
)
from consultations.querysets import can_read_text
from consultations.templatetags.consultations import deadline_text
from core.api import ScopedRelatedField
from firms.models import Lawyer
from regions.models import Community

PRIVATE_TITLE = "私密咨询（确认无利益冲突后可见）"


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "name", "sort_order", "is_active"]


class QuestionSerializer(serializers.ModelSerializer):
    """A question as the user may see it: a private question's title and text are
    empty (``readable`` false) until the lawyer has cleared the conflict check."""

    category_name = serializers.CharField(
        source="category.name", read_only=True, label=_("类别名称")
    )
    community_name = serializers.CharField(
        source="community.name", read_only=True, label=_("社区名称")
    )
    readable = serializers.SerializerMethodField(label=_("可查看内容"))
    title = serializers.SerializerMethodField(label=_("标题"))
    text = serializers.SerializerMethodField(label=_("问题描述"))
    service_level = serializers.SerializerMethodField(label=_("时限状态"))
    my_assignment = serializers.CharField(
        source="my_status", read_only=True, allow_null=True, label=_("我的分派状态")
    )
    status_label = serializers.CharField(
        source="get_status_display", read_only=True, label=_("状态名称")
    )

    class Meta:
        model = Question
        fields = [
            "id",
            "case_number",
            "category",
            "category_name",
            "community",
            "community_name",
            "title",
            "text",
            "parties",
            "is_public",
            "status",
            "status_label",
            "readable",
            "my_assignment",
            "posted_at",
            "reply_deadline",
            "service_level",
            "first_replied_at",
            "deadline_met",
            "escalated_at",
            "closed_at",
            "rating",
            "rating_comment",
        ]
        read_only_fields = fields

    def _readable(self, q: Question) -> bool:
        cache = self.context.setdefault("_readable", {})
        if q.pk not in cache:
            cache[q.pk] = can_read_text(self.context["request"].user, q)
        return cache[q.pk]

    def get_readable(self, q: Question) -> bool:
        return self._readable(q)

    def get_title(self, q: Question) -> str:
        return q.title if self._readable(q) else PRIVATE_TITLE

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_text(self, q: Question) -> str | None:
        return q.text if self._readable(q) else None

    def get_service_level(self, q: Question) -> str:
        """剩余 5 小时 / 已超时 3 小时 / 按时答复 / 超时答复."""
        return deadline_text(q)[0]


class QuestionCreateSerializer(serializers.Serializer):
    category = serializers.PrimaryKeyRelatedField(
        queryset=Category.objects.filter(is_active=True), label=_("类别")
    )
    community = serializers.PrimaryKeyRelatedField(
        queryset=Community.objects.none(), label=_("社区")
    )
    text = serializers.CharField(label=_("问题描述"), max_length=3000)
    title = serializers.CharField(label=_("标题"), max_length=80, required=False, allow_blank=True)
    parties = serializers.CharField(
        label=_("涉及的当事人"), max_length=200, required=False, allow_blank=True
    )
    is_public = serializers.BooleanField(label=_("公开"), default=False)
    chosen_lawyer = serializers.PrimaryKeyRelatedField(
        queryset=Lawyer.objects.public(), required=False, allow_null=True, label=_("指定律师")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = Community.objects.public()  # type: ignore[attr-defined]


class ReplySerializer(serializers.ModelSerializer):
    lawyer_name = serializers.CharField(
        source="lawyer.name", read_only=True, allow_null=True, label=_("律师")
    )
    by_lawyer = serializers.SerializerMethodField(label=_("律师回复"))

    class Meta:
        model = Reply
        fields = ["id", "text", "posted_at", "lawyer", "lawyer_name", "by_lawyer"]
        read_only_fields = ["id", "posted_at", "lawyer", "lawyer_name", "by_lawyer"]

    def get_by_lawyer(self, reply: Reply) -> bool:
        return reply.lawyer_id is not None


class CloseSerializer(serializers.Serializer):
    rating = serializers.IntegerField(
        label=_("评分"), min_value=1, max_value=5, required=False, allow_null=True
    )
    comment = serializers.CharField(
        label=_("评价"), max_length=500, required=False, allow_blank=True
    )


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(label=_("说明"), max_length=200, required=False, allow_blank=True)


class DutyShiftSerializer(serializers.ModelSerializer):
    lawyer_name = serializers.CharField(source="lawyer.name", read_only=True, label=_("值班律师"))
    firm_name = serializers.CharField(source="lawyer.firm.name", read_only=True, label=_("律所"))
    status_label = serializers.CharField(
        source="get_status_display", read_only=True, label=_("状态名称")
    )

    class Meta:
        model = DutyShift
        fields = [
            "id",
            "date",
            "lawyer",
            "lawyer_name",
            "firm_name",
            "status",
            "status_label",
            "checked_in_at",
            "checked_out_at",
        ]
        read_only_fields = fields


class ServiceRequestSerializer(serializers.ModelSerializer):
    lawyer = serializers.PrimaryKeyRelatedField(queryset=Lawyer.objects.public(), label=_("律师"))
    lawyer_name = serializers.CharField(source="lawyer.name", read_only=True, label=_("律师姓名"))
    question = ScopedRelatedField(
        model=Question, required=False, allow_null=True, label=_("来源咨询")
    )
    status_label = serializers.CharField(
        source="get_status_display", read_only=True, label=_("状态名称")
    )

    class Meta:
        model = ServiceRequest
        fields = [
            "id",
            "case_number",
            "lawyer",
            "lawyer_name",
            "question",
            "description",
            "fee_standard_snapshot",
            "status",
            "status_label",
            "quote_fee",
            "quote_scope",
            "quoted_at",
            "decided_at",
            "decision_note",
            "created_at",
        ]
        read_only_fields = [
            "id",
            "case_number",
            "fee_standard_snapshot",
            "status",
            "quote_fee",
            "quote_scope",
            "quoted_at",
            "decided_at",
            "decision_note",
            "created_at",
        ]


class QuoteSerializer(serializers.Serializer):
    quote_fee = serializers.DecimalField(
        label=_("报价（元）"), max_digits=10, decimal_places=2, min_value=0
    )
    quote_scope = serializers.CharField(label=_("服务范围"), max_length=3000)


class KnowledgeSerializer(serializers.ModelSerializer):
    category_name = serializers.CharField(
        source="category.name", read_only=True, label=_("类别名称")
    )

    class Meta:
        model = KnowledgeEntry
        fields = [
            "id",
            "category",
            "category_name",
            "title",
            "question_text",
            "answer_text",
            "published_at",
        ]
        read_only_fields = fields
