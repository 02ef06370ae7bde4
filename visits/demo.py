"""Demo data of the visits app: a year of plausible work in the demo district.

For every active pairing: this year's plan, visits from January to today (mostly
confirmed, a few waiting, disputed or in draft), the households they reached, the
monthly service days (past ones held with demo residents' check-ins, the next ones
scheduled), the monthly reports (older months confirmed and locked, last month
submitted or late) and a few meetings. About one community in six is behind plan.

Rows are planned in memory and written with bulk_create; every part is skipped when
its rows exist already, so running it again changes nothing.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from accounts.roles import Role
from firms.models import Lawyer
from pairing.models import Liaison, Pairing
from regions.models import Community, District, RegionRole, ResidentProfile
from visits import services
from visits.choices import (
    FollowUp,
    ReportStatus,
    ServiceDayStatus,
    VisitKind,
    VisitStatus,
)
from visits.models import (
    DistrictGoal,
    Household,
    Meeting,
    MonthlyReport,
    PlanMonth,
    ServiceDay,
    ServiceDayCheckin,
    Visit,
    VisitHousehold,
    VisitPlan,
)

TOPICS = (
    "物业费与维修基金",
    "婚姻家庭与赡养",
    "遗嘱继承",
    "劳动报酬追讨",
    "邻里噪音与漏水",
    "防范电信诈骗",
    "老年人权益保障",
    "房屋租赁合同",
    "消费维权",
    "小微企业合同审查",
)
DISPUTES = (
    "楼上卫生间漏水，两户协商未果",
    "车位使用纠纷",
    "赡养费分担意见不一",
    "装修噪音扰邻",
    "租客拖欠房租",
)
KINDS = (
    (VisitKind.DOOR_TO_DOOR, 6),
    (VisitKind.CONSULTATION, 2),
    (VisitKind.LECTURE, 1),
    (VisitKind.DISPUTE_SCREENING, 1),
    (VisitKind.BUSINESS_CHECKUP, 1),
)
LAGGING_SHARE = 0.17
DISTRICT_VISITS_TARGET = 1000
DISTRICT_HOUSEHOLDS_TARGET = 10000


@transaction.atomic
def seed(district: District, rng: random.Random, today: date | None = None) -> dict[str, int]:
    """Create whatever of the visits demo is missing; returns rows created per kind."""
    today = today or timezone.localdate()
    pairings = list(
        Pairing.objects.active()
        .filter(community__street__district=district, community__is_active=True)
        .select_related("community", "firm")
        .order_by("community__street__name", "community__name")
    )
    created: dict[str, int] = defaultdict(int)
    if not pairings:
        return dict(created)
    _goal(district, today, created)
    _plans(pairings, rng, today, created)
    if not Visit.objects.filter(community__street__district=district).exists():
        _visits(pairings, rng, today, created)
        services.rebuild_reach(district_id=district.pk)  # loaded in bulk, not confirmed one by one
        _reports(district, rng, today, created)
    _service_days(district, pairings, rng, today, created)
    _meetings(district, pairings, rng, today, created)
    return dict(created)


def _goal(district: District, today: date, created: dict[str, int]) -> None:
    _goal_row, new = DistrictGoal.objects.get_or_create(
        district=district,
        year=today.year,
        defaults={
            "visits_target": DISTRICT_VISITS_TARGET,
            "households_target": DISTRICT_HOUSEHOLDS_TARGET,
            "note": "走千家、访万户，逐步实现住户全覆盖",
        },
    )
    created["goals"] += int(new)


def _plans(
    pairings: list[Pairing], rng: random.Random, today: date, created: dict[str, int]
) -> None:
    filed = set(
        VisitPlan.objects.current()
        .filter(year=today.year, community__in=[p.community_id for p in pairings])
        .values_list("firm_id", "community_id")
    )
    plans = []
    for p in pairings:
        if (p.firm_id, p.community_id) in filed:
            continue
        households = max(24, round(p.community.households * rng.uniform(0.06, 0.1)))
        plans.append(
            VisitPlan(
                firm_id=p.firm_id,
                community_id=p.community_id,
                year=today.year,
                visits_total=48,
                households_total=households,
            )
        )
    VisitPlan.objects.bulk_create(plans)
    months = []
    for plan in plans:
        share, extra = divmod(plan.households_total, 12)
        months += [
            PlanMonth(plan=plan, month=m, visits=4, households=share + (1 if m <= extra else 0))
            for m in range(1, 13)
        ]
    PlanMonth.objects.bulk_create(months)
    created["plans"] += len(plans)


def _aware(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _lawyers(pairings: list[Pairing]) -> dict[int, list[Lawyer]]:
    """Per pairing: its liaisons first, then the rest of the firm's lawyers."""
    liaisons: dict[int, list[Lawyer]] = defaultdict(list)
    for item in Liaison.objects.active().filter(pairing__in=pairings).select_related("lawyer"):
        liaisons[item.pairing_id].append(item.lawyer)
    by_firm: dict[int, list[Lawyer]] = defaultdict(list)
    for lawyer in Lawyer.objects.filter(
        firm_id__in={p.firm_id for p in pairings}, is_active=True
    ).order_by("pk"):
        by_firm[lawyer.firm_id].append(lawyer)
    return {
        p.pk: liaisons[p.pk] + [x for x in by_firm[p.firm_id] if x not in liaisons[p.pk]]
        for p in pairings
    }


