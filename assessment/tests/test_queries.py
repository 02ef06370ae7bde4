"""Query counts stay flat as the data grows: the ranking page, the drill-down, the
dashboards, and the list endpoints; computing a month is a fixed number of queries."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from api.testing import api_client
from assessment import services, subsidies
from assessment.models import MonthlyScore
from assessment.tests import factories as make
from assessment.tests.conftest import APRIL_1, MARCH
from core.testing import make_community, make_firm, make_lawyer

# Budgets with room for the session, the user and the role bindings of each request.
BUDGETS = {
    "month": 14,
    "metric": 12,
    "district_dashboard": 22,
    "firm_dashboard": 20,
    "api_scores": 10,
    "api_items": 10,
}
COMPUTE_BUDGET = 35
EXTRA_FIRMS = 8  # each with a dozen records of every kind: many more rows than any budget


def grow(world) -> None:  # type: ignore[no-untyped-def]
    """More firms, communities and records of every kind in March."""
    d = world.district
    for n in range(EXTRA_FIRMS):
        firm = make_firm(d)
        lawyer = make_lawyer(firm)
        community = make_community(world.street_a, households=500)
        pairing = make.pair(community, firm, date(2025, 1, 1))
        make.liaison(pairing, lawyer, date(2025, 1, 1))
        make.plan(firm, community, 2026, {3: 5})
        for day in range(1, 13):
            make.visit(
                firm, community, date(2026, 3, day), [f"{n}{day}1", f"{n}{day}2"], lawyer=lawyer
            )
            make.question(
                d,
                community,
                world.resident,
                make.at(date(2026, 3, day), 18),
                assigned=[lawyer],
                status="active",
                replied_by=lawyer,
                replied_at=make.at(date(2026, 3, day), 9),
                rating=4,
                closed_at=make.at(date(2026, 3, day), 20),
            )
            make.shift(d, date(2026, 3, day), lawyer, out=day % 3 != 0)
            make.case(d, lawyer, make.at(date(2026, 3, day)), applied_by=world.resident)
        make.service_day(community, firm, MARCH, "held")


def measure(world, ranking) -> dict[str, int]:  # type: ignore[no-untyped-def]
    from django.test import Client

    f = MonthlyScore.objects.get(ranking=ranking, firm=world.firm_f)
    bureau, firm_admin = Client(), Client()
    bureau.force_login(world.bureau_admin)
    firm_admin.force_login(world.firm_admin_f)
    pages = {
        "month": (bureau, reverse("assessment:month_detail", args=[ranking.pk])),
        "metric": (bureau, reverse("assessment:metric_detail", args=[f.pk, "visits"])),
        "district_dashboard": (
            bureau,
            reverse("assessment:district_dashboard", args=[world.district.pk]) + "?year=2026",
        ),
        "firm_dashboard": (
            firm_admin,
            reverse("assessment:firm_dashboard", args=[world.firm_f.pk]) + "?year=2026",
        ),
    }
    counts = {}
    for name, (client, url) in pages.items():
        client.get(url)  # warm the session
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts[name] = len(queries)
    api = api_client(User.objects.get(pk=world.bureau_admin.pk))  # no cached role bindings
    for name, url in (("api_scores", "/api/monthly-scores/"), ("api_items", "/api/subsidy-items/")):
        with CaptureQueriesContext(connection) as queries:
            assert api.get(url).status_code == 200
        counts[name] = len(queries)
    return counts


def _compute(world):  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as queries:
        ranking = services.compute_month(
            actor=None, district=world.district, month=MARCH, now=APRIL_1
        )
    # One statement per metric, whatever the firm count (a draft's evidence is not
    # written down; inserts are counted apart, SQLite batching them small).
    return ranking, sum(1 for q in queries if not q["sql"].startswith("INSERT"))


def _subsidies(world) -> None:  # type: ignore[no-untyped-def]
    period = subsidies.SubsidyPeriod.objects.filter(district=world.district).first()
    if period is None:
        period = subsidies.create_period(
            actor=None, district=world.district, start=date(2026, 1, 1), end=date(2026, 12, 31)
        )
    subsidies.generate_items(actor=None, period=period, now=make.at(date(2026, 12, 31)))


@pytest.mark.urls("assessment.tests.urls")
def test_query_counts_do_not_grow_with_the_data(march):
    world = march.world
    ranking, compute_small = _compute(world)
    _subsidies(world)
    small = measure(world, ranking)

    grow(world)
    ranking.delete()  # computed afresh, like the first time
    ranking, compute_large = _compute(world)
    _subsidies(world)
    assert MonthlyScore.objects.filter(ranking=ranking).count() == 2 + EXTRA_FIRMS
    large = measure(world, ranking)

    assert large == small
    for name, count in large.items():
        assert count <= BUDGETS[name], (name, count)
    # Computing is one query per metric (and per evidence kind), not per firm.
    assert compute_large == compute_small <= COMPUTE_BUDGET
