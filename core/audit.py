"""The operation log: every create, change and delete of an AuditedModel, wherever it
comes from (pages, API, admin, commands), plus explicit entries for imports/exports."""

from __future__ import annotations

import datetime
import decimal
from typing import Any

from django.db import models
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from core.context import current
from core.masking import mask_phone
from core.models import AuditedModel, OperationLog
from core.scope import get_principal


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


def _diff(instance: AuditedModel, created: bool) -> dict[str, Any]:
    now = _snapshot(instance)
    before = {} if created else getattr(instance, "_loaded_values", {})
    changes = {}
    for name, value in now.items():
        if created or name not in before or before[name] != value:
            shown = mask_phone(value) if name in instance.audit_masked_fields else _plain(value)
            changes[name] = shown
    return changes


def district_of(user: Any) -> int | None:
    ids = sorted(get_principal(user).district_ids)
    return ids[0] if ids else None


def record(
    action: str,
    *,
    model: str,
    object_id: Any = "",
    object_repr: str = "",
    changes: dict[str, Any] | None = None,
    district_id: int | None = None,
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
        ip=ctx.ip,
        source=ctx.source,
        district_id=district_id if district_id is not None else district_of(actor),
    )


def _object_district(instance: models.Model) -> int | None:
    getter = getattr(instance, "audit_district_id", None)
    return getter() if callable(getter) else None


@receiver(post_save)
def _log_save(sender: type, instance: Any, created: bool, **kwargs: Any) -> None:
    if not isinstance(instance, AuditedModel) or kwargs.get("raw"):
        return
    changes = _diff(instance, created)
    if not created and not changes:
        return
    record(
        OperationLog.Action.CREATE if created else OperationLog.Action.UPDATE,
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
