from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache

from accounts.models import User
from core.testing import World, make_user
from mediation import services
from mediation.choices import (
    CaseStatus,
    DisputeCategory,
    Guidance,
    OrgKind,
    OrgLevel,
    PartyRole,
    SessionKind,
)
from mediation.models import Case, MediationLawyer, Mediator, Organization

SHANGHAI = ZoneInfo("Asia/Shanghai")
# A fixed "now" for tests that move the clock: Wednesday 2 September 2026, 09:00.
T0 = datetime(2026, 9, 2, 9, 0, tzinfo=SHANGHAI)
FACTS = "楼上邻居家装修漏水，把我家天花板泡坏了，协商赔偿未果，请求调解。"
ID_NUMBER = "11010519491231002X"  # a valid check character (GB 11643 example)


@pytest.fixture(autouse=True)
def _fresh_cache() -> Any:
    cache.clear()
    yield
    cache.clear()


@dataclass
class Setup:
    """The register of district D: the community A1 committee (mediators M1, M2 with
    accounts, M3 without), the street A committee (mediator S1), a 物业 committee of
    the district, another district's committee (mediator X); lawyer L registered."""

    org: Organization
    street_org: Organization
    property_org: Organization
    other_org: Organization
    m1: Mediator
    m2: Mediator
    m3: Mediator
    s1: Mediator
    x: Mediator
    respondent: User
    registered: MediationLawyer


def make_mediator(org: Organization, name: str, *, account: bool = True, **extra: Any) -> Mediator:
    user = make_user(name) if account else None
    phone = user.phone if user else f"1350000{Mediator.objects.count():04d}"
    return Mediator.objects.create(organization=org, name=name, phone=phone, user=user, **extra)


@pytest.fixture
def setup(world: World) -> Setup:
    return build_setup(world)


def build_setup(world: World) -> Setup:
    org = Organization.objects.create(
        district=world.district,
        name="清波社区人民调解委员会",
        kind=OrgKind.PEOPLE,
        level=OrgLevel.COMMUNITY,
        street=world.street_a,
        community=world.community_a1,
    )
    street_org = Organization.objects.create(
        district=world.district,
        name="清波街道人民调解委员会",
        kind=OrgKind.PEOPLE,
        level=OrgLevel.STREET,
        street=world.street_a,
    )
    property_org = Organization.objects.create(
        district=world.district,
        name="区物业纠纷人民调解委员会",
        kind=OrgKind.PROFESSIONAL,
        level=OrgLevel.DISTRICT,
        category=DisputeCategory.PROPERTY,
    )
    other_org = Organization.objects.create(
        district=world.other_district,
        name="其他区人民调解委员会",
        kind=OrgKind.PEOPLE,
        level=OrgLevel.DISTRICT,
    )
    return Setup(
        org=org,
        street_org=street_org,
        property_org=property_org,
        other_org=other_org,
        m1=make_mediator(org, "调解员甲", specialties=[DisputeCategory.NEIGHBOR]),
        m2=make_mediator(org, "调解员乙"),
        m3=make_mediator(org, "调解员丙", account=False),
        s1=make_mediator(street_org, "街道调解员"),
        x=make_mediator(other_org, "外区调解员"),
        respondent=make_user("李四"),
        registered=MediationLawyer.objects.create(
            district=world.district, lawyer=world.lawyer_l, specialties=[DisputeCategory.NEIGHBOR]
        ),
    )


def application(world: World, setup: Setup, **extra: Any) -> services.Application:
    values: dict[str, Any] = {
        "community": world.community_a1,
        "category": DisputeCategory.NEIGHBOR,
        "facts": FACTS,
        "claims": "赔偿维修费 5000 元",
        "parties": [
            services.PartyDraft(PartyRole.APPLICANT, "王居民", world.resident.phone),
            services.PartyDraft(PartyRole.RESPONDENT, "李四", setup.respondent.phone),
        ],
    }
    values.update(extra)
    return services.Application(**values)


def applied(world: World, setup: Setup, now: datetime = T0, **extra: Any) -> Case:
    return services.apply(
        actor=world.resident, application=application(world, setup, **extra), now=now
    )


STEPS: list[str] = [
    CaseStatus.APPLIED,
    CaseStatus.ACCEPTED,
    CaseStatus.ASSIGNED,
    CaseStatus.MEDIATING,
    CaseStatus.AGREED,
    CaseStatus.FOLLOWED_UP,
    CaseStatus.ARCHIVED,
]


def advance(world: World, setup: Setup, case: Case, to: str, now: datetime = T0) -> Case:
    """Move a case along the happy path up to ``to`` (FAILED branches off MEDIATING)."""
    m1: Any = setup.m1.user
    target = STEPS.index(to) if to in STEPS else STEPS.index(CaseStatus.MEDIATING)
    if target >= 1 and case.status == CaseStatus.APPLIED:
        services.accept(actor=world.street_staff_a, case=case, now=now)
    if target >= 2 and case.status == CaseStatus.ACCEPTED:
        services.assign(
            actor=world.street_staff_a,
            case=case,
            organization=setup.org,
            mediators=[setup.m1, setup.m3],
            lawyer=world.lawyer_l,
            now=now,
        )
    if target >= 3 and case.status == CaseStatus.ASSIGNED:
        services.start(actor=m1, case=case, now=now)
    if to == CaseStatus.FAILED:
        services.record_failure(
            actor=m1,
            case=case,
            reason="双方对赔偿金额分歧过大",
            guidance=[Guidance.LITIGATION],
            now=now,
        )
        return case
    if target >= 4 and case.status == CaseStatus.MEDIATING:
        agree(world, setup, case, now)
    if target >= 5 and case.status == CaseStatus.AGREED:
        services.follow_up(actor=m1, case=case, note="已按协议履行赔偿", satisfied=True, now=now)
    if target >= 6 and case.status == CaseStatus.FOLLOWED_UP:
        services.archive(actor=m1, case=case, now=now)
    return case


def code_sent(outbox: list[tuple[str, str]], phone: str) -> str:
    import re

    message = next(m for p, m in reversed(outbox) if p == phone and "验证码" in m)
    return re.search(r"验证码 (\d{6})", message).group(1)  # type: ignore[union-attr]


def agree(world: World, setup: Setup, case: Case, now: datetime = T0) -> None:
    from accounts.sms import LocmemSmsBackend

    services.draft_agreement(
        actor=setup.m1.user, case=case, terms="李四于十日内赔偿王居民维修费 3000 元。", now=now
    )
    for user in (world.resident, setup.respondent):
        party = case.parties.get(phone=user.phone)
        services.send_confirmation_code(actor=user, party=party, now=now)
        code = code_sent(LocmemSmsBackend.outbox, user.phone)
        services.confirm_agreement(actor=user, case=case, code=code, now=now)


__all__ = [
    "FACTS",
    "ID_NUMBER",
    "T0",
    "SessionKind",
    "Setup",
    "advance",
    "agree",
    "application",
    "applied",
    "code_sent",
    "make_mediator",
]
