"""Role bindings held in this app, for core.scope.get_principal."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from accounts.roles import Role
from core.scope import RoleBinding


def firm_bindings(user: Any) -> Iterator[RoleBinding]:
    from firms.models import FirmAdmin, Lawyer

    for admin in FirmAdmin.objects.filter(user=user, is_active=True).select_related("firm"):
        yield RoleBinding(Role.FIRM_ADMIN, admin.firm.pk, admin.firm.name, admin.firm.district_id)
    lawyer = Lawyer.objects.filter(user=user, is_active=True).select_related("firm").first()
    if lawyer is not None:
        yield RoleBinding(
            Role.LAWYER,
            lawyer.pk,
            f"{lawyer.firm.name} · {lawyer.name}",
            lawyer.firm.district_id,
            parent_id=lawyer.firm_id,
        )
