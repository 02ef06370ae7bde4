"""Typed helpers that read settings from the environment.

Each helper raises ImproperlyConfigured with a message that names the variable, so a
bad deployment fails at start-up instead of misbehaving later.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), got {raw!r}")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw.strip())
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from exc
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, got {value}")
    return value


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_choice(name: str, choices: dict[str, str], default: str) -> str:
    """Map a short name (e.g. ``console``) to a dotted path; reject unknown names."""
    raw = env_str(name, default)
    if raw in choices:
        return choices[raw]
    if "." in raw:  # a dotted path to a custom implementation
        return raw
    raise ImproperlyConfigured(
        f"{name} must be one of {sorted(choices)} or a dotted path, got {raw!r}"
    )


def secret_key(var_dir: Path) -> str:
    """SECRET_KEY from the environment, else one generated once and kept in var/."""
    given = env_str("SECRET_KEY")
    if given:
        if len(given) < 50:
            raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters long")
        return given
    path = var_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    path.write_text(key)
    path.chmod(0o600)
    return key


def database_config(var_dir: Path) -> dict[str, object]:
    """DATABASE_URL (postgres:// or sqlite://), else the embedded SQLite file in var/."""
    import dj_database_url

    url = env_str("DATABASE_URL")
    if not url:
        var_dir.mkdir(parents=True, exist_ok=True)
        return sqlite_config(var_dir / "db.sqlite3")
    try:
        config: dict[str, object] = dict(dj_database_url.parse(url, conn_max_age=60))
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from exc
    engine = str(config.get("ENGINE", ""))
    if engine.endswith("sqlite3"):
        return sqlite_config(Path(str(config["NAME"])))
    if not engine.endswith("postgresql"):
        raise ImproperlyConfigured("DATABASE_URL must use postgres:// or sqlite://")
    config["CONN_HEALTH_CHECKS"] = True
    if env_bool("DATABASE_PREPARE", default=True):
        # Parameters bound by the server, and a statement run the 5th time on a connection
        # (psycopg's own threshold) prepared: PostgreSQL then skips parsing and, once its
        # generic plan holds, planning (up to ~1 ms for a page's multi-join query; measured
        # in bench/results). Off (DATABASE_PREPARE=false) behind a pooler in transaction
        # mode, which cannot keep a connection's prepared statements.
        from core.db import PreparingCursor  # (65,535 parameters at most: see there)

        options = dict(config.get("OPTIONS") or {})  # type: ignore[call-overload]
        options["server_side_binding"] = True
        options["cursor_factory"] = PreparingCursor
        options["prepare_threshold"] = 5
        config["OPTIONS"] = options
    if not env_bool("DATABASE_JIT"):
        # PostgreSQL's JIT compiles the plans of costly queries (dashboards, the
        # ranking) on every request: measured at province scale it cost more than it
        # saved (the district dashboard 363 -> 266 ms without it). DATABASE_JIT=true
        # leaves the server's setting.
        options = dict(config.get("OPTIONS") or {})  # type: ignore[call-overload]
        options["options"] = f"{options.get('options', '')} -c jit=off".strip()
        config["OPTIONS"] = options
    return config


def sqlite_config(path: Path) -> dict[str, object]:
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": path,
        "OPTIONS": {
            # WAL lets readers and one writer work at once; IMMEDIATE avoids the
            # "database is locked" upgrade deadlock between two writers.
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            ),
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        },
    }
