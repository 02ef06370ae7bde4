"""Demo data of assessment, computed from the other apps' demo data (never typed in):

- the rules with their defaults and the default rate table;
- a year of published rankings (the twelve months before last month), each with its
  bulletin; in the month before last a firm appealed and the bureau accepted an
  adjustment before publishing; months before the visits demo starts have little
  data and so low scores;
- last month as a draft, in its appeal window, with an open appeal by a demo firm admin;
- last year's annual assessment with the bureau's marks, published, and its
  commendations of firms and lawyers;
- this year's subsidy period, itemized, paid (held items stay held) and sampled.

Idempotent: each part is skipped when its rows exist.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from assessment import services, subsidies
from assessment.choices import Difficulty
from assessment.metrics import add_months
from assessment.models import (
    AnnualAssessment,
    AnnualScore,
    Commendation,
    MediationRate,
    MetricScore,
    MonthlyScore,
    RankingConfig,
    RankingMonth,
    SubsidyPeriod,
    SubsidyRates,
)
from firms.models import FirmAdmin
from pairing.models import Liaison
from regions.models import District

PUBLISHED_MONTHS = 12
FIRM_TITLES = ("优秀社区律所", "走访服务先进律所", "群众满意律所")
LAWYER_TITLES = ("优秀社区法律顾问", "优秀联络律师", "金牌调解律师")


def _at(day: date, hour: int = 9) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _rules(district: District) -> int:
    created = 0
    for model in (RankingConfig, SubsidyRates):
        _row, made = model.objects.get_or_create(district=district)
        created += int(made)
    if not MediationRate.objects.filter(district=district).exists():
        MediationRate.objects.bulk_create(
            [
                MediationRate(district=district, category="", difficulty=d, amount_yuan=a)
                for d, a in services.DEFAULT_MEDIATION_RATES.items()
            ]
            + [
                MediationRate(
                    district=district,
                    category="labor",
                    difficulty=Difficulty.COMPLEX,
                    amount_yuan=Decimal("1200.00"),
                )
            ]
        )
        created += len(Difficulty.values) + 1
    return created


def _admin_of(district: District) -> FirmAdmin | None:
    return (
        FirmAdmin.objects.filter(firm__district=district, is_active=True)
        .select_related("firm", "user")
        .order_by("pk")
        .first()
    )


def _appeal(district: District, month: RankingMonth, now: datetime, rng: random.Random) -> bool:
    """A demo firm admin appeals their firm's visits score of ``month``."""
    admin = _admin_of(district)
    if admin is None:
        return False
    score = MonthlyScore.objects.filter(ranking=month, firm=admin.firm).first()
    if score is None:
        return False
    services.file_appeal(
        actor=admin.user,
        score=score,
        metric="visits",
        reason=rng.choice(
            [
                "本月 20 日在社区开展的入户走访已由社区确认，但未计入走访次数，请核实。",
                "本所当月计划因春节调整，已向司法所报备，请按调整后的计划计算完成率。",
            ]
        ),
        now=now,
    )
    return True


def _rankings(district: District, rng: random.Random, now: datetime) -> dict[str, int]:
    today = timezone.localdate(now)
    last = add_months(today.replace(day=1), -1)
    months = [add_months(last, -n) for n in range(PUBLISHED_MONTHS, 0, -1)]
    have = set(RankingMonth.objects.filter(district=district).values_list("month", flat=True))
    published = appeals = 0
    for month in months:
        if month in have:
            continue
        computed_at = _at(add_months(month, 1))
        ranking = services.compute_month(
            actor=None, district=district, month=month, now=computed_at
        )
        if month == months[-1] and _appeal(district, ranking, computed_at, rng):
            appeal = ranking.scores.get(status="appealed").appeals.get()
            row = MetricScore.objects.get(score=appeal.score, metric="visits")
            services.decide_appeal(
                actor=None,
                appeal=appeal,
                accept=True,
                comment="经核实，该次走访记录属实，按补录后的走访次数调整得分。",
                adjusted_value=min(Decimal(100), (row.value or Decimal(0)) + Decimal(10)),
                now=computed_at + timedelta(days=2),
            )
            appeals += 1
        services.publish_month(
            actor=None, ranking=ranking, now=_at(ranking.appeal_deadline + timedelta(days=1))
        )
        published += 1
    drafts = 0
    if last not in have:
        ranking = services.compute_month(actor=None, district=district, month=last, now=now)
        appeals += int(_appeal(district, ranking, now, rng))
        drafts = 1
    return {"published_months": published, "draft_months": drafts, "appeals": appeals}


