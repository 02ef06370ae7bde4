"""Back office: rules and offers through the services; accounts, the ledger and
coupons are read-only (the ledger is append-only everywhere)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from core.admin import ReadOnlyScopedAdmin, ScopedAdmin
from points import services
from points.models import Coupon, EarningRule, LedgerEntry, Offer, PointsAccount, PointsPolicy


@admin.register(PointsPolicy)
class PointsPolicyAdmin(ScopedAdmin):
    list_display = ["district", "expiry_years", "offers_need_review"]
    list_verb = "editable_by"
    list_select_related = ["district"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        services.save_policy(actor=request.user, policy=obj)


@admin.register(EarningRule)
class EarningRuleAdmin(ScopedAdmin):
    list_display = ["district", "action", "points", "daily_cap", "monthly_cap", "yearly_cap"]
    list_filter = ["action", "is_active"]
    list_verb = "editable_by"
    list_select_related = ["district"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        services.save_rule(actor=request.user, rule=obj)


@admin.register(Offer)
class OfferAdmin(ReadOnlyScopedAdmin):
    """Offers are written by firms and reviewed by the bureau on the site's pages."""

    list_display = ["title", "firm", "points_cost", "scope", "status", "valid_until"]
    list_filter = ["status", "scope"]
    search_fields = ["title", "firm__name"]
    list_select_related = ["firm"]


@admin.register(PointsAccount)
class PointsAccountAdmin(ReadOnlyScopedAdmin):
    list_display = ["user", "district", "balance", "created_at"]
    search_fields = ["user__name", "user__phone"]
    list_select_related = ["user", "district"]


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyScopedAdmin):
    list_display = [
        "occurred_at",
        "account",
        "kind",
        "amount",
        "balance_after",
        "action",
        "reason",
        "actor",
    ]
    list_filter = ["kind", "action"]
    search_fields = ["account__user__name", "idempotency_key", "reason"]
    list_select_related = ["account__user", "actor"]
    date_hierarchy = "occurred_at"


@admin.register(Coupon)
class CouponAdmin(ReadOnlyScopedAdmin):
    list_display = ["code", "offer", "account", "points", "status", "issued_at", "expires_at"]
    list_filter = ["status"]
    search_fields = ["code"]
    list_select_related = ["offer__firm", "account__user"]
