"""Writes to the region tree and its staff bindings."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from accounts.models import User
from accounts.roles import Role
from core.scope import forget_principal, get_principal
from regions.models import (
    Community,
    District,
    DistrictSettings,
    RegionRole,
    ResidentProfile,
    Street,
)


@transaction.atomic
def create_district(*, name: str, code: str, **fields: Any) -> District:
    """A district always has its settings row, seeded with the policy's numbers."""
    district = District(name=name, code=code, **fields)
    district.full_clean()
    district.save()
    DistrictSettings.objects.create(district=district)
    return district


def settings_for(district: District | int) -> DistrictSettings:
    district_id = district if isinstance(district, int) else district.pk
    obj, _ = DistrictSettings.objects.get_or_create(district_id=district_id)
    return obj


@transaction.atomic
def update_district_settings(
    *, actor: Any, district: District, values: dict[str, Any]
) -> DistrictSettings:
    if not District.objects.editable_by(actor).filter(pk=district.pk).exists():
        raise PermissionDenied
    obj = settings_for(district)
    for name, value in values.items():
        setattr(obj, name, value)
    obj.full_clean()
    obj.save(update_fields=[*values.keys(), "updated_at"])
    return obj


@transaction.atomic
def grant_region_role(
    *,
    actor: Any,
    user: User,
    role: str,
    place: District | Street | Community,
    title: str = "",
) -> RegionRole:
    """Bind a user to a district, street or community. The actor must be able to edit
    the place (a bureau admin for places in their district)."""
    field = {
        Role.BUREAU_ADMIN: "district",
        Role.STREET_STAFF: "street",
        Role.COMMUNITY_STAFF: "community",
    }.get(Role(role))
    if field is None:
        raise ValidationError({"role": "不是区域工作人员角色"})
    expected = {"district": District, "street": Street, "community": Community}[field]
    if not isinstance(place, expected):
        raise ValidationError({field: "角色与所选区域层级不符"})
    if actor is not None and not get_principal(actor).is_superuser:
        # User management is separate from audit reading (bureau admins read logs), so
        # only superusers grant roles (等保 8.1.4.2 separation of duties).
        raise PermissionDenied
    binding, _ = RegionRole.objects.get_or_create(
        user=user, role=role, **{field: place}, defaults={"title": title}
    )
    if not binding.is_active:
        binding.is_active = True
        binding.save(update_fields=["is_active", "updated_at"])
    if role == Role.BUREAU_ADMIN and not user.is_staff:
        # Bureau admins work in the Django admin (the back office) as well.
        user.is_staff = True
        user.save(update_fields=["is_staff", "updated_at"])
    forget_principal(user)
    return binding


@transaction.atomic
def set_home_community(
    *, user: User, community: Community | None, kind: str = ""
) -> ResidentProfile:
    profile, _ = ResidentProfile.objects.get_or_create(user=user)
    profile.community = community
    fields = ["community", "updated_at"]
    if kind:
        profile.kind = kind
        fields.append("kind")
    profile.full_clean()
    profile.save(update_fields=fields)
    forget_principal(user)
    return profile


def on_user_registered(sender: Any, user: User, **kwargs: Any) -> None:
    """A phone that signs up by SMS is a resident until bound to anything else."""
    ResidentProfile.objects.get_or_create(user=user)
