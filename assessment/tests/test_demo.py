"""The demo: a year of published rankings from the demo data, a draft month with an
open appeal, last year's assessment and commendations, a subsidy period; idempotent."""

import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessment import demo
from assessment.metrics import add_months
from assessment.models import (
    Appeal,
    Bulletin,
    Commendation,
    MetricEvidence,
    RankingMonth,
    SubsidyItem,
    SubsidyPeriod,
)
from regions import demo as region_demo


@pytest.fixture
def district(db, monkeypatch):  # type: ignore[no-untyped-def]
    """The demo district with every other app's demo data, without assessment's."""
    real = demo.seed
    monkeypatch.setattr(demo, "seed", lambda *args, **kwargs: {})
    region_demo.seed_demo()
    monkeypatch.setattr(demo, "seed", real)
    return region_demo.demo_district()


def test_demo_is_quick_idempotent_and_plausible(district):
    with CaptureQueriesContext(connection) as queries:
        created = demo.seed(district, random.Random(3))
    # Quick: a bounded number of statements (1,069 today), never one per row (time: make bench).
    assert len(queries) < 1600
    last = add_months(timezone.localdate().replace(day=1), -1)

    months = RankingMonth.objects.filter(district=district)
    assert months.filter(status="published").count() == demo.PUBLISHED_MONTHS
    assert created["published_months"] == demo.PUBLISHED_MONTHS
    draft = months.get(status="draft")
    assert draft.month == last and draft.appeal_deadline >= timezone.localdate()
    assert Appeal.objects.filter(score__ranking=draft, status="open").count() == 1
    assert Appeal.objects.filter(status="accepted", adjusted_value__isnull=False).count() == 1
    assert Bulletin.objects.filter(district=district).count() == demo.PUBLISHED_MONTHS
    # A draft's evidence is read from the records; a published month's is written down.
    assert not MetricEvidence.objects.filter(metric_score__score__ranking=draft).exists()
    assert MetricEvidence.objects.filter(metric_score__score__ranking__status="published").exists()
    # The months of this year, with the visits demo's data, score above the empty ones.
    recent = months.filter(status="published").order_by("-month")[0]
    assert recent.scores.filter(total__gt=0).exists()

    assert Commendation.objects.filter(district=district, kind="firm").exists()
    assert Commendation.objects.filter(district=district, kind="lawyer").exists()
    period = SubsidyPeriod.objects.get(district=district)
    items = SubsidyItem.objects.filter(period=period)
    assert items.filter(status="paid").exists() and items.filter(status="held").exists()
    assert set(items.values_list("kind", flat=True)) >= {"liaison", "mediation"}

    counts = {
        "months": months.count(),
        "items": items.count(),
        "commendations": Commendation.objects.count(),
        "appeals": Appeal.objects.count(),
    }
    again = demo.seed(district, random.Random(3))
    assert sum(again.values()) == 0
    assert counts == {
        "months": months.count(),
        "items": items.count(),
        "commendations": Commendation.objects.count(),
        "appeals": Appeal.objects.count(),
    }
