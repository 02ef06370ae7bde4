"""Group and permission changes are role changes: they go to the operation log."""

from __future__ import annotations

from typing import Any

from core.audit import district_of, record
from core.models import OperationLog

CHANGES = {"post_add": "added", "post_remove": "removed", "post_clear": "cleared"}


def log_permission_change(
    sender: Any,
    instance: Any,
    action: str,
    reverse: bool,
    model: Any,
    pk_set: set[int] | None,
    **kwargs: Any,
) -> None:
    """m2m_changed receiver for User.groups and User.user_permissions."""
    if action not in CHANGES:
        return
    if reverse:  # group.user_set.add(user ...): the users are in pk_set
        kind = instance._meta.model_name
        users = list(model.objects.filter(pk__in=pk_set or ()))
        names = [str(instance)]
        if action == "post_clear":
            users, names = [instance], ["*"]
    else:
        kind = model._meta.model_name
        users = [instance]
        names = [str(obj) for obj in model.objects.filter(pk__in=pk_set or ())]
    field = "groups" if kind == "group" else "user_permissions"
    for user in users:
        record(
            OperationLog.Action.ROLE,
            model=user._meta.label,
            object_id=user.pk,
            object_repr=str(user),
            changes={field: {CHANGES[action]: names}},
            district_id=district_of(user) if user._meta.model_name == "user" else None,
        )
