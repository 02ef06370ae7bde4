"""Filters of the points app, shared by pages and API."""

from __future__ import annotations

from typing import Any

import django_filters
from django.utils.translation import gettext_lazy as _

from points.choices import Action, CouponStatus, EntryKind, OfferScope, OfferStatus
from points.models import Coupon, EarningRule, LedgerEntry, Offer


class EntryFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("类型"), choices=EntryKind.choices)
    action = django_filters.ChoiceFilter(label=_("参与事项"), choices=Action.choices)
    account = django_filters.NumberFilter(label=_("账户"), field_name="account_id")

    class Meta:
        model = LedgerEntry
        fields = ["kind", "action", "account"]


class RuleFilter(django_filters.FilterSet):
    district = django_filters.NumberFilter(label=_("区"), field_name="district_id")
    is_active = django_filters.BooleanFilter(label=_("计入积分"))

    class Meta:
        model = EarningRule
        fields = ["district", "is_active"]


class OfferFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("状态"), choices=OfferStatus.choices)
    scope = django_filters.ChoiceFilter(label=_("适用范围"), choices=OfferScope.choices)
    firm = django_filters.NumberFilter(label=_("律所"), field_name="firm_id")
    available = django_filters.BooleanFilter(label=_("仅看我可兑换的"), method="filter_available")

    class Meta:
        model = Offer
        fields = ["status", "scope", "firm", "available"]

    def filter_available(self, queryset: Any, name: str, value: bool | None) -> Any:
        if not value:
            return queryset
        user = getattr(self.request, "user", None)
        return queryset & Offer.objects.available_to(user)


class CouponFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("状态"), choices=CouponStatus.choices)

    class Meta:
        model = Coupon
        fields = ["status"]
