from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from points.choices import Action, OfferScope, OfferStatus
from points.models import EarningRule, Offer
from points.services import adjust


@pytest.fixture
def rules(world: Any) -> dict[str, EarningRule]:
    """The district's rules: check-in 10 (daily 10, monthly 20), rating 5 (daily 8),
    lecture 20 (yearly 50), follow-up 15 (no caps)."""
    specs = {
        Action.SERVICE_DAY_CHECKIN: {"points": 10, "daily_cap": 10, "monthly_cap": 20},
        Action.ANSWER_RATING: {"points": 5, "daily_cap": 8},
        Action.LECTURE_ATTENDANCE: {"points": 20, "yearly_cap": 50},
        Action.MEDIATION_FOLLOWUP: {"points": 15},
    }
    return {
        action: EarningRule.objects.create(district=world.district, action=action, **spec)
        for action, spec in specs.items()
    }


def make_offer(firm: Any, **extra: Any) -> Offer:
    values: dict[str, Any] = {
        "title": "合同审查八折",
        "services": "合同审查",
        "discount_percent": 20,
        "max_discount_yuan": Decimal("500.00"),
        "points_cost": 60,
        "scope": OfferScope.DISTRICT,
        "valid_from": date(2020, 1, 1),
        "valid_until": date(2099, 12, 31),
        "status": OfferStatus.PUBLISHED,
    }
    values.update(extra)
    return Offer.objects.create(firm=firm, **values)


@pytest.fixture
def offer(world: Any) -> Offer:
    """A published district-wide offer of firm F costing 60 points."""
    return make_offer(world.firm_f)


def fund(world: Any, user: Any, amount: int) -> None:
    adjust(actor=world.bureau_admin, user=user, amount=amount, reason="测试充值")
