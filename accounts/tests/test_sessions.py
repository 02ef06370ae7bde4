"""Sessions (GB/T 22239-2019 8.1.4.1 c): a new key at sign-in, destroyed at sign-out,
an idle timeout and an absolute limit from sign-in."""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from core.models import LoginLog
from core.testing import PASSWORD, redis_cache


def test_signing_in_gives_a_new_session_key(world, client):
    session = client.session  # an anonymous session, saved
    session["x"] = 1
    session.save()
    before = session.session_key
    client.post(reverse("accounts:login"), {"phone": world.resident.phone, "password": PASSWORD})
    assert client.session.session_key != before
    assert not Session.objects.filter(session_key=before).exists()


def test_signing_out_destroys_the_session(world, sign_in):
    client = sign_in(world.resident)
    key = client.session.session_key
    assert Session.objects.filter(session_key=key).exists()
    client.post(reverse("accounts:logout"))
    assert not Session.objects.filter(session_key=key).exists()
    assert client.get(reverse("workspace")).status_code == 302


def test_idle_sessions_end_after_thirty_minutes(world, sign_in, clock, settings):
    assert settings.SESSION_IDLE_SECONDS == 1800
    client = sign_in(world.resident)
    clock.move(minutes=29)
    assert client.get(reverse("workspace")).status_code == 200
    clock.move(minutes=29)  # 58 minutes after signing in, 29 after the last request
    assert client.get(reverse("workspace")).status_code == 200
    clock.move(minutes=31)
    response = client.get(reverse("workspace"), follow=True)
    assert response.redirect_chain[0][0].startswith("/accounts/login/")
    assert "登录已超时，请重新登录" in response.content.decode()
    assert "_auth_user_id" not in client.session
    end = LoginLog.objects.get(method=LoginLog.Method.LOGOUT)
    assert end.user == world.resident and end.reason == "超过 30 分钟无操作，自动退出"


def test_sessions_end_twelve_hours_after_signing_in(world, sign_in, clock, settings):
    assert settings.SESSION_ABSOLUTE_SECONDS == 12 * 3600
    client = sign_in(world.resident)
    for _ in range(12 * 3):  # busy all day: a request every 20 minutes
        clock.move(minutes=20)
        assert client.get(reverse("workspace")).status_code == 200
    clock.move(minutes=1)
    assert client.get(reverse("workspace")).status_code == 302
    end = LoginLog.objects.get(method=LoginLog.Method.LOGOUT)
    assert end.reason == "会话已超过 12 小时，自动退出"


def test_the_api_session_follows_the_same_rules(world, clock):
    client = APIClient()
    assert client.login(phone=world.resident.phone, password=PASSWORD)
    assert client.get("/api/me/").status_code == 200
    clock.move(minutes=31)
    assert client.get("/api/me/").status_code == 401


def test_force_login_sessions_are_complete(world, client_for):
    # Tests sign in with force_login: no second step is pending, nothing is missing.
    client = client_for(world.bureau_admin)
    assert client.get(reverse("workspace")).status_code == 200
    assert client.get(reverse("workspace")).status_code == 200


def test_activity_is_written_at_most_once_a_minute(world, client_for, clock):
    client = client_for(world.resident)
    client.get(reverse("workspace"))
    seen = client.session["_shangfa_seen_at"]
    clock.move(seconds=30)
    client.get(reverse("workspace"))
    assert client.session["_shangfa_seen_at"] == seen
    clock.move(seconds=31)
    client.get(reverse("workspace"))
    assert client.session["_shangfa_seen_at"] > seen


@pytest.fixture
def redis_sessions(settings):  # type: ignore[no-untyped-def]
    """The production set-up (REDIS_URL): the cache in Redis, sessions read from it and
    written through to the database."""
    with redis_cache(settings) as (server, prefix):
        settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
        yield server, prefix


def test_sessions_in_redis_are_read_without_the_database_and_end_at_sign_out(
    world, sign_in, redis_sessions
):
    server, prefix = redis_sessions
    client = sign_in(world.resident)
    key = client.session.session_key
    assert client.get(reverse("workspace")).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("workspace")).status_code == 200
    assert not [q for q in queries if "django_session" in q["sql"]]
    assert list(server.scan_iter(f"{prefix}:*{key}"))  # in Redis
    assert Session.objects.filter(session_key=key).exists()  # and in the database
    client.post(reverse("accounts:logout"))
    assert not list(server.scan_iter(f"{prefix}:*{key}"))
    assert not Session.objects.filter(session_key=key).exists()
    assert client.get(reverse("workspace")).status_code == 302
