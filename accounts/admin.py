from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from accounts import views
from accounts.models import User
from core.audit import record_view

# The back office signs in through the site's sign-in (lockout, second factor).
admin.site.login = views.admin_login  # type: ignore[method-assign]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """Superusers only (user management). Role bindings are managed with the district,
    street, community and firm they bind to; security auditors are made with
    ``manage.py set_security_auditor`` and cannot be superusers (separation of duties)."""

    ordering = ["phone"]
    list_display = ["phone", "name", "is_active", "is_staff", "is_demo", "last_login"]
    list_filter = ["is_active", "is_staff", "is_demo", "is_security_auditor"]
    search_fields = ["phone", "name"]
    fieldsets = [
        (None, {"fields": ["phone", "password"]}),
        ("个人信息", {"fields": ["name", "email"]}),
        (
            "权限",
            {"fields": ["is_active", "is_staff", "is_superuser", "is_security_auditor", "is_demo"]},
        ),
        ("安全", {"fields": ["two_factor_method", "password_changed_at"]}),
        ("时间", {"fields": ["last_login", "date_joined", "reactivated_at"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["phone", "name", "password1", "password2"]})
    ]
    readonly_fields = [
        "last_login",
        "date_joined",
        "reactivated_at",
        "is_security_auditor",
        "two_factor_method",
        "password_changed_at",
    ]
    actions = ["reset_two_factor"]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_superuser)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_superuser)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # accounts are deactivated, never deleted

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)
        user = self.get_object(request, object_id)
        if request.method == "GET" and response.status_code == 200 and user is not None:
            record_view(user, fields=["phone", "name", "email"])
        return response

    @admin.action(description="重置二次验证（改回短信验证码）")
    def reset_two_factor(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset.exclude(two_factor_method=User.TwoFactorMethod.SMS):
            user.two_factor_method = User.TwoFactorMethod.SMS
            user.totp_secret = ""
            user.save(update_fields=["two_factor_method", "totp_secret", "updated_at"])
        messages.success(request, "已重置所选账号的二次验证")
