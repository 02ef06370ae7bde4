"""Helpers shared by the assessment pages."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest

from assessment.querysets import ASSESSMENT_STAFF, BUREAU
from core.forms import run_service
from core.views import in_scope
from regions.models import District

PAGE_SIZE = 30
ECHARTS = "echarts/echarts.esm.min.js"


@cache
def echarts_available() -> bool:
    """ECharts is served from static files when its registry package is installed."""
    return finders.find(ECHARTS) is not None


def bureau_districts(user: Any) -> QuerySet[District]:
    return in_scope(District, user, "editable_by").order_by("code")


def is_bureau(user: Any) -> bool:
    return BUREAU.holds(user)


def require_staff(request: HttpRequest) -> None:
    """Ranking pages are for the bureau, the street offices and firm admins."""
    if not ASSESSMENT_STAFF.holds(request.user):
        raise Http404


def require_bureau(request: HttpRequest) -> None:
    if not is_bureau(request.user):
        raise Http404


def attempt(request: HttpRequest, write: Callable[[], Any], success: str) -> Any:
    """Call a service for a button (no form): a ValidationError becomes an error
    message, PermissionDenied a 404; returns the service's result or None."""
    try:
        result = write()
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return None
    except PermissionDenied as exc:
        raise Http404 from exc
    messages.success(request, success)
    return result


def submit(form: forms.BaseForm, write: Callable[[], object]) -> bool:
    """Run a form's service: errors become form errors; out of scope is a 404."""
    try:
        return run_service(form, write)
    except PermissionDenied as exc:
        raise Http404 from exc
