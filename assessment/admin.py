"""Back office of assessment. The rules, the rate table and the commendations are
edited here (validated and logged by ScopedAdmin); computed rows (rankings, scores,
appeals, bulletins, subsidy items, annual scores) are read-only: they change only
through the services, on the pages."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib import admin
from django.http import HttpRequest

from assessment.models import (
    AnnualAssessment,
    AnnualScore,
    Appeal,
    Bulletin,
    Commendation,
    MediationRate,
    MetricScore,
    MonthlyScore,
    RankingConfig,
    RankingMonth,
    SubsidyItem,
    SubsidyPeriod,
    SubsidyRates,
)
from core.admin import ReadOnlyScopedAdmin, ScopedAdmin


class DistrictRuleAdmin(ScopedAdmin):
    """Rows of a district: the district (and firm, lawyer) to choose from are the
    ones the user may edit."""

    choice_verbs: ClassVar[dict[str, str]] = {
        "district": "editable_by",
        "firm": "editable_by",
        "lawyer": "editable_by",
    }


@admin.register(RankingConfig)
class RankingConfigAdmin(DistrictRuleAdmin):
    list_display = ["district", "appeal_window_days", "annual_platform_weight"]
    list_select_related = ["district"]


@admin.register(SubsidyRates)
class SubsidyRatesAdmin(DistrictRuleAdmin):
    list_display = ["district", "duty_rate_yuan", "sample_percent"]
    list_select_related = ["district"]


@admin.register(MediationRate)
class MediationRateAdmin(DistrictRuleAdmin):
    list_display = ["district", "category", "difficulty", "amount_yuan"]
    list_filter = ["difficulty", "category"]
    list_select_related = ["district"]


@admin.register(Commendation)
class CommendationAdmin(DistrictRuleAdmin):
    list_display = ["year", "title", "kind", "firm", "lawyer", "awarded_on"]
    list_filter = ["year", "kind"]
    list_select_related = ["firm", "lawyer"]
    search_fields = ["title", "firm__name", "lawyer__name"]


class MetricInline(admin.TabularInline):
    model = MetricScore
    extra = 0
    can_delete = False
    fields = readonly_fields = (
        "metric",
        "weight",
        "numerator",
        "denominator",
        "raw_value",
        "value",
        "adjusted",
    )

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(RankingMonth)
class RankingMonthAdmin(ReadOnlyScopedAdmin):
    list_display = ["month", "district", "status", "appeal_deadline", "published_at"]
    list_filter = ["status"]
    list_select_related = ["district"]


@admin.register(MonthlyScore)
class MonthlyScoreAdmin(ReadOnlyScopedAdmin):
    list_display = ["firm", "ranking", "total", "rank", "status"]
    list_filter = ["status", "ranking__month"]
    list_select_related = ["firm", "ranking__district"]
    search_fields = ["firm__name"]
    inlines = [MetricInline]


@admin.register(Appeal)
class AppealAdmin(ReadOnlyScopedAdmin):
    list_display = ["score", "metric", "status", "filed_at", "decided_at"]
    list_filter = ["status"]
    list_select_related = ["score__firm", "score__ranking__district"]


@admin.register(Bulletin)
class BulletinAdmin(ReadOnlyScopedAdmin):
    list_display = ["title", "year", "number", "published_at"]
    list_filter = ["year"]


@admin.register(SubsidyPeriod)
class SubsidyPeriodAdmin(ReadOnlyScopedAdmin):
    list_display = ["title", "district", "start", "end", "status"]
    list_filter = ["status"]
    list_select_related = ["district"]


@admin.register(SubsidyItem)
class SubsidyItemAdmin(ReadOnlyScopedAdmin):
    list_display = ["period", "kind", "firm", "lawyer", "amount", "status", "sampled"]
    list_filter = ["kind", "status", "sampled"]
    list_select_related = ["period", "firm", "lawyer"]
    search_fields = ["firm__name", "lawyer__name", "description"]


class AnnualScoreInline(admin.TabularInline):
    model = AnnualScore
    extra = 0
    can_delete = False
    fields = readonly_fields = ("firm", "months", "platform_score", "bureau_mark", "total", "rank")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AnnualAssessment)
class AnnualAssessmentAdmin(ReadOnlyScopedAdmin):
    list_display = ["year", "district", "status", "published_at"]
    list_select_related = ["district"]
    inlines = [AnnualScoreInline]
