"""Base views: every page starts from ``Model.objects.visible_to(user)``."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import QuerySet

from core.paging import CURSOR_PARAM, PAGE_SIZE, keyset_page


class ScopedQuerysetMixin(LoginRequiredMixin):
    """List and detail views over the rows the user may see; others answer 404."""

    model: Any = None
    request: Any

    def get_queryset(self) -> QuerySet:
        return self.model.objects.visible_to(self.request.user)


class EditableQuerysetMixin(ScopedQuerysetMixin):
    """Edit views over the rows the user may change; others answer 404."""

    def get_queryset(self) -> QuerySet:
        return self.model.objects.editable_by(self.request.user)


class KeysetListMixin:
    """A ListView over a growing table, shown a keyset page at a time ("更多", no count):
    see core.paging. ``keyset_order`` is the list's sort, ending with the id."""

    keyset_order: tuple[str, ...] = ("-id",)
    keyset_size: int = PAGE_SIZE
    object_list: Any
    request: Any

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        page = keyset_page(
            self.object_list,
            self.request.GET.get(CURSOR_PARAM),
            order=self.keyset_order,
            size=self.keyset_size,
        )
        kwargs.update(object_list=page.object_list, page_obj=page, is_paginated=False)
        return super().get_context_data(**kwargs)  # type: ignore[misc]
