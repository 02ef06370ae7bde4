"""Admin base: every back-office list starts from the scoped queryset, and the two
logs are read-only for everyone and readable only by the audit readers (security
auditors, bureau admins for their districts), not by superusers."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db.models import Field, QuerySet
from django.http import HttpRequest

from core.audit import can_read_audit
from core.models import LoginLog, OperationLog
from core.scope import Gate
from core.services import save_instance

admin.site.site_header = "尚法云 · 后台管理"
admin.site.site_title = "尚法云后台"
admin.site.index_title = "后台管理"


class ScopedAdmin(admin.ModelAdmin):
    """Rows come from ``visible_to``; changes need ``editable_by``; saves go through
    ``save_instance`` so they are validated and logged like any other change. Every
    choice of a related row (a foreign key, a many-to-many) offers and accepts only
    rows of the user's scope: ``visible_to`` of the related model, or the verb
    ``choice_verbs`` names for the field (``editable_by``: the district a row is
    created in must be one the user runs). Users are chosen by id, not listed."""

    # Roles that may use this admin page besides superusers.
    admin_roles: tuple[str, ...] = ("bureau_admin",)
    # The scope verb of the list (``editable_by``: only the rows the user manages).
    list_verb: ClassVar[str] = "visible_to"
    # Per related field, the scope verb of its choices (default ``visible_to``).
    choice_verbs: ClassVar[dict[str, str]] = {}

    def _allowed(self, request: HttpRequest) -> bool:
        return Gate(self.admin_roles).holds(request.user)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return getattr(self.model._default_manager, self.list_verb)(request.user)

    def _choices(self, db_field: Field, request: HttpRequest, kwargs: dict[str, Any]) -> None:
        related: Any = db_field.related_model
        manager = related._default_manager
        if related is get_user_model() or not hasattr(manager, "visible_to"):
            return
        verb = self.choice_verbs.get(db_field.name, "visible_to")
        kwargs.setdefault("queryset", getattr(manager, verb)(request.user))

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        self._choices(db_field, request, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        self._choices(db_field, request, kwargs)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

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


class ReadOnlyScopedAdmin(ScopedAdmin):
    """Viewed in the back office, changed only on the pages (through the services)."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


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
