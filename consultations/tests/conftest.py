from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache

from accounts.models import User
from consultations import services
from consultations.models import Category, DutyShift, Question
from core.testing import World, make_lawyer, make_user
from firms.models import Lawyer
from pairing.models import Liaison, Pairing

SHANGHAI = ZoneInfo("Asia/Shanghai")
# A fixed "now" for tests that move the clock: Wednesday 2 September 2026, 09:00.
T0 = datetime(2026, 9, 2, 9, 0, tzinfo=SHANGHAI)
TODAY = T0.date()
TEXT = "我在小区里被邻居家的狗咬伤了，物业不管，请问应该找谁赔偿医药费？"


@pytest.fixture(autouse=True)
def _fresh_cache() -> Any:
    cache.clear()
    yield
    cache.clear()


def pair(world: World, community: Any = None, lawyers: list[Lawyer] | None = None) -> Pairing:
    """Pair a community (A1) with firm F and make the lawyers (L) its liaisons."""
    community = community or world.community_a1
    pairing = Pairing.objects.create(
        community=community, firm=world.firm_f, start_date=date(2026, 1, 1)
    )
    for slot, lawyer in enumerate(lawyers or [world.lawyer_l], start=1):
        Liaison.objects.create(
            pairing=pairing, lawyer=lawyer, slot=slot, start_date=date(2026, 1, 1)
        )
    return pairing


def duty(world: World, day: date, *lawyers: Lawyer) -> list[DutyShift]:
    return [
        DutyShift.objects.create(district=world.district, date=day, lawyer=lw) for lw in lawyers
    ]


def category(name: str = "邻里纠纷") -> Category:
    return Category.objects.get(name=name)


def ask(
    world: World,
    *,
    user: User | None = None,
    text: str = TEXT,
    now: datetime = T0,
    **draft: Any,
) -> Question:
    draft.setdefault("community", world.community_a1)
    draft.setdefault("category", category())
    question, _created = services.post_question(
        actor=user or world.resident, draft=services.Draft(text=text, **draft), now=now
    )
    return question


@dataclass
class Team:
    """Extra lawyers of firm F with accounts: a colleague and two duty volunteers."""

    colleague: Lawyer
    duty_a: Lawyer
    duty_b: Lawyer


@pytest.fixture
def team(world: World) -> Team:
    def lawyer(name: str, **extra: Any) -> Lawyer:
        return make_lawyer(world.firm_f, name, user=make_user(name), **extra)

    return Team(
        colleague=lawyer("赵律师"),
        duty_a=make_lawyer(world.firm_g, "钱律师", user=make_user("钱律师"), is_volunteer=True),
        duty_b=make_lawyer(world.firm_g, "孙律师", user=make_user("孙律师"), is_volunteer=True),
    )