def _visits(
    pairings: list[Pairing], rng: random.Random, today: date, created: dict[str, int]
) -> None:
    lawyers = _lawyers(pairings)
    staff = dict(
        RegionRole.objects.filter(
            role=Role.COMMUNITY_STAFF,
            is_active=True,
            community_id__in=[p.community_id for p in pairings],
        ).values_list("community_id", "user_id")
    )
    places = {
        pk: (street_id, district_id)
        for pk, street_id, district_id in Community.objects.filter(
            pk__in=[p.community_id for p in pairings]
        ).values_list("pk", "street_id", "street__district_id")
    }
    plans = {
        (plan.community_id, plan.firm_id): plan
        for plan in VisitPlan.objects.current().filter(
            year=today.year, community__in=[p.community_id for p in pairings]
        )
    }
    lagging = set(
        rng.sample([p.pk for p in pairings], max(1, round(len(pairings) * LAGGING_SHARE)))
    )
    visits: list[Visit] = []
    reached: list[list[tuple[str, str, str]]] = []
    present: list[list[Lawyer]] = []
    for p in pairings:
        team = lawyers[p.pk]
        plan = plans.get((p.community_id, p.firm_id))
        if not team or plan is None:
            continue
        # The record is kept by a lawyer of the team who has an account.
        recorder = next((lawyer.user_id for lawyer in team if lawyer.user_id), None)
        pace = rng.uniform(0.35, 0.6) if p.pk in lagging else rng.uniform(1.2, 1.5)
        monthly = plan.households_total / 12 * pace
        seen: list[tuple[str, str, str]] = []
        start = max(date(today.year, 1, 1), p.start_date)
        for month in range(start.month if start.year == today.year else 1, today.month + 1):
            first = date(today.year, month, 1)
            last = min(services.month_end(first), today)
            if last < start:
                continue
            days = (last - max(first, start)).days + 1
            kinds = [VisitKind.PARTY_DAY] + [
                rng.choices([k for k, _w in KINDS], [w for _k, w in KINDS])[0]
                for _ in range(rng.randint(2, 4))
            ]
            doors = max(1, sum(k == VisitKind.DOOR_TO_DOOR for k in kinds))
            for kind in kinds:
                if kind == VisitKind.PARTY_DAY:
                    day = first.replace(day=15)
                    if day > last or day < start:
                        continue
                else:
                    day = max(first, start) + timedelta(days=rng.randrange(days))
                homes: list[tuple[str, str, str]] = []
                if kind == VisitKind.DOOR_TO_DOOR:
                    for _ in range(max(1, round(monthly / doors * rng.uniform(0.8, 1.2)))):
                        if seen and rng.random() < 0.1:
                            homes.append(rng.choice(seen))  # a household visited again
                        else:
                            homes.append(_address(rng))
                    homes = list(dict.fromkeys(homes))
                    seen += homes
                status, reason = _status(rng, day, today)
                disputes = 1 if rng.random() < 0.12 else 0
                visits.append(
                    Visit(
                        firm_id=p.firm_id,
                        community_id=p.community_id,
                        street_id=places[p.community_id][0],
                        district_id=places[p.community_id][1],
                        date=day,
                        kind=kind,
                        participants=len(homes) * 2 if homes else rng.randint(8, 60),
                        topics="、".join(rng.sample(TOPICS, 2)),
                        disputes_found=disputes,
                        dispute_notes=rng.choice(DISPUTES) if disputes else "",
                        follow_up=rng.choice(
                            [FollowUp.IN_PROGRESS, FollowUp.RESOLVED, FollowUp.REFERRED]
                        )
                        if disputes
                        else FollowUp.NONE,
                        status=status,
                        dispute_reason=reason,
                        recorded_by_id=recorder,
                        submitted_at=None if status == VisitStatus.DRAFT else _aware(day, 18),
                        reviewed_by_id=staff.get(p.community_id)
                        if status in (VisitStatus.CONFIRMED, VisitStatus.DISPUTED)
                        else None,
                        reviewed_at=_aware(day + timedelta(days=2), 10)
                        if status in (VisitStatus.CONFIRMED, VisitStatus.DISPUTED)
                        else None,
                    )
                )
                reached.append(homes)
                present.append(rng.sample(team, min(len(team), rng.choice((1, 2, 2)))))
    _await_latest(visits)
    Visit.objects.bulk_create(visits, batch_size=500)
    households = _households(visits, reached)
    VisitHousehold.objects.bulk_create(
        [
            VisitHousehold(visit=v, household_id=households[(v.community_id, *a)])
            for v, homes in zip(visits, reached, strict=True)
            for a in homes
        ],
        batch_size=1000,
    )
    through = Visit.lawyers.through
    through.objects.bulk_create(
        [
            through(visit_id=v.pk, lawyer_id=x.pk)
            for v, team in zip(visits, present, strict=True)
            for x in team
        ],
        batch_size=1000,
    )
    created["visits"] += len(visits)
    created["households"] += len(households)


