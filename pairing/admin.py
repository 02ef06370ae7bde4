"""Back office for pairings, liaisons and honorary posts. Rows are created and ended
through the services: the form runs the service once in a savepoint that is rolled
back (so the rules' Chinese messages show on the form), then ``save_model`` runs it
for real. Ended rows are read-only."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms.models import construct_instance
from django.http import HttpRequest

from core.admin import ScopedAdmin
from pairing import services
from pairing.models import HonoraryPost, Liaison, Pairing


class _DryRun(Exception):
    """Raised to roll back a service call made only to validate the form."""


class ServiceForm(forms.ModelForm):
    """``write(form) -> object`` calls the service; set by the admin per request."""

    write: Callable[[ServiceForm], Any] | None = None

    def clean(self) -> dict[str, Any] | None:
        data = super().clean()
        if self.errors or self.write is None:
            return data
        try:
            with transaction.atomic():
                self.write(self)
                raise _DryRun
        except _DryRun:
            pass
        return data

    def _post_clean(self) -> None:
        # Only copy the values onto the instance: the services validate, and the
        # model's constraint checks would repeat their messages in generic words.
        self.instance = construct_instance(
            self, self.instance, self._meta.fields, self._meta.exclude
        )


class _ServiceAdmin(ScopedAdmin):
    form = ServiceForm
    add_fields: list[str] = []
    end_fields: list[str] = ["end_date"]

    @staticmethod
    def _ended(obj: Any) -> bool:
        # Read from the database: the form writes the submitted end date onto ``obj``.
        stored = copy.copy(obj)
        stored.refresh_from_db(fields=["end_date"])
        return stored.end_date is not None

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and self._ended(obj):
            return False
        return super().has_change_permission(request, obj)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        if obj is None:
            return tuple(self.add_fields)
        return (*self.display_fields, *self.end_fields)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if obj is None:
            return []
        if self._ended(obj):
            return [*self.display_fields, *self.end_fields]
        return list(self.display_fields)

    display_fields: list[str] = []

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        actor = request.user

        def write(f: ServiceForm) -> Any:
            data = f.cleaned_data
            return self.end(actor, obj, data) if obj is not None else self.create(actor, data)

        form.write = staticmethod(write)  # type: ignore[attr-defined]
        return form

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        saved = form.write(form)
        obj.pk = saved.pk

    def create(self, actor: Any, data: dict[str, Any]) -> Any:
        raise NotImplementedError

    def end(self, actor: Any, obj: Any, data: dict[str, Any]) -> Any:
        raise NotImplementedError


def _required(data: dict[str, Any], name: str, label: str) -> Any:
    if data.get(name) in (None, ""):
        raise ValidationError({name: f"请填写{label}"})
    return data[name]


@admin.register(Pairing)
class PairingAdmin(_ServiceAdmin):
    list_display = ["community", "firm", "start_date", "end_date", "end_reason"]
    list_filter = ["end_date"]
    search_fields = ["community__name", "firm__name"]
    list_select_related = ["community", "firm"]
    add_fields = ["community", "firm", "start_date"]
    display_fields = ["community", "firm", "start_date"]
    end_fields = ["end_date", "end_reason"]

    def create(self, actor: Any, data: dict[str, Any]) -> Pairing:
        return services.pair_community(
            actor=actor,
            community=data["community"],
            firm=data["firm"],
            start_date=data["start_date"],
        )

    def end(self, actor: Any, obj: Pairing, data: dict[str, Any]) -> Pairing:
        return services.end_pairing(
            actor=actor,
            pairing=obj,
            end_date=_required(data, "end_date", "结束日期"),
            reason=data.get("end_reason", ""),
        )


@admin.register(Liaison)
class LiaisonAdmin(_ServiceAdmin):
    list_display = ["lawyer", "pairing", "slot", "start_date", "end_date"]
    list_filter = ["end_date"]
    search_fields = ["lawyer__name", "pairing__community__name"]
    list_select_related = ["lawyer", "pairing__community", "pairing__firm"]
    add_fields = ["pairing", "lawyer", "start_date"]
    display_fields = ["pairing", "lawyer", "slot", "start_date"]

    def create(self, actor: Any, data: dict[str, Any]) -> Liaison:
        return services.appoint_liaison(
            actor=actor,
            pairing=data["pairing"],
            lawyer=data["lawyer"],
            start_date=data["start_date"],
        )

    def end(self, actor: Any, obj: Liaison, data: dict[str, Any]) -> Liaison:
        return services.end_liaison(
            actor=actor, liaison=obj, end_date=_required(data, "end_date", "免职日期")
        )


@admin.register(HonoraryPost)
class HonoraryPostAdmin(_ServiceAdmin):
    list_display = ["lawyer", "kind", "community", "street", "start_date", "term_end", "end_date"]
    list_filter = ["kind", "end_date"]
    search_fields = ["lawyer__name", "community__name", "street__name"]
    list_select_related = ["lawyer", "community", "street"]
    add_fields = ["kind", "community", "street", "lawyer", "start_date", "term_end"]
    display_fields = ["kind", "community", "street", "lawyer", "start_date", "term_end"]

    def create(self, actor: Any, data: dict[str, Any]) -> HonoraryPost:
        return services.appoint_honorary_post(
            actor=actor,
            kind=data["kind"],
            community=data.get("community"),
            street=data.get("street"),
            lawyer=data["lawyer"],
            start_date=data["start_date"],
            term_end=data.get("term_end"),
        )

    def end(self, actor: Any, obj: HonoraryPost, data: dict[str, Any]) -> HonoraryPost:
        return services.end_post(
            actor=actor, post=obj, end_date=_required(data, "end_date", "卸任日期")
        )
