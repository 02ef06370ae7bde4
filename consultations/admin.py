"""Back office: the category list (superusers), and scoped, read-mostly views of
questions, the roster, swaps, paid services and the knowledge base. Business changes
go through the pages (services); here the bureau can hide a knowledge entry."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from consultations.models import (
    Category,
    DutyShift,
    DutySwapRequest,
    KnowledgeEntry,
    Question,
    ServiceRequest,
)
from core.admin import ReadOnlyScopedAdmin, ScopedAdmin


@admin.register(Category)
class CategoryAdmin(ScopedAdmin):
    admin_roles = ()  # a shared managed list: superusers only
    list_display = ["name", "sort_order", "is_active"]
    list_editable = ["sort_order", "is_active"]


@admin.register(Question)
class QuestionAdmin(ReadOnlyScopedAdmin):
    list_display = [
        "case_number",
        "category",
        "community",
        "status",
        "posted_at",
        "reply_deadline",
        "deadline_met",
        "escalated_at",
        "rating",
    ]
    list_filter = ["status", "deadline_met", "is_public", "category"]
    search_fields = ["case_number"]
    list_select_related = ["category", "community"]
    date_hierarchy = "posted_at"
    # The text stays out of the back office: private questions follow the conflict check.
    exclude = ["text", "title", "parties", "contact_phone", "text_hash"]


@admin.register(DutyShift)
class DutyShiftAdmin(ReadOnlyScopedAdmin):
    list_display = ["date", "lawyer", "status", "checked_in_at", "checked_out_at"]
    list_filter = ["status"]
    list_select_related = ["lawyer"]
    date_hierarchy = "date"


@admin.register(DutySwapRequest)
class DutySwapRequestAdmin(ReadOnlyScopedAdmin):
    list_display = ["shift", "requester", "to_lawyer", "status", "decided_at"]
    list_filter = ["status"]
    list_select_related = ["shift__lawyer", "requester", "to_lawyer"]


@admin.register(ServiceRequest)
class ServiceRequestAdmin(ReadOnlyScopedAdmin):
    list_display = ["case_number", "lawyer", "status", "quote_fee", "quoted_at", "decided_at"]
    list_filter = ["status"]
    search_fields = ["case_number"]
    list_select_related = ["lawyer"]


@admin.register(KnowledgeEntry)
class KnowledgeEntryAdmin(ScopedAdmin):
    list_display = ["title", "category", "published_at", "is_active"]
    list_filter = ["is_active", "category"]
    search_fields = ["title"]
    list_select_related = ["category"]
    fields = ["title", "question_text", "answer_text", "is_active"]
    readonly_fields = ["title", "question_text", "answer_text"]

    # Hidden entries too: the bureau must be able to show them again.
    list_verb = "editable_by"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
