from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api import ScopedRelatedField
from firms.models import LawFirm, Lawyer
from pairing.models import HonoraryPost, Liaison, Pairing
from pairing.overview import Card
from regions.models import Community, Street


class LiaisonSerializer(serializers.ModelSerializer):
    community = serializers.IntegerField(
        source="pairing.community_id", read_only=True, label=_("社区")
    )
    lawyer_name = serializers.CharField(source="lawyer.name", read_only=True, label=_("律师姓名"))
    is_active = serializers.BooleanField(read_only=True, label=_("在任"))

    class Meta:
        model = Liaison
        fields = [
            "id",
            "pairing",
            "community",
            "lawyer",
            "lawyer_name",
            "slot",
            "start_date",
            "end_date",
            "is_active",
        ]
        read_only_fields = fields


class PairingSerializer(serializers.ModelSerializer):
    community_name = serializers.CharField(
        source="community.name", read_only=True, label=_("社区名称")
    )
    street = serializers.IntegerField(source="community.street_id", read_only=True, label=_("街道"))
    firm_name = serializers.CharField(source="firm.name", read_only=True, label=_("律所名称"))
    is_active = serializers.BooleanField(read_only=True, label=_("进行中"))
    liaisons = LiaisonSerializer(many=True, read_only=True, label=_("联络员（含历任）"))

    class Meta:
        model = Pairing
        fields = [
            "id",
            "community",
            "community_name",
            "street",
            "firm",
            "firm_name",
            "start_date",
            "end_date",
            "end_reason",
            "is_active",
            "liaisons",
        ]
        read_only_fields = fields


class HonoraryPostSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(
        source="get_kind_display", read_only=True, label=_("职务名称")
    )
    lawyer_name = serializers.CharField(source="lawyer.name", read_only=True, label=_("律师姓名"))
    firm_name = serializers.CharField(
        source="lawyer.firm.name", read_only=True, label=_("律所名称")
    )
    is_active = serializers.BooleanField(read_only=True, label=_("在任"))

    class Meta:
        model = HonoraryPost
        fields = [
            "id",
            "kind",
            "kind_label",
            "community",
            "street",
            "lawyer",
            "lawyer_name",
            "firm_name",
            "start_date",
            "term_end",
            "end_date",
            "is_active",
        ]
        read_only_fields = fields


# --- writes (the bureau): each calls a service -------------------------------------


class PairingCreateSerializer(serializers.Serializer):
    community = ScopedRelatedField(model=Community, label=_("社区"))
    firm = ScopedRelatedField(model=LawFirm, scope="visible_to", label=_("律所"))
    start_date = serializers.DateField(label=_("开始日期"))


class PairingEndSerializer(serializers.Serializer):
    end_date = serializers.DateField(label=_("结束日期"))
    end_reason = serializers.CharField(label=_("结束原因"), max_length=200)


class LiaisonCreateSerializer(serializers.Serializer):
    pairing = ScopedRelatedField(model=Pairing, label=_("结对"))
    lawyer = ScopedRelatedField(model=Lawyer, scope="visible_to", label=_("律师"))
    start_date = serializers.DateField(label=_("任命日期"))


class EndSerializer(serializers.Serializer):
    end_date = serializers.DateField(label=_("结束日期"))


class HonoraryPostCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(label=_("职务"), choices=HonoraryPost.Kind.choices)
    community = ScopedRelatedField(
        model=Community, required=False, allow_null=True, label=_("社区")
    )
    street = ScopedRelatedField(model=Street, required=False, allow_null=True, label=_("街道"))
    lawyer = ScopedRelatedField(model=Lawyer, scope="visible_to", label=_("律师"))
    start_date = serializers.DateField(label=_("任职日期"))
    term_end = serializers.DateField(required=False, allow_null=True, label=_("任期届满"))


# --- the public card ---------------------------------------------------------------


class CardPersonSerializer(serializers.Serializer):
    name = serializers.CharField(label=_("姓名"))
    firm_name = serializers.CharField(label=_("律所"))
    title = serializers.CharField(label=_("职务"))


class CommunityCardSerializer(serializers.Serializer):
    community = serializers.SerializerMethodField(label=_("社区"))
    firm = serializers.SerializerMethodField(label=_("专属社区律所"))
    liaisons = serializers.SerializerMethodField(label=_("联络员"))
    honorary_posts = serializers.SerializerMethodField(label=_("名誉职务"))
    next_service_date = serializers.DateField(label=_("下次固定服务日"))
    card_url = serializers.SerializerMethodField(label=_("卡片地址（二维码内容）"))

    @extend_schema_field(
        {"type": "object", "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}}
    )
    def get_community(self, card: Card) -> dict[str, Any]:
        c = card.community
        return {
            "id": c.pk,
            "name": c.name,
            "street": c.street.name,
            "district": c.street.district.name,
            "office_name": c.street.office_name,
            "office_phone": c.street.office_phone,
        }

    @extend_schema_field(
        {"type": "object", "nullable": True, "properties": {"name": {"type": "string"}}}
    )
    def get_firm(self, card: Card) -> dict[str, Any] | None:
        firm = card.firm
        if firm is None:
            return None
        return {"id": firm.pk, "name": firm.name, "address": firm.address, "phone": firm.phone}

    @extend_schema_field(CardPersonSerializer(many=True))
    def get_liaisons(self, card: Card) -> list[dict[str, str]]:
        return [
            {
                "name": x.lawyer.name,
                "firm_name": card.firm.name if card.firm else "",
                "title": str(_("联络员")),
            }
            for x in card.liaisons
        ]

    @extend_schema_field(CardPersonSerializer(many=True))
    def get_honorary_posts(self, card: Card) -> list[dict[str, str]]:
        return [
            {"name": p.lawyer.name, "firm_name": p.lawyer.firm.name, "title": p.get_kind_display()}
            for p in card.posts
        ]

    def get_card_url(self, card: Card) -> str:
        return self.context["card_url"]
