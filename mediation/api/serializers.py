from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.api import ScopedRelatedField, ServiceModelSerializer
from core.audit import record_view
from core.masking import mask_id_number, mask_phone
from firms.models import Lawyer
from mediation import services
from mediation.choices import DisputeCategory, Guidance, PartyRole, SessionKind
from mediation.models import (
    Agreement,
    Case,
    CaseFile,
    Confirmation,
    Mediator,
    Message,
    Organization,
    Party,
    Session,
)
from regions.models import Community, District, Street


class OrganizationSerializer(ServiceModelSerializer):
    district = ScopedRelatedField(model=District)
    street = ScopedRelatedField(
        model=Street, scope="visible_to", allow_null=True, required=False, label=_("街道")
    )
    community = ScopedRelatedField(
        model=Community, scope="visible_to", allow_null=True, required=False, label=_("社区")
    )
    kind_label = serializers.CharField(
        source="get_kind_display", read_only=True, label=_("类型名称")
    )
    level_label = serializers.CharField(
        source="get_level_display", read_only=True, label=_("层级名称")
    )
    category_label = serializers.CharField(
        source="get_category_display", read_only=True, label=_("专业领域名称")
    )

    class Meta:
        model = Organization
        fields = [
            "id",
            "district",
            "name",
            "kind",
            "kind_label",
            "level",
            "level_label",
            "street",
            "community",
            "category",
            "category_label",
            "address",
            "phone",
            "contact_person",
            "is_active",
        ]


class _Categories(serializers.MultipleChoiceField):
    """A list of dispute categories, kept in the model as a JSON list."""

    def to_internal_value(self, data: Any) -> Any:
        return sorted(super().to_internal_value(data))

    def to_representation(self, value: Any) -> Any:
        return list(value or [])


class MediatorSerializer(ServiceModelSerializer):
    organization = ScopedRelatedField(model=Organization)
    organization_name = serializers.CharField(
        source="organization.name", read_only=True, label=_("调解组织名称")
    )
    grade_label = serializers.CharField(
        source="get_grade_display", read_only=True, label=_("等级名称")
    )
    specialties = _Categories(choices=DisputeCategory.choices, required=False, label=_("专长领域"))
    masked_phone = serializers.CharField(read_only=True, label=_("手机号（脱敏）"))
    has_account = serializers.SerializerMethodField(label=_("已开通账号"))

    class Meta:
        model = Mediator
        fields = [
            "id",
            "organization",
            "organization_name",
            "name",
            "grade",
            "grade_label",
            "specialties",
            "phone",
            "masked_phone",
            "has_account",
            "is_active",
        ]
        extra_kwargs = {"phone": {"write_only": True}}

    def get_has_account(self, obj: Mediator) -> bool:
        return obj.user_id is not None


class MediationCaseSerializer(serializers.ModelSerializer):
    """A case in a list: no parties' data."""

    category_label = serializers.CharField(
        source="get_category_display", read_only=True, label=_("纠纷类别名称")
    )
    status_label = serializers.CharField(
        source="get_status_display", read_only=True, label=_("状态名称")
    )
    channel_label = serializers.CharField(
        source="get_channel_display", read_only=True, label=_("申请方式名称")
    )
    organization_name = serializers.CharField(
        source="organization.name", read_only=True, allow_null=True, label=_("调解组织名称")
    )
    community_name = serializers.CharField(
        source="community.name", read_only=True, allow_null=True, label=_("社区名称")
    )
    is_overdue = serializers.BooleanField(read_only=True, label=_("已超期"))

    class Meta:
        model = Case
        fields = [
            "id",
            "case_number",
            "category",
            "category_label",
            "status",
            "status_label",
            "channel",
            "channel_label",
            "outcome",
            "organization",
            "organization_name",
            "community",
            "community_name",
            "question",
            "applied_at",
            "accepted_at",
            "due_at",
            "is_overdue",
            "closed_at",
            "duration_days",
            "deadline_met",
            "trips",
        ]


