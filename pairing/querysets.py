"""Scope of pairings, liaisons and honorary posts (the only place it is decided).

Read: the bureau its district; 司法所 staff their street; community staff their
community; a firm's admins and lawyers the pairings of their firm (and the liaisons
and posts that go with them). Residents read the public card instead. Edit: the bureau
of the district.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from accounts.roles import Role
from core.scope import (
    Gate,
    Principal,
    RoleTable,
    Scope,
    ScopedQuerySet,
    get_principal,
)
from firms.querysets import firm_ids, firm_people
from regions.models import Community


def bureau_district_ids(user: Any) -> set[int] | None:
    """Districts whose pairings the user may change; None means every district
    (superusers)."""
    p = get_principal(user)
    return None if p.is_superuser else p.ids(Role.BUREAU_ADMIN)


def _area(community: str) -> RoleTable:
    """The staff of the community at ``community``: its district's bureau, its street's
    司法所, its own staff."""
    return {
        Role.BUREAU_ADMIN: f"{community}__street__district_id",
        Role.STREET_STAFF: f"{community}__street_id",
        Role.COMMUNITY_STAFF: f"{community}_id",
    }


class PairingQuerySet(ScopedQuerySet):
    visible = Scope({**_area("community"), **firm_people("firm")})
    editable = Scope({Role.BUREAU_ADMIN: "community__street__district_id"})

    def with_liaisons(self) -> PairingQuerySet:
        """Each pairing with all its liaisons, past ones too, by slot."""
        from pairing.models import Liaison

        liaisons = Liaison.objects.select_related("lawyer").order_by("slot", "start_date")
        return self.prefetch_related(Prefetch("liaisons", queryset=liaisons))

    def public(self) -> PairingQuerySet:
        """Which firm serves which community now: on every community's notice board."""
        return self.active()

    def active(self, on: date | None = None) -> PairingQuerySet:
        """Pairings in force (on a day, if given)."""
        if on is None:
            return self.filter(end_date__isnull=True)
        return self.filter(start_date__lte=on).filter(
            Q(end_date__isnull=True) | Q(end_date__gte=on)
        )


class LiaisonQuerySet(ScopedQuerySet):
    # Scope of the pairing the liaison belongs to.
    visible = Scope({**_area("pairing__community"), **firm_people("pairing__firm")})
    editable = Scope({Role.BUREAU_ADMIN: "pairing__community__street__district_id"})

    def active(self) -> LiaisonQuerySet:
        return self.filter(end_date__isnull=True, pairing__end_date__isnull=True)


class HonoraryPostQuerySet(ScopedQuerySet):
    """A post belongs to a place (a community, or a street's 司法所): scope follows the
    place, and the firm's people see the posts their lawyers hold."""

    visible = Scope(
        {
            Role.BUREAU_ADMIN: ("community__street__district_id", "street__district_id"),
            Role.STREET_STAFF: ("community__street_id", "street_id"),
            Role.COMMUNITY_STAFF: "community_id",
            **firm_people("lawyer__firm"),
        }
    )
    editable = Scope({Role.BUREAU_ADMIN: ("community__street__district_id", "street__district_id")})

    def active(self) -> HonoraryPostQuerySet:
        return self.filter(end_date__isnull=True)


def _paired_with_firm(qs: ScopedQuerySet, p: Principal, user: Any) -> Q | None:
    """Communities the user's firm (firm admin, lawyer) is or was paired with."""
    from pairing.models import Pairing  # the models module imports this one

    firms = firm_ids(p)
    if not firms:
        return None
    return Q(pk__in=Pairing.objects.filter(firm_id__in=sorted(firms)).values("community_id"))


# Communities whose pairing pages the user may read.
PAIRING_PAGES = Scope(
    {
        Role.BUREAU_ADMIN: "street__district_id",
        Role.STREET_STAFF: "street_id",
        Role.COMMUNITY_STAFF: "pk",
    },
    also=(_paired_with_firm,),
)
# Communities the user may pair and unpair.
PAIRABLE = Scope({Role.BUREAU_ADMIN: "street__district_id"})
# The dashboard of gaps (regions.District, regions.Street): the districts it shows whole
# (the bureau's), and the streets it may narrow to (those of the bureau's district, a
# 司法所's own).
DASHBOARD_DISTRICTS = Scope({Role.BUREAU_ADMIN: "pk"})
DASHBOARD_STREETS = Scope({Role.BUREAU_ADMIN: "district_id", Role.STREET_STAFF: "pk"})
# Streets (regions.Street) whose 司法所 the user may appoint an honorary deputy for: the
# bureau's district.
OFFICE_POSTS = Scope({Role.BUREAU_ADMIN: "district_id"})


def communities_in_scope(user: Any) -> QuerySet[Community]:
    """Communities whose pairing pages the user may read: those of their area (bureau,
    司法所, community staff) and those their firm is or was paired with."""
    return PAIRING_PAGES.apply(Community.objects.all(), user)


def communities_editable_by(user: Any) -> QuerySet[Community]:
    """Communities the user may pair and unpair (the bureau's district)."""
    return PAIRABLE.apply(Community.objects.all(), user)


# Who creates pairings through the API (core.scope.Gate): the bureau.
PAIRING_MAKERS = Gate((Role.BUREAU_ADMIN,))
