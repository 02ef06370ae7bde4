"""The roll-ups of the confirmed visits: the households each firm reached in a year
(HouseholdReach) and each firm's visits and first-reached households per community
and month (VisitMonth): kept by confirm_visit, equal to a rebuild from the visits,
read by the ranking."""

from datetime import date

from django.db.models import Count

from visits import services
from visits.models import HouseholdReach, Visit, VisitHousehold, VisitMonth
from visits.tests.factories import record


def _rows() -> set[tuple[int, str, int, int, date]]:
    return set(
        (r.firm_id, str(r.household), r.community_id, r.year, r.first_date)
        for r in HouseholdReach.objects.select_related("household")
    )


def _months() -> set[tuple[int, int, date, int, int]]:
    return set(
        VisitMonth.objects.values_list("firm_id", "community_id", "month", "visits", "households")
    )


def test_confirming_keeps_each_households_first_visit_of_the_year(paired):
    w = paired
    record(w, date=date(2026, 3, 10), addresses="3-2-301\n5-1-102")
    f, a1 = w.firm_f.pk, w.community_a1.pk
    assert _rows() == {
        (f, "3幢2单元301室", a1, 2026, date(2026, 3, 10)),
        (f, "5幢1单元102室", a1, 2026, date(2026, 3, 10)),
    }
    # Confirmed later but visited earlier: the first visit moves back; visited again
    # later: nothing changes; a new household joins.
    record(w, date=date(2026, 2, 2), addresses="5-1-102")
    record(w, date=date(2026, 4, 1), addresses="3-2-301\n7-1-101")
    assert _rows() == {
        (f, "3幢2单元301室", a1, 2026, date(2026, 3, 10)),
        (f, "5幢1单元102室", a1, 2026, date(2026, 2, 2)),
        (f, "7幢1单元101室", a1, 2026, date(2026, 4, 1)),
    }
    # Not confirmed (submitted, disputed): not reached.
    pending = record(w, confirm=False, date=date(2026, 1, 5), addresses="9-1-101\n3-2-301")
    services.dispute_visit(actor=w.community_staff_a1, visit=pending, reason="未见到律师")
    assert len(_rows()) == 3
    assert _months() == {
        (f, a1, date(2026, 2, 1), 1, 1),  # 5-1-102 first reached in February
        (f, a1, date(2026, 3, 1), 1, 1),  # 3-2-301 (5-1-102 moved to February)
        (f, a1, date(2026, 4, 1), 1, 1),  # 7-1-101
    }
    # A visit of the year before is that year's, not this year's.
    record(w, date=date(2025, 12, 30), addresses="3-2-301", today=date(2026, 1, 3))
    assert (f, "3幢2单元301室", a1, 2025, date(2025, 12, 30)) in _rows()
    assert len(_rows()) == 4
    # The rebuild from the visits gives the same rows.
    before, months = _rows(), _months()
    assert (f, a1, date(2025, 12, 1), 1, 1) in months and len(months) == 4
    assert services.rebuild_reach() == 4
    assert _rows() == before and _months() == months
    assert services.rebuild_reach(district_id=w.district.pk) == 4 and _rows() == before
    assert _months() == months


def test_the_roll_up_counts_what_count_distinct_over_the_visits_counts(paired):
    w = paired
    for day, addresses in (
        (date(2026, 1, 8), "1-1-101\n1-1-102\n1-1-103"),
        (date(2026, 2, 8), "1-1-102\n1-1-104"),
        (date(2026, 3, 8), "1-1-101"),
    ):
        record(w, date=day, addresses=addresses)
    record(w, confirm=False, date=date(2026, 3, 9), addresses="1-1-105")
    for last in (date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31)):
        distinct = VisitHousehold.objects.filter(
            visit__firm=w.firm_f,
            visit__status="confirmed",
            visit__date__gte=date(2026, 1, 1),
            visit__date__lte=last,
        ).aggregate(n=Count("household_id", distinct=True))["n"]
        assert HouseholdReach.objects.filter(
            firm=w.firm_f, year=2026, first_date__lte=last
        ).count() == distinct  # fmt: skip
    assert HouseholdReach.objects.filter(year=2026).count() == 4
    # The month rows: the confirmed visits of each month, the households first reached.
    for month in (date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)):
        row = VisitMonth.objects.get(firm=w.firm_f, community=w.community_a1, month=month)
        assert row.visits == Visit.objects.filter(
            firm=w.firm_f, status="confirmed", date__year=2026, date__month=month.month
        ).count()  # fmt: skip
    assert list(
        VisitMonth.objects.order_by("month").values_list("month", "visits", "households")
    ) == [(date(2026, 1, 1), 1, 3), (date(2026, 2, 1), 1, 1), (date(2026, 3, 1), 1, 0)]


def test_a_month_left_empty_has_no_row(paired):
    """A confirmation undone (as make load does, then recounting) leaves no row of 0."""
    w = paired
    visit = record(w, date=date(2026, 3, 10), addresses="3-2-301")
    assert VisitMonth.objects.count() == 1
    Visit.objects.filter(pk=visit.pk).update(status="submitted")
    services.refresh_reach(
        firm_id=w.firm_f.pk,
        year=2026,
        household_ids=visit.household_links.values_list("household_id", flat=True),
        months=[(w.community_a1.pk, date(2026, 3, 1))],
    )
    assert not VisitMonth.objects.exists() and not HouseholdReach.objects.exists()


def test_rebuild_without_confirmed_visits_empties_both_roll_ups(paired):
    w = paired
    visit = record(w, date=date(2026, 3, 10), addresses="3-2-301")
    Visit.objects.filter(pk=visit.pk).update(status="submitted")  # not through a service
    assert VisitMonth.objects.count() == 1
    assert services.rebuild_reach(district_id=w.district.pk) == 0
    assert not VisitMonth.objects.exists() and not HouseholdReach.objects.exists()


def test_rebuild_of_one_district_leaves_the_others(paired):
    w = paired
    record(w, date=date(2026, 3, 10), addresses="3-2-301")
    assert services.rebuild_reach(district_id=w.district.pk + 1000) == 0
    assert HouseholdReach.objects.count() == 1 and VisitMonth.objects.count() == 1
