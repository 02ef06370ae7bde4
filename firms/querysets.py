"""Scope of firms and lawyers: the only place it is decided.

- bureau admin: firms and lawyers of their district (edit);
- judicial office and community staff: firms and lawyers of their district (read);
- firm admin: their firm and its lawyers (edit);
- lawyer: their firm and its lawyers (read), their own record (edit).
"""

from __future__ import annotations

from accounts.roles import Role
from core.scope import (
    ANY_ROLE,
    EVERYONE,
    Gate,
    Principal,
    RoleTable,
    Scope,
    ScopedQuerySet,
    district,
    follows,
    parent,
)


def firm_ids(p: Principal) -> set[int]:
    """The firms the user works for (as firm admin or lawyer): what firm_people matches."""
    return p.ids(Role.FIRM_ADMIN) | p.parent_ids(Role.LAWYER)


def firm_people(firm: str = "firm") -> RoleTable:
    """The people of a row's firm (``firm``: the path to it): its admins and its
    lawyers (a lawyer's binding names the firm as its organization)."""
    return {Role.FIRM_ADMIN: f"{firm}_id", Role.LAWYER: parent(f"{firm}_id")}


class FirmQuerySet(ScopedQuerySet):
    visible = Scope(
        {
            Role.BUREAU_ADMIN: "district_id",
            Role.STREET_STAFF: district("district_id"),
            Role.COMMUNITY_STAFF: district("district_id"),
            # The firms the user works for, as firm admin or as a lawyer.
            Role.FIRM_ADMIN: "pk",
            Role.LAWYER: parent("pk"),
        }
    )
    editable = Scope({Role.BUREAU_ADMIN: "district_id", Role.FIRM_ADMIN: "pk"})

    def public(self) -> FirmQuerySet:
        return self.filter(is_active=True)


class LawyerQuerySet(ScopedQuerySet):
    visible = Scope(
        {
            Role.BUREAU_ADMIN: "firm__district_id",
            Role.STREET_STAFF: district("firm__district_id"),
            Role.COMMUNITY_STAFF: district("firm__district_id"),
            Role.FIRM_ADMIN: "firm_id",
            Role.LAWYER: parent("firm_id"),
        }
    )
    editable = Scope(
        {
            Role.BUREAU_ADMIN: "firm__district_id",
            Role.FIRM_ADMIN: "firm_id",
            Role.LAWYER: "pk",  # their own record
        }
    )

    def public(self) -> LawyerQuerySet:
        return self.filter(is_active=True, firm__is_active=True)


class FirmChildQuerySet(ScopedQuerySet):
    """Rows of one firm (firm admins): scope follows the firm."""

    visible = Scope(also=(follows("firm"),))
    # Only the bureau grants firm admin rights, not the firm itself.
    editable = Scope({Role.BUREAU_ADMIN: "firm__district_id"})


class DistrictChildQuerySet(ScopedQuerySet):
    """Rows that belong to a district (the guidance group): visible to anyone working
    in the district, edited by its bureau."""

    visible = Scope({ANY_ROLE: district("district_id")})
    editable = Scope({Role.BUREAU_ADMIN: "district_id"})


class SpecialtyQuerySet(ScopedQuerySet):
    """The managed list of specialties is shared: everyone reads it, superusers edit it."""

    visible = EVERYONE
    # No edit rule of its own: editable_by follows visible_to, as it always did. Only
    # superusers change the list: the admin allows no one else, the API is read-only.


# Who imports their own firm's lawyers from Excel (core.scope.Gate): firm admins.
FIRM_ADMINS = Gate((Role.FIRM_ADMIN,), superuser=False)
