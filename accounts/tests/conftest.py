from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from core.testing import PASSWORD


def last_code(outbox: list[tuple[str, str]], phone: str) -> str:
    message = next(m for to, m in reversed(outbox) if to == phone)
    match = re.search(r"\d{6}", message)
    assert match is not None
    return match.group(0)


@pytest.fixture
def sign_in(client, sms_outbox) -> Callable[..., Any]:  # type: ignore[no-untyped-def]
    """sign_in(user) -> the client, signed in through the pages (password, then the
    SMS second factor when the user needs one)."""

    def do(user: Any, password: str = PASSWORD) -> Any:
        response = client.post(
            reverse("accounts:login"), {"phone": user.phone, "password": password}
        )
        assert response.status_code == 302, response.content.decode()[:500]
        if response["Location"] == reverse("accounts:two_factor"):
            code = last_code(sms_outbox, user.phone)
            response = client.post(reverse("accounts:two_factor"), {"code": code})
            assert response.status_code == 302
        assert "_auth_user_id" in client.session
        return client

    return do


@pytest.fixture
def clock(monkeypatch):  # type: ignore[no-untyped-def]
    """clock.move(seconds=...) moves django.utils.timezone.now forward."""

    class Clock:
        def __init__(self) -> None:
            self.now: datetime = timezone.now()
            monkeypatch.setattr(timezone, "now", lambda: self.now)

        def move(self, **delta: float) -> datetime:
            self.now += timedelta(**delta)
            return self.now

    return Clock()
