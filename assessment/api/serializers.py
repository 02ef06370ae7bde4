from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from assessment.choices import Metric
from assessment.models import (
    Appeal,
    Bulletin,
    MetricScore,
    MonthlyScore,
    SubsidyItem,
    SubsidyPeriod,
)
from core.api import ScopedRelatedField
from regions.models import District


class MetricScoreSerializer(serializers.ModelSerializer):
    metric_label = serializers.CharField(
        source="get_metric_display", read_only=True, label=_("指标名称")
    )

    class Meta:
        model = MetricScore
        fields = [
            "metric",
            "metric_label",
            "weight",
            "numerator",
            "denominator",
            "raw_value",
            "value",
            "adjusted",
            "adjust_note",
        ]
        read_only_fields = fields


class MonthlyScoreSerializer(serializers.ModelSerializer):
    district = serializers.IntegerField(source="ranking.district_id", read_only=True, label=_("区"))
    month = serializers.DateField(source="ranking.month", read_only=True, label=_("月份"))
    appeal_deadline = serializers.DateField(
        source="ranking.appeal_deadline", read_only=True, label=_("申诉截止日期")
    )
    firm_name = serializers.CharField(source="firm.name", read_only=True, label=_("律所名称"))
    metrics = MetricScoreSerializer(many=True, read_only=True, label=_("各项指标"))

    class Meta:
        model = MonthlyScore
        fields = [
            "id",
            "district",
            "month",
            "firm",
            "firm_name",
            "status",
            "total",
            "rank",
            "appeal_deadline",
            "metrics",
        ]
        read_only_fields = fields


class AppealSerializer(serializers.ModelSerializer):
    firm_name = serializers.CharField(source="score.firm.name", read_only=True, label=_("律所"))
    month = serializers.DateField(source="score.ranking.month", read_only=True, label=_("月份"))

    class Meta:
        model = Appeal
        fields = [
            "id",
            "score",
            "firm_name",
            "month",
            "metric",
            "reason",
            "status",
            "filed_at",
            "decision_comment",
            "adjusted_value",
            "decided_at",
        ]
        read_only_fields = fields


class AppealCreateSerializer(serializers.Serializer):
    score = ScopedRelatedField(model=MonthlyScore, scope="appealable_by", label=_("得分"))
    metric = serializers.ChoiceField(
        choices=Metric.choices, required=False, allow_blank=True, label=_("申诉指标")
    )
    reason = serializers.CharField(max_length=2000, label=_("申诉理由"))


class AppealDecisionSerializer(serializers.Serializer):
    accept = serializers.BooleanField(label=_("采纳"))
    comment = serializers.CharField(max_length=2000, label=_("处理意见"))
    adjusted_value = serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        required=False,
        allow_null=True,
        min_value=0,
        max_value=100,
        label=_("调整后的指标得分"),
    )


class BulletinSerializer(serializers.ModelSerializer):
    district_name = serializers.CharField(source="district.name", read_only=True, label=_("区"))
    number_label = serializers.CharField(read_only=True, label=_("期号"))
    xlsx_url = serializers.SerializerMethodField(label=_("Excel 下载地址"))
    pdf_url = serializers.SerializerMethodField(label=_("PDF 下载地址"))

    class Meta:
        model = Bulletin
        fields = [
            "id",
            "district",
            "district_name",
            "month",
            "year",
            "number",
            "number_label",
            "title",
            "summary",
            "table",
            "published_at",
            "xlsx_url",
            "pdf_url",
        ]
        read_only_fields = fields

    def get_xlsx_url(self, obj: Bulletin) -> str:
        return reverse("assessment:bulletin_xlsx", args=[obj.pk])

    def get_pdf_url(self, obj: Bulletin) -> str:
        return reverse("assessment:bulletin_pdf", args=[obj.pk])


class SubsidyPeriodSerializer(serializers.ModelSerializer):
    class Meta:
        model = SubsidyPeriod
        fields = [
            "id",
            "district",
            "title",
            "start",
            "end",
            "status",
            "generated_at",
            "sample_drawn_at",
            "closed_at",
        ]
        read_only_fields = fields


class SubsidyPeriodCreateSerializer(serializers.Serializer):
    district = ScopedRelatedField(model=District, label=_("区"))
    title = serializers.CharField(max_length=100, required=False, allow_blank=True, label=_("名称"))
    start = serializers.DateField(label=_("开始日期（某月 1 日）"))
    end = serializers.DateField(label=_("结束日期（某月最后一天）"))


class SubsidyItemSerializer(serializers.ModelSerializer):
    firm_name = serializers.CharField(source="firm.name", read_only=True, label=_("律所名称"))
    lawyer_name = serializers.CharField(
        source="lawyer.name", read_only=True, default="", label=_("律师姓名")
    )

    class Meta:
        model = SubsidyItem
        fields = [
            "id",
            "period",
            "kind",
            "firm",
            "firm_name",
            "lawyer",
            "lawyer_name",
            "month",
            "duty_shift",
            "mediation_case",
            "difficulty",
            "description",
            "amount",
            "status",
            "hold_reason",
            "paid_at",
            "sampled",
            "follow_up_note",
            "followed_up_at",
        ]
        read_only_fields = fields
