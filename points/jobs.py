"""Background work of the points app (idempotent, cheap when idle)."""

from __future__ import annotations

from django.utils import timezone

from core.jobs import job
from points import services


@job(
    "points.expire",
    every_seconds=6 * 3600,
    description="积分到期：写入过期流水（先进先出）；优惠券过期",
)
def expire() -> dict[str, int]:
    """Expire points past their district's cutoff (see ``services.expire_points`` for
    the FIFO method) and mark unused coupons past their date as expired."""
    now = timezone.now()
    return {
        "points_expired": services.expire_points(now=now),
        "coupons_expired": services.expire_coupons(now=now),
    }
