"""Error pages in the site's layout, in Chinese, with a way on (templates/errors/).

Django's own handlers render templates/404.html, 403.html, 400.html and 500.html when
DEBUG is off. The CSRF failure is rendered here, with the request, so that the page
has the site's menu and a 重新打开本页 link. With DEBUG on (``make run``),
``FriendlyErrorsMiddleware`` puts the same pages in place of the framework's debug
pages (English, listing the URL patterns), which must never reach a user of the demo;
``FRIENDLY_ERRORS=false`` shows the debug pages to a developer.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader

# Both of Django's debug pages (technical 404 and 500) carry this line; no page of ours does.
DEBUG_PAGE_MARK = b'<meta name="robots" content="NONE,NOARCHIVE">'


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "403_csrf.html", status=403)


def friendly_page(request: HttpRequest, status: int) -> HttpResponse:
    """The site's page for an error status (500: without the request, as Django does)."""
    if status >= 500:
        return HttpResponse(loader.get_template("500.html").render(), status=status)
    name = {400: "400.html", 403: "403.html"}.get(status, "404.html")
    return render(request, name, status=status)


class FriendlyErrorsMiddleware:
    """With DEBUG on, the framework's debug pages (a 404, a 400, a 500) become the
    site's error pages; the exception is logged by Django as before."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            settings.DEBUG
            and getattr(settings, "FRIENDLY_ERRORS", True)
            and response.status_code >= 400
            and response.get("Content-Type", "").startswith("text/html")
            and not getattr(response, "streaming", False)
            and DEBUG_PAGE_MARK in response.content
        ):
            return friendly_page(request, response.status_code)
        return response
