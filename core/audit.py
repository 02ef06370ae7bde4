"""The operation log: every create, change and delete of an AuditedModel, wherever it
comes from (pages, API, admin, commands), plus explicit entries for imports, exports,
views of personal data and refused requests.

The logs are protected (GB/T 22239-2019 8.1.4.3): entries are hash-chained
(core.models.AuditLogModel), the database refuses UPDATE and DELETE on both tables
(triggers installed by core's migrations, below), and only the retention purge may
delete entries older than the legal minimum (网络安全法 §21: six months).
"""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import connections, models, transaction
from django.db.backends.signals import connection_created
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

from core.context import current
from core.masking import mask_phone
from core.models import AuditedModel, AuditLogModel, LoginLog, OperationLog, chain_hash
from core.scope import get_principal

HIDDEN = "（已隐藏）"
LOG_MODELS: tuple[type[AuditLogModel], ...] = (OperationLog, LoginLog)
# The roles that may read the logs. Superusers manage accounts and role bindings and so
# do not read the logs: no single role holds both duties.
AUDIT_READER_ROLES = ("security_auditor", "bureau_admin")
MIN_RETENTION_DAYS = 180  # 网络安全法 §21: network logs are kept at least six months
PURGE_MODEL = "audit_purge"


def _plain(value: Any) -> Any:
    if isinstance(value, (datetime.date, datetime.datetime, decimal.Decimal)):
        return str(value)
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def _snapshot(instance: AuditedModel) -> dict[str, Any]:
    values = {}
    for field in instance._meta.concrete_fields:
        if field.name in ("created_at", "updated_at"):
            continue
        values[field.attname] = getattr(instance, field.attname)
    return values


def _shown(instance: AuditedModel, name: str, value: Any) -> Any:
    if name in instance.audit_secret_fields:
        return HIDDEN if value else ""
    if name in instance.audit_masked_fields:
        return mask_phone(value)
    return _plain(value)


def _diff(instance: AuditedModel, created: bool) -> dict[str, Any]:
    now = _snapshot(instance)
    before = {} if created else getattr(instance, "_loaded_values", {})
    changes = {}
    for name, value in now.items():
        if created or name not in before or before[name] != value:
            changes[name] = _shown(instance, name, value)
    return changes


def district_of(user: Any) -> int | None:
    ids = sorted(get_principal(user).district_ids)
    return ids[0] if ids else None


def can_read_audit(user: Any) -> bool:
    """Whether the user may read the operation and login logs (pages and admin)."""
    return get_principal(user).has(*AUDIT_READER_ROLES)


def record(
    action: str,
    *,
    model: str,
    object_id: Any = "",
    object_repr: str = "",
    changes: dict[str, Any] | None = None,
    district_id: int | None = None,
    success: bool = True,
) -> OperationLog:
    ctx = current()
    actor = ctx.actor
    return OperationLog.objects.create(
        actor=actor,
        actor_repr=str(actor) if actor else "系统",
        action=action,
        model=model,
        object_id=str(object_id or ""),
        object_repr=str(object_repr)[:200],
        changes=changes or {},
        success=success,
        ip=ctx.ip,
        source=ctx.source,
        district_id=district_id if district_id is not None else district_of(actor),
    )


def record_view(
    instance: models.Model, *, fields: list[str], district_id: int | None = None
) -> OperationLog:
    """Log that the current user saw personal data of ``instance`` unmasked (a phone,
    an ID number ...). Call it where a page or endpoint shows such data in full."""
    if district_id is None:
        district_id = _object_district(instance)
    return record(
        OperationLog.Action.VIEW,
        model=instance._meta.label,
        object_id=instance.pk,
        object_repr=str(instance),
        changes={"fields": fields},
        district_id=district_id,
    )


def record_denial(request: HttpRequest, *, reason: str = "", status: int = 403) -> OperationLog:
    """Log a refused request (a 403, or a PermissionDenied answered as 404)."""
    match = getattr(request, "resolver_match", None)
    return record(
        OperationLog.Action.DENY,
        model=(match.view_name if match else "") or "request",
        object_repr=f"{request.method} {request.path}",
        changes={"status": status, "reason": reason[:200]},
        success=False,
    )


