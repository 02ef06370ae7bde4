"""Scope of the region tree: the only place it is decided.

- bureau admin: the whole district;
- judicial office (street) staff: their street and its communities (and, read-only,
  their district);
- community staff: their community (and, read-only, its street and district);
- lawyers and firm admins: the district their firm is in (read-only);
- residents: the community they live in (read-only).
"""

from __future__ import annotations

from typing import Any, ClassVar, Self

from accounts.roles import Role
from core.scope import ANY_ROLE, Scope, ScopedQuerySet, district, follows, own, owner


class DistrictQuerySet(ScopedQuerySet):
    # Every district the user works in, whatever the role.
    visible = Scope({ANY_ROLE: district("pk")})
    editable = Scope({Role.BUREAU_ADMIN: "pk"})

    def public(self) -> Self:
        """Every district: their names head the portal and the public lists."""
        return self.all()


class StreetQuerySet(ScopedQuerySet):
    visible = Scope(
        {
            Role.BUREAU_ADMIN: "district_id",
            # Lawyers and firm admins: the district of their firm.
            Role.LAWYER: district("district_id"),
            Role.FIRM_ADMIN: district("district_id"),
            Role.STREET_STAFF: "pk",
            Role.COMMUNITY_STAFF: "communities__pk",
            Role.RESIDENT: "communities__pk",
        },
        distinct=True,  # through communities: one row per matching community
    )
    editable = Scope({Role.BUREAU_ADMIN: "district_id"})


class CommunityQuerySet(ScopedQuerySet):
    visible = Scope(
        {
            Role.BUREAU_ADMIN: "street__district_id",
            Role.LAWYER: district("street__district_id"),
            Role.FIRM_ADMIN: district("street__district_id"),
            Role.STREET_STAFF: "street_id",
            Role.COMMUNITY_STAFF: "pk",
            Role.RESIDENT: "pk",
        }
    )
    editable = Scope(
        {
            Role.BUREAU_ADMIN: "street__district_id",
            Role.STREET_STAFF: "street_id",
            Role.COMMUNITY_STAFF: "pk",
        }
    )

    def public(self) -> Self:
        """Communities shown to the public: active, in an active street."""
        return self.filter(is_active=True, street__is_active=True)


class CommunityChildQuerySet(ScopedQuerySet):
    """Rows that belong to one community (studio members): scope follows it."""

    visible = Scope(also=(follows("community"),))
    editable = Scope(also=(follows("community", "editable_by"),))


class RegionRoleQuerySet(ScopedQuerySet):
    """Staff bindings: the bureau manages its district's; a street office sees its own
    and its communities' staff."""

    visible = Scope(
        {
            Role.BUREAU_ADMIN: (
                "district_id",
                "street__district_id",
                "community__street__district_id",
            ),
            Role.STREET_STAFF: ("street_id", "community__street_id"),
        },
        also=(own("user_id"),),
    )
    editable = Scope(
        {
            Role.BUREAU_ADMIN: (
                "district_id",
                "street__district_id",
                "community__street__district_id",
            ),
        }
    )


class DistrictSettingsQuerySet(ScopedQuerySet):
    visible = Scope(also=(follows("district"),))
    editable = Scope(also=(follows("district", "editable_by"),))


class ResidentProfileQuerySet(ScopedQuerySet):
    """A resident sees their own profile; staff see the residents of their area."""

    visible = Scope(
        {
            Role.BUREAU_ADMIN: "community__street__district_id",
            Role.STREET_STAFF: "community__street_id",
            Role.COMMUNITY_STAFF: "community_id",
        },
        also=(own("user_id"),),
    )
    editable = Scope(also=(own("user_id"),))
    owned: ClassVar[Scope] = owner("user_id")

    def owned_by(self, user: Any) -> Self:
        """The user's own profile (at most one)."""
        return self.scoped(self.owned, user)
