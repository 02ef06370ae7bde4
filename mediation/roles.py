"""Role bindings held in this app, for core.scope.get_principal."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from accounts.roles import Role
from core.scope import RoleBinding


def organization_holders(organization: Any) -> list[int | None]:
    """The users whose bindings an organization's change may change: its mediators."""
    from mediation.models import Mediator

    return list(
        Mediator.objects.filter(organization_id=organization.pk).values_list("user_id", flat=True)
    )


def mediator_bindings(user: Any) -> Iterator[RoleBinding]:
    """An active mediator binds to their organization (object and parent alike)."""
    from mediation.models import Mediator

    mediator = (
        Mediator.objects.filter(user=user, is_active=True, organization__is_active=True)
        .select_related("organization")
        .first()
    )
    if mediator is not None:
        org = mediator.organization
        yield RoleBinding(Role.MEDIATOR, org.pk, org.name, org.district_id, parent_id=org.pk)
