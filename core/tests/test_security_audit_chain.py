"""The logs cannot be changed or deleted (GB/T 22239-2019 8.1.4.3): not through the
application, not in the database (triggers), and a row changed anyway is found by
``manage.py verify_audit`` (hash chain). Only the retention purge deletes, and only
entries older than 180 days. Runs on SQLite and PostgreSQL (DATABASE_URL)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from core.audit import (
    audit_purge_allowed,
    install_triggers,
    missing_triggers,
    purge_before,
    record,
    remove_triggers,
    verify_chain,
)
from core.models import AuditLogImmutableError, LoginLog, OperationLog, chain_hash


def entries(n: int = 3) -> list[OperationLog]:
    return [record("other", model="test", object_repr=f"第 {i} 条") for i in range(n)]


def sql(statement: str, params: list | None = None) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, params)


@contextmanager
def triggers_off() -> Iterator[None]:
    """What someone with the database's owner rights could do."""
    remove_triggers(connection)
    try:
        yield
    finally:
        install_triggers(connection)


def verify() -> str:
    out = StringIO()
    call_command("verify_audit", stdout=out)
    return out.getvalue()


def test_entries_are_chained(db):
    first, second, third = entries()
    assert first.prev_hash == "" or OperationLog.objects.filter(hash=first.prev_hash).exists()
    assert second.prev_hash == first.hash and third.prev_hash == second.hash
    assert third.hash == chain_hash(third.hashed_values(), third.prev_hash)
    assert len({first.hash, second.hash, third.hash}) == 3
    assert "完整" in verify()


def test_entries_read_back_hash_the_same(db):
    weird = record(
        "other",
        model="test",
        object_repr="x" * 500,  # cut to the column
        changes={"day": datetime.date(2026, 1, 2), "nested": {"b": 1, 3: "int key", "a": [1.5]}},
    )
    login = LoginLog.objects.create(
        phone="13900000001", method="password", success=False, ip="::ffff:10.0.0.1"
    )
    broken_ip = LoginLog.objects.create(phone="", method="password", success=False, ip="x.y")
    assert len(weird.object_repr) == 200 and weird.changes["day"] == "2026-01-02"
    assert login.ip == "::ffff:10.0.0.1" and broken_ip.ip is None
    assert verify_chain(OperationLog).ok and verify_chain(LoginLog).ok


def test_bulk_create_chains_each_entry(db):
    rows = LoginLog.objects.bulk_create(
        [LoginLog(phone=f"1390000000{i}", method="sms", success=True) for i in range(3)]
    )
    assert all(r.hash for r in rows) and rows[1].prev_hash == rows[0].hash
    assert verify_chain(LoginLog).ok


def test_the_application_cannot_change_or_delete_entries(db):
    entry = entries(1)[0]
    entry.object_repr = "篡改"
    with pytest.raises(AuditLogImmutableError):
        entry.save()
    with pytest.raises(AuditLogImmutableError):
        entry.delete()
    with pytest.raises(AuditLogImmutableError):
        OperationLog.objects.filter(pk=entry.pk).update(object_repr="篡改")
    with pytest.raises(AuditLogImmutableError):
        OperationLog.objects.filter(pk=entry.pk).delete()
    with pytest.raises(AuditLogImmutableError):
        LoginLog.objects.all().delete()
    assert OperationLog.objects.get(pk=entry.pk).object_repr == "第 0 条"


@pytest.mark.parametrize(
    ("update", "delete", "truncate"),
    [
        (
            "UPDATE core_operationlog SET ip = '10.0.0.9'",
            "DELETE FROM core_operationlog",
            "TRUNCATE core_operationlog",
        ),
        (
            "UPDATE core_loginlog SET ip = '10.0.0.9'",
            "DELETE FROM core_loginlog",
            "TRUNCATE core_loginlog",
        ),
    ],
)
def test_the_database_refuses_update_delete_and_truncate(db, update, delete, truncate):
    entries(1)
    LoginLog.objects.create(phone="13900000001", method="sms", success=True)
    with pytest.raises(DatabaseError, match="审计日志不可修改"):
        sql(update)
    with pytest.raises(DatabaseError, match="审计日志不可"):
        sql(delete)
    if connection.vendor == "postgresql":
        sql("SET CONSTRAINTS ALL IMMEDIATE")  # no pending foreign-key checks in the way
        with pytest.raises(DatabaseError, match="审计日志不可"):
            sql(truncate)
    assert missing_triggers(connection) == []


