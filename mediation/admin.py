"""Back office of cloud mediation. The register is edited here by the bureau; cases
are read-only (their state changes only through the services), and the parties'
phones and ID numbers are never shown: only the case's mediators see them."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from core.admin import ScopedAdmin
from mediation.choices import DisputeCategory
from mediation.models import Case, CaseEvent, MediationLawyer, Mediator, Organization, Party


class SpecialtiesForm(forms.ModelForm):
    """The specialties (a JSON list of category values) as check boxes."""

    specialties = forms.MultipleChoiceField(
        label=_("专长领域"),
        choices=DisputeCategory.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


# Where a row is registered: a district and organization the user runs; the street,
# community and lawyer among those the user sees.
CHOICES = {"district": "editable_by", "organization": "editable_by"}


@admin.register(Organization)
class OrganizationAdmin(ScopedAdmin):
    list_display = ["name", "level", "kind", "category", "district", "street", "is_active"]
    list_filter = ["level", "kind", "category", "is_active"]
    search_fields = ["name", "contact_person"]
    list_select_related = ["district", "street"]

    choice_verbs: ClassVar[dict[str, str]] = CHOICES


class MediatorForm(SpecialtiesForm):
    class Meta:
        model = Mediator
        fields = ["organization", "name", "grade", "specialties", "phone", "user", "is_active"]


@admin.register(Mediator)
class MediatorAdmin(ScopedAdmin):
    form = MediatorForm
    list_display = ["name", "organization", "grade", "masked_phone", "is_active"]
    list_filter = ["grade", "is_active"]
    search_fields = ["name", "organization__name"]
    list_select_related = ["organization"]
    raw_id_fields = ["user"]

    choice_verbs: ClassVar[dict[str, str]] = CHOICES


class MediationLawyerForm(SpecialtiesForm):
    class Meta:
        model = MediationLawyer
        fields = ["district", "lawyer", "organization", "specialties", "is_active"]


@admin.register(MediationLawyer)
class MediationLawyerAdmin(ScopedAdmin):
    form = MediationLawyerForm
    list_display = ["lawyer", "district", "organization", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["lawyer__name", "lawyer__license_no"]
    list_select_related = ["lawyer", "district", "organization"]

    choice_verbs: ClassVar[dict[str, str]] = CHOICES


class PartyInline(admin.TabularInline):
    model = Party
    fields = ("role", "name", "masked_phone", "masked_id_number", "id_consent", "trips")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class EventInline(admin.TabularInline):
    model = CaseEvent
    fields = ("created_at", "kind", "actor_label", "text")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Case)
class CaseAdmin(ScopedAdmin):
    """Read-only: the flow belongs to the case pages and the API."""

    list_display = [
        "case_number",
        "category",
        "status",
        "organization",
        "applied_at",
        "due_at",
        "closed_at",
    ]
    list_filter = ["status", "outcome", "category", "channel"]
    search_fields = ["case_number"]
    list_select_related = ["organization"]
    inlines = [PartyInline, EventInline]
    exclude = ["mediators"]
    admin_roles = ("bureau_admin", "street_staff")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in Case._meta.concrete_fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