class DenialLogMiddleware:
    """Writes an operation-log entry for every 403 answer: pages and admin (a
    PermissionDenied raised by a view or service), the API (DRF's permission checks),
    and CSRF failures."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 403:
            reason = getattr(request, "_denial_reason", "")
            data = getattr(response, "data", None)
            if not reason and isinstance(data, dict):
                reason = str(data.get("message") or data.get("detail") or "")
            record_denial(request, reason=reason)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        if isinstance(exception, PermissionDenied):
            request._denial_reason = str(exception)  # type: ignore[attr-defined]


def _object_district(instance: models.Model) -> int | None:
    getter = getattr(instance, "audit_district_id", None)
    return getter() if callable(getter) else None


def _is_role_change(instance: AuditedModel, changes: dict[str, Any], created: bool) -> bool:
    fields = [name for name in instance.audit_role_fields if name in changes]
    if created:
        return any(getattr(instance, name) for name in fields)
    return bool(fields)


@receiver(post_save)
def _log_save(sender: type, instance: Any, created: bool, **kwargs: Any) -> None:
    if not isinstance(instance, AuditedModel) or kwargs.get("raw"):
        return
    changes = _diff(instance, created)
    if not created and not set(changes) - set(instance.audit_ignored_fields):
        instance._loaded_values = _snapshot(instance)
        return
    if _is_role_change(instance, changes, created):
        action = OperationLog.Action.ROLE
    else:
        action = OperationLog.Action.CREATE if created else OperationLog.Action.UPDATE
    record(
        action,
        model=instance._meta.label,
        object_id=instance.pk,
        object_repr=str(instance),
        changes=changes,
        district_id=_object_district(instance),
    )
    instance._loaded_values = _snapshot(instance)


@receiver(post_delete)
def _log_delete(sender: type, instance: Any, **kwargs: Any) -> None:
    if not isinstance(instance, AuditedModel):
        return
    record(
        OperationLog.Action.DELETE,
        model=instance._meta.label,
        object_id=instance.pk,
        object_repr=str(instance),
        district_id=_object_district(instance),
    )


# --- Database protection: triggers, the purge flag, the retention purge. ---

_purging: ContextVar[bool] = ContextVar("shangfa_audit_purge", default=False)
SQLITE_FLAG_FUNCTION = "shangfa_audit_purge"
PG_FLAG = "shangfa.audit_purge"

_PG_FUNCTION = """
CREATE OR REPLACE FUNCTION shangfa_audit_immutable() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'UPDATE' AND current_setting('shangfa.audit_purge', true) = 'on' THEN
        IF TG_LEVEL = 'ROW' THEN
            RETURN OLD;
        END IF;
        RETURN NULL;
    END IF;
    RAISE EXCEPTION '审计日志不可修改或删除（%）', TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$
