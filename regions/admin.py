from __future__ import annotations

from typing import Any, ClassVar

from django.contrib import admin
from django.http import HttpRequest

from core.admin import ScopedAdmin
from core.services import save_instance
from regions import services
from regions.models import (
    Community,
    District,
    DistrictSettings,
    RegionRole,
    ResidentProfile,
    Street,
    StudioMember,
)


class DistrictSettingsInline(admin.StackedInline):
    model = DistrictSettings
    can_delete = False
    extra = 0


@admin.register(District)
class DistrictAdmin(ScopedAdmin):
    list_display = ["name", "code", "city", "province", "is_demo"]
    search_fields = ["name", "code"]
    inlines = [DistrictSettingsInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_superuser)  # new tenants are created centrally

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:
            save_instance(actor=request.user, instance=obj)
        else:
            created = services.create_district(
                name=obj.name,
                code=obj.code,
                city=obj.city,
                province=obj.province,
                bureau_name=obj.bureau_name,
            )
            obj.pk = created.pk

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        for instance in formset.save(commit=False):
            save_instance(actor=request.user, instance=instance)


@admin.register(DistrictSettings)
class DistrictSettingsAdmin(ScopedAdmin):
    list_display = [
        "district",
        "reply_deadline_hours",
        "duty_lawyers_per_day",
        "duty_min_practice_years",
        "liaison_subsidy_yuan",
        "service_day_of_month",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # created with the district


@admin.register(Street)
class StreetAdmin(ScopedAdmin):
    list_display = ["name", "district", "office_name", "office_phone", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "office_name"]
    list_select_related = ["district"]

    choice_verbs: ClassVar[dict[str, str]] = {"district": "editable_by"}


class StudioMemberInline(admin.TabularInline):
    model = StudioMember
    fields = ["position", "name", "phone", "is_active"]
    extra = 0


@admin.register(Community)
class CommunityAdmin(ScopedAdmin):
    list_display = ["name", "street", "households", "population", "is_active"]
    list_filter = ["is_active", "street"]
    search_fields = ["name", "address"]
    list_select_related = ["street"]
    inlines = [StudioMemberInline]

    choice_verbs: ClassVar[dict[str, str]] = {"street": "editable_by"}

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        for instance in formset.save(commit=False):
            save_instance(actor=request.user, instance=instance)


@admin.register(RegionRole)
class RegionRoleAdmin(ScopedAdmin):
    """User management: superusers only (bureau admins read the logs instead)."""

    admin_roles = ()
    list_display = ["user", "role", "district", "street", "community", "title", "is_active"]
    list_filter = ["role", "is_active"]
    search_fields = ["user__phone", "user__name"]
    list_select_related = ["user", "district", "street", "community"]
    raw_id_fields = ["user"]

    choice_verbs: ClassVar[dict[str, str]] = {
        "district": "editable_by",
        "street": "editable_by",
        "community": "editable_by",
    }


@admin.register(ResidentProfile)
class ResidentProfileAdmin(ScopedAdmin):
    list_display = ["user", "kind", "community"]
    list_filter = ["kind"]
    list_select_related = ["user", "community"]
    raw_id_fields = ["user"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # residents register themselves by phone
