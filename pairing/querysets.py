"""Scope of pairings, liaisons and honorary posts (the only place it is decided).

Read: everyone working in the district (bureau, 司法所 and community staff of the
place, the firm's people); residents read the public card instead. Edit: the bureau.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Q

from accounts.roles import Role
from core.scope import ScopedQuerySet, filter_any, get_principal


def _in(lookup: str, ids: set[int]) -> Q | None:
    return Q(**{f"{lookup}__in": sorted(ids)}) if ids else None


class _CommunityScoped(ScopedQuerySet):
    community_path = "community"
    firm_path = "firm"

    def visible_to(self, user: Any) -> ScopedQuerySet:
        p = get_principal(user)
        if p.is_superuser:
            return self.all()
        c = self.community_path
        return filter_any(
            self,
            _in(f"{c}__street__district_id", p.ids(Role.BUREAU_ADMIN)),
            _in(f"{c}__street_id", p.ids(Role.STREET_STAFF)),
            _in(f"{c}_id", p.ids(Role.COMMUNITY_STAFF)),
            _in(f"{self.firm_path}_id", p.ids(Role.FIRM_ADMIN) | p.parent_ids(Role.LAWYER)),
        )

    def editable_by(self, user: Any) -> ScopedQuerySet:
        p = get_principal(user)
        if p.is_superuser:
            return self.all()
        return filter_any(
            self, _in(f"{self.community_path}__street__district_id", p.ids(Role.BUREAU_ADMIN))
        )


class PairingQuerySet(_CommunityScoped):
    def active(self, on: date | None = None) -> PairingQuerySet:
        """Pairings in force (on a day, if given)."""
        if on is None:
            return self.filter(end_date__isnull=True)
        return self.filter(start_date__lte=on).filter(
            Q(end_date__isnull=True) | Q(end_date__gte=on)
        )


class LiaisonQuerySet(_CommunityScoped):
    community_path = "pairing__community"
    firm_path = "pairing__firm"

    def active(self) -> LiaisonQuerySet:
        return self.filter(end_date__isnull=True, pairing__end_date__isnull=True)


class HonoraryPostQuerySet(ScopedQuerySet):
    def visible_to(self, user: Any) -> ScopedQuerySet:
        p = get_principal(user)
        if p.is_superuser:
            return self.all()
        return filter_any(
            self,
            _in("lawyer__firm__district_id", p.district_ids),
        )

    def editable_by(self, user: Any) -> ScopedQuerySet:
        p = get_principal(user)
        if p.is_superuser:
            return self.all()
        return filter_any(self, _in("lawyer__firm__district_id", p.ids(Role.BUREAU_ADMIN)))

    def active(self) -> HonoraryPostQuerySet:
        return self.filter(end_date__isnull=True)