"""


def _trigger_names(table: str, vendor: str) -> list[str]:
    if vendor == "postgresql":
        return [f"{table}_immutable", f"{table}_no_truncate"]
    return [f"{table}_no_update", f"{table}_no_delete"]


def _trigger_sql(table: str, vendor: str) -> list[str]:
    if vendor == "postgresql":
        row, statement = _trigger_names(table, vendor)
        return [
            f"DROP TRIGGER IF EXISTS {row} ON {table}",
            f"CREATE TRIGGER {row} BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION shangfa_audit_immutable()",
            f"DROP TRIGGER IF EXISTS {statement} ON {table}",
            f"CREATE TRIGGER {statement} BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION shangfa_audit_immutable()",
        ]
    no_update, no_delete = _trigger_names(table, vendor)
    # A connection without the flag function (the sqlite3 shell ...) cannot even
    # prepare a DELETE: the WHEN clause names a function it does not know.
    return [
        f"CREATE TRIGGER IF NOT EXISTS {no_update} BEFORE UPDATE ON {table} "
        "BEGIN SELECT RAISE(ABORT, '审计日志不可修改'); END",
        f"CREATE TRIGGER IF NOT EXISTS {no_delete} BEFORE DELETE ON {table} "
        f"WHEN {SQLITE_FLAG_FUNCTION}() = 0 "
        "BEGIN SELECT RAISE(ABORT, '审计日志不可删除'); END",
    ]


def _tables() -> list[str]:
    return [model._meta.db_table for model in LOG_MODELS]


def install_triggers(connection: Any) -> None:
    """Make the log tables refuse UPDATE and DELETE (PostgreSQL and SQLite)."""
    vendor = connection.vendor
    if vendor not in ("postgresql", "sqlite"):
        return
    with connection.cursor() as cursor:
        if vendor == "postgresql":
            cursor.execute(_PG_FUNCTION)
        for table in _tables():
            for sql in _trigger_sql(table, vendor):
                cursor.execute(sql)


def remove_triggers(connection: Any) -> None:
    vendor = connection.vendor
    if vendor not in ("postgresql", "sqlite"):
        return
    with connection.cursor() as cursor:
        for table in _tables():
            for name in _trigger_names(table, vendor):
                on = f" ON {table}" if vendor == "postgresql" else ""
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}{on}")


def missing_triggers(connection: Any) -> list[str]:
    """Names of protecting triggers that are not installed (a table rebuilt by a later
    SQLite migration loses its triggers: verify_audit reports it)."""
    vendor = connection.vendor
    if vendor == "postgresql":
        sql = "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"
    elif vendor == "sqlite":
        sql = "SELECT name FROM sqlite_master WHERE type = 'trigger'"
    else:
        return []
    with connection.cursor() as cursor:
        cursor.execute(sql)
        present = {row[0] for row in cursor.fetchall()}
    wanted = [name for table in _tables() for name in _trigger_names(table, vendor)]
    return [name for name in wanted if name not in present]


def _register_sqlite_flag(connection: Any) -> None:
    connection.connection.create_function(SQLITE_FLAG_FUNCTION, 0, lambda: int(_purging.get()))


@receiver(connection_created)
def _on_connection_created(sender: Any, connection: Any, **kwargs: Any) -> None:
    if connection.vendor == "sqlite":
        _register_sqlite_flag(connection)


@contextmanager
def audit_purge_allowed(using: str = "default") -> Iterator[None]:
    """Inside this block (one transaction) the log tables accept DELETE: for the
    retention purge and for ``manage.py flush`` only."""
    connection = connections[using]
    postgresql = connection.vendor == "postgresql"
    token = _purging.set(True)
    try:
        with transaction.atomic(using=using):
            if connection.vendor == "sqlite":
                _register_sqlite_flag(connection)
            if postgresql:
                _set_pg_flag(connection, "on")
            yield
            if postgresql:
                # SET LOCAL lasts to the end of the whole transaction (this block may be
                # a savepoint in a larger one); an error rolls it back with the block.
                _set_pg_flag(connection, "off")
    finally:
        _purging.reset(token)


def _set_pg_flag(connection: Any, value: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config(%s, %s, true)", [PG_FLAG, value])


def purge_before(cutoff: datetime.datetime, *, using: str = "default") -> dict[str, int]:
    """Delete log entries older than ``cutoff``: the oldest part of each chain, up to
    the first entry that must be kept. The hash the first kept entry points to is
    recorded (an anchor for verify_audit) in an entry of its own."""
    deleted: dict[str, int] = {}
    anchors: dict[str, str] = {}
    with audit_purge_allowed(using):
        for model in LOG_MODELS:
            rows = model.objects.using(using)
            first_kept = rows.filter(created_at__gte=cutoff).order_by("pk").first()
            doomed = rows.filter(pk__lt=first_kept.pk) if first_kept else rows.all()
            last = doomed.order_by("-pk").values_list("pk", "hash").first()
            if last is None:
                continue
            table = connections[using].ops.quote_name(model._meta.db_table)
            with connections[using].cursor() as cursor:
                cursor.execute(f"DELETE FROM {table} WHERE id <= %s", [last[0]])  # noqa: S608
                deleted[model._meta.label] = cursor.rowcount
            anchors[model._meta.label] = last[1]
        if deleted:
            record(
                OperationLog.Action.DELETE,
                model=PURGE_MODEL,
                object_repr="审计日志保留期清理",
                changes={"before": cutoff.isoformat(), "deleted": deleted, "anchors": anchors},
            )
    return deleted


@dataclass(frozen=True)
class ChainReport:
    model: str
    entries: int
    broken_id: int | None = None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return not self.problem


def purge_anchors(using: str = "default") -> dict[str, set[str]]:
    """The hashes that purges cut each chain at (a chain may start there)."""
    anchors: dict[str, set[str]] = {}
    entries = OperationLog.objects.using(using).filter(model=PURGE_MODEL)
    for changes in entries.values_list("changes", flat=True):
        for label, value in (changes or {}).get("anchors", {}).items():
            anchors.setdefault(label, set()).add(value)
    return anchors


def verify_chain(model: type[AuditLogModel], *, using: str = "default") -> ChainReport:
    """Walk one log's chain in order; report the first entry that does not fit."""
    label = model._meta.label
    starts = {""} | purge_anchors(using).get(label, set())
    fields = ["pk", "prev_hash", "hash", *model.HASHED_FIELDS]
    rows = model.objects.using(using).order_by("pk").values(*fields)
    previous: str | None = None
    count = 0
    for row in rows.iterator(chunk_size=2000):
        count += 1
        if previous is None and row["prev_hash"] not in starts:
            problem = "链的开头不完整（之前的日志被删除）"
        elif previous is not None and row["prev_hash"] != previous:
            problem = "与前一条日志不衔接（其间的日志被删除或改动）"
        else:
            values = {name: row[name] for name in model.HASHED_FIELDS}
            expected = chain_hash(values, row["prev_hash"])
            problem = "" if expected == row["hash"] else "内容与哈希不符（日志被改动）"
        if problem:
            return ChainReport(label, count, row["pk"], problem)
        previous = row["hash"]
    return ChainReport(label, count)
