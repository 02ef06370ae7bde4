"""The demo: a year of plausible visits, quick, idempotent, some communities behind."""

import random
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pairing.models import Pairing
from regions import demo as region_demo
from visits import demo
from visits.choices import ReportStatus, VisitStatus
from visits.coverage import community_coverage
from visits.models import (
    Household,
    MonthlyReport,
    ServiceDay,
    ServiceDayCheckin,
    Visit,
    VisitPlan,
)

TODAY = date(2026, 11, 20)


@pytest.fixture
def district(db, monkeypatch):  # type: ignore[no-untyped-def]
    """The demo district with its pairings, without the visits demo (seeded by the test
    on a fixed day)."""
    real = demo.seed
    monkeypatch.setattr(demo, "seed", lambda *args, **kwargs: {})
    region_demo.seed_demo()
    monkeypatch.setattr(demo, "seed", real)
    district = region_demo.demo_district()
    assert Visit.objects.count() == 0 and Pairing.objects.active().count() > 40
    return district


def test_demo_is_plausible_quick_and_idempotent(district):
    with CaptureQueriesContext(connection) as queries:
        created = demo.seed(district, random.Random(7), today=TODAY)
    # Quick: a bounded number of statements (1,318 today), never one per row (time: make bench).
    assert len(queries) < 2000
    assert created["visits"] > 1000 and created["plans"] >= 50

    visits = Visit.objects.filter(community__street__district=district)
    statuses = set(visits.values_list("status", flat=True))
    assert statuses == {
        VisitStatus.CONFIRMED,
        VisitStatus.SUBMITTED,
        VisitStatus.DISPUTED,
        VisitStatus.DRAFT,
    }
    assert visits.filter(date__year=2026, date__month=1).exists()
    assert not visits.filter(date__gt=TODAY).exists()
    # Older months are confirmed and locked; last month's reports submitted or late.
    reports = MonthlyReport.objects.filter(firm__district=district)
    assert set(reports.filter(month=date(2026, 9, 1)).values_list("status", flat=True)) == {
        ReportStatus.CONFIRMED
    }
    assert visits.filter(date__month=9, locked=True).exists()
    october = reports.filter(month=date(2026, 10, 1))
    assert october.filter(status=ReportStatus.SUBMITTED).exists()
    assert october.filter(is_late=True).exists()
    # Some communities behind plan, most not.
    rows = community_coverage(
        district.streets.first().communities.model.objects.filter(street__district=district),
        2026,
        today=TODAY,
    )
    planned = [r for r in rows if r.plan_year]
    behind = [r for r in planned if r.behind]
    assert 0 < len(behind) < len(planned) / 2
    assert ServiceDay.objects.filter(date__gt=TODAY).exists()
    assert ServiceDayCheckin.objects.exists()

    counts = (Visit.objects.count(), Household.objects.count(), VisitPlan.objects.count())
    again = demo.seed(district, random.Random(7), today=TODAY)
    assert sum(again.values()) == 0
    assert counts == (Visit.objects.count(), Household.objects.count(), VisitPlan.objects.count())


def test_every_demo_community_has_a_record_to_confirm(db):
    """Signing in as demo community staff (of a community with visits), there is a
    record waiting for them to confirm."""
    from regions.demo import seed_demo
    from regions.models import RegionRole
    from visits.models import Visit

    seed_demo()
    staff = RegionRole.objects.filter(role="community_staff", user__is_demo=True)
    first = staff.get(user__phone="13800000011")  # the one demo_logins lists first
    for role in staff:
        visits = Visit.objects.filter(community_id=role.community_id)
        if role == first or visits.exists():
            assert visits.filter(status="submitted").exists(), role.community_id
