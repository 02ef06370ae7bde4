"""Bulk loading on PostgreSQL: the secondary indexes of the big tables are dropped
before the rows are copied in and built again afterwards (one sort per index instead
of millions of index insertions). Indexes that back a constraint (primary keys,
unique constraints) stay, so every database rule is checked while loading.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.db import connection, models


def secondary_indexes(tables: Iterable[str]) -> list[tuple[str, str]]:
    """(name, CREATE INDEX statement) of the indexes of ``tables`` that back no
    constraint."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT i.relname, pg_get_indexdef(x.indexrelid)
            FROM pg_index x
            JOIN pg_class i ON i.oid = x.indexrelid
            JOIN pg_class t ON t.oid = x.indrelid
            JOIN pg_namespace n ON n.oid = t.relnamespace
            WHERE n.nspname = current_schema()
              AND t.relname = ANY(%s)
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
            ORDER BY t.relname, i.relname
            """,
            [list(tables)],
        )
        return [(name, definition) for name, definition in cursor.fetchall()]


@contextmanager
def built_after_loading(
    tables: Iterable[type[models.Model]], timings: dict[str, float]
) -> Iterator[None]:
    """Drop the secondary indexes of these models' tables, load, build them again
    (PostgreSQL; elsewhere nothing happens). The build's time goes into ``timings``."""
    if connection.vendor != "postgresql":
        yield
        return
    names = [m._meta.db_table for m in tables]
    dropped = secondary_indexes(names)
    with connection.cursor() as cursor:
        if connection.in_atomic_block:
            # Inside a transaction (tests): index DDL refuses pending deferred checks.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for name, _definition in dropped:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    try:
        yield
    finally:
        started = time.monotonic()
        with connection.cursor() as cursor:
            # More memory for the sorts of this session's index builds.
            cursor.execute("SET maintenance_work_mem = '512MB'")
            for _name, definition in dropped:
                cursor.execute(definition)
        timings[f"indexes built after loading ({len(dropped)})"] = time.monotonic() - started
