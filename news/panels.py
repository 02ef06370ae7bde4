"""Workspace panels: the bureau's review queue, the writers' own articles."""

from __future__ import annotations

from typing import Any

from django.db.models import Count

from accounts.roles import Role
from core.scope import RoleBinding
from core.workspace import register_panel
from news.choices import ArticleStatus
from news.models import Article

ROWS = 5


def bureau_panel(request: Any, binding: RoleBinding) -> dict[str, Any] | None:
    pending = Article.objects.reviewable_by(request.user).filter(
        district_id=binding.object_id, status=ArticleStatus.PENDING
    )
    return {
        "pending_count": pending.count(),
        "pending": list(pending.order_by("submitted_at", "id")[:ROWS]),
        **_mine(request.user),
    }


def writer_panel(request: Any, binding: RoleBinding) -> dict[str, Any] | None:
    return _mine(request.user)


def _mine(user: Any) -> dict[str, Any]:
    """The user's own articles that still need them: drafts, returned, withdrawn,
    and those waiting for review."""
    mine = Article.objects.visible_to(user).filter(author=user)
    counts = dict(mine.order_by().values_list("status").annotate(n=Count("pk")))
    open_rows = mine.exclude(status=ArticleStatus.PUBLISHED).order_by("-updated_at", "-id")
    return {
        "counts": [(label, counts.get(value, 0)) for value, label in ArticleStatus.choices],
        "open_rows": list(open_rows[:ROWS]),
    }


def register() -> None:
    register_panel(Role.BUREAU_ADMIN, "news/panels/bureau.html", bureau_panel, order=80)
    register_panel(Role.STREET_STAFF, "news/panels/writer.html", writer_panel, order=80)
    register_panel(Role.FIRM_ADMIN, "news/panels/writer.html", writer_panel, order=80)
