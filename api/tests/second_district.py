"""A second district beside the demo one, for the route probes (#17): its own streets,
communities, firms and lawyers, pairing, studio members, mediation organizations and
mediators, a bureau admin and a resident. Every row here is outside the scope of every
persona of the demo district, the demo bureau included."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from accounts.models import User
from accounts.roles import Role
from core.testing import (
    make_community,
    make_district,
    make_firm,
    make_lawyer,
    make_street,
    make_user,
)
from firms.models import FirmAdmin
from mediation.choices import OrgKind, OrgLevel
from mediation.models import Mediator, Organization
from pairing.models import Pairing
from regions import services as region_services
from regions.models import District, StudioMember


@dataclass(frozen=True)
class SecondDistrict:
    district: District
    bureau_admin: User
    rows: dict[str, Any]


def build_second_district(name: str = "其他区", code: str = "330105") -> SecondDistrict:
    district = make_district(name, code)
    street = make_street(district, "其他街道")
    community = make_community(street, "其他社区")
    firm = make_firm(district, "其他区律师事务所")
    lawyer = make_lawyer(firm, "外区律师", user=make_user("外区律师"))
    FirmAdmin.objects.create(firm=firm, user=make_user("外区律所主任"))
    pairing = Pairing.objects.create(community=community, firm=firm, start_date=date(2026, 1, 1))
    member = StudioMember.objects.create(
        community=community, position=StudioMember.Position.LAWYER, name="外区工作室成员"
    )
    org = Organization.objects.create(
        district=district,
        name="其他社区人民调解委员会",
        kind=OrgKind.PEOPLE,
        level=OrgLevel.COMMUNITY,
        street=street,
        community=community,
    )
    mediator_user = make_user("外区调解员")
    mediator = Mediator.objects.create(
        organization=org, name="外区调解员", phone=mediator_user.phone, user=mediator_user
    )
    resident = make_user("外区居民")
    region_services.set_home_community(user=resident, community=community)
    bureau = make_user("外区管理员")
    region_services.grant_region_role(
        actor=None, user=bureau, role=Role.BUREAU_ADMIN, place=district
    )
    rows = {
        "street": street,
        "community": community,
        "firm": firm,
        "lawyer": lawyer,
        "pairing": pairing,
        "member": member,
        "organization": org,
        "mediator": mediator,
    }
    return SecondDistrict(district, bureau, rows)
