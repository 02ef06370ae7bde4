from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.api import ScopedRelatedField
from firms.models import LawFirm
from points import services
from points.models import Coupon, EarningRule, LedgerEntry, Offer, PointsAccount
from regions.models import District


class AccountSerializer(serializers.ModelSerializer):
    user_name = serializers.CharField(source="user.name", read_only=True, label=_("姓名"))

    class Meta:
        model = PointsAccount
        fields = ["id", "user", "user_name", "district", "balance", "created_at"]
        read_only_fields = fields


class EntrySerializer(serializers.ModelSerializer):
    summary = serializers.CharField(source="label", read_only=True, label=_("摘要"))
    source_type: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="model", read_only=True, label=_("来源类型")
    )

    class Meta:
        model = LedgerEntry
        fields = [
            "id",
            "account",
            "kind",
            "amount",
            "balance_after",
            "action",
            "summary",
            "reason",
            "source_type",
            "source_id",
            "coupon",
            "occurred_at",
        ]
        read_only_fields = fields


class AdjustSerializer(serializers.Serializer):
    user = serializers.IntegerField(label=_("居民用户编号"))
    amount = serializers.IntegerField(label=_("调整积分"), min_value=-100000, max_value=100000)
    reason = serializers.CharField(label=_("调整原因"), max_length=200)


class RuleSerializer(serializers.ModelSerializer):
    district = ScopedRelatedField(model=District)

    class Meta:
        model = EarningRule
        fields = [
            "id",
            "district",
            "action",
            "points",
            "daily_cap",
            "monthly_cap",
            "yearly_cap",
            "is_active",
        ]

    def get_validators(self) -> list[Any]:
        return []  # uniqueness is checked by the model's full_clean, in Chinese

    def create(self, validated_data: dict[str, Any]) -> EarningRule:
        rule = EarningRule(**validated_data)
        return services.save_rule(actor=self.context["request"].user, rule=rule)

    def update(self, instance: EarningRule, validated_data: dict[str, Any]) -> EarningRule:
        validated_data.pop("district", None)
        validated_data.pop("action", None)  # a rule keeps its action; add another rule
        for name, value in validated_data.items():
            setattr(instance, name, value)
        return services.save_rule(actor=self.context["request"].user, rule=instance)


class OfferSerializer(serializers.ModelSerializer):
    firm = ScopedRelatedField(model=LawFirm)
    firm_name = serializers.CharField(source="firm.name", read_only=True, label=_("律所名称"))
    discount_label = serializers.CharField(read_only=True, label=_("折扣"))

    class Meta:
        model = Offer
        fields = [
            "id",
            "firm",
            "firm_name",
            "title",
            "services",
            "description",
            "discount_percent",
            "discount_label",
            "max_discount_yuan",
            "points_cost",
            "scope",
            "valid_from",
            "valid_until",
            "coupon_valid_days",
            "status",
            "review_note",
            "reviewed_at",
        ]
        read_only_fields = ["status", "review_note", "reviewed_at"]

    def create(self, validated_data: dict[str, Any]) -> Offer:
        return services.save_offer(
            actor=self.context["request"].user, offer=Offer(**validated_data)
        )

    def update(self, instance: Offer, validated_data: dict[str, Any]) -> Offer:
        validated_data.pop("firm", None)
        for name, value in validated_data.items():
            setattr(instance, name, value)
        return services.save_offer(actor=self.context["request"].user, offer=instance)


class ReviewSerializer(serializers.Serializer):
    approve = serializers.BooleanField(label=_("通过"))
    note = serializers.CharField(label=_("审核意见"), max_length=200, required=False, default="")


class CouponSerializer(serializers.ModelSerializer):
    offer_title = serializers.CharField(source="offer.title", read_only=True, label=_("优惠名称"))
    firm_name = serializers.CharField(source="firm.name", read_only=True, label=_("律所名称"))

    class Meta:
        model = Coupon
        fields = [
            "id",
            "offer",
            "offer_title",
            "firm",
            "firm_name",
            "code",
            "points",
            "status",
            "issued_at",
            "expires_at",
            "used_at",
            "cancelled_at",
        ]
        read_only_fields = fields


class VerifySerializer(serializers.Serializer):
    code = serializers.CharField(label=_("券码"), max_length=30)
