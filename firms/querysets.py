"""Scope of firms and lawyers: the only place it is decided.

- bureau admin: firms and lawyers of their district (edit);
- judicial office and community staff: firms and lawyers of their district (read);
- firm admin: their firm and its lawyers (edit);
- lawyer: their firm and its lawyers (read), their own record (edit).
"""

from __future__ import annotations

from typing import Any, Self

from accounts.roles import Role
from core.scope import Principal, ScopedQuerySet, filter_any, get_principal, q_in


def _staff_districts(p: Principal) -> set[int]:
    return {
        b.district_id
        for b in p.bindings
        if b.role in (Role.STREET_STAFF, Role.COMMUNITY_STAFF) and b.district_id is not None
    }


def _lawyer_firms(p: Principal) -> set[int]:
    """The firms the user works for, as firm admin or as a lawyer."""
    return p.ids(Role.FIRM_ADMIN) | p.parent_ids(Role.LAWYER)


class FirmQuerySet(ScopedQuerySet):
    def visible_to(self, user: Any) -> Self:
        p = get_principal(user)
        if p.is_superuser:
            return self.all()
        return filter_any(
            self,
            q_in("district_id", p.ids(Role.BUREAU_ADMIN) | _staff_districts(p)),
            q_in("pk", _lawyer_firms(p)),
        )

    def editable_by(self, user: Any) -> Self:
        p = get_principal(user)
        if p.is_superuser:
            return self.all()
        return filter_any(
            self,
            q_in("district_id", p.ids(Role.BUREAU_ADMIN)),
            q_in("pk", p.ids(Role.FIRM_ADMIN)),
        )

    def public(self) -> FirmQuerySet:
        return self.filter(is_active=True)


class LawyerQuerySet(ScopedQuerySet):
    def visible_to(self, user: Any) -> Self:
        p = get_principal(user)
        if p.is_superuser:
            return self.all()
        return filter_any(
            self,
            q_in("firm__district_id", p.ids(Role.BUREAU_ADMIN) | _staff_districts(p)),
            q_in("firm_id", _lawyer_firms(p)),
        )

    def editable_by(self, user: Any) -> Self:
        p = get_principal(user)
        if p.is_superuser:
            return self.all()
        return filter_any(
            self,
            q_in("firm__district_id", p.ids(Role.BUREAU_ADMIN)),
            q_in("firm_id", p.ids(Role.FIRM_ADMIN)),
            q_in("pk", p.ids(Role.LAWYER)),
        )

    def public(self) -> LawyerQuerySet:
        return self.filter(is_active=True, firm__is_active=True)


class FirmChildQuerySet(ScopedQuerySet):
    """Rows of one firm (firm admins): scope follows the firm."""

    def visible_to(self, user: Any) -> Self:
        from firms.models import LawFirm

        return self.filter(firm__in=LawFirm.objects.visible_to(user).values("pk"))

    def editable_by(self, user: Any) -> Self:
        p = get_principal(user)
        if p.is_superuser:
            return self.all()
        # Only the bureau grants firm admin rights, not the firm itself.
        return filter_any(self, q_in("firm__district_id", p.ids(Role.BUREAU_ADMIN)))


class DistrictChildQuerySet(ScopedQuerySet):
    """Rows that belong to a district (the guidance group): visible to anyone working
    in the district, edited by its bureau."""

    def visible_to(self, user: Any) -> Self:
        p = get_principal(user)
        if p.is_superuser:
            return self.all()
        return filter_any(self, q_in("district_id", p.district_ids))

    def editable_by(self, user: Any) -> Self:
        p = get_principal(user)
        if p.is_superuser:
            return self.all()
        return filter_any(self, q_in("district_id", p.ids(Role.BUREAU_ADMIN)))


class SpecialtyQuerySet(ScopedQuerySet):
    """The managed list of specialties is shared: everyone reads it, superusers edit it."""

    def visible_to(self, user: Any) -> Self:
        return self.all()
