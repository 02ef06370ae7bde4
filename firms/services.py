"""Writes to firms, lawyers and their bindings."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from accounts.models import User
from accounts.roles import Role
from core.scope import forget_principal, get_principal
from firms.models import FirmAdmin, GuidanceGroupMember, LawFirm, Lawyer, Specialty


@transaction.atomic
def save_lawyer(
    *, actor: Any, lawyer: Lawyer, specialties: list[Specialty] | None = None
) -> Lawyer:
    """Create or update a lawyer (validated); the actor must be able to edit the firm
    for a new lawyer, or the lawyer for an existing one."""
    if lawyer.pk is None:
        if (
            actor is not None
            and not LawFirm.objects.editable_by(actor).filter(pk=lawyer.firm_id).exists()
        ):
            raise PermissionDenied
    elif actor is not None and not Lawyer.objects.editable_by(actor).filter(pk=lawyer.pk).exists():
        raise PermissionDenied
    lawyer.full_clean()
    lawyer.save()
    if specialties is not None:
        lawyer.specialties.set(specialties)
    return lawyer


@transaction.atomic
def bind_lawyer_account(*, lawyer: Lawyer, user: User) -> Lawyer:
    """Give a lawyer record its sign-in account."""
    lawyer.user = user
    lawyer.save(update_fields=["user", "updated_at"])
    forget_principal(user)
    return lawyer


@transaction.atomic
def grant_firm_admin(*, actor: Any, firm: LawFirm, user: User) -> FirmAdmin:
    """Only the firm's bureau (or a superuser) names a firm's admins."""
    if actor is not None and not get_principal(actor).is_superuser:
        # User management is separate from audit reading: superusers only.
        raise PermissionDenied
    binding, created = FirmAdmin.objects.get_or_create(firm=firm, user=user)
    if not created and not binding.is_active:
        binding.is_active = True
        binding.save(update_fields=["is_active", "updated_at"])
    forget_principal(user)
    return binding


@transaction.atomic
def add_guidance_member(
    *, actor: Any, lawyer: Lawyer, position: str = GuidanceGroupMember.Position.MEMBER
) -> GuidanceGroupMember:
    principal = get_principal(actor) if actor is not None else None
    if (
        principal is not None
        and not principal.is_superuser
        and (lawyer.firm.district_id not in principal.ids(Role.BUREAU_ADMIN))
    ):
        raise PermissionDenied
    member = GuidanceGroupMember(
        district_id=lawyer.firm.district_id, lawyer=lawyer, position=position
    )
    member.full_clean()
    member.save()
    return member


def store_ratings(totals: dict[int, tuple[int, int]]) -> int:
    """Keep each lawyer's (rating total, number of ratings), as counted by the
    consultations that own the ratings. Derived figures: no audit entry."""
    rows = [
        Lawyer(pk=pk, rating_total=total, rating_count=count)
        for pk, (total, count) in totals.items()
    ]
    Lawyer.objects.bulk_update(rows, ["rating_total", "rating_count"], batch_size=1000)
    return len(rows)
