from __future__ import annotations

from typing import Any, ClassVar

from django.contrib import admin
from django.http import HttpRequest

from core.admin import ScopedAdmin
from firms.models import FirmAdmin, GuidanceGroupMember, LawFirm, Lawyer, Specialty


@admin.register(Specialty)
class SpecialtyAdmin(ScopedAdmin):
    list_display = ["name", "sort_order", "is_active"]
    list_editable = ["sort_order", "is_active"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_superuser)  # one managed list for all districts

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)


@admin.register(LawFirm)
class LawFirmAdmin(ScopedAdmin):
    list_display = [
        "name",
        "uscc",
        "director_name",
        "district",
        "in_mediation_association",
        "in_education_center",
        "is_active",
    ]
    list_filter = ["is_active", "in_mediation_association", "in_education_center"]
    search_fields = ["name", "uscc", "director_name"]
    list_select_related = ["district"]

    choice_verbs: ClassVar[dict[str, str]] = {"district": "editable_by", "street": "editable_by"}


@admin.register(Lawyer)
class LawyerAdmin(ScopedAdmin):
    list_display = [
        "name",
        "license_no",
        "firm",
        "years_of_practice",
        "is_party_member",
        "is_volunteer",
        "is_active",
    ]
    list_filter = ["is_active", "is_volunteer", "is_party_member", "specialties"]
    search_fields = ["name", "license_no"]
    list_select_related = ["firm"]
    filter_horizontal = ["specialties"]
    raw_id_fields = ["user"]
    exclude = ["user"]

    @admin.display(description="执业年限")
    def years_of_practice(self, obj: Lawyer) -> int:
        return obj.years_of_practice

    choice_verbs: ClassVar[dict[str, str]] = {"firm": "editable_by"}

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        form.save_m2m()


@admin.register(FirmAdmin)
class FirmAdminAdmin(ScopedAdmin):
    """User management: superusers only (bureau admins read the logs instead)."""

    admin_roles = ()
    list_display = ["user", "firm", "is_active"]
    list_select_related = ["user", "firm"]
    raw_id_fields = ["user"]

    choice_verbs: ClassVar[dict[str, str]] = {"firm": "editable_by"}


@admin.register(GuidanceGroupMember)
class GuidanceGroupMemberAdmin(ScopedAdmin):
    list_display = ["lawyer", "position", "district", "since", "is_active"]
    list_select_related = ["lawyer", "district"]

    choice_verbs: ClassVar[dict[str, str]] = {"district": "editable_by", "lawyer": "editable_by"}
