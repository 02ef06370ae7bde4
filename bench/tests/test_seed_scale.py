"""manage.py seed_scale at the tiny scale: the planned rows, valid for the app."""

from __future__ import annotations

import io
import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, models
from django.db.models import Count, F, Max, Q
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from assessment.choices import RankingStatus
from assessment.models import Bulletin, RankingMonth
from bench import seed as seed_module
from bench.seed import SCALE_PASSWORD, SCALES, Plan, World
from consultations import knowledge
from consultations.choices import QuestionStatus, ShiftStatus
from consultations.models import (
    CaseCounter,
    DutyShift,
    KnowledgeEntry,
    Question,
    QuestionAssignment,
    Reply,
)
from consultations.numbering import CASE_NUMBER_RE
from firms.models import FirmAdmin, LawFirm, Lawyer
from mediation.models import Case, Party
from pairing.models import Liaison, Pairing
from points import services as points_services
from points.choices import CouponStatus, EntryKind
from points.models import Coupon, LedgerEntry, Offer, PointsAccount
from regions.models import (
    Community,
    District,
    DistrictSettings,
    RegionRole,
    ResidentProfile,
    Street,
)
from visits.choices import ReportStatus, ServiceDayStatus, VisitStatus
from visits.models import Household, MonthlyReport, ServiceDay, Visit, VisitHousehold
from visits.services import add_months, report_due_date, report_totals

pytestmark = pytest.mark.django_db  # in a transaction: the migrations' rows come back after


@pytest.fixture
def seeded(tmp_path: Path) -> dict[str, Any]:
    path = tmp_path / "logins.json"
    call_command("seed_scale", scale="tiny", no_progress=True, logins=str(path), stdout=_Null())
    return json.loads(path.read_text(encoding="utf-8"))


class _Null:
    def write(self, *_args: Any) -> None:
        pass

    def flush(self) -> None:
        pass


def _world() -> World:
    world = World(Plan.for_scale("tiny"), now=None)  # type: ignore[arg-type]
    world.build()
    return world


def test_counts_match_the_plan(seeded: dict[str, Any]) -> None:
    plan = Plan.for_scale("tiny")
    world = _world()
    assert District.objects.count() == plan.districts
    assert Street.objects.count() == world.streets
    assert Community.objects.count() == plan.communities
    assert LawFirm.objects.count() == plan.firms
    assert Lawyer.objects.count() == plan.lawyers
    assert FirmAdmin.objects.count() == plan.firms
    assert Visit.objects.count() == plan.visits
    assert Question.objects.count() == plan.questions
    assert Case.objects.count() == plan.cases
    assert Party.objects.count() == 2 * plan.cases
    assert LedgerEntry.objects.count() == plan.ledger
    assert ResidentProfile.objects.count() == plan.residents
    assert PointsAccount.objects.count() == plan.residents
    assert User.objects.count() == world.counts["users"]
    assert Pairing.objects.count() == plan.communities
    # Every question with a lawyer reply has its thread; each is routed.
    answered = Question.objects.filter(first_replied_at__isnull=False).count()
    assert Reply.objects.count() == answered > 0
    assert not Question.objects.filter(assignments__isnull=True).exists()


def test_scales_follow_the_table() -> None:
    tiny, district, city, province = (Plan.for_scale(s) for s in SCALES)
    assert (tiny.communities, tiny.residents, tiny.visits, tiny.ledger) == (20, 500, 2000, 5000)
    assert district.communities == 54 and district.districts == 1
    assert district.residents == 50_000 and district.questions == 20_000
    assert city.districts == 10 and city.communities == 1_500
    assert province.districts == 90 and province.communities == 20_000
    assert province.visits == 3_000_000 and province.ledger == 5_000_000


def test_the_same_seed_gives_the_same_rows(tmp_path: Path) -> None:
    def snapshot() -> list[Any]:
        return [
            list(Question.objects.order_by("pk").values_list("case_number", "posted_at", "status")),
            list(Visit.objects.order_by("pk").values_list("date", "status", "participants")),
            list(LedgerEntry.objects.order_by("pk").values_list("account_id", "amount")),
            list(Case.objects.order_by("pk").values_list("status", "applied_at")),
        ]

    def seed(n: int) -> list[Any]:
        call_command(
            "seed_scale",
            scale="tiny",
            seed=n,
            no_progress=True,
            stdout=_Null(),
            logins=str(tmp_path / "l.json"),
        )
        return snapshot()

    first = seed(7)
    assert seed(7) == first  # reseeding generated data needs no --force
    assert seed(8) != first


