"""Background work of assessment: last month's draft ranking, computed from the 1st."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError
from django.utils import timezone

from assessment.metrics import add_months
from assessment.models import RankingMonth
from assessment.services import compute_months
from core.jobs import job
from regions.models import District


@job(
    "assessment.compute_drafts",
    every_seconds=3600,
    description="每月 1 日起计算上月律所排名草稿（每区每月一次）",
)
def compute_drafts(now: datetime | None = None) -> int:
    """Compute last month's draft for every district with pairings that has none yet,
    all in one go (one grouped query per metric for all their firms). A month computed
    already (draft or published) is left alone, so running this again, or on another
    worker, does nothing."""
    now = now or timezone.now()
    last = add_months(timezone.localdate(now).replace(day=1), -1)
    districts = (
        District.objects.filter(streets__communities__pairings__isnull=False)
        .exclude(pk__in=RankingMonth.objects.filter(month=last).values("district_id"))
        .distinct()
    )
    try:
        return len(compute_months(actor=None, districts=list(districts), month=last, now=now))
    except IntegrityError:
        return 0  # another worker computed some of them first: the next run does the rest
