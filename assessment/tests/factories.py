"""Rows of the apps below, written directly in the shape their services leave them,
so that a test controls every number the ranking and the subsidies read."""

from __future__ import annotations

import itertools
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from accounts.models import User
from consultations.models import Category, DutyShift, Question, QuestionAssignment
from firms.models import LawFirm, Lawyer
from mediation.models import Agreement, Case
from pairing.models import Liaison, Pairing
from regions.models import Community, District
from visits.models import Household, PlanMonth, ServiceDay, Visit, VisitHousehold, VisitPlan
from visits.services import refresh_reach

SHANGHAI = ZoneInfo("Asia/Shanghai")
_seq = itertools.count(1)


def at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=SHANGHAI)


def pair(community: Community, firm: LawFirm, start: date, end: date | None = None) -> Pairing:
    return Pairing.objects.create(community=community, firm=firm, start_date=start, end_date=end)


def liaison(pairing: Pairing, lawyer: Lawyer, start: date, slot: int = 1) -> Liaison:
    return Liaison.objects.create(pairing=pairing, lawyer=lawyer, slot=slot, start_date=start)


def plan(firm: LawFirm, community: Community, year: int, months: dict[int, int]) -> VisitPlan:
    p = VisitPlan.objects.create(firm=firm, community=community, year=year)
    PlanMonth.objects.bulk_create(
        [PlanMonth(plan=p, month=m, visits=n, households=n * 5) for m, n in months.items()]
    )
    return p


def visit(
    firm: LawFirm,
    community: Community,
    day: date,
    rooms: list[str],
    *,
    lawyer: Lawyer | None = None,
    status: str = "confirmed",
) -> Visit:
    v = Visit.objects.create(
        firm=firm, community=community, date=day, kind="door_to_door", status=status
    )
    if lawyer is not None:
        v.lawyers.add(lawyer)
    for room in rooms:
        home, _ = Household.objects.get_or_create(
            community=community, building="1", unit="", room=room
        )
        VisitHousehold.objects.create(visit=v, household=home)
    refresh_reach(  # what confirm_visit does
        firm_id=firm.pk,
        year=day.year,
        household_ids=v.household_links.values_list("household_id", flat=True),
        months=[(community.pk, day.replace(day=1))],
    )
    return v


def question(
    district: District,
    community: Community,
    asker: User,
    deadline: datetime,
    *,
    assigned: list[Lawyer] = (),  # type: ignore[assignment]
    replied_by: Lawyer | None = None,
    replied_at: datetime | None = None,
    rating: int | None = None,
    closed_at: datetime | None = None,
    status: str = "pending",
) -> Question:
    n = next(_seq)
    posted = deadline - timedelta(hours=24)
    q = Question.objects.create(
        case_number=f"ZX-{district.code}-T{n:06d}",
        district=district,
        community=community,
        category=Category.objects.order_by("pk")[0],
        asker=asker,
        title="测试咨询",
        text="测试咨询内容",
        text_hash=f"h{n}",
        posted_at=posted,
        reply_deadline=deadline,
        reminder1_due_at=posted + timedelta(hours=12),
        reminder2_due_at=posted + timedelta(hours=20),
        first_replied_at=replied_at,
        first_reply_lawyer=replied_by,
        deadline_met=None if replied_at is None else replied_at <= deadline,
        status="closed" if closed_at else ("answered" if replied_at else "open"),
        rating=rating,
        closed_at=closed_at,
    )
    for lawyer in assigned:
        QuestionAssignment.objects.create(
            question=q, lawyer=lawyer, reason="liaison", status=status
        )
    return q


def shift(
    district: District, day: date, lawyer: Lawyer, *, checked_in: bool = True, out: bool = True
) -> DutyShift:
    return DutyShift.objects.create(
        district=district,
        date=day,
        lawyer=lawyer,
        status="done" if out else ("checked_in" if checked_in else "scheduled"),
        checked_in_at=at(day, 8, 50) if checked_in else None,
        checked_out_at=at(day, 17, 10) if checked_in and out else None,
    )


def service_day(community: Community, firm: LawFirm, month: date, status: str) -> ServiceDay:
    return ServiceDay.objects.create(
        community=community, firm=firm, month=month, date=month.replace(day=15), status=status
    )


def case(
    district: District,
    lawyer: Lawyer | None,
    closed: datetime,
    *,
    applied_by: User,
    success: bool = True,
    confirmed: bool = True,
    archived: bool = True,
    category: str = "neighbor",
    amount: Decimal | None = None,
) -> Case:
    n = next(_seq)
    c = Case.objects.create(
        case_number=f"TJ-{district.code}-T{n:06d}",
        district=district,
        channel="online",
        applied_by=applied_by,
        category=category,
        amount=amount,
        facts="测试纠纷事实",
        status=("archived" if archived else "agreed") if success else "failed",
        outcome="success" if success else "failure",
        lawyer=lawyer,
        applied_at=closed - timedelta(days=10),
        accepted_at=closed - timedelta(days=9),
        due_at=closed + timedelta(days=20),
        closed_at=closed,
        archived_at=closed + timedelta(days=1) if archived else None,
    )
    if success:
        Agreement.objects.create(
            case=c,
            terms="双方同意",
            drafted_at=closed - timedelta(days=1),
            drafted_by=applied_by,
            confirmed_at=closed if confirmed else None,
        )
    return c