def test_audit_and_ledger_checks_pass(seeded: dict[str, Any]) -> None:
    out = io.StringIO()
    call_command("verify_ledger", stdout=out)
    assert "全部一致" in out.getvalue()
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    assert "完整" in out.getvalue()


def test_rows_are_valid_for_the_app(seeded: dict[str, Any]) -> None:
    connection.check_constraints()  # foreign keys (and checks) of every table
    # One active pairing per community, with a firm of the community's district.
    assert (
        Community.objects.annotate(n=Count("pairings", filter=Q(pairings__end_date__isnull=True)))
        .exclude(n=1)
        .count()
        == 0
    )
    assert not Pairing.objects.exclude(firm__district=F("community__street__district")).exists()
    assert not Liaison.objects.exclude(lawyer__firm=F("pairing__firm")).exists()
    # Questions go to lawyers of the paired firm, with the SLA columns.
    assert not QuestionAssignment.objects.exclude(
        lawyer__firm__pairings__community=F("question__community")
    ).exists()
    for q in Question.objects.all():
        assert CASE_NUMBER_RE.match(q.case_number)
        assert q.reply_deadline - q.posted_at == timedelta(hours=24)
        assert q.reminder1_due_at < q.reminder2_due_at < q.reply_deadline
        if q.first_replied_at is None:
            assert q.status == QuestionStatus.OPEN and q.deadline_met is None
        else:
            assert q.deadline_met == (q.first_replied_at <= q.reply_deadline)
    assert not Reply.objects.exclude(author=F("lawyer__user")).exists()
    assert not Question.objects.exclude(asker__resident_profile__community=F("community")).exists()
    # The case counters continue after the numbers handed out.
    for counter in CaseCounter.objects.all():
        prefix = f"{counter.prefix}-{counter.district_code}-{counter.day:%Y%m%d}-"
        model = Question if counter.prefix == "ZX" else Case
        top = model.objects.filter(case_number__startswith=prefix).aggregate(m=Max("case_number"))
        assert top["m"] == f"{prefix}{counter.last:06d}"
    # Mediation cases have both parties, the applicant being the resident who applied.
    assert not Case.objects.annotate(n=Count("parties")).exclude(n=2).exists()
    assert not Party.objects.filter(role="applicant").exclude(user=F("case__applied_by")).exists()
    # Visits are of the paired firm; confirmed ones by the community's staff.
    assert not Visit.objects.exclude(firm__pairings__community=F("community")).exists()
    assert Visit.objects.filter(status=VisitStatus.CONFIRMED).count() > 0
    # Each visit reached one household of its own community; households are unique.
    assert VisitHousehold.objects.count() == Visit.objects.count()
    assert not VisitHousehold.objects.exclude(household__community=F("visit__community")).exists()
    assert Household.objects.count() == ResidentProfile.objects.count()
    # Points: balances are the sums of the ledger, as the points app checks them.
    checked, problems = points_services.ledger_mismatches()
    assert checked == PointsAccount.objects.count() and problems == []
    assert PointsAccount.objects.filter(balance__gt=0).count() > 0
    # Role bindings: a bureau admin per district, staff per street and community.
    assert RegionRole.objects.filter(role="bureau_admin").count() == District.objects.count()


def test_rankings_as_the_assessment_app_stores_them(seeded: dict[str, Any]) -> None:
    months = RankingMonth.objects.filter(district_id=1).order_by("month")
    assert months.count() == 12
    assert [m.status for m in months][-1] == RankingStatus.DRAFT
    assert {m.status for m in list(months)[:-1]} == {RankingStatus.PUBLISHED}
    assert Bulletin.objects.filter(district_id=1).count() == 11
    last = months.last()
    assert last is not None and last.scores.count() == LawFirm.objects.filter(district_id=1).count()


def _signed_in(phone: str, password: str = SCALE_PASSWORD) -> Client:
    client = Client()
    response = client.post(reverse("accounts:login"), {"phone": phone, "password": password})
    assert response.status_code == 302, response.content[:500]
    return client


