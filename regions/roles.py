"""Role bindings held in this app, for core.scope.get_principal."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from accounts.roles import Role
from core.scope import RoleBinding


def region_bindings(user: Any) -> Iterator[RoleBinding]:
    from regions.models import RegionRole, ResidentProfile

    roles = RegionRole.objects.filter(user=user, is_active=True).select_related(
        "district", "street__district", "community__street"
    )
    for r in roles:
        if r.role == Role.BUREAU_ADMIN and r.district:
            yield RoleBinding(r.role, r.district.pk, f"{r.district.name}司法局", r.district.pk)
        elif r.role == Role.STREET_STAFF and r.street:
            yield RoleBinding(r.role, r.street.pk, r.street.office_name, r.street.district_id)
        elif r.role == Role.COMMUNITY_STAFF and r.community:
            c = r.community
            yield RoleBinding(r.role, c.pk, f"{c.street.name}·{c.name}", c.street.district_id)
    profile = ResidentProfile.objects.filter(user=user).select_related("community__street").first()
    if profile is not None:
        c = profile.community
        yield RoleBinding(
            Role.RESIDENT,
            c.pk if c else 0,
            c.name if c else "未选择社区",
            c.street.district_id if c else None,
        )
