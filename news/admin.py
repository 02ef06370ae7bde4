"""Back office: articles are read here and moved through the workflow by actions that
call the services (writing happens on the site's editor)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest

from core.admin import ScopedAdmin
from news import services
from news.models import Article


def _each(
    request: HttpRequest, queryset: QuerySet[Article], write: Callable[[Article], Any], done: str
) -> None:
    ok, failed = 0, []
    for article in queryset:
        try:
            write(article)
        except (ValidationError, PermissionDenied) as exc:
            reason = "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            failed.append(f"《{article.title}》：{reason or '没有权限'}")
        else:
            ok += 1
    if ok:
        messages.success(request, f"{done} {ok} 篇")
    for line in failed:
        messages.error(request, line)


@admin.register(Article)
class ArticleAdmin(ScopedAdmin):
    list_display = ["title", "kind", "district", "source", "status", "pinned", "published_at"]
    list_filter = ["status", "kind", "pinned"]
    search_fields = ["title", "source"]
    list_select_related = ["district"]
    date_hierarchy = "published_at"
    actions = ["publish", "withdraw", "pin", "unpin"]

    # The bureau's own districts only (published articles of others are public, but
    # not theirs to manage).
    list_verb = "reviewable_by"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description="审核通过并发布所选稿件")
    def publish(self, request: HttpRequest, queryset: QuerySet[Article]) -> None:
        _each(
            request,
            queryset,
            lambda a: services.publish_article(actor=request.user, article=a),
            "已发布",
        )

    @admin.action(description="撤回所选已发布稿件")
    def withdraw(self, request: HttpRequest, queryset: QuerySet[Article]) -> None:
        _each(
            request,
            queryset,
            lambda a: services.withdraw_article(actor=request.user, article=a),
            "已撤回",
        )

    @admin.action(description="置顶所选稿件")
    def pin(self, request: HttpRequest, queryset: QuerySet[Article]) -> None:
        _each(
            request,
            queryset,
            lambda a: services.set_pinned(actor=request.user, article=a, pinned=True),
            "已置顶",
        )

    @admin.action(description="取消置顶所选稿件")
    def unpin(self, request: HttpRequest, queryset: QuerySet[Article]) -> None:
        _each(
            request,
            queryset,
            lambda a: services.set_pinned(actor=request.user, article=a, pinned=False),
            "已取消置顶",
        )
