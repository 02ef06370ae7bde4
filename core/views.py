"""Base views: every page starts from ``Model.objects.visible_to(user)``."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import QuerySet


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