def test_generated_resident_signs_in_and_sees_their_questions(seeded: dict[str, Any]) -> None:
    resident = seeded["resident"]
    client = _signed_in(resident["phone"])
    response = client.get(reverse("consultations:mine"))
    assert response.status_code == 200
    mine = Question.objects.filter(asker_id=resident["user_id"])
    assert mine.exists()
    assert mine.first().case_number in response.content.decode()  # type: ignore[union-attr]


def test_wrong_password_does_not_sign_in(seeded: dict[str, Any]) -> None:
    response = Client().post(
        reverse("accounts:login"), {"phone": seeded["resident"]["phone"], "password": "Wrong@2026x"}
    )
    assert response.status_code == 200


def test_lawyer_queue_shows_questions(seeded: dict[str, Any]) -> None:
    lawyer_user = User.objects.get(pk=seeded["lawyer"]["user_id"])
    client = Client()
    client.force_login(lawyer_user)
    response = client.get(reverse("consultations:queue"))
    assert response.status_code == 200
    live = Question.objects.filter(
        assignments__lawyer__user=lawyer_user, status__in=["open", "answered"]
    ).first()
    assert live is not None
    assert live.case_number in response.content.decode()


def test_ranking_page_renders(seeded: dict[str, Any]) -> None:
    client = Client()
    client.force_login(User.objects.get(pk=seeded["bureau_admin"]["user_id"]))
    assert client.get(reverse("assessment:month_list")).status_code == 200
    last = RankingMonth.objects.filter(district_id=1).order_by("-month").first()
    assert last is not None
    response = client.get(reverse("assessment:month_detail", args=[last.pk]))
    assert response.status_code == 200
    assert LawFirm.objects.filter(district_id=1).first().name in response.content.decode()  # type: ignore[union-attr]


def test_refuses_a_database_with_other_data_unless_forced(tmp_path: Path) -> None:
    real = District.objects.create(name="上城区", code="330102")
    with pytest.raises(CommandError, match=r"已有非压测数据.*--force"):
        call_command("seed_scale", scale="tiny", no_progress=True, stdout=_Null())
    assert list(District.objects.all()) == [real]  # nothing changed
    assert not User.objects.exists()
    path = tmp_path / "again.json"
    call_command(
        "seed_scale", scale="tiny", no_progress=True, force=True, logins=str(path), stdout=_Null()
    )
    assert not District.objects.filter(pk=real.pk, name="上城区").exists()
    assert Question.objects.count() == Plan.for_scale("tiny").questions
    assert "resident" in json.loads(path.read_text(encoding="utf-8"))


def test_refuses_a_negative_seed() -> None:
    with pytest.raises(CommandError, match="--seed"):
        call_command("seed_scale", scale="tiny", seed=-1, no_progress=True, stdout=_Null())
    assert not District.objects.exists()


def _default(name: str) -> Any:
    field = DistrictSettings._meta.get_field(name)
    assert isinstance(field, models.Field)
    return field.get_default()


def _this_month() -> Any:
    return timezone.localdate().replace(day=1)


def test_service_days_one_per_community_and_month(seeded: dict[str, Any]) -> None:
    plan = Plan.for_scale("tiny")
    this = _this_month()
    months = {add_months(this, k) for k in range(-12, 1)}
    assert ServiceDay.objects.count() == plan.communities * 13
    per = Community.objects.annotate(
        n=Count("service_days"), m=Count("service_days__month", distinct=True)
    )
    assert {(c.n, c.m) for c in per} == {(13, 13)}
    assert set(ServiceDay.objects.values_list("month", flat=True).distinct()) == months
    day = _default("service_day_of_month")
    for sd in ServiceDay.objects.all():
        assert sd.date == sd.month.replace(day=day)
        assert sd.end_time > sd.start_time
    # Served by the community's paired firm.
    assert not ServiceDay.objects.exclude(firm__pairings__community=F("community")).exists()
    # This month is scheduled; past months mostly held, some cancelled or not held.
    assert set(ServiceDay.objects.filter(month=this).values_list("status", flat=True)) == {
        ServiceDayStatus.SCHEDULED
    }
    past = ServiceDay.objects.filter(month__lt=this)
    held = past.filter(status=ServiceDayStatus.HELD).count()
    cancelled = past.filter(status=ServiceDayStatus.CANCELLED).count()
    not_held = past.filter(status=ServiceDayStatus.SCHEDULED).count()
    assert held + cancelled + not_held == plan.communities * 12
    assert held > 0.8 * past.count() and cancelled > 0 and not_held > 0


