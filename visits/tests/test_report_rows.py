"""The monthly report's table (visits.excel.report_rows): which communities it lists,
what each number counts, and a query budget that does not grow with the visits."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from core.testing import make_community
from pairing.models import Pairing
from regions.models import Community
from visits.choices import ReportStatus, VisitKind, VisitStatus
from visits.excel import report_rows
from visits.models import Household, MonthlyReport, Visit, VisitHousehold

MARCH = date(2026, 3, 1)


def visit(
    firm: Any,
    community: Community,
    day: date,
    rooms: list[str],
    *,
    status: str = VisitStatus.CONFIRMED,
    kind: str = VisitKind.DOOR_TO_DOOR,
    participants: int = 0,
    disputes: int = 0,
) -> Visit:
    """A visit written directly (any firm, any community), with its households."""
    v = Visit.objects.create(
        firm=firm,
        community=community,
        date=day,
        kind=kind,
        status=status,
        participants=participants,
        disputes_found=disputes,
        dispute_reason="不符" if status == VisitStatus.DISPUTED else "",
    )
    for room in rooms:
        household, _ = Household.objects.get_or_create(
            community=community, building="1", unit="1", room=room
        )
        VisitHousehold.objects.create(visit=v, household=household)
    return v


def report_for(w: Any, month: date = MARCH) -> MonthlyReport:
    return MonthlyReport.objects.create(
        firm=w.firm_f,
        street=w.street_a,
        month=month,
        status=ReportStatus.DRAFT,
        due_date=month + timedelta(days=40),
        compiled_at=timezone.now(),
    )


@pytest.fixture
def scene(paired):  # type: ignore[no-untyped-def]
    """Firm F in street A in March 2026, with every edge the table must respect."""
    w = paired
    f, g = w.firm_f, w.firm_g
    a1, a2, b1 = w.community_a1, w.community_a2, w.community_b1
    a3 = make_community(w.street_a, "甲三社区", households=50)  # visited, not paired
    a4 = make_community(w.street_a, "甲四社区", households=70)  # pairing ended in February
    a5 = make_community(w.street_a, "甲五社区", households=80)  # paired from April
    Pairing.objects.create(
        community=a4, firm=f, start_date=date(2025, 1, 1), end_date=date(2026, 2, 27)
    )
    Pairing.objects.create(community=a5, firm=f, start_date=date(2026, 4, 2))
    # March, firm F, A1: household 101 visited twice (counted once), 102 once.
    visit(f, a1, date(2026, 3, 2), ["101", "102"], participants=3)
    visit(f, a1, date(2026, 3, 20), ["101"], kind=VisitKind.LECTURE, participants=5, disputes=2)
    visit(f, a1, date(2026, 3, 31), ["103"])  # the last day of the month
    # Not counted in March's numbers:
    visit(f, a1, date(2026, 3, 25), ["104"], status=VisitStatus.SUBMITTED)  # not confirmed
    visit(f, a1, date(2026, 3, 26), ["105"], status=VisitStatus.DISPUTED)  # disputed
    visit(g, a1, date(2026, 3, 10), ["106", "101"], participants=9)  # another firm
    visit(f, a1, date(2026, 4, 1), ["107"])  # the next month
    visit(f, a1, date(2026, 2, 28), ["108"])  # the month before: covered this year
    visit(f, a1, date(2025, 12, 31), ["109"])  # last year: not covered
    visit(f, b1, date(2026, 3, 5), ["201"])  # another street
    visit(g, a2, date(2026, 1, 15), ["301"])  # A2: covered by G in January, not visited by F
    visit(f, a3, date(2026, 3, 12), ["401", "402"], participants=1)  # visited, unpaired
    visit(f, a4, date(2026, 3, 12), ["501"], status=VisitStatus.SUBMITTED)  # not confirmed
    return w


def test_rows_list_paired_or_visited_communities_of_the_street(scene):
    w = scene
    rows, _total = report_rows(report_for(w))
    # A1, A2 paired; 甲三 visited; 甲四 ended before the month; 甲五 starts after; B1 elsewhere.
    assert [r.name for r in rows] == sorted([w.community_a1.name, w.community_a2.name, "甲三社区"])


def test_rows_count_the_firms_confirmed_visits_of_the_month(scene):
    w = scene
    rows, total = report_rows(report_for(w))
    by_name = {r.name: r for r in rows}
    a1 = by_name[w.community_a1.name]
    assert (a1.visits, a1.households, a1.participants, a1.disputes) == (3, 3, 8, 2)
    assert a1.kinds == {VisitKind.DOOR_TO_DOOR.value: 2, VisitKind.LECTURE.value: 1}
    # Year to date (any firm's confirmed visits of the community): 101, 102, 103, 106, 108.
    assert a1.covered == 5
    assert a1.households_total == w.community_a1.households
    a2 = by_name[w.community_a2.name]
    assert (a2.visits, a2.households, a2.covered) == (0, 0, 1)
    a3 = by_name["甲三社区"]
    assert (a3.visits, a3.households, a3.participants, a3.covered) == (1, 2, 1, 2)
    assert (total.visits, total.households, total.participants, total.disputes) == (4, 5, 9, 2)
    assert total.covered == 8
    assert total.households_total == sum(r.households_total for r in rows)
    assert total.kinds == {VisitKind.DOOR_TO_DOOR.value: 3, VisitKind.LECTURE.value: 1}


def test_a_month_without_communities_gives_an_empty_table(paired):
    w = paired
    rows, total = report_rows(report_for(w, date(2024, 3, 1)))  # before the pairing
    assert rows == [] and (total.visits, total.covered, total.households_total) == (0, 0, 0)


def _report_page_queries(w: Any, client_for: Any, n: int) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    rooms = iter(range(1000, 2000))
    for i in range(n):
        community = (w.community_a1, w.community_a2)[i % 2]
        day = MARCH + timedelta(days=i % 28)
        visit(w.firm_f, community, day, [str(next(rooms)), str(next(rooms))], participants=1)
    report = report_for(w)
    client = client_for(w.firm_admin_f)
    url = reverse("visits:report_detail", args=[report.pk])
    client.get(url)  # the role bindings cached, as for every request after the first
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_report_page_queries_do_not_grow_with_the_visits(paired, client_for):
    few = _report_page_queries(paired, client_for, 1)
    MonthlyReport.objects.all().delete()
    many = _report_page_queries(paired, client_for, 30)
    assert many == few
