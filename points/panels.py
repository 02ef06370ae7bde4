"""Workspace panels (core.workspace): what each role sees of points on /workspace/."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from core.scope import RoleBinding
from points import services
from points.choices import CouponStatus, OfferStatus
from points.models import Coupon, EarningRule, Offer, PointsAccount


def resident_panel(request: Any, binding: RoleBinding) -> dict[str, Any] | None:
    if binding.district_id is None:
        return None
    # The balance and the unused coupons of the user's one account, in one query.
    account = (
        PointsAccount.objects.filter(user_id=request.user.pk)
        .annotate(unused=Count("coupons", filter=Q(coupons__status=CouponStatus.ISSUED)))
        .values("balance", "unused")
        .first()
    )
    return account or {"balance": 0, "unused": 0}


def firm_panel(request: Any, binding: RoleBinding) -> dict[str, Any]:
    month_start = timezone.localdate().replace(day=1)
    offers = Offer.objects.filter(firm_id=binding.object_id).aggregate(
        published=Count("pk", filter=Q(status=OfferStatus.PUBLISHED)),
        pending=Count("pk", filter=Q(status=OfferStatus.PENDING)),
    )
    used = Coupon.objects.filter(
        firm_id=binding.object_id, status=CouponStatus.USED, used_at__date__gte=month_start
    ).count()
    return {**offers, "used_this_month": used}


def bureau_panel(request: Any, binding: RoleBinding) -> dict[str, Any]:
    return {
        "totals": services.district_totals(binding.object_id),
        "rules": EarningRule.objects.active().filter(district_id=binding.object_id).count(),
        "pending": Offer.objects.filter(
            firm__district_id=binding.object_id, status=OfferStatus.PENDING
        ).count(),
    }
