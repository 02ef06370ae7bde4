"""Background work of assessment: last month's draft ranking, computed from the 1st."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError
from django.utils import timezone

from assessment.metrics import add_months
from assessment.models import RankingMonth
from assessment.services import compute_month
from core.jobs import job
from regions.models import District


@job(
    "assessment.compute_drafts",
    every_seconds=3600,
    description="每月 1 日起计算上月律所排名草稿（每区每月一次）",
)
def compute_drafts(now: datetime | None = None) -> int:
    """Compute last month's draft for every district with pairings that has none yet.
    A month computed already (draft or published) is left alone, so running this
    again, or on another worker, does nothing."""
    now = now or timezone.now()
    last = add_months(timezone.localdate(now).replace(day=1), -1)
    districts = (
        District.objects.filter(streets__communities__pairings__isnull=False)
        .exclude(pk__in=RankingMonth.objects.filter(month=last).values("district_id"))
        .distinct()
    )
    done = 0
    for district in districts:
        try:
            compute_month(actor=None, district=district, month=last, now=now)
        except IntegrityError:
            continue  # another worker computed it first
        done += 1
    return done