def test_monthly_reports_total_the_confirmed_visits(seeded: dict[str, Any]) -> None:
    world = _world()
    this = _this_month()
    last = add_months(this, -1)
    reports = MonthlyReport.objects.all()
    assert reports.count() > 0
    assert not reports.filter(month__gte=this).exists()
    assert not reports.filter(month__lt=add_months(this, -12)).exists()
    due_day = _default("report_due_day")
    for k in range(-12, 0):
        month = add_months(this, k)
        expected = report_totals(month)  # the app's own compilation
        assert expected, month
        got = {
            (r.firm_id, r.street_id): {
                "visit_count": r.visit_count,
                "participant_count": r.participant_count,
                "dispute_count": r.dispute_count,
                "household_count": r.household_count,
            }
            for r in reports.filter(month=month)
        }
        assert got == expected, month
    for r in reports:
        assert r.due_date == report_due_date(r.month, due_day)
        assert FirmAdmin.objects.filter(firm_id=r.firm_id, user_id=r.submitted_by_id).exists()
        assert r.submitted_at is not None and r.compiled_at <= r.submitted_at
        assert r.is_late == (timezone.localdate(r.submitted_at) > r.due_date)
        if r.month == last:
            assert r.status == ReportStatus.SUBMITTED and r.reviewed_by_id is None
        else:
            assert r.status == ReportStatus.CONFIRMED
            assert r.reviewed_by_id == world.user_id("street", r.street_id - 1)
            assert r.reviewed_at is not None and r.reviewed_at >= r.submitted_at
            assert RegionRole.objects.filter(
                user_id=r.reviewed_by_id, role="street_staff", street_id=r.street_id
            ).exists()


def test_duty_shifts_of_the_district_volunteers(seeded: dict[str, Any]) -> None:
    plan = Plan.for_scale("tiny")
    today = timezone.localdate()
    shifts = DutyShift.objects.all()
    assert shifts.count() == plan.districts * (365 + 30)
    # One a day per district, over the past year and the next 30 days.
    per_day = shifts.values("district_id", "date").annotate(n=Count("pk"))
    assert {row["n"] for row in per_day} == {1}
    dates = shifts.aggregate(last=Max("date"), n=Count("date", distinct=True))
    assert dates["n"] == 395 and dates["last"] == today + timedelta(days=29)
    assert not shifts.exclude(lawyer__is_volunteer=True).exists()
    assert not shifts.exclude(lawyer__firm__district=F("district")).exists()
    assert shifts.values("lawyer").distinct().count() > 1  # a rotation
    assert not shifts.filter(date__gte=today).exclude(status=ShiftStatus.SCHEDULED).exists()
    past = shifts.filter(date__lt=today)
    done = past.filter(status=ShiftStatus.DONE)
    assert done.count() > 0.8 * past.count()
    assert past.filter(status=ShiftStatus.SCHEDULED, checked_in_at__isnull=True).exists()
    assert not done.filter(Q(checked_in_at__isnull=True) | Q(checked_out_at__isnull=True)).exists()
    assert not done.filter(checked_out_at__lt=F("checked_in_at")).exists()
    for shift in done[:50]:
        assert timezone.localtime(shift.checked_in_at).date() == shift.date


def test_knowledge_base_of_public_closed_questions(seeded: dict[str, Any]) -> None:
    entries = KnowledgeEntry.objects.all()
    public_closed = Question.objects.filter(is_public=True, status=QuestionStatus.CLOSED)
    assert entries.count() == public_closed.count() > 0
    assert not entries.exclude(question__is_public=True).exists()
    assert not entries.exclude(question__status=QuestionStatus.CLOSED).exists()
    assert not entries.exclude(published_at=F("question__closed_at")).exists()
    assert not entries.exclude(district=F("question__district")).exists()
    assert not entries.exclude(category=F("question__category")).exists()
    assert not entries.exclude(title=F("question__title")).exists()
    reply_texts = set(Reply.objects.values_list("text", flat=True))
    entry = entries.select_related("question").first()
    assert entry is not None and entry.answer_text in reply_texts
    q = entry.question
    assert entry.tokens == " ".join(knowledge.segment(f"{q.title}\n{q.text}\n{entry.answer_text}"))
    found = list(knowledge.search(KnowledgeEntry.objects.all(), "离婚 房子")[:5])
    assert found and "离婚" in found[0].title


