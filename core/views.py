"""Base views: pages reach rows only through the scope their model declares.

``in_scope(Model, user, verb)`` is the one way a page view reads a domain model: the
model's queryset verb (``visible_to``, ``editable_by``, ``reviewable_by`` … — a method
taking the user) or a named ``Scope``; ``scoped_get_or_404`` fetches one row of it, a
row outside answering 404 as a missing one; ``public_rows`` reads what the model
declares open to everyone (``public``, ``published``). The class-based mixins below
start from the same. ``core/tests/test_view_modules.py`` holds every page and API view
module to these: a view module that names ``Model.objects`` fails the suite.
"""

from __future__ import annotations

import inspect
from typing import Any, TypeVar

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.generic import UpdateView

from core.forms import run_service
from core.paging import CURSOR_PARAM, PAGE_SIZE, keyset_page
from core.scope import Scope
from core.services import save_instance

M = TypeVar("M", bound=models.Model)
Verb = str | Scope
# What a model may declare open to everyone, signed in or not.
PUBLIC_VERBS = ("public", "published")


_verbs: dict[tuple[type, str], bool] = {}


def _is_scope_verb(queryset_class: type, verb: str) -> bool:
    """A scope verb is a method of the model's queryset whose first argument is the user."""
    key = (queryset_class, verb)
    if key not in _verbs:
        method = getattr(queryset_class, verb, None)
        params = list(inspect.signature(method).parameters) if callable(method) else []
        _verbs[key] = not verb.startswith("_") and params[1:2] == ["user"]
    return _verbs[key]


def in_scope(model: type[models.Model], user: Any, verb: Verb = "visible_to", *args: Any) -> Any:
    """The rows of ``model`` the user may reach by ``verb``: a scope verb of the model's
    queryset (given ``args`` after the user), or a named Scope applied to all its rows.
    The model's own queryset class (with its further verbs: ``active``, ``by_level`` …),
    hence typed ``Any``."""
    qs: Any = model._default_manager.all()
    if isinstance(verb, Scope):
        return verb.apply(qs, user)
    if not _is_scope_verb(type(qs), verb):
        raise ImproperlyConfigured(f"{model.__name__}: {verb!r} is not a scope verb")
    return getattr(qs, verb)(user, *args)


def public_rows(model: type[models.Model], verb: str = "public") -> Any:
    """The rows of ``model`` it declares open to everyone (``public``, ``published``)."""
    if verb not in PUBLIC_VERBS or not hasattr(model._default_manager, verb):
        raise ImproperlyConfigured(f"{model.__name__}: {verb!r} is not a public verb")
    return getattr(model._default_manager, verb)()


def scoped_get_or_404(
    model: type[M], user: Any, pk: Any, verb: Verb = "visible_to", *, related: tuple[str, ...] = ()
) -> M:
    """One row of ``in_scope(model, user, verb)``; outside scope answers 404, as a missing id."""
    qs: QuerySet[M] = in_scope(model, user, verb)
    return get_object_or_404(qs.select_related(*related) if related else qs, pk=pk)


class ScopedQuerysetMixin(LoginRequiredMixin):
    """List and detail views over the rows the user may see; others answer 404."""

    model: Any = None
    request: Any
    verb: Verb = "visible_to"

    def get_queryset(self) -> QuerySet:
        return in_scope(self.model, self.request.user, self.verb)


class EditableQuerysetMixin(ScopedQuerysetMixin):
    """Edit views over the rows the user may change; others answer 404."""

    verb: Verb = "editable_by"


class ScopedEditView(EditableQuerysetMixin, UpdateView):
    """Edit one row of the user's scope (``verb``: editable_by) on the shared form page.
    The form is given the user (its choices follow the user's scope); a valid form is
    written by ``write`` (save_instance by default: validated and logged), whose
    refusals become the form's errors; success says ``success_message`` and returns to
    the row's page (``detail_route``), which is also where 取消 leads."""

    template_name = "core/form_page.html"
    title: Any = ""  # with %(name)s for the row
    success_message: Any = ""
    detail_route = ""
    object: Any

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {
            **super().get_context_data(**kwargs),
            "title": self.title % {"name": self.object},
            "cancel_url": reverse(self.detail_route, args=[self.object.pk]),
        }

    def write(self, form: Any) -> None:
        save_instance(actor=self.request.user, instance=form.instance, fields=list(form.fields))

    def form_valid(self, form: Any) -> HttpResponse:
        if not run_service(form, lambda: self.write(form)):
            return self.form_invalid(form)
        messages.success(self.request, self.success_message)
        return redirect(self.detail_route, self.object.pk)


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