def test_a_changed_row_is_found_by_verify_audit(db):
    _, second, _ = entries()
    with triggers_off():
        sql("UPDATE core_operationlog SET object_repr = '篡改' WHERE id = %s", [second.pk])
    with pytest.raises(CommandError) as failed:
        verify()
    assert f"编号 {second.pk}）内容与哈希不符" in str(failed.value)


def test_a_changed_row_with_a_recomputed_hash_breaks_the_next_link(db):
    _, second, third = entries()
    forged = chain_hash({**second.hashed_values(), "object_repr": "篡改"}, second.prev_hash)
    with triggers_off():
        sql(
            "UPDATE core_operationlog SET object_repr = '篡改', hash = %s WHERE id = %s",
            [forged, second.pk],
        )
    report = verify_chain(OperationLog)
    assert (report.broken_id, report.problem) == (
        third.pk,
        "与前一条日志不衔接（其间的日志被删除或改动）",
    )


def test_a_deleted_row_is_found(db):
    _, second, third = entries()
    LoginLog.objects.create(phone="13900000001", method="sms", success=True)
    with triggers_off():
        sql("DELETE FROM core_operationlog WHERE id = %s", [second.pk])
    report = verify_chain(OperationLog)
    assert report.broken_id == third.pk and not report.ok
    assert verify_chain(LoginLog).ok


def test_deleting_the_start_of_a_chain_is_found(db):
    first, second, _ = entries()
    with triggers_off():
        sql("DELETE FROM core_operationlog WHERE id <= %s", [first.pk])
    report = verify_chain(OperationLog)
    assert report.broken_id == second.pk and "开头不完整" in report.problem


def test_verify_audit_reports_missing_triggers(db):
    entries(1)
    with triggers_off():
        assert len(missing_triggers(connection)) == 4
        with pytest.raises(CommandError, match="防篡改触发器缺失"):
            verify()
    assert "完整" in verify()


def test_purge_keeps_at_least_180_days(db):
    with pytest.raises(CommandError, match="至少保留 180 天"):
        call_command("purge_audit", "--older-than-days", "179")


def _written_days_ago(days: int, monkeypatch: pytest.MonkeyPatch) -> None:
    then = timezone.now() - timedelta(days=days)
    with monkeypatch.context() as m:
        m.setattr(timezone, "now", lambda: then)
        record("other", model="test", object_repr=f"{days} 天前")
        LoginLog.objects.create(phone="13900000001", method="sms", success=True)


def test_purge_deletes_only_old_entries_and_the_chain_stays_whole(db, monkeypatch):
    _written_days_ago(400, monkeypatch)
    _written_days_ago(200, monkeypatch)
    _written_days_ago(179, monkeypatch)
    _written_days_ago(1, monkeypatch)
    out = StringIO()
    call_command("purge_audit", "--older-than-days", "180", stdout=out)
    assert "已清理 180 天前的日志 4 条" in out.getvalue()
    kept = set(OperationLog.objects.filter(model="test").values_list("object_repr", flat=True))
    assert kept == {"179 天前", "1 天前"}
    assert LoginLog.objects.count() == 2
    purge = OperationLog.objects.get(model="audit_purge")
    assert purge.changes["deleted"] == {"core.OperationLog": 2, "core.LoginLog": 2}
    assert purge.source == "command"
    assert "完整" in verify()  # the first kept entries point to the recorded anchors
    assert purge_before(timezone.now() - timedelta(days=180)) == {}  # nothing more


@pytest.mark.django_db(transaction=True)
def test_flush_may_empty_the_logs():
    # transactional tests are flushed between tests with this same command
    entries(2)
    call_command("flush", interactive=False, verbosity=0)
    assert not OperationLog.objects.exists() and not LoginLog.objects.exists()


def test_the_purge_flag_lasts_one_block(db):
    entries(1)
    with audit_purge_allowed():
        sql("DELETE FROM core_operationlog")
    assert not OperationLog.objects.exists()
    entries(1)
    with pytest.raises(DatabaseError):
        sql("DELETE FROM core_operationlog")
