"""Scope of pairings, liaisons and honorary posts (the only place it is decided).

Read: the bureau its district; 司法所 staff their street; community staff their
community; a firm's admins and lawyers the pairings of their firm (and the liaisons
and posts that go with them). Residents read the public card instead. Edit: the bureau
of the district.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Self

from django.db.models import Q, QuerySet

from accounts.roles import Role
from core.scope import ScopedQuerySet, filter_any, get_principal, q_in
from regions.models import Community


def bureau_district_ids(user: Any) -> set[int] | None:
    """Districts whose pairings the user may change; None means every district
    (superusers)."""
    p = get_principal(user)
    return None if p.is_superuser else p.ids(Role.BUREAU_ADMIN)


class _CommunityScoped(ScopedQuerySet):
    community_path = "community"
    firm_path = "firm"

    def visible_to(self, user: Any) -> Self:
        p = get_principal(user)
        if p.is_superuser:
            return self.all()
        c = self.community_path
        return filter_any(
            self,
            q_in(f"{c}__street__district_id", p.ids(Role.BUREAU_ADMIN)),
            q_in(f"{c}__street_id", p.ids(Role.STREET_STAFF)),
            q_in(f"{c}_id", p.ids(Role.COMMUNITY_STAFF)),
            q_in(f"{self.firm_path}_id", p.ids(Role.FIRM_ADMIN) | p.parent_ids(Role.LAWYER)),
        )

    def editable_by(self, user: Any) -> Self:
        p = get_principal(user)
        if p.is_superuser:
            return self.all()
        return filter_any(
            self, q_in(f"{self.community_path}__street__district_id", p.ids(Role.BUREAU_ADMIN))
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
    """A post belongs to a place (a community, or a street's 司法所): scope follows the
    place, and the firm's people see the posts their lawyers hold."""

    def visible_to(self, user: Any) -> Self:
        p = get_principal(user)
        if p.is_superuser:
            return self.all()
        bureau, streets = p.ids(Role.BUREAU_ADMIN), p.ids(Role.STREET_STAFF)
        return filter_any(
            self,
            q_in("community__street__district_id", bureau),
            q_in("street__district_id", bureau),
            q_in("community__street_id", streets),
            q_in("street_id", streets),
            q_in("community_id", p.ids(Role.COMMUNITY_STAFF)),
            q_in("lawyer__firm_id", p.ids(Role.FIRM_ADMIN) | p.parent_ids(Role.LAWYER)),
        )

    def editable_by(self, user: Any) -> Self:
        p = get_principal(user)
        if p.is_superuser:
            return self.all()
        bureau = p.ids(Role.BUREAU_ADMIN)
        return filter_any(
            self,
            q_in("community__street__district_id", bureau),
            q_in("street__district_id", bureau),
        )

    def active(self) -> HonoraryPostQuerySet:
        return self.filter(end_date__isnull=True)


def communities_in_scope(user: Any) -> QuerySet[Community]:
    """Communities whose pairing pages the user may read: those of their area (bureau,
    司法所, community staff) and those their firm is or was paired with."""
    from pairing.models import Pairing  # the models module imports this one

    p = get_principal(user)
    if p.is_superuser:
        return Community.objects.all()
    firms = p.ids(Role.FIRM_ADMIN) | p.parent_ids(Role.LAWYER)
    return filter_any(
        Community.objects.all(),
        q_in("street__district_id", p.ids(Role.BUREAU_ADMIN)),
        q_in("street_id", p.ids(Role.STREET_STAFF)),
        q_in("pk", p.ids(Role.COMMUNITY_STAFF)),
        Q(pk__in=Pairing.objects.filter(firm_id__in=sorted(firms)).values("community_id"))
        if firms
        else None,
    )


def communities_editable_by(user: Any) -> QuerySet[Community]:
    """Communities the user may pair and unpair (the bureau's district)."""
    districts = bureau_district_ids(user)
    if districts is None:
        return Community.objects.all()
    return Community.objects.filter(street__district_id__in=sorted(districts))