def _await_latest(visits: list[Visit]) -> None:
    """Every community's latest submitted record waits for its staff to confirm it: a
    visitor signing in as community staff has something to do."""
    latest: dict[int, Visit] = {}
    for visit in visits:
        if visit.status == VisitStatus.DRAFT:
            continue
        known = latest.get(visit.community_id)
        if known is None or visit.date > known.date:
            latest[visit.community_id] = visit
    for visit in latest.values():
        visit.status, visit.dispute_reason = VisitStatus.SUBMITTED, ""
        visit.reviewed_by_id, visit.reviewed_at = None, None


def _address(rng: random.Random) -> tuple[str, str, str]:
    floor = rng.randint(1, 18)
    return str(rng.randint(1, 30)), str(rng.randint(1, 4)), f"{floor}{rng.randint(1, 4):02d}"


def _status(rng: random.Random, day: date, today: date) -> tuple[str, str]:
    """Old records are confirmed; recent ones partly waiting, disputed or in draft."""
    age = (today - day).days
    roll = rng.random()
    if age <= 10 and roll < 0.35:
        return VisitStatus.SUBMITTED, ""
    if age <= 20 and roll > 0.96:
        return VisitStatus.DISPUTED, "走访住户门牌与社区登记不一致，请核对"
    if age <= 5 and roll > 0.9:
        return VisitStatus.DRAFT, ""
    return VisitStatus.CONFIRMED, ""


def _households(
    visits: list[Visit], reached: list[list[tuple[str, str, str]]]
) -> dict[tuple[int, str, str, str], int]:
    keys = {(v.community_id, *a) for v, homes in zip(visits, reached, strict=True) for a in homes}
    Household.objects.bulk_create(
        [Household(community_id=c, building=b, unit=u, room=r) for c, b, u, r in keys],
        batch_size=1000,
        ignore_conflicts=True,
    )
    communities = {k[0] for k in keys}
    return {
        (h.community_id, h.building, h.unit, h.room): h.pk
        for h in Household.objects.filter(community_id__in=communities).only(
            "pk", "community_id", "building", "unit", "room"
        )
    }