def _annual(district: District, rng: random.Random, year: int, now: datetime) -> dict[str, int]:
    if AnnualAssessment.objects.filter(district=district, year=year).exists():
        return {}
    if (
        not MonthlyScore.objects.published()
        .filter(ranking__district=district, ranking__month__year=year)
        .exists()
    ):
        return {}
    assessment = services.compute_annual(actor=None, district=district, year=year, now=now)
    for score in AnnualScore.objects.filter(assessment=assessment).order_by("pk"):
        mark = Decimal(rng.randint(780, 980)) / 10
        services.set_bureau_mark(
            actor=None, score=score, mark=mark, note="日常工作与群众评价综合评定", now=now
        )
    services.publish_annual(actor=None, assessment=assessment, now=now)
    top = list(
        AnnualScore.objects.filter(assessment=assessment)
        .select_related("firm")
        .order_by("rank", "firm__name")[: len(FIRM_TITLES)]
    )
    awarded = date(year + 1, 1, 20)
    rows = [
        Commendation(
            district=district,
            year=year,
            kind="firm",
            firm=s.firm,
            title=title,
            citation=f"{year} 年度考核总分 {s.total} 分，位列全区第 {s.rank} 名。",
            awarded_on=awarded,
        )
        for s, title in zip(top, FIRM_TITLES, strict=False)
    ]
    lawyers = (
        Liaison.objects.filter(pairing__firm__in=[s.firm for s in top])
        .select_related("lawyer")
        .order_by("pk")
    )
    seen: set[int] = set()
    for liaison in lawyers:
        if liaison.lawyer_id in seen or len(seen) == len(LAWYER_TITLES):
            continue
        title = LAWYER_TITLES[len(seen)]
        seen.add(liaison.lawyer_id)
        rows.append(
            Commendation(
                district=district,
                year=year,
                kind="lawyer",
                lawyer=liaison.lawyer,
                title=title,
                citation="扎根结对社区，坚持入户走访和按时答复居民咨询，群众满意度高。",
                awarded_on=awarded,
            )
        )
    Commendation.objects.bulk_create(rows)
    return {"annual_assessments": 1, "commendations": len(rows)}


def _subsidies(district: District, now: datetime) -> dict[str, int]:
    today = timezone.localdate(now)
    start = today.replace(month=1, day=1)
    if SubsidyPeriod.objects.filter(district=district, start=start).exists():
        return {}
    period = subsidies.create_period(
        actor=None,
        district=district,
        start=start,
        end=today.replace(month=12, day=31),
        title=f"{today.year} 年度律所进社区经费",
    )
    counts = subsidies.generate_items(actor=None, period=period, now=now)
    if counts["created"] > counts["held"]:
        subsidies.pay_items(actor=None, period=period, now=now)
    if period.items.filter(kind="mediation", status="paid").exists():
        subsidies.draw_sample(actor=None, period=period, now=now)
    return {"subsidy_periods": 1, "subsidy_items": counts["created"]}


@transaction.atomic
def seed(district: District, rng: random.Random, now: datetime | None = None) -> dict[str, int]:
    """Create whatever of the assessment demo is missing; rows created per kind."""
    now = now or timezone.now()
    created = {"rules": _rules(district)}
    created.update(_rankings(district, rng, now))
    created.update(_annual(district, rng, timezone.localdate(now).year - 1, now))
    created.update(_subsidies(district, now))
    return created
