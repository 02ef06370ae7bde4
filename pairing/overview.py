"""Read-only views of the pairing data: the gaps of an area (the dashboard) and a
community's "身边的法律顾问" card. A fixed number of queries, whatever the size."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from firms.models import LawFirm
from pairing.models import HonoraryPost, Liaison, Pairing
from pairing.services import next_service_date
from regions.models import Community, District, Street

EXPIRY_WARNING_DAYS = 60


def active_liaisons() -> QuerySet[Liaison]:
    return Liaison.objects.filter(end_date__isnull=True).select_related("lawyer").order_by("slot")


@dataclass
class Gaps:
    """What is missing in an area (a district, or one street)."""

    district: District
    street: Street | None
    today: date
    unpaired: list[Community] = field(default_factory=list)
    without_liaison: list[Pairing] = field(default_factory=list)
    expiring_posts: list[HonoraryPost] = field(default_factory=list)
    idle_firms: list[LawFirm] = field(default_factory=list)

    @property
    def warn_until(self) -> date:
        return self.today + timedelta(days=EXPIRY_WARNING_DAYS)

    @property
    def total(self) -> int:
        return (
            len(self.unpaired)
            + len(self.without_liaison)
            + len(self.expiring_posts)
            + len(self.idle_firms)
        )


def area_gaps(
    user: Any, district: District, street: Street | None = None, today: date | None = None
) -> Gaps:
    """Communities without a firm, pairings without a liaison, honorary posts whose term
    ends within 60 days (or has ended), and firms without a community, in the user's
    scope. For a street, the firms are those located in it."""
    today = today or timezone.localdate()
    gaps = Gaps(district=district, street=street, today=today)
    place = Q(street=street) if street else Q(street__district=district)
    active_pairing = Pairing.objects.filter(end_date__isnull=True)
    gaps.unpaired = list(
        Community.objects.visible_to(user)
        .filter(place, is_active=True)
        .filter(~Exists(active_pairing.filter(community=OuterRef("pk"))))
        .select_related("street")
        .order_by("street__name", "name")
    )
    community_place = (
        Q(community__street=street) if street else Q(community__street__district=district)
    )
    gaps.without_liaison = list(
        Pairing.objects.visible_to(user)
        .filter(community_place, end_date__isnull=True, community__is_active=True)
        .filter(~Exists(Liaison.objects.filter(pairing=OuterRef("pk"), end_date__isnull=True)))
        .select_related("community__street", "firm")
        .order_by("community__street__name", "community__name")
    )
    post_place = (
        community_place | Q(street=street)
        if street
        else community_place | Q(street__district=district)
    )
    gaps.expiring_posts = list(
        HonoraryPost.objects.visible_to(user)
        .filter(post_place, end_date__isnull=True, term_end__lte=gaps.warn_until)
        .select_related("lawyer__firm", "community__street", "street")
        .order_by("term_end", "pk")
    )
    firms = LawFirm.objects.visible_to(user).filter(district=district, is_active=True)
    if street is not None:
        firms = firms.filter(street=street)
    gaps.idle_firms = list(
        firms.filter(~Exists(active_pairing.filter(firm=OuterRef("pk")))).order_by("name")
    )
    return gaps


def office_deputies(user: Any, district: District, street: Street | None = None) -> list[Street]:
    """The area's streets, each with ``current_posts``: its 名誉法治副所长 in office."""
    streets = Street.objects.visible_to(user).filter(district=district, is_active=True)
    if street is not None:
        streets = streets.filter(pk=street.pk)
    posts = HonoraryPost.objects.filter(end_date__isnull=True).select_related("lawyer__firm")
    return list(
        streets.order_by("name").prefetch_related(
            Prefetch("honorary_posts", queryset=posts, to_attr="current_posts")
        )
    )


@dataclass
class Card:
    """The "身边的法律顾问" card of a community: public information only."""

    community: Community
    pairing: Pairing | None
    liaisons: list[Liaison]
    posts: list[HonoraryPost]
    next_service_date: date

    @property
    def firm(self) -> LawFirm | None:
        return self.pairing.firm if self.pairing else None


def community_card(community: Community, today: date | None = None) -> Card:
    pairing = (
        Pairing.objects.filter(community=community, end_date__isnull=True)
        .select_related("firm")
        .prefetch_related(Prefetch("liaisons", queryset=active_liaisons(), to_attr="current"))
        .first()
    )
    posts = list(
        HonoraryPost.objects.filter(end_date__isnull=True)
        .filter(Q(community=community) | Q(street_id=community.street_id))
        .select_related("lawyer__firm")
        .order_by("kind", "start_date")
    )
    return Card(
        community=community,
        pairing=pairing,
        liaisons=pairing.current if pairing else [],
        posts=posts,
        next_service_date=next_service_date(community, today=today),
    )