class MediationPartySerializer(serializers.ModelSerializer):
    """Phones and ID numbers masked unless the reader is one of the case's mediators
    (``unmasked`` in the context)."""

    role_label = serializers.CharField(
        source="get_role_display", read_only=True, label=_("身份名称")
    )
    phone = serializers.SerializerMethodField(label=_("手机号"))
    id_number = serializers.SerializerMethodField(label=_("身份证号码"))

    class Meta:
        model = Party
        fields = ["id", "role", "role_label", "name", "phone", "id_number", "address", "trips"]

    def get_phone(self, obj: Party) -> str:
        return obj.phone if self.context.get("unmasked") else mask_phone(obj.phone)

    def get_id_number(self, obj: Party) -> str:
        return obj.id_number if self.context.get("unmasked") else mask_id_number(obj.id_number)


class MediationConfirmationSerializer(serializers.ModelSerializer):
    party_name = serializers.CharField(source="party.name", read_only=True, label=_("当事人"))

    class Meta:
        model = Confirmation
        fields = ["party", "party_name", "version", "confirmed_at"]


class MediationAgreementSerializer(serializers.ModelSerializer):
    confirmations = MediationConfirmationSerializer(many=True, read_only=True)

    class Meta:
        model = Agreement
        fields = ["terms", "performance", "version", "drafted_at", "confirmed_at", "confirmations"]


class MediationCaseDetailSerializer(MediationCaseSerializer):
    parties = serializers.SerializerMethodField(label=_("当事人"))
    mediators = serializers.SerializerMethodField(label=_("调解员"))
    lawyer_name = serializers.CharField(
        source="lawyer.name", read_only=True, allow_null=True, label=_("参与调解的律师")
    )
    actions = serializers.SerializerMethodField(label=_("当前用户可执行的操作"))
    agreement = serializers.SerializerMethodField(label=_("调解协议书"))
    guidance_labels = serializers.SerializerMethodField(label=_("引导途径"))

    class Meta(MediationCaseSerializer.Meta):
        fields = [
            *MediationCaseSerializer.Meta.fields,
            "amount",
            "facts",
            "claims",
            "parties",
            "mediators",
            "lawyer",
            "lawyer_name",
            "decline_reason",
            "failure_reason",
            "guidance",
            "guidance_labels",
            "guidance_note",
            "followed_up_at",
            "follow_up_note",
            "satisfied",
            "archived_at",
            "agreement",
            "actions",
        ]

    def _user(self) -> Any:
        return self.context["request"].user

    def get_parties(self, obj: Case) -> Any:
        unmasked = services.sees_personal_data(self._user(), obj)
        if unmasked:
            record_view(
                obj, fields=["当事人手机号", "当事人身份证号码"], district_id=obj.district_id
            )
        return MediationPartySerializer(
            obj.parties.all(), many=True, context={"unmasked": unmasked}
        ).data

    def get_mediators(self, obj: Case) -> list[str]:
        return [m.name for m in obj.mediators.all()]

    def get_actions(self, obj: Case) -> list[str]:
        return sorted(services.allowed_actions(self._user(), obj))

    def get_agreement(self, obj: Case) -> dict[str, Any] | None:
        agreement = Agreement.objects.filter(case=obj).prefetch_related("confirmations__party")
        found = agreement.first()
        return MediationAgreementSerializer(found).data if found else None

    def get_guidance_labels(self, obj: Case) -> list[str]:
        labels = dict(Guidance.choices)
        return [str(labels.get(g, g)) for g in obj.guidance]


class MediationPartyInputSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=PartyRole.choices, label=_("身份"))
    name = serializers.CharField(max_length=100, label=_("姓名或名称"))
    phone = serializers.CharField(max_length=20, required=False, default="", label=_("手机号"))
    id_number = serializers.CharField(
        max_length=20, required=False, default="", label=_("身份证号码")
    )
    id_consent = serializers.BooleanField(
        required=False, default=False, label=_("同意提供身份证号码")
    )
    address = serializers.CharField(max_length=200, required=False, default="", label=_("住址"))


