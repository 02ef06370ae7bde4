from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.api import ScopedRelatedField
from firms.models import LawFirm, Lawyer
from regions.models import Community, District, Street
from visits import services
from visits.choices import FollowUp, VisitKind
from visits.coverage import CoverageRow
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


class VisibleField(serializers.PrimaryKeyRelatedField):
    """A foreign key by id among the rows of ``model`` the requesting user may see."""

    def __init__(self, *, model: Any, **kwargs: Any) -> None:
        self.model = model
        super().__init__(queryset=model.objects.none(), **kwargs)

    def get_queryset(self) -> Any:
        return self.model.objects.visible_to(self.context["request"].user)


class VisitSerializer(serializers.ModelSerializer):
    community = VisibleField(model=Community, label=_("社区"))
    community_name = serializers.CharField(source="community.name", read_only=True)
    firm_name = serializers.CharField(source="firm.name", read_only=True)
    kind = serializers.ChoiceField(choices=VisitKind.choices, label=_("活动类型"))
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    lawyers = VisibleField(model=Lawyer, many=True, label=_("参加律师"))
    follow_up = serializers.ChoiceField(
        choices=FollowUp.choices, required=False, allow_blank=True, label=_("跟进情况")
    )
    addresses = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        label=_("走访住户"),
        help_text=_("每行一户，如“3幢2单元301室”或“3-2-301”"),
    )
    households = serializers.SerializerMethodField(label=_("走访住户"))
    photo_ids = serializers.SerializerMethodField(label=_("照片编号"))
    submit = serializers.BooleanField(
        write_only=True, default=True, label=_("提交社区确认（否则存为草稿）")
    )

    class Meta:
        model = Visit
        fields = [
            "id",
            "firm",
            "firm_name",
            "community",
            "community_name",
            "date",
            "kind",
            "kind_label",
            "lawyers",
            "addresses",
            "households",
            "participants",
            "topics",
            "disputes_found",
            "dispute_notes",
            "follow_up",
            "follow_up_notes",
            "status",
            "status_label",
            "dispute_reason",
            "locked",
            "submitted_at",
            "reviewed_at",
            "photo_ids",
            "submit",
        ]
        read_only_fields = [
            "firm",
            "status",
            "dispute_reason",
            "locked",
            "submitted_at",
            "reviewed_at",
        ]

    def get_households(self, visit: Visit) -> list[str]:
        return [str(h) for h in visit.households.all()]

    def get_photo_ids(self, visit: Visit) -> list[int]:
        return [p.pk for p in visit.photos.all()]

    def _input(self, data: dict[str, Any], instance: Visit | None) -> services.VisitInput:
        def value(name: str, default: Any) -> Any:
            if name in data:
                return data[name]
            return getattr(instance, name) if instance is not None else default

        addresses = data.get("addresses")
        if addresses is None and instance is not None:
            addresses = "\n".join(str(h) for h in instance.households.all())
        lawyers = data.get("lawyers")
        if lawyers is None and instance is not None:
            lawyers = list(instance.lawyers.all())
        return services.VisitInput(
            community=value("community", None),
            date=value("date", None),
            kind=value("kind", ""),
            lawyers=list(lawyers or []),
            addresses=addresses or "",
            participants=value("participants", 0),
            topics=value("topics", ""),
            disputes_found=value("disputes_found", 0),
            dispute_notes=value("dispute_notes", ""),
            follow_up=value("follow_up", ""),
            follow_up_notes=value("follow_up_notes", ""),
        )

    def create(self, validated_data: dict[str, Any]) -> Visit:
        return services.record_visit(
            actor=self.context["request"].user,
            data=self._input(validated_data, None),
            submit=validated_data.get("submit", True),
        )

    def update(self, instance: Visit, validated_data: dict[str, Any]) -> Visit:
        return services.update_visit(
            actor=self.context["request"].user,
            visit=instance,
            data=self._input(validated_data, instance),
            submit=validated_data.get("submit", True),
        )


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(label=_("异议理由"), max_length=300)


class PhotoSerializer(serializers.Serializer):
    image = serializers.ImageField(label=_("照片（JPG 或 PNG，不超过 5 MB）"))


class HouseholdSerializer(serializers.ModelSerializer):
    address = serializers.CharField(source="__str__", read_only=True, label=_("门牌"))

    class Meta:
        model = Household
        fields = ["id", "community", "building", "unit", "room", "address"]


class VisitPlanSerializer(serializers.ModelSerializer):
    community_name = serializers.CharField(source="community.name", read_only=True)
    firm_name = serializers.CharField(source="firm.name", read_only=True)
    months = serializers.SerializerMethodField(label=_("每月目标"))

    class Meta:
        model = VisitPlan
        fields = [
            "id",
            "firm",
            "firm_name",
            "community",
            "community_name",
            "year",
            "revision",
            "is_current",
            "reason",
            "visits_total",
            "households_total",
            "months",
            "created_at",
        ]

    def get_months(self, plan: VisitPlan) -> list[dict[str, int]]:
        return [
            {"month": m.month, "visits": m.visits, "households": m.households}
            for m in plan.months.all()
        ]


class PlanMonthInput(serializers.Serializer):
    visits = serializers.IntegerField(min_value=0, label=_("走访次数"))
    households = serializers.IntegerField(min_value=0, label=_("走访户数"))