def test_coupons_are_ledger_redemptions(seeded: dict[str, Any]) -> None:
    plan = Plan.for_scale("tiny")
    assert LedgerEntry.objects.count() == plan.ledger
    assert Offer.objects.count() == plan.firms
    assert not Offer.objects.exclude(status="published").exists()
    redeemed = LedgerEntry.objects.filter(kind=EntryKind.REDEEM)
    assert redeemed.count() == Coupon.objects.count() > 0
    assert not redeemed.filter(coupon__isnull=True).exists()
    assert not LedgerEntry.objects.filter(kind=EntryKind.EARN, coupon__isnull=False).exists()
    assert not redeemed.exclude(account=F("coupon__account")).exists()
    for entry in redeemed.select_related("coupon"):
        assert entry.amount == -entry.coupon.points  # type: ignore[union-attr]
    assert not Coupon.objects.exclude(offer__firm=F("firm")).exists()
    assert not Coupon.objects.exclude(points=F("offer__points_cost")).exists()
    # The offer is one the resident may redeem: their community's paired firm's.
    assert not Coupon.objects.exclude(
        firm__pairings__community__residents__user=F("account__user")
    ).exists()
    coupon = Coupon.objects.select_related("account__user", "offer").first()
    assert coupon is not None
    user = coupon.account.user
    assert Offer.objects.available_to(user).filter(pk=coupon.offer_id).exists()
    used = Coupon.objects.filter(status=CouponStatus.USED)
    assert used.exists() and not used.filter(used_at__isnull=True).exists()
    # Expired as of the seed's now (the start of today); the expiry job does the rest.
    start = timezone.make_aware(datetime.combine(timezone.localdate(), datetime.min.time()))
    assert not Coupon.objects.filter(status=CouponStatus.ISSUED, expires_at__lte=start).exists()
    assert Coupon.objects.filter(status=CouponStatus.EXPIRED).exists()
    assert len(set(Coupon.objects.values_list("code", flat=True))) == Coupon.objects.count()
    checked, problems = points_services.ledger_mismatches()
    assert checked == plan.residents and problems == []
    out = io.StringIO()
    call_command("verify_ledger", stdout=out)
    assert "全部一致" in out.getvalue()


def test_firm_admin_report_list_renders(seeded: dict[str, Any]) -> None:
    client = Client()
    admin = User.objects.get(pk=seeded["firm_admin"]["user_id"])
    client.force_login(admin)
    response = client.get(reverse("visits:report_list"))
    assert response.status_code == 200
    report = MonthlyReport.objects.filter(firm__admins__user=admin).order_by("-month").first()
    assert report is not None
    page = response.content.decode()
    assert report.street.name in page and report.firm.name in page
    detail = client.get(reverse("visits:report_detail", args=[report.pk]))
    assert detail.status_code == 200


def test_reports_written_in_chunks_between_fetches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Small chunks: the aggregate query's cursor fetches again after each chunk is
    # written (on PostgreSQL a COPY must not overlap a fetch on the same connection).
    monkeypatch.setattr(seed_module, "REPORT_CHUNK", 7)
    call_command(
        "seed_scale",
        scale="tiny",
        no_progress=True,
        logins=str(tmp_path / "l.json"),
        stdout=_Null(),
    )
    this = _this_month()
    expected = sum(len(report_totals(add_months(this, k))) for k in range(-12, 0))
    assert MonthlyReport.objects.count() == expected > 7
    ids = sorted(MonthlyReport.objects.values_list("pk", flat=True))
    assert ids == list(range(1, expected + 1))


def test_indexes_are_built_again_after_loading(tmp_path: Path) -> None:
    from bench.indexes import secondary_indexes
    from bench.seed import BIG_TABLES

    tables = [m._meta.db_table for m in BIG_TABLES]
    before = secondary_indexes(tables) if connection.vendor == "postgresql" else []
    out = io.StringIO()
    call_command(
        "seed_scale", scale="tiny", no_progress=True, stdout=out, logins=str(tmp_path / "l.json")
    )
    if connection.vendor == "postgresql":
        # Dropped for the load (the summary says how many were built) and all back.
        assert len(before) > 10
        assert secondary_indexes(tables) == before
        assert f"indexes built after loading ({len(before)})" in out.getvalue()
    else:
        assert "indexes built after loading" not in out.getvalue()
    assert Question.objects.count() == Plan.for_scale("tiny").questions
