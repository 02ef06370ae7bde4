"""Demo data of points and discounts: the district's rules, residents with points,
offers of several firms (published, one pending review), used and unused coupons.

Idempotent: rules and offers are found by their natural keys, ledger writes carry
fixed idempotency keys, so a second run creates nothing.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.roles import Role
from firms.models import FirmAdmin, LawFirm
from pairing.models import Pairing
from points import services
from points.choices import Action, CouponStatus, OfferScope, OfferStatus
from points.models import Coupon, EarningRule, LedgerEntry, Offer, PointsPolicy
from regions.models import District, RegionRole, ResidentProfile

RULES = [
    # action, points, daily, monthly, yearly
    (Action.SERVICE_DAY_CHECKIN, 10, 10, 20, 120),
    (Action.LECTURE_ATTENDANCE, 20, 20, 40, 200),
    (Action.ANSWER_RATING, 5, 10, 50, 200),
    (Action.MEDIATION_FOLLOWUP, 15, None, None, 60),
]
OFFERS = [
    # title, services, discount %, cap (yuan), points, scope
    ("法律咨询服务九折", "当面法律咨询（按小时计费）", 10, "200", 50, OfferScope.DISTRICT),
    ("合同审查八折", "合同审查、合同起草", 20, "500", 100, OfferScope.DISTRICT),
    ("律师函八五折", "律师函", 15, "300", 80, OfferScope.PAIRED),
    (
        "民事诉讼代理费减免",
        "民事诉讼代理（婚姻家事、劳动争议、物业纠纷）",
        10,
        "1000",
        150,
        OfferScope.PAIRED,
    ),
]
MIGRATION_REASON = "历史积分迁移"


def seed(district: District, rng: random.Random) -> dict[str, int]:
    with transaction.atomic():
        created = {"rules": _rules(district)}
        created["offers"] = _offers(district, rng)
        created["entries"], created["coupons"] = _residents(district, rng)
    return created


def _rules(district: District) -> int:
    PointsPolicy.objects.get_or_create(district=district)
    n = 0
    for action, points, daily, monthly, yearly in RULES:
        _rule, made = EarningRule.objects.get_or_create(
            district=district,
            action=action,
            defaults={
                "points": points,
                "daily_cap": daily,
                "monthly_cap": monthly,
                "yearly_cap": yearly,
            },
        )
        n += made
    return n


def _firms_with_admins(district: District) -> list[LawFirm]:
    with_admin = set(
        FirmAdmin.objects.filter(firm__district=district, is_active=True).values_list(
            "firm_id", flat=True
        )
    )
    firms = list(LawFirm.objects.filter(district=district, is_active=True).order_by("pk"))
    return sorted(firms, key=lambda f: (f.pk not in with_admin, f.pk))


def _offers(district: District, rng: random.Random) -> int:
    """Four published offers from the firms (admins' firms first), one pending."""
    firms = _firms_with_admins(district)
    if not firms:
        return 0
    reviewer = _bureau_user(district)
    today = timezone.localdate()
    n = 0
    for i, (title, covered, percent, cap, cost, scope) in enumerate(OFFERS):
        firm = firms[i % len(firms)]
        if scope == OfferScope.PAIRED:
            paired = Pairing.objects.active().filter(firm__district=district).order_by("pk")
            pairing = paired[i % paired.count()] if paired.exists() else None
            firm = pairing.firm if pairing else firm
        n += _offer(firm, title, covered, percent, cap, cost, scope, today, reviewer, True)
    pending_firm = firms[min(len(firms) - 1, 1)]
    n += _offer(
        pending_firm,
        "劳动仲裁代理八折",
        "劳动仲裁代理",
        20,
        "800",
        rng.choice([120, 150]),
        OfferScope.DISTRICT,
        today,
        reviewer,
        False,
    )
    return n


def _offer(
    firm: LawFirm,
    title: str,
    covered: str,
    percent: int,
    cap: str,
    cost: int,
    scope: str,
    today: date,
    reviewer: Any,
    published: bool,
) -> int:
    if Offer.objects.filter(firm=firm, title=title).exists():
        return 0
    Offer.objects.create(
        firm=firm,
        title=title,
        services=covered,
        description=f"{firm.name}为本区居民提供的积分优惠，付费时出示优惠券即可。",
        discount_percent=percent,
        max_discount_yuan=Decimal(cap),
        points_cost=cost,
        scope=scope,
        valid_from=today - timedelta(days=30),
        valid_until=today.replace(year=today.year + 1, month=12, day=31),
        status=OfferStatus.PUBLISHED if published else OfferStatus.PENDING,
        reviewed_by=reviewer if published else None,
        reviewed_at=timezone.now() if published else None,
    )
    return 1


def _bureau_user(district: District) -> Any:
    role = (
        RegionRole.objects.filter(role=Role.BUREAU_ADMIN, district=district, is_active=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return role.user if role else None


def _residents(district: District, rng: random.Random) -> tuple[int, int]:
    """Points for every demo resident (migrated by the bureau), then coupons: the
    first resident has one used and one unused coupon, the second one unused."""
    bureau = _bureau_user(district)
    if LedgerEntry.objects.filter(account__district=district, reason=MIGRATION_REASON).exists():
        # Done once: residents that other apps' demo data add later get no points, so a
        # second run writes nothing.
        return 0, 0
    profiles = list(
        ResidentProfile.objects.filter(community__street__district=district)
        .select_related("user")
        .order_by("pk")
    )
    if bureau is None or not profiles:
        return 0, 0
    entries_before = LedgerEntry.objects.filter(account__district=district).count()
    coupons_before = Coupon.objects.filter(firm__district=district).count()
    for profile in profiles:
        services.adjust(
            actor=bureau,
            user=profile.user,
            amount=rng.choice([180, 240, 300, 360]),
            reason=MIGRATION_REASON,
            key=f"demo:{district.pk}",
        )
    offers = list(
        Offer.objects.current()
        .filter(firm__district=district, scope=OfferScope.DISTRICT)
        .order_by("points_cost", "pk")
    )
    plan = [(profiles[0], 0, True), (profiles[0], 1, False)]
    if len(profiles) > 1:
        plan.append((profiles[1], 0, False))
    for profile, index, use in plan if offers else []:
        offer = offers[index % len(offers)]
        coupon = services.redeem(user=profile.user, offer=offer, key=f"demo:{offer.pk}:{index}")
        admin = FirmAdmin.objects.filter(firm=offer.firm, is_active=True).first()
        if use and admin and coupon.status == CouponStatus.ISSUED:
            services.verify_coupon(actor=admin.user, code=coupon.code)
    return (
        LedgerEntry.objects.filter(account__district=district).count() - entries_before,
        Coupon.objects.filter(firm__district=district).count() - coupons_before,
    )
