"""Pluggable SMS backends. Settings: SMS_BACKEND = console | file | dotted.path.

A real provider (阿里云、腾讯云 短信 ...) subclasses BaseSmsBackend and implements
``send``; it must raise SmsError on failure so callers can tell the user.
"""

from __future__ import annotations

import logging
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class SmsError(Exception):
    """The provider could not send the message."""


class BaseSmsBackend:
    def send(self, phone: str, message: str) -> None:
        raise SmsError("no SMS provider configured")


class ConsoleSmsBackend(BaseSmsBackend):
    """Development: print the message to the server's console."""

    def send(self, phone: str, message: str) -> None:
        print(f"[短信] {phone}: {message}", flush=True)


class FileSmsBackend(BaseSmsBackend):
    """Development and tests: append each message as one line to SMS_FILE_PATH."""

    def send(self, phone: str, message: str) -> None:
        path = Path(settings.SMS_FILE_PATH)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as fh:
            fh.write(f"{timezone.now().isoformat()}\t{phone}\t{message}\n")


class LocmemSmsBackend(BaseSmsBackend):
    """Tests: keep messages in memory (``LocmemSmsBackend.outbox``)."""

    outbox: list[tuple[str, str]] = []

    def send(self, phone: str, message: str) -> None:
        self.outbox.append((phone, message))


def get_backend() -> BaseSmsBackend:
    backend_class = import_string(settings.SMS_BACKEND)
    return backend_class()


def send_sms(phone: str, message: str) -> None:
    get_backend().send(phone, message)
