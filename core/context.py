"""The current request's actor and address, for the operation log.

Set by RequestContextMiddleware for pages, API and admin; management commands and
jobs set it with ``acting_as(...)`` so their changes are attributed too.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class RequestContext:
    user: Any = None
    ip: str | None = None
    source: str = "system"  # page | api | admin | command | system
    request: Any = None

    @property
    def actor(self) -> Any:
        """The acting user, or None. Read late: DRF authenticates inside the view and
        then sets ``request.user`` on the underlying Django request."""
        user = getattr(self.request, "user", None) if self.request is not None else self.user
        return user if getattr(user, "is_authenticated", False) else None


_current: ContextVar[RequestContext | None] = ContextVar("shangfa_request", default=None)


def current() -> RequestContext:
    return _current.get() or RequestContext()


@contextmanager
def acting_as(
    user: Any = None, *, ip: str | None = None, source: str = "command"
) -> Iterator[None]:
    token = _current.set(RequestContext(user=user, ip=ip, source=source))
    try:
        yield
    finally:
        _current.reset(token)


def client_ip(request: Any) -> str | None:
    """The client's address. Behind nginx the last X-Forwarded-For hop is the real one
    (nginx appends it), so a client cannot forge its own address by sending the header."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded:
        return forwarded.split(",")[-1].strip() or None
    return request.META.get("REMOTE_ADDR") or None
