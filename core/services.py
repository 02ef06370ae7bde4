"""Generic writes for reference data (regions, firms, lawyers ...), shared by pages,
API, admin and imports. Domain state changes have their own services per app."""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models, transaction

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
