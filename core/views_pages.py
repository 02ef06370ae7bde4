"""The portal home, the care-mode switch and the per-role workspace."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST


def portal(request: HttpRequest) -> HttpResponse:
    return render(request, "core/portal.html")


@login_required
def workspace(request: HttpRequest) -> HttpResponse:
    return render(request, "core/workspace.html")


@require_POST
def toggle_care_mode(request: HttpRequest) -> HttpResponse:
    target = request.POST.get("next", "/")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}):
        target = "/"
    response = redirect(target)
    if request.COOKIES.get("care_mode") == "1":
        response.delete_cookie("care_mode")
    else:
        response.set_cookie("care_mode", "1", max_age=365 * 24 * 3600, samesite="Lax")
    return response
