"""Generic writes for reference data (regions, firms, lawyers ...), shared by pages,
API, admin and imports. Domain state changes have their own services per app."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import connections, models, router, transaction

M = TypeVar("M", bound=models.Model)


@transaction.atomic
def save_instance(*, actor: Any, instance: M, fields: list[str] | None = None) -> M:
    """Validate and save ``instance`` on behalf of ``actor``.

    An existing row must be editable by the actor (else PermissionDenied) and is
    saved with ``update_fields``; validation errors raise ValidationError and write
    nothing.
    """
    manager: Any = type(instance)._default_manager
    if (
        instance.pk is not None
        and hasattr(manager, "editable_by")
        and not manager.editable_by(actor).filter(pk=instance.pk).exists()
    ):
        raise PermissionDenied
    instance.full_clean()
    if instance.pk is None or fields is None:
        instance.save()
    else:
        instance.save(
            update_fields=[*fields, "updated_at"] if _has_updated_at(instance) else fields
        )
    return instance


def _has_updated_at(instance: models.Model) -> bool:
    return any(f.name == "updated_at" for f in instance._meta.concrete_fields)


def delete_rows(qs: models.QuerySet[Any]) -> None:
    """Delete with one DELETE statement, for rows nothing else refers to once their
    dependants are gone (the caller deletes those first) and that the audit log does
    not record (derived rows, roll-ups): delete() would load every row first, because
    the audit log listens to every model's post_delete. Filter by the rows' own
    columns (a key IN a subquery): a filter across relations makes the DELETE join the
    table to itself, which PostgreSQL may run as a nested loop over both."""
    qs._raw_delete(qs.db)  # type: ignore[attr-defined]


def _fields(model: type[models.Model], names: Sequence[str]) -> list[Any]:
    """The model's concrete fields by name or attname (``score`` or ``score_id``)."""
    by_name = {n: f for f in model._meta.concrete_fields for n in (f.name, f.attname)}
    return [by_name[n] for n in names]


def _by_columns(
    connection: Any, sql: str, rows: list[Sequence[Any]], head: Sequence[Any] = ()
) -> None:
    """Run ``sql`` once per 50,000 rows, with ``head`` and then each column of the
    rows as an array (the parameters of ``unnest``)."""
    with connection.cursor() as cursor:
        for i in range(0, len(rows), 50_000):
            chunk = rows[i : i + 50_000]
            cursor.execute(sql, [*head, *(list(c) for c in zip(*chunk, strict=True))])


def insert_rows(
    model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """Insert derived rows (ranking numbers, roll-ups) given as tuples of the named
    fields' values, in the form the database takes them (int, str, Decimal, bool,
    date, None); the other fields take their defaults. On PostgreSQL one
    ``INSERT … SELECT FROM unnest(arrays)`` per 50,000 rows: bulk_create spends more
    time preparing each value in Python than the database spends writing the rows.
    Like bulk_create, no signals are sent. Returns the number of rows."""
    rows = list(rows)
    if not rows:
        return 0
    meta = model._meta
    given = _fields(model, fields)
    rest = [f for f in meta.concrete_fields if f not in given and not f.primary_key]
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "postgresql":
        names = [f.attname for f in given]
        model._default_manager.bulk_create(
            [model(**dict(zip(names, row, strict=True))) for row in rows], batch_size=2000
        )
        return len(rows)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(str(f.column)) for f in [*given, *rest])
    arrays = ", ".join(f"%s::{f.db_type(connection)}[]" for f in given)
    defaults = "".join(f", %s::{f.db_type(connection)}" for f in rest)
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({columns}) "  # noqa: S608 (names from the model)
        f"SELECT *{defaults} FROM unnest({arrays})"
    )
    fixed = [f.get_db_prep_save(f.get_default(), connection) for f in rest]
    _by_columns(connection, sql, rows, fixed)
    return len(rows)


def update_rows(
    model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """Update derived rows by primary key: each row is (pk, *the named fields' values),
    in the form the database takes them. On PostgreSQL one ``UPDATE … FROM
    unnest(arrays)`` per 50,000 rows: the keys are not written, so no index entry is
    added and no foreign key checked again, where deleting and inserting the rows does
    both. Like bulk_update, no signals are sent. Returns the number of rows given."""
    rows = list(rows)
    if not rows:
        return 0
    meta = model._meta
    pk = meta.pk
    if pk is None:  # an abstract model
        raise TypeError(f"{model.__name__} has no primary key")
    given = _fields(model, fields)
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "postgresql":
        attnames = [f.attname for f in given]
        objects = [model(pk=row[0], **dict(zip(attnames, row[1:], strict=True))) for row in rows]
        model._default_manager.bulk_update(objects, [f.name for f in given], batch_size=500)
        return len(rows)
    quote = connection.ops.quote_name
    columns = [pk, *given]
    sets = ", ".join(f"{quote(str(f.column))} = v.{quote(str(f.column))}" for f in given)
    arrays = ", ".join(f"%s::{f.db_type(connection)}[]" for f in columns)
    names = ", ".join(quote(str(f.column)) for f in columns)
    key = quote(str(pk.column))
    sql = (
        f"UPDATE {quote(meta.db_table)} AS t SET {sets} "  # noqa: S608 (names from the model)
        f"FROM unnest({arrays}) AS v({names}) WHERE t.{key} = v.{key}"
    )
    _by_columns(connection, sql, rows)
    return len(rows)
