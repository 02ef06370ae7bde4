"""Admin base: every back-office list starts from the scoped queryset, and the two
logs are read-only for everyone and readable only by the audit readers (security
auditors, bureau admins for their districts), not by superusers."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from core.audit import can_read_audit
from core.models import LoginLog, OperationLog
from core.scope import get_principal
from core.services import save_instance

admin.site.site_header = "尚法云 · 后台管理"
admin.site.site_title = "尚法云后台"
admin.site.index_title = "后台管理"


class ScopedAdmin(admin.ModelAdmin):
    """Rows come from ``visible_to``; changes need ``editable_by``; saves go through
    ``save_instance`` so they are validated and logged like any other change."""

    # Roles that may use this admin page besides superusers.
    admin_roles: tuple[str, ...] = ("bureau_admin",)

    def _allowed(self, request: HttpRequest) -> bool:
        principal = get_principal(request.user)
        return principal.is_superuser or principal.has(*self.admin_roles)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return self.model.objects.visible_to(request.user)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if not self._allowed(request):
            return False
        return (
            obj is None or self.model.objects.editable_by(request.user).filter(pk=obj.pk).exists()
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Nothing is ever lost: rows are deactivated, not deleted.
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        save_instance(actor=request.user, instance=obj)


class ReadOnlyLogAdmin(admin.ModelAdmin):
    list_per_page = 50

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return self.model.objects.visible_to(request.user)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return can_read_audit(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_read_audit(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(OperationLog)
class OperationLogAdmin(ReadOnlyLogAdmin):
    list_display = [
        "created_at",
        "actor_repr",
        "action",
        "model",
        "object_repr",
        "success",
        "ip",
        "source",
    ]
    list_filter = ["action", "success", "source", "model"]
    search_fields = ["actor_repr", "object_repr", "object_id"]
    list_select_related = []


@admin.register(LoginLog)
class LoginLogAdmin(ReadOnlyLogAdmin):
    list_display = ["created_at", "phone", "method", "success", "reason", "ip"]
    list_filter = ["success", "method"]
    search_fields = ["phone"]