class PlanInputSerializer(serializers.Serializer):
    community = VisibleField(model=Community, label=_("社区"))
    year = serializers.IntegerField(min_value=2000, max_value=2100, label=_("年度"))
    months = PlanMonthInput(many=True, label=_("1–12 月目标"))
    reason = serializers.CharField(required=False, allow_blank=True, label=_("修订说明"))

    def validate_months(self, value: list[dict[str, int]]) -> list[dict[str, int]]:
        if len(value) != 12:
            raise serializers.ValidationError(_("请填写 12 个月的目标"))
        return value


class DistrictGoalSerializer(serializers.ModelSerializer):
    # A district outside the user's sight answers as an unknown one (the services decide
    # who may set the goal).
    district = ScopedRelatedField(model=District, scope="visible_to", label=_("区"))

    class Meta:
        model = DistrictGoal
        fields = [
            "id",
            "district",
            "year",
            "visits_target",
            "households_target",
            "coverage_target_percent",
            "note",
        ]


class ServiceDaySerializer(serializers.ModelSerializer):
    community_name = serializers.CharField(source="community.name", read_only=True)
    street_name = serializers.CharField(source="community.street.name", read_only=True)
    firm_name = serializers.CharField(source="firm.name", read_only=True, allow_null=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = ServiceDay
        fields = [
            "id",
            "community",
            "community_name",
            "street_name",
            "firm",
            "firm_name",
            "month",
            "date",
            "start_time",
            "end_time",
            "place",
            "topic",
            "status",
            "status_label",
        ]
        read_only_fields = ["community", "firm", "month", "status"]

    def update(self, instance: ServiceDay, validated_data: dict[str, Any]) -> ServiceDay:
        return services.update_service_day(
            actor=self.context["request"].user, service_day=instance, values=validated_data
        )


class CheckInSerializer(serializers.Serializer):
    community = serializers.PrimaryKeyRelatedField(
        queryset=Community.objects.filter(is_active=True), label=_("社区")
    )


class MonthlyReportSerializer(serializers.ModelSerializer):
    firm_name = serializers.CharField(source="firm.name", read_only=True)
    street_name = serializers.CharField(source="street.name", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = MonthlyReport
        fields = [
            "id",
            "firm",
            "firm_name",
            "street",
            "street_name",
            "month",
            "status",
            "status_label",
            "due_date",
            "is_late",
            "compiled_at",
            "visit_count",
            "household_count",
            "participant_count",
            "dispute_count",
            "summary",
            "submitted_at",
            "reviewed_at",
            "review_comment",
        ]
        read_only_fields = fields


class SummarySerializer(serializers.Serializer):
    summary = serializers.CharField(required=False, allow_blank=True, label=_("工作小结"))


class CommentSerializer(serializers.Serializer):
    comment = serializers.CharField(label=_("审核意见"))


class CoverageSerializer(serializers.Serializer):
    id = serializers.IntegerField(label=_("社区编号"))
    name = serializers.CharField(label=_("社区"))
    street_id = serializers.IntegerField(label=_("街道编号"))
    street_name = serializers.CharField(label=_("街道"))
    households = serializers.IntegerField(label=_("社区户数"))
    visited = serializers.IntegerField(label=_("本年已走访户数"))
    plan_to_date = serializers.IntegerField(label=_("截至上月计划户数"))
    plan_year = serializers.IntegerField(label=_("全年计划户数"))
    rate = serializers.FloatField(label=_("覆盖率（%）"))
    plan_rate = serializers.FloatField(label=_("计划完成率（%）"))
    behind = serializers.BooleanField(label=_("落后于计划"))

    def to_representation(self, instance: CoverageRow) -> dict[str, Any]:
        return super().to_representation(instance)


class NoticeSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Notice
        fields = [
            "id",
            "kind",
            "kind_label",
            "firm",
            "street",
            "community",
            "message",
            "link",
            "created_at",
            "resolved_at",
        ]
        read_only_fields = fields


class MeetingSerializer(serializers.ModelSerializer):
    attachment_names = serializers.SerializerMethodField(label=_("附件"))
    # A firm or street outside the user's sight answers as an unknown one (the services
    # decide who may hold the meeting).
    firm = ScopedRelatedField(
        model=LawFirm, scope="visible_to", label=_("律所"), required=False, allow_null=True
    )
    street = ScopedRelatedField(
        model=Street, scope="visible_to", label=_("街道"), required=False, allow_null=True
    )

    class Meta:
        model = Meeting
        fields = [
            "id",
            "district",
            "firm",
            "street",
            "date",
            "title",
            "place",
            "attendees",
            "minutes",
            "attachment_names",
        ]
        read_only_fields = ["district"]

    def get_attachment_names(self, meeting: Meeting) -> list[str]:
        return [a.name for a in meeting.attachments.all()]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        firm = attrs.get("firm", getattr(self.instance, "firm", None))
        street = attrs.get("street", getattr(self.instance, "street", None))
        if not firm and not street:
            raise serializers.ValidationError(_("请选择会议所属的律所或街道"))
        if firm and street and firm.district_id != street.district_id:
            raise serializers.ValidationError({"street": _("律所和街道不在同一个区")})
        attrs["district_id"] = firm.district_id if firm else street.district_id  # type: ignore[union-attr]
        return attrs

    def create(self, validated_data: dict[str, Any]) -> Meeting:
        return services.save_meeting(
            actor=self.context["request"].user, meeting=Meeting(**validated_data)
        )

    def update(self, instance: Meeting, validated_data: dict[str, Any]) -> Meeting:
        for name, value in validated_data.items():
            setattr(instance, name, value)
        return services.save_meeting(actor=self.context["request"].user, meeting=instance)
