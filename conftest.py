from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _test_settings(settings):  # type: ignore[no-untyped-def]
    """A fast password hasher (tests only) and SMS kept in memory."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.SMS_BACKEND = "accounts.sms.LocmemSmsBackend"
    # Nothing cached by an earlier test (role bindings are cached by user id, and an
    # id may come back after a rollback).
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def world(db):  # type: ignore[no-untyped-def]
    from core.testing import build_world

    return build_world()


@pytest.fixture
def sms_outbox():  # type: ignore[no-untyped-def]
    from accounts.sms import LocmemSmsBackend

    LocmemSmsBackend.outbox.clear()
    yield LocmemSmsBackend.outbox
    LocmemSmsBackend.outbox.clear()


@pytest.fixture
def client_for(client):  # type: ignore[no-untyped-def]
    """client_for(user) -> a test client signed in as that user."""

    def sign_in(user):  # type: ignore[no-untyped-def]
        client.force_login(user)
        return client

    return sign_in
