"""Demo pairings for a district (called by ``manage.py seed_demo``).

Every community but the last two (in street and name order) is paired with a firm of
the district, each firm with 1–3 communities, the last firm by name left without one.
Each pairing has 1–2 liaisons, except the first, which has none; most communities
get a 名誉法治副主任 (three of them with a term ending within 60 days), and every
street a 名誉法治副所长 from the guidance group's firm directors. Everything goes
through the services. A community that has ever been paired is left as it is, and
so is a street with a 名誉法治副所长 in office, so running it again creates nothing.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from firms.models import LawFirm, Lawyer
from pairing import services
from pairing.models import HonoraryPost, Pairing
from regions.models import Community, District, Street

UNPAIRED = 2
MAX_PER_FIRM = 3
EXPIRING = 3
PROGRAM_START = date(2020, 6, 1)


def _firm_order(rng: random.Random, firms: list[LawFirm], n: int) -> list[LawFirm]:
    """``n`` firms for ``n`` communities: each firm once before any twice, at most
    three times (more only if there are too few firms)."""
    first, more = list(firms), [f for f in firms for _ in range(MAX_PER_FIRM - 1)]
    rng.shuffle(first)
    rng.shuffle(more)
    order = (first + more)[:n]
    while len(order) < n:
        order.append(firms[len(order) % len(firms)])
    return order


@transaction.atomic
def seed(district: District, rng: random.Random, today: date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    created = {"pairings": 0, "liaisons": 0, "honorary_posts": 0}
    communities = list(
        Community.objects.filter(street__district=district, is_active=True)
        .select_related("street")
        .order_by("street__name", "name")
    )
    firms = list(LawFirm.objects.filter(district=district, is_active=True).order_by("name"))
    working = firms[:-1] if len(firms) > 1 else firms
    to_pair = communities[: max(len(communities) - UNPAIRED, 0)]
    if working and to_pair:
        _pair(rng, today, to_pair, working, created)
    _office_deputies(district, today, created)
    return created


def _pair(
    rng: random.Random,
    today: date,
    communities: list[Community],
    firms: list[LawFirm],
    created: dict[str, int],
) -> None:
    order = _firm_order(rng, firms, len(communities))
    paired_before = set(
        Pairing.objects.filter(community__in=communities).values_list("community_id", flat=True)
    )
    lawyers: dict[int, list[Lawyer]] = defaultdict(list)
    for lawyer in Lawyer.objects.filter(firm__in=firms, is_active=True).order_by("name"):
        lawyers[lawyer.firm_id].append(lawyer)
    deputies = 0
    with_account: set[int] = set()  # firms whose demo lawyer already serves as a liaison
    for index, (community, firm) in enumerate(zip(communities, order, strict=True)):
        start = min(PROGRAM_START + timedelta(days=rng.randint(0, 180)), today)
        staff = lawyers[firm.pk]
        n_liaisons = 0 if index == 0 else min(rng.choice((1, 2, 2)), len(staff))
        liaisons = rng.sample(staff, n_liaisons)
        # A visitor signing in as the firm's demo lawyer finds the questions of one
        # community routed to them: the lawyer with an account is a liaison once.
        accounted = [x for x in staff if x.user_id is not None and not x.is_director]
        if liaisons and accounted and firm.pk not in with_account:
            with_account.add(firm.pk)
            if accounted[0] not in liaisons:
                liaisons[0] = accounted[0]
        eligible = [x for x in staff if x.is_director or x.is_party_member]
        deputy = rng.choice(eligible) if eligible and rng.random() < 0.9 else None
        if community.pk in paired_before:
            continue  # the draws above keep the plan the same on every run
        pairing = services.pair_community(
            actor=None, community=community, firm=firm, start_date=start, today=today
        )
        created["pairings"] += 1
        for lawyer in liaisons:
            services.appoint_liaison(
                actor=None, pairing=pairing, lawyer=lawyer, start_date=start, today=today
            )
            created["liaisons"] += 1
        if deputy is not None:
            soon = deputies < EXPIRING
            term_end = today + timedelta(
                days=rng.randint(10, 50) if soon else rng.randint(200, 900)
            )
            services.appoint_honorary_post(
                actor=None,
                kind=HonoraryPost.Kind.COMMUNITY_DEPUTY,
                community=community,
                lawyer=deputy,
                start_date=start,
                term_end=term_end,
                today=today,
            )
            deputies += 1
            created["honorary_posts"] += 1


def _office_deputies(district: District, today: date, created: dict[str, int]) -> None:
    directors = list(services.eligible_office_deputies(district.pk).order_by("name"))
    if not directors:
        return
    streets = (
        Street.objects.filter(district=district, is_active=True)
        .filter(
            ~Exists(
                HonoraryPost.objects.filter(
                    street=OuterRef("pk"),
                    kind=HonoraryPost.Kind.OFFICE_DEPUTY,
                    end_date__isnull=True,
                )
            )
        )
        .order_by("name")
    )
    for index, street in enumerate(streets):
        services.appoint_honorary_post(
            actor=None,
            kind=HonoraryPost.Kind.OFFICE_DEPUTY,
            street=street,
            lawyer=directors[index % len(directors)],
            start_date=min(PROGRAM_START, today),
            term_end=today + timedelta(days=730),
            today=today,
        )
        created["honorary_posts"] += 1
