from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.api import ScopedRelatedField, ServiceModelSerializer
from firms import services
from firms.models import LawFirm, Lawyer, Specialty
from regions.models import District, Street


class SpecialtySerializer(serializers.ModelSerializer):
    class Meta:
        model = Specialty
        fields = ["id", "name", "sort_order", "is_active"]


class LawFirmSerializer(ServiceModelSerializer):
    district = ScopedRelatedField(model=District)
    district_name = serializers.CharField(source="district.name", read_only=True, label=_("区名称"))
    # Any street the user can see; the model checks that it lies in the firm's district.
    street = ScopedRelatedField(
        model=Street, scope="visible_to", allow_null=True, required=False, label=_("所在街道")
    )
    street_name = serializers.CharField(
        source="street.name", read_only=True, allow_null=True, label=_("所在街道名称")
    )

    class Meta:
        model = LawFirm
        fields = [
            "id",
            "district",
            "district_name",
            "name",
            "uscc",
            "director_name",
            "address",
            "street",
            "street_name",
            "phone",
            "in_mediation_association",
            "in_education_center",
            "introduction",
            "is_active",
        ]


class LawyerSerializer(serializers.ModelSerializer):
    firm = ScopedRelatedField(model=LawFirm)
    firm_name = serializers.CharField(source="firm.name", read_only=True, label=_("律所名称"))
    gender_label = serializers.CharField(
        source="get_gender_display", read_only=True, label=_("性别名称")
    )
    masked_phone = serializers.CharField(read_only=True, label=_("手机号（脱敏）"))
    years_of_practice = serializers.IntegerField(read_only=True, label=_("执业年限（年）"))
    specialties = serializers.SlugRelatedField(
        many=True,
        slug_field="name",
        queryset=Specialty.objects.filter(is_active=True),
        required=False,
        label=_("专业领域"),
        error_messages={"does_not_exist": _("专业领域“{value}”不存在或已停用")},
    )

    class Meta:
        model = Lawyer
        fields = [
            "id",
            "firm",
            "firm_name",
            "name",
            "gender",
            "gender_label",
            "license_no",
            "phone",
            "masked_phone",
            "practice_start_date",
            "years_of_practice",
            "specialties",
            "is_party_member",
            "is_volunteer",
            "fee_standard",
            "bio",
            "is_active",
        ]
        # Personal data: written, never read back in full.
        extra_kwargs = {"phone": {"write_only": True}}

    def create(self, validated_data: dict[str, Any]) -> Lawyer:
        specialties = validated_data.pop("specialties", None)
        return services.save_lawyer(
            actor=self.context["request"].user,
            lawyer=Lawyer(**validated_data),
            specialties=specialties,
        )

    def update(self, instance: Lawyer, validated_data: dict[str, Any]) -> Lawyer:
        specialties = validated_data.pop("specialties", None)
        for name, value in validated_data.items():
            setattr(instance, name, value)
        return services.save_lawyer(
            actor=self.context["request"].user, lawyer=instance, specialties=specialties
        )