def _reports(district: District, rng: random.Random, today: date, created: dict[str, int]) -> None:
    """Reports of every past month: confirmed (records locked) up to the month before
    last; last month's submitted, or still with the firm and late after the due day."""
    last = services.add_months(services.month_start(today), -1)
    if last.year != today.year:
        return
    month = date(today.year, 1, 1)
    while month <= last:
        created["reports"] += services.compile_reports(month=month, today=today)
        month = services.add_months(month, 1)
    reports = MonthlyReport.objects.filter(
        firm__district=district, month__gte=date(today.year, 1, 1), month__lt=last
    )
    for report in reports.filter(status=ReportStatus.DRAFT):
        submitted = _aware(report.due_date - timedelta(days=rng.randint(0, 3)), 16)
        MonthlyReport.objects.filter(pk=report.pk).update(
            status=ReportStatus.CONFIRMED,
            summary="按计划开展入户走访和主题党日服务。",
            submitted_at=submitted,
            reviewed_at=submitted + timedelta(days=1),
        )
        Visit.objects.filter(
            firm_id=report.firm_id,
            community__street_id=report.street_id,
            date__gte=report.month,
            date__lt=services.add_months(report.month, 1),
        ).update(locked=True)
    recent = list(MonthlyReport.objects.filter(firm__district=district, month=last, status="draft"))
    for report in recent:
        if rng.random() < 0.8 and report.due_date <= today:
            MonthlyReport.objects.filter(pk=report.pk).update(
                status=ReportStatus.SUBMITTED,
                summary="本月走访情况见附表。",
                submitted_at=_aware(report.due_date - timedelta(days=1), 17),
            )
    services.flag_late_reports(today=today)
    services.flag_behind_plan(today=today)


def _service_days(
    district: District,
    pairings: list[Pairing],
    rng: random.Random,
    today: date,
    created: dict[str, int],
) -> None:
    day_of_month = services.settings_for(district).service_day_of_month
    months = [date(today.year, m, 1) for m in range(1, today.month + 1)]
    past = [
        ServiceDay(
            community_id=p.community_id,
            firm_id=p.firm_id,
            month=m,
            date=services.service_date(m, day_of_month),
            place="社区尚法工作室",
            topic=rng.choice(TOPICS),
            status=ServiceDayStatus.HELD,
        )
        for p in pairings
        for m in months
        if services.service_date(m, day_of_month) < today
        and services.service_date(m, day_of_month) >= p.start_date
    ]
    have = set(
        ServiceDay.objects.filter(community__in=[p.community_id for p in pairings]).values_list(
            "community_id", "month"
        )
    )
    past = [d for d in past if (d.community_id, d.month) not in have]
    ServiceDay.objects.bulk_create(past)
    created["service_days"] += len(past) + services.schedule_service_days(today=today)
    residents = defaultdict(list)
    for user_id, community_id in ResidentProfile.objects.filter(
        community__street__district=district, user__is_demo=True
    ).values_list("user_id", "community_id"):
        residents[community_id].append(user_id)
    # Demo residents took part in most of the days held in their community.
    checkins = [
        ServiceDayCheckin(service_day=d, user_id=u, checked_in_at=_aware(d.date, 9))
        for d in past
        for u in residents[d.community_id]
        if rng.random() < 0.75
    ]
    ServiceDayCheckin.objects.bulk_create(checkins)
    created["checkins"] += len(checkins)


def _meetings(
    district: District,
    pairings: list[Pairing],
    rng: random.Random,
    today: date,
    created: dict[str, int],
) -> None:
    if Meeting.objects.filter(district=district).exists():
        return
    streets = sorted({(p.community.street_id, p.community.street.name) for p in pairings})
    meetings = [
        Meeting(
            district=district,
            street_id=street_id,
            date=date(today.year, quarter, 10),
            title=f"{name}律所进社区第{'一二三四'[(quarter - 1) // 3]}季度联席会议",
            place=f"{name}司法所会议室",
            attendees="司法所所长、各结对律所联络员、社区法治专干",
            minutes="通报本季度走访和服务日情况，部署下阶段“走千家、访万户”工作。",
        )
        for street_id, name in streets
        for quarter in (1, 4, 7, 10)
        if date(today.year, quarter, 10) <= today
    ]
    Meeting.objects.bulk_create(meetings)
    created["meetings"] += len(meetings)