class MediationApplicationSerializer(serializers.Serializer):
    """An online application (the first applicant is the signed-in resident)."""

    community = serializers.PrimaryKeyRelatedField(
        queryset=Community.objects.public(), label=_("所在社区")
    )
    category = serializers.ChoiceField(choices=DisputeCategory.choices, label=_("纠纷类别"))
    facts = serializers.CharField(label=_("纠纷经过"))
    claims = serializers.CharField(
        required=False, default="", allow_blank=True, label=_("申请事项")
    )
    amount = serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False, allow_null=True, label=_("涉及金额（元）")
    )
    organization = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.filter(is_active=True),
        required=False,
        allow_null=True,
        label=_("选择的调解组织"),
    )
    lawyer = serializers.PrimaryKeyRelatedField(
        queryset=Lawyer.objects.filter(is_active=True),
        required=False,
        allow_null=True,
        label=_("希望参与的律师"),
    )
    parties = MediationPartyInputSerializer(many=True, label=_("当事人"))

    def application(self) -> services.Application:
        d = dict(self.validated_data)
        parties = [services.PartyDraft(**p) for p in d.pop("parties")]
        return services.Application(parties=parties, **d)


class MediationNoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, default="", allow_blank=True, label=_("说明"))


class MediationReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(label=_("理由"))


class MediationAssignSerializer(serializers.Serializer):
    # Rows of the user's scope only: another district's organization, mediator or lawyer
    # answers as an unknown id (the services check the case's own district again).
    organization = ScopedRelatedField(model=Organization, scope="visible_to", label=_("调解组织"))
    mediators = ScopedRelatedField(model=Mediator, scope="visible_to", many=True, label=_("调解员"))
    lawyer = ScopedRelatedField(
        model=Lawyer,
        scope="visible_to",
        required=False,
        allow_null=True,
        label=_("参与调解的律师"),
    )


class MediationScheduleSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=SessionKind.choices, label=_("方式"))
    starts_at = serializers.DateTimeField(label=_("时间"))
    place = serializers.CharField(required=False, default="", allow_blank=True, label=_("地点"))


class MediationRecordSessionSerializer(serializers.Serializer):
    session = serializers.IntegerField(label=_("场次"))
    record = serializers.CharField(label=_("调解记录"))
    attendees = serializers.ListField(
        child=serializers.IntegerField(), required=False, default=list, label=_("到场当事人")
    )


class MediationDraftSerializer(serializers.Serializer):
    terms = serializers.CharField(label=_("协议内容"))
    performance = serializers.CharField(
        required=False, default="", allow_blank=True, label=_("履行方式、时限")
    )


class MediationSendCodeSerializer(serializers.Serializer):
    party = serializers.IntegerField(label=_("当事人"))


class MediationConfirmSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=6, label=_("短信验证码"))


class MediationFailSerializer(serializers.Serializer):
    reason = serializers.CharField(label=_("未达成协议的原因"))
    guidance = serializers.MultipleChoiceField(choices=Guidance.choices, label=_("引导途径"))
    note = serializers.CharField(required=False, default="", allow_blank=True, label=_("引导说明"))


class MediationFollowUpSerializer(serializers.Serializer):
    note = serializers.CharField(label=_("回访情况"))
    satisfied = serializers.BooleanField(
        required=False, allow_null=True, default=None, label=_("满意")
    )


class MediationFileSerializer(serializers.ModelSerializer):
    class Meta:
        model = CaseFile
        fields = ["id", "original_name", "size", "content_type", "created_at"]


class MediationMessageSerializer(serializers.ModelSerializer):
    files = MediationFileSerializer(many=True, read_only=True)
    upload = serializers.ListField(
        child=serializers.FileField(),
        write_only=True,
        required=False,
        default=list,
        label=_("文件"),
    )

    class Meta:
        model = Message
        fields = ["id", "author_label", "text", "created_at", "files", "upload"]
        read_only_fields = ["author_label", "created_at"]
        extra_kwargs = {"text": {"required": False, "allow_blank": True}}


class MediationSessionSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(
        source="get_kind_display", read_only=True, label=_("方式名称")
    )
    status_label = serializers.CharField(
        source="get_status_display", read_only=True, label=_("状态名称")
    )
    attendees: Any = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True, label=_("到场当事人")
    )

    class Meta:
        model = Session
        fields = [
            "id",
            "kind",
            "kind_label",
            "starts_at",
            "place",
            "status",
            "status_label",
            "record",
            "attendees",
            "held_at",
        ]


class MediationTimelineSerializer(serializers.Serializer):
    at = serializers.DateTimeField(label=_("时间"))
    title = serializers.CharField(label=_("事项"))
    text = serializers.CharField(label=_("说明"))
    actor = serializers.CharField(label=_("操作人"))
    origin = serializers.CharField(label=_("来源（question 咨询 / mediation 调解）"))
