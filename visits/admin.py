"""Back office for the visits app. Records whose state changes through services
(visits, reports, attendance, notices) are read-only here; reference rows (goals,
service days, meetings) are edited through ScopedAdmin (validated and logged)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from core.admin import ReadOnlyScopedAdmin, ScopedAdmin
from visits.models import (
    DistrictGoal,
    Household,
    Meeting,
    MonthlyReport,
    Notice,
    PlanMonth,
    ServiceDay,
    ServiceDayCheckin,
    ServiceDaySignup,
    Visit,
    VisitPlan,
)


class PlanMonthInline(admin.TabularInline):
    model = PlanMonth
    extra = 0
    can_delete = False
    readonly_fields = ["month", "visits", "households"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(DistrictGoal)
class DistrictGoalAdmin(ScopedAdmin):
    list_display = [
        "district",
        "year",
        "visits_target",
        "households_target",
        "coverage_target_percent",
    ]
    list_filter = ["year"]
    list_select_related = ["district"]


@admin.register(VisitPlan)
class VisitPlanAdmin(ReadOnlyScopedAdmin):
    list_display = [
        "community",
        "firm",
        "year",
        "revision",
        "is_current",
        "visits_total",
        "households_total",
    ]
    list_filter = ["year", "is_current"]
    search_fields = ["community__name", "firm__name"]
    list_select_related = ["community", "firm"]
    inlines = [PlanMonthInline]


@admin.register(Household)
class HouseholdAdmin(ReadOnlyScopedAdmin):
    list_display = ["__str__", "community"]
    search_fields = ["community__name", "building", "room"]
    list_select_related = ["community"]


@admin.register(Visit)
class VisitAdmin(ReadOnlyScopedAdmin):
    admin_roles = ("bureau_admin", "street_staff")
    list_display = ["date", "community", "firm", "kind", "status", "locked", "disputes_found"]
    list_filter = ["status", "kind", "locked"]
    search_fields = ["community__name", "firm__name", "topics"]
    list_select_related = ["community", "firm"]
    date_hierarchy = "date"


@admin.register(ServiceDay)
class ServiceDayAdmin(ScopedAdmin):
    admin_roles = ("bureau_admin", "street_staff", "community_staff")
    list_display = ["date", "community", "firm", "start_time", "end_time", "status"]
    list_filter = ["status"]
    search_fields = ["community__name"]
    list_select_related = ["community", "firm"]
    date_hierarchy = "date"
    readonly_fields = ["community", "firm", "month", "status"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # scheduled by the job


@admin.register(ServiceDaySignup)
class ServiceDaySignupAdmin(ReadOnlyScopedAdmin):
    list_display = ["service_day", "user", "created_at"]
    list_select_related = ["service_day__community", "user"]


@admin.register(ServiceDayCheckin)
class ServiceDayCheckinAdmin(ReadOnlyScopedAdmin):
    list_display = ["service_day", "user", "checked_in_at"]
    list_select_related = ["service_day__community", "user"]


@admin.register(MonthlyReport)
class MonthlyReportAdmin(ReadOnlyScopedAdmin):
    admin_roles = ("bureau_admin", "street_staff")
    list_display = [
        "month",
        "street",
        "firm",
        "status",
        "is_late",
        "due_date",
        "visit_count",
        "household_count",
    ]
    list_filter = ["status", "is_late", "month"]
    search_fields = ["firm__name", "street__name"]
    list_select_related = ["street", "firm"]


@admin.register(Notice)
class NoticeAdmin(ReadOnlyScopedAdmin):
    list_display = ["created_at", "kind", "message", "resolved_at"]
    list_filter = ["kind"]


@admin.register(Meeting)
class MeetingAdmin(ScopedAdmin):
    admin_roles = ("bureau_admin", "street_staff")
    list_display = ["date", "title", "street", "firm"]
    search_fields = ["title", "minutes"]
    list_select_related = ["street", "firm"]
