"""The hand-made month of the ranking tests: March 2026 in district D.

Firm F is paired with A1 and A2 (1000 households each), firm G with B1 (1000), all
from 2025. The numbers each record gives are worked out in test_ranking.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from assessment.tests import factories as make
from core.testing import World

MARCH = date(2026, 3, 1)
APRIL_1 = make.at(date(2026, 4, 1), 9)


@dataclass
class March:
    world: World


def build_march(world: World) -> March:
    w = world
    f, g, lawyer, other = w.firm_f, w.firm_g, w.lawyer_l, w.lawyer_other
    since = date(2025, 1, 1)
    a1 = make.pair(w.community_a1, f, since)
    make.pair(w.community_a2, f, since)
    b1 = make.pair(w.community_b1, g, since)
    make.liaison(a1, lawyer, since)
    make.liaison(b1, other, since)
    # Visits: F planned 4 + 2, confirmed 3 (one submitted, one in February).
    make.plan(f, w.community_a1, 2026, {2: 1, 3: 4})
    make.plan(f, w.community_a2, 2026, {3: 2})
    make.plan(g, w.community_b1, 2026, {3: 2})
    make.visit(f, w.community_a1, date(2026, 3, 3), ["101", "102"], lawyer=lawyer)
    make.visit(f, w.community_a1, date(2026, 3, 9), ["102", "103"], lawyer=lawyer)
    make.visit(f, w.community_a2, date(2026, 3, 20), ["201"], lawyer=lawyer)
    make.visit(f, w.community_a1, date(2026, 3, 25), ["105"], status="submitted")
    make.visit(f, w.community_a1, date(2026, 2, 10), ["104"], lawyer=lawyer)
    for day, room in ((2, "301"), (12, "302"), (22, "303")):
        make.visit(g, w.community_b1, date(2026, 3, day), [room], lawyer=other)
    # Questions due in March.
    d, a1c, asker = w.district, w.community_a1, w.resident
    deadline = make.at(date(2026, 3, 10), 18)
    make.question(
        d, a1c, asker, deadline, assigned=[lawyer], status="active",
        replied_by=lawyer, replied_at=make.at(date(2026, 3, 10), 9),
        rating=5, closed_at=make.at(date(2026, 3, 12)),
    )  # fmt: skip
    make.question(
        d, a1c, asker, deadline, assigned=[lawyer], status="active",
        replied_by=lawyer, replied_at=make.at(date(2026, 3, 11), 9),
        rating=3, closed_at=make.at(date(2026, 3, 14)),
    )  # fmt: skip
    make.question(d, a1c, asker, deadline, assigned=[lawyer])
    make.question(
        d, a1c, asker, deadline, assigned=[lawyer, other], status="active",
        replied_by=other, replied_at=make.at(date(2026, 3, 10), 8),
        rating=2, closed_at=make.at(date(2026, 3, 15)),
    )  # fmt: skip
    make.question(d, a1c, asker, make.at(date(2026, 4, 2)), assigned=[lawyer])
    # Service days: F held one of two, G's was cancelled.
    make.service_day(w.community_a1, f, MARCH, "held")
    make.service_day(w.community_a2, f, MARCH, "scheduled")
    make.service_day(w.community_b1, g, MARCH, "cancelled")
    # Mediation: F's lawyer two successes, G's one success and one failure.
    for day in (5, 18):
        make.case(d, lawyer, make.at(date(2026, 3, day)), applied_by=asker)
    make.case(d, other, make.at(date(2026, 3, 8)), applied_by=asker)
    make.case(d, other, make.at(date(2026, 3, 9)), applied_by=asker, success=False)
    # Duty: L two full shifts and one without check-out; G none.
    make.shift(d, date(2026, 3, 2), lawyer)
    make.shift(d, date(2026, 3, 16), lawyer)
    make.shift(d, date(2026, 3, 30), lawyer, out=False)
    return March(world)


@pytest.fixture
def march(world: World) -> March:
    return build_march(world)
