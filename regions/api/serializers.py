from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.api import ScopedRelatedField, ServiceModelSerializer
from regions import services
from regions.models import Community, District, DistrictSettings, Street, StudioMember


class DistrictSerializer(ServiceModelSerializer):
    class Meta:
        model = District
        fields = ["id", "name", "code", "city", "province", "bureau_name", "is_demo"]
        read_only_fields = ["is_demo"]

    def create(self, validated_data: dict[str, Any]) -> District:
        # A new district gets its settings row with the policy's defaults.
        return services.create_district(**validated_data)


class DistrictSettingsSerializer(serializers.ModelSerializer):
    class Meta:
        model = DistrictSettings
        fields = [
            "reply_deadline_hours",
            "duty_lawyers_per_day",
            "duty_min_practice_years",
            "liaison_subsidy_yuan",
            "service_day_of_month",
            "max_liaisons_per_community",
            "report_due_day",
            "mediation_deadline_days",
        ]

    def update(self, instance: DistrictSettings, validated_data: dict[str, Any]) -> Any:
        return services.update_district_settings(
            actor=self.context["request"].user, district=instance.district, values=validated_data
        )


class StreetSerializer(ServiceModelSerializer):
    district = ScopedRelatedField(model=District)
    district_name = serializers.CharField(source="district.name", read_only=True, label=_("区名称"))

    class Meta:
        model = Street
        fields = [
            "id",
            "district",
            "district_name",
            "name",
            "code",
            "office_name",
            "office_address",
            "office_phone",
            "is_active",
        ]


class CommunitySerializer(ServiceModelSerializer):
    street = ScopedRelatedField(model=Street)
    street_name = serializers.CharField(source="street.name", read_only=True, label=_("街道名称"))
    district = serializers.IntegerField(source="street.district_id", read_only=True, label=_("区"))

    class Meta:
        model = Community
        fields = [
            "id",
            "street",
            "street_name",
            "district",
            "name",
            "code",
            "address",
            "phone",
            "households",
            "population",
            "is_active",
        ]


class StudioMemberSerializer(ServiceModelSerializer):
    community = ScopedRelatedField(model=Community)
    community_name = serializers.CharField(
        source="community.name", read_only=True, label=_("社区名称")
    )
    position_label = serializers.CharField(
        source="get_position_display", read_only=True, label=_("身份名称")
    )
    masked_phone = serializers.CharField(read_only=True, label=_("手机号（脱敏）"))

    class Meta:
        model = StudioMember
        fields = [
            "id",
            "community",
            "community_name",
            "position",
            "position_label",
            "name",
            "phone",
            "masked_phone",
            "is_active",
        ]
        # Personal data: written, never read back in full.
        extra_kwargs = {"phone": {"write_only": True}}
