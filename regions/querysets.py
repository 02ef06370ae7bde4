"""Scope of the region tree: the only place it is decided.

- bureau admin: the whole district;
- judicial office (street) staff: their street and its communities (and, read-only,
  their district);
- community staff: their community (and, read-only, its street and district);
- lawyers and firm admins: the district their firm is in (read-only);
- residents: the community they live in (read-only).
"""

from __future__ import annotations

from typing import Any, Self

from django.db.models import Q

from accounts.roles import Role
from core.scope import ScopedQuerySet, filter_any, get_principal, q_in


class DistrictQuerySet(ScopedQuerySet):
    def visible_to(self, user: Any) -> Self:
        p = get_principal(user)
        if p.is_superuser:
            return self.all()
        return filter_any(self, Q(pk__in=p.district_ids) if p.district_ids else None)

    def editable_by(self, user: Any) -> Self:
        p = get_principal(user)
        if p.is_superuser:
            return self.all()
        return filter_any(self, q_in("pk", p.ids(Role.BUREAU_ADMIN)))


class StreetQuerySet(ScopedQuerySet):
    def visible_to(self, user: Any) -> Self:
        p = get_principal(user)
        if p.is_superuser:
            return self.all()
        return filter_any(
            self,
            q_in("district_id", p.ids(Role.BUREAU_ADMIN) | _firm_districts(p)),
            q_in("pk", p.ids(Role.STREET_STAFF)),
            q_in("communities__pk", p.ids(Role.COMMUNITY_STAFF) | p.ids(Role.RESIDENT)),
        ).distinct()

    def editable_by(self, user: Any) -> Self:
        p = get_principal(user)
        if p.is_superuser:
            return self.all()
        return filter_any(self, q_in("district_id", p.ids(Role.BUREAU_ADMIN)))


class CommunityQuerySet(ScopedQuerySet):
    def visible_to(self, user: Any) -> Self:
        p = get_principal(user)
        if p.is_superuser:
            return self.all()
        return filter_any(
            self,
            q_in("street__district_id", p.ids(Role.BUREAU_ADMIN) | _firm_districts(p)),
            q_in("street_id", p.ids(Role.STREET_STAFF)),
            q_in("pk", p.ids(Role.COMMUNITY_STAFF) | p.ids(Role.RESIDENT)),
        )

    def editable_by(self, user: Any) -> Self:
        p = get_principal(user)
        if p.is_superuser:
            return self.all()
        return filter_any(
            self,
            q_in("street__district_id", p.ids(Role.BUREAU_ADMIN)),
            q_in("street_id", p.ids(Role.STREET_STAFF)),
            q_in("pk", p.ids(Role.COMMUNITY_STAFF)),
        )

    def public(self) -> Self:
        """Communities shown to the public: active, in an active street."""
        return self.filter(is_active=True, street__is_active=True)


class CommunityChildQuerySet(ScopedQuerySet):
    """Rows that belong to one community (studio members): scope follows it."""

    def visible_to(self, user: Any) -> Self:
        from regions.models import Community

        return self.filter(community__in=Community.objects.visible_to(user).values("pk"))

    def editable_by(self, user: Any) -> Self:
        from regions.models import Community

        return self.filter(community__in=Community.objects.editable_by(user).values("pk"))


class RegionRoleQuerySet(ScopedQuerySet):
    """Staff bindings: the bureau manages its district's; a street office sees its own
    and its communities' staff."""

    def visible_to(self, user: Any) -> Self:
        p = get_principal(user)
        if p.is_superuser:
            return self.all()
        bureau = p.ids(Role.BUREAU_ADMIN)
        streets = p.ids(Role.STREET_STAFF)
        return filter_any(
            self,
            q_in("district_id", bureau),
            q_in("street__district_id", bureau),
            q_in("community__street__district_id", bureau),
            q_in("street_id", streets),
            q_in("community__street_id", streets),
            Q(user_id=p.user_id) if p.user_id else None,
        )

    def editable_by(self, user: Any) -> Self:
        p = get_principal(user)
        if p.is_superuser:
            return self.all()
        bureau = p.ids(Role.BUREAU_ADMIN)
        return filter_any(
            self,
            q_in("district_id", bureau),
            q_in("street__district_id", bureau),
            q_in("community__street__district_id", bureau),
        )


def _firm_districts(p: Any) -> set[int]:
    """Districts of the firms a lawyer or firm admin works for."""
    return {
        b.district_id
        for b in p.bindings
        if b.role in (Role.LAWYER, Role.FIRM_ADMIN) and b.district_id is not None
    }


class DistrictSettingsQuerySet(ScopedQuerySet):
    def visible_to(self, user: Any) -> Self:
        from regions.models import District

        return self.filter(district__in=District.objects.visible_to(user).values("pk"))

    def editable_by(self, user: Any) -> Self:
        from regions.models import District

        return self.filter(district__in=District.objects.editable_by(user).values("pk"))


class ResidentProfileQuerySet(ScopedQuerySet):
    """A resident sees their own profile; staff see the residents of their area."""

    def visible_to(self, user: Any) -> Self:
        p = get_principal(user)
        if p.is_superuser:
            return self.all()
        return filter_any(
            self,
            Q(user_id=p.user_id) if p.user_id else None,
            q_in("community__street__district_id", p.ids(Role.BUREAU_ADMIN)),
            q_in("community__street_id", p.ids(Role.STREET_STAFF)),
            q_in("community_id", p.ids(Role.COMMUNITY_STAFF)),
        )

    def editable_by(self, user: Any) -> Self:
        p = get_principal(user)
        if p.is_superuser:
            return self.all()
        return filter_any(self, Q(user_id=p.user_id) if p.user_id else None)
