"""Jobs are registered and idempotent; scope of every model per persona."""

from datetime import date

import pytest

from core import jobs
from visits import services
from visits.models import (
    Household,
    Meeting,
    MonthlyReport,
    Notice,
    ServiceDay,
    ServiceDaySignup,
    Visit,
    VisitPlan,
)
from visits.tests.factories import record

JOBS = [
    "visits.compile_reports",
    "visits.flag_late_reports",
    "visits.schedule_service_days",
    "visits.flag_behind_plan",
]


@pytest.mark.parametrize("name", JOBS)
def test_jobs_are_registered_and_idempotent(paired, name):
    assert name in jobs.registered()
    jobs.run_job(name)
    counts = [m.objects.count() for m in (MonthlyReport, Notice, ServiceDay)]
    assert jobs.run_job(name) == 0
    assert counts == [m.objects.count() for m in (MonthlyReport, Notice, ServiceDay)]


def test_jobs_are_cheap_when_idle(paired, django_assert_max_num_queries):
    services.compile_reports(today=date(2026, 4, 1))
    services.schedule_service_days(today=date(2026, 4, 1))
    with django_assert_max_num_queries(3):
        assert services.compile_reports(today=date(2026, 4, 1)) == 0
    with django_assert_max_num_queries(3):
        assert services.schedule_service_days(today=date(2026, 4, 1)) == 0
    with django_assert_max_num_queries(2):
        assert services.flag_late_reports(today=date(2026, 4, 2)) == 0


def test_scope_per_persona(paired):
    w = paired
    visit = record(w, date=date(2026, 3, 3))
    services.file_plan(
        actor=w.firm_admin_f,
        firm=w.firm_f,
        community=w.community_a1,
        year=2026,
        months=[(1, 1)] * 12,
    )
    services.compile_reports(today=date(2026, 4, 1))
    services.schedule_service_days(today=date(2026, 3, 1))
    day = ServiceDay.objects.filter(community=w.community_a1).earliest("date")
    services.sign_up(user=w.resident, service_day=day, today=date(2026, 3, 1))
    meeting = services.save_meeting(
        actor=w.firm_admin_f,
        meeting=Meeting(
            district=w.district,
            firm=w.firm_f,
            date=date(2026, 3, 1),
            title="所务会",
            attendees="全体",
            minutes="部署",
        ),
    )

    def sees(model, user, obj) -> bool:  # type: ignore[no-untyped-def]
        return model.objects.visible_to(user).filter(pk=obj.pk).exists()

    report = MonthlyReport.objects.get(firm=w.firm_f)
    plan = VisitPlan.objects.get()
    household = Household.objects.earliest("pk")
    signup = ServiceDaySignup.objects.get()
    allowed = {
        "bureau_admin": {"visit", "report", "plan", "household", "signup", "meeting"},
        "street_staff_a": {"visit", "report", "plan", "household", "signup"},
        "community_staff_a1": {"visit", "plan", "household", "signup"},
        "firm_admin_f": {"visit", "report", "plan", "household", "signup", "meeting"},
        "lawyer_f": {"visit", "plan", "household", "meeting"},
        "lawyer_g": set(),
        "resident": {"signup"},
        "outsider": set(),
    }
    rows = {
        "visit": (Visit, visit),
        "report": (MonthlyReport, report),
        "plan": (VisitPlan, plan),
        "household": (Household, household),
        "signup": (ServiceDaySignup, signup),
        "meeting": (Meeting, meeting),
    }
    for persona, user in w.personas().items():
        seen = {name for name, (model, obj) in rows.items() if sees(model, user, obj)}
        assert seen == allowed[persona], persona
    # Service days are public; only the place's staff change them.
    assert ServiceDay.objects.visible_to(w.outsider).filter(pk=day.pk).exists()
    assert not ServiceDay.objects.editable_by(w.firm_admin_f).filter(pk=day.pk).exists()
    assert ServiceDay.objects.editable_by(w.community_staff_a1).filter(pk=day.pk).exists()


def test_a_visit_carries_its_communitys_street_and_district(paired):
    """The bureau's and the street's lists read the visit's own columns (each with an
    index by date), not the community's street through two joins."""
    w = paired
    visit = Visit.objects.get(pk=record(w, date=date(2026, 3, 3)).pk)
    a1 = w.community_a1
    assert (visit.street_id, visit.district_id) == (a1.street_id, w.district.pk)
    for user in (w.bureau_admin, w.street_staff_a):
        sql = str(Visit.objects.visible_to(user).query)
        assert "regions_street" not in sql and "regions_community" not in sql, sql
        assert Visit.objects.visible_to(user).filter(pk=visit.pk).exists()
    # Moved to a community of another street, the visit follows it (and its staff).
    b1 = w.community_b1
    assert b1.street_id != a1.street_id
    visit.community = b1
    visit.save(update_fields=["community"])
    visit.refresh_from_db()
    assert (visit.street_id, visit.district_id) == (b1.street_id, b1.street.district_id)
    assert not Visit.objects.visible_to(w.street_staff_a).filter(pk=visit.pk).exists()
    assert Visit.objects.visible_to(w.bureau_admin).filter(pk=visit.pk).exists()
