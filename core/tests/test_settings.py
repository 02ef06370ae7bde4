"""Settings come from the environment through typed helpers that fail loudly."""

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured

from core import env

ROOT = Path(__file__).resolve().parents[2]
REDIS = "redis://127.0.0.1:6379/0"  # only named: importing the settings connects to nothing


def test_env_bool(monkeypatch):
    monkeypatch.setenv("X_FLAG", "yes")
    assert env.env_bool("X_FLAG") is True
    monkeypatch.setenv("X_FLAG", "off")
    assert env.env_bool("X_FLAG", default=True) is False
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="X_FLAG"):
        env.env_bool("X_FLAG")


def test_env_int(monkeypatch):
    monkeypatch.setenv("X_NUM", "12")
    assert env.env_int("X_NUM", 1) == 12
    monkeypatch.setenv("X_NUM", "twelve")
    with pytest.raises(ImproperlyConfigured, match="X_NUM"):
        env.env_int("X_NUM", 1)
    monkeypatch.setenv("X_NUM", "0")
    with pytest.raises(ImproperlyConfigured, match="at least"):
        env.env_int("X_NUM", 1, minimum=1)


def test_env_list_and_choice(monkeypatch):
    monkeypatch.setenv("X_LIST", " a.example, b.example ,,")
    assert env.env_list("X_LIST") == ["a.example", "b.example"]
    monkeypatch.setenv("X_SMS", "file")
    assert env.env_choice("X_SMS", {"file": "pkg.File"}, "console") == "pkg.File"
    monkeypatch.setenv("X_SMS", "carrier-pigeon")
    with pytest.raises(ImproperlyConfigured, match="X_SMS"):
        env.env_choice("X_SMS", {"file": "pkg.File"}, "console")


def test_secret_key_generated_once(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = env.secret_key(tmp_path)
    assert len(first) >= 50
    assert env.secret_key(tmp_path) == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600
    monkeypatch.setenv("SECRET_KEY", "short")
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        env.secret_key(tmp_path)


def test_database_url(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    sqlite: dict = env.database_config(tmp_path)
    assert sqlite["ENGINE"] == "django.db.backends.sqlite3"
    assert "journal_mode=WAL" in sqlite["OPTIONS"]["init_command"]
    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@db.internal:5432/shangfa")
    pg: dict = env.database_config(tmp_path)
    assert pg["ENGINE"] == "django.db.backends.postgresql"
    assert pg["NAME"] == "shangfa" and pg["CONN_MAX_AGE"] == 60
    assert pg["OPTIONS"]["options"] == "-c jit=off"
    monkeypatch.setenv("DATABASE_JIT", "true")
    kept: dict = env.database_config(tmp_path)
    assert "options" not in kept.get("OPTIONS", {})
    monkeypatch.delenv("DATABASE_JIT")
    # Statements prepared on the server unless a pooler forbids it.
    assert pg["OPTIONS"]["server_side_binding"] is True
    assert pg["OPTIONS"]["prepare_threshold"] == 5
    monkeypatch.setenv("DATABASE_PREPARE", "false")
    plain: dict = env.database_config(tmp_path)
    assert "server_side_binding" not in plain["OPTIONS"]
    assert "prepare_threshold" not in plain["OPTIONS"]
    monkeypatch.delenv("DATABASE_PREPARE")
    monkeypatch.setenv("DATABASE_URL", "mysql://u:p@h/db")
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        env.database_config(tmp_path)


def _postgres(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, prepare: str) -> Any:
    """A connection of this application's own configuration to the maintenance database
    of the suite's PostgreSQL (the local one when the suite runs on SQLite)."""
    from django.db.utils import ConnectionHandler

    url = os.environ.get("DATABASE_URL", "")
    server = (
        url.rsplit("/", 1)[0]
        if url.startswith("postgres")
        else "postgres://postgres@127.0.0.1:5432"
    )
    monkeypatch.setenv("DATABASE_URL", f"{server}/postgres")
    monkeypatch.setenv("DATABASE_PREPARE", prepare)
    return ConnectionHandler({"default": env.database_config(tmp_path)})["default"]


@pytest.mark.parametrize("prepare", ["true", "false"])
def test_repeated_statements_are_prepared_on_postgresql(
    tmp_path, monkeypatch, django_db_blocker, prepare
):
    """A page's statement run the 5th time on a connection is prepared: PostgreSQL
    parses and plans it once (pg_prepared_statements lists it for the connection)."""
    with django_db_blocker.unblock():
        connection = _postgres(tmp_path, monkeypatch, prepare)
        try:
            with connection.cursor() as cursor:
                for n in range(6):
                    cursor.execute("SELECT %s::int + 1 AS shangfa_probe", [n])
                    assert cursor.fetchone() == (n + 1,)
                cursor.execute(
                    "SELECT count(*) FROM pg_prepared_statements "
                    "WHERE NOT from_sql AND statement LIKE %s",
                    ["%shangfa_probe%"],
                )
                prepared = cursor.fetchone()[0]
        finally:
            connection.close()
    assert prepared == (1 if prepare == "true" else 0)


def test_a_statement_past_the_protocols_parameter_limit_still_runs(
    tmp_path, monkeypatch, django_db_blocker
):
    """The protocol carries 65,535 bound parameters at most: a longer statement (a long
    IN list, a large bulk insert at province scale) is merged on the client instead."""
    from core.db import MAX_BOUND_PARAMS

    with django_db_blocker.unblock():
        connection = _postgres(tmp_path, monkeypatch, "true")
        try:
            with connection.cursor() as cursor:
                for size in (3, MAX_BOUND_PARAMS, MAX_BOUND_PARAMS + 1, 100_000):
                    values = list(range(size))
                    marks = ",".join(["%s"] * size)  # placeholders only
                    sql = f"SELECT count(*) FROM unnest(ARRAY[{marks}]::int[])"  # noqa: S608
                    cursor.execute(sql, values)
                    assert cursor.fetchone() == (size,)
        finally:
            connection.close()


def _manage(*args: str, **extra_env: str) -> subprocess.CompletedProcess:
    import os

    environment = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    environment.update(extra_env)
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_bad_setting_stops_startup(tmp_path):
    result = _manage("check", DEBUG="perhaps", VAR_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "DEBUG must be a boolean" in result.stderr


def test_production_mode_passes_deploy_check(tmp_path):
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="false",
        SECRET_KEY="x" * 20 + "production-secret-key-with-enough-entropy-1234567890",
        ALLOWED_HOSTS="shangfa.example.gov.cn",
        VAR_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stderr + result.stdout


def test_sessions_are_cached_in_redis_when_there_is_redis(tmp_path):
    """With REDIS_URL, sessions are read from Redis and written through to the
    database; without it, the database alone."""
    show = (
        "from django.conf import settings; "
        "print(settings.CACHES['default']['BACKEND'], settings.SESSION_ENGINE)"
    )
    with_redis = _manage("shell", "-c", show, REDIS_URL=REDIS, VAR_DIR=str(tmp_path))
    assert with_redis.stdout.split()[-2:] == [
        "core.cache.RedisCache",
        "django.contrib.sessions.backends.cached_db",
    ], with_redis.stderr
    without = _manage("shell", "-c", show, REDIS_URL="", VAR_DIR=str(tmp_path))
    assert without.stdout.split()[-2:] == [
        "django.core.cache.backends.locmem.LocMemCache",
        "django.contrib.sessions.backends.db",
    ], without.stderr
