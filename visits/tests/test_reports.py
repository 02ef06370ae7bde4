"""Monthly reports: compiled by a job, submitted, confirmed or returned, late ones
flagged; a confirmed report locks its records. Plans, goals and behind-plan notices."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from regions import services as region_services
from visits import services
from visits.choices import NoticeKind, ReportStatus
from visits.models import MonthlyReport, Notice, VisitPlan
from visits.tests.factories import record, visit_input

TZ = ZoneInfo("Asia/Shanghai")
MARCH = date(2026, 3, 1)


def at(y: int, m: int, d: int, hour: int = 10) -> datetime:
    return datetime(y, m, d, hour, tzinfo=TZ)


@pytest.fixture
def march(paired):  # type: ignore[no-untyped-def]
    """Two confirmed visits of firm F in street A in March (one household twice)."""
    w = paired
    record(w, date=date(2026, 3, 2), addresses="3-2-301\n3-2-302", participants=2)
    record(
        w,
        date=date(2026, 3, 20),
        addresses="3幢2单元301室",
        disputes_found=1,
        dispute_notes="楼上漏水",
    )
    record(w, date=date(2026, 3, 21), confirm=False, addresses="9-9-909")  # not confirmed
    services.compile_reports(today=date(2026, 4, 1))
    return w


def test_compile_is_idempotent_and_counts_confirmed_visits_once_per_household(march):
    w = march
    assert services.compile_reports(today=date(2026, 4, 1)) == 0
    reports = MonthlyReport.objects.filter(month=MARCH)
    # Firm F works in street A (A1, A2), firm G in street B: one report each.
    assert sorted((r.firm_id, r.street_id) for r in reports) == [
        (w.firm_f.pk, w.street_a.pk),
        (w.firm_g.pk, w.street_b.pk),
    ]
    report = reports.get(firm=w.firm_f)
    assert (report.visit_count, report.household_count, report.dispute_count) == (2, 2, 1)
    assert report.participant_count == 2
    assert report.due_date == date(2026, 4, 5)  # the district's default due day
    assert report.status == ReportStatus.DRAFT


def test_due_date_follows_the_district_setting(paired):
    w = paired
    region_services.update_district_settings(
        actor=w.bureau_admin, district=w.district, values={"report_due_day": 10}
    )
    services.compile_reports(today=date(2026, 4, 1))
    assert set(MonthlyReport.objects.values_list("due_date", flat=True)) == {date(2026, 4, 10)}


def test_compile_defaults_to_the_month_before(paired):
    assert services.compile_reports(today=date(2026, 5, 17)) == 2
    assert set(MonthlyReport.objects.values_list("month", flat=True)) == {date(2026, 4, 1)}


def test_submit_confirm_locks_the_months_records(march):
    w = march
    report = MonthlyReport.objects.get(firm=w.firm_f, month=MARCH)
    with pytest.raises(PermissionDenied):  # another firm's admin, a lawyer, the street
        services.submit_report(actor=w.lawyer_f, report=report, now=at(2026, 4, 2))
    with pytest.raises(PermissionDenied):
        services.submit_report(actor=w.street_staff_a, report=report, now=at(2026, 4, 2))
    services.submit_report(
        actor=w.firm_admin_f, report=report, summary="三月走访顺利", now=at(2026, 4, 2)
    )
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED and not report.is_late
    with pytest.raises(PermissionDenied):  # the firm cannot confirm its own report
        services.confirm_report(actor=w.firm_admin_f, report=report)
    services.confirm_report(actor=w.street_staff_a, report=report, now=at(2026, 4, 3))
    report.refresh_from_db()
    assert report.status == ReportStatus.CONFIRMED
    march_visits = report.firm.visits.filter(date__month=3)
    assert march_visits.count() == 3 and all(v.locked for v in march_visits)
    # Locked: no change, no confirmation, no new record in March.
    draft = march_visits.get(status="submitted")
    with pytest.raises(ValidationError):
        services.update_visit(
            actor=w.lawyer_f, visit=draft, data=visit_input(w), today=date(2026, 4, 5)
        )
    with pytest.raises(ValidationError):
        services.confirm_visit(actor=w.community_staff_a1, visit=draft)
    with pytest.raises(ValidationError) as exc:
        services.record_visit(
            actor=w.lawyer_f, data=visit_input(w, date=date(2026, 3, 30)), today=date(2026, 4, 5)
        )
    assert "已锁定" in exc.value.message_dict["date"][0]
    # April is open.
    services.record_visit(
        actor=w.lawyer_f, data=visit_input(w, date=date(2026, 4, 1)), today=date(2026, 4, 5)
    )


def test_return_with_comments_and_resubmit(march):
    w = march
    report = MonthlyReport.objects.get(firm=w.firm_f, month=MARCH)
    services.submit_report(actor=w.firm_admin_f, report=report, now=at(2026, 4, 2))
    with pytest.raises(ValidationError):
        services.return_report(actor=w.street_staff_a, report=report, comment=" ")
    services.return_report(actor=w.street_staff_a, report=report, comment="请补充纠纷跟进情况")
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED and report.review_comment
    assert not report.firm.visits.filter(locked=True).exists()
    services.submit_report(actor=w.firm_admin_f, report=report, now=at(2026, 4, 4))
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


def test_report_of_the_current_month_cannot_be_submitted_early(paired):
    w = paired
    services.compile_reports(month=MARCH)
    report = MonthlyReport.objects.get(firm=w.firm_f, month=MARCH)
    with pytest.raises(ValidationError):
        services.submit_report(actor=w.firm_admin_f, report=report, now=at(2026, 3, 31, 23))


def test_street_staff_of_another_street_cannot_review(march):
    w = march
    report = MonthlyReport.objects.get(firm=w.firm_g, month=MARCH)  # street B
    services.submit_report(actor=w.superuser, report=report, now=at(2026, 4, 2))
    with pytest.raises(PermissionDenied):
        services.confirm_report(actor=w.street_staff_a, report=report)


def test_late_reports_are_flagged_once_and_notified(march):
    w = march
    assert services.flag_late_reports(today=date(2026, 4, 5)) == 0  # due today: not late
    assert services.flag_late_reports(today=date(2026, 4, 6)) == 2
    assert services.flag_late_reports(today=date(2026, 4, 6)) == 0  # idempotent
    notices = Notice.objects.filter(kind=NoticeKind.REPORT_LATE)
    assert notices.count() == 2
    f_notice = notices.get(firm=w.firm_f)
    # The firm, the 司法所 of the street and the bureau see it; the other firm does not.
    for user in (w.firm_admin_f, w.street_staff_a, w.bureau_admin):
        assert Notice.objects.visible_to(user).filter(pk=f_notice.pk).exists()
    assert not Notice.objects.visible_to(w.lawyer_g).filter(pk=f_notice.pk).exists()
    assert not Notice.objects.visible_to(w.outsider).exists()
    # Submitting late keeps the flag and resolves the notice.
    report = MonthlyReport.objects.get(firm=w.firm_f, month=MARCH)
    services.submit_report(actor=w.firm_admin_f, report=report, now=at(2026, 4, 8))
    report.refresh_from_db()
    f_notice.refresh_from_db()
    assert report.is_late and f_notice.resolved_at is not None


def test_submitted_after_due_date_is_late_without_the_job(march):
    w = march
    report = MonthlyReport.objects.get(firm=w.firm_f, month=MARCH)
    services.submit_report(actor=w.firm_admin_f, report=report, now=at(2026, 4, 6, 0))
    report.refresh_from_db()
    assert report.is_late


def test_refresh_picks_up_newly_confirmed_visits(march):
    w = march
    report = MonthlyReport.objects.get(firm=w.firm_f, month=MARCH)
    pending = report.firm.visits.get(status="submitted")
    services.confirm_visit(actor=w.community_staff_a1, visit=pending)
    services.refresh_report(actor=w.firm_admin_f, report=report)
    report.refresh_from_db()
    assert (report.visit_count, report.household_count) == (3, 3)


# --- plans, goals, behind plan -------------------------------------------------------


def months(households: int, visits: int = 2) -> list[tuple[int, int]]:
    return [(visits, households)] * 12


def test_firm_files_and_revises_a_plan_keeping_the_revision(paired):
    w = paired
    first = services.file_plan(
        actor=w.firm_admin_f, firm=w.firm_f, community=w.community_a1, year=2026, months=months(20)
    )
    assert (first.visits_total, first.households_total) == (24, 240)
    with pytest.raises(ValidationError):  # a revision needs its reason
        services.file_plan(
            actor=w.firm_admin_f,
            firm=w.firm_f,
            community=w.community_a1,
            year=2026,
            months=months(30),
        )
    second = services.file_plan(
        actor=w.firm_admin_f,
        firm=w.firm_f,
        community=w.community_a1,
        year=2026,
        months=months(30),
        reason="街道要求提速",
    )
    first.refresh_from_db()
    assert (first.is_current, second.is_current, second.revision) == (False, True, 2)
    assert VisitPlan.objects.filter(community=w.community_a1).count() == 2
    assert list(second.months.values_list("households", flat=True)) == [30] * 12


def test_plan_rules(paired):
    w = paired
    with pytest.raises(PermissionDenied):  # a lawyer, another firm's admin, the bureau
        services.file_plan(
            actor=w.lawyer_f, firm=w.firm_f, community=w.community_a1, year=2026, months=months(1)
        )
    with pytest.raises(ValidationError):  # not paired with firm F
        services.file_plan(
            actor=w.firm_admin_f,
            firm=w.firm_f,
            community=w.community_b1,
            year=2026,
            months=months(1),
        )
    with pytest.raises(ValidationError) as exc:  # more households than the community has
        services.file_plan(
            actor=w.firm_admin_f,
            firm=w.firm_f,
            community=w.community_a1,
            year=2026,
            months=months(100),
        )
    assert "超过了社区总户数" in exc.value.messages[0]
    assert not VisitPlan.objects.exists()


def test_district_goal_is_set_by_the_bureau(paired):
    w = paired
    goal = services.set_district_goal(
        actor=w.bureau_admin, district=w.district, year=2026, values={"households_target": 12000}
    )
    assert goal.households_target == 12000 and goal.coverage_target_percent == 100
    with pytest.raises(PermissionDenied):
        services.set_district_goal(
            actor=w.street_staff_a, district=w.district, year=2026, values={}
        )


def test_communities_behind_plan_are_flagged_to_firm_and_street_once(paired):
    w = paired
    services.file_plan(
        actor=w.firm_admin_f, firm=w.firm_f, community=w.community_a1, year=2026, months=months(1)
    )
    services.file_plan(
        actor=w.firm_admin_f, firm=w.firm_f, community=w.community_a2, year=2026, months=months(1)
    )
    record(w, community=w.community_a2, addresses="1-1-1\n1-1-2\n1-1-3", date=date(2026, 2, 1))
    # Through February, 2 households were due: A1 has none (behind), A2 has 3 (ahead).
    assert services.flag_behind_plan(today=date(2026, 3, 10)) == 1
    assert services.flag_behind_plan(today=date(2026, 3, 11)) == 0
    notice = Notice.objects.get(kind=NoticeKind.BEHIND_PLAN)
    assert (notice.community, notice.firm, notice.street) == (
        w.community_a1,
        w.firm_f,
        w.street_a,
    )
    assert Notice.objects.visible_to(w.street_staff_a).filter(pk=notice.pk).exists()
    assert Notice.objects.visible_to(w.firm_admin_f).filter(pk=notice.pk).exists()
    assert not Notice.objects.visible_to(w.lawyer_g).exists()
    # A new month, a new notice.
    assert services.flag_behind_plan(today=date(2026, 4, 2)) == 1
