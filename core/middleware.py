from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from core.context import RequestContext, _current, client_ip


class RequestContextMiddleware:
    """Make the signed-in user and client IP available to the operation log."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path
        if path.startswith("/api/"):
            source = "api"
        elif path.startswith("/admin/"):
            source = "admin"
        else:
            source = "page"
        token = _current.set(RequestContext(request=request, ip=client_ip(request), source=source))
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)
