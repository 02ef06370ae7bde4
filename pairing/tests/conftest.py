from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from core.testing import make_lawyer
from firms.models import GuidanceGroupMember, Lawyer
from pairing import services
from pairing.models import HonoraryPost, Liaison, Pairing

START = date(2024, 3, 1)


@dataclass
class Paired:
    """A1 ↔ F (liaison 张律师, 名誉法治副主任 F's director), B1 ↔ G (liaison 李律师),
    street A's 名誉法治副所长 (F's director, in the guidance group), and a pairing in
    the other district."""

    a1: Pairing
    b1: Pairing
    other: Pairing
    liaison_a1: Liaison
    liaison_b1: Liaison
    director_f: Lawyer
    party_f: Lawyer
    deputy_a1: HonoraryPost
    office_a: HonoraryPost


@pytest.fixture
def director_f(world):
    return make_lawyer(world.firm_f, "钱主任", is_director=True)


@pytest.fixture
def paired(world, director_f) -> Paired:
    party_f = make_lawyer(world.firm_f, "孙党员", is_party_member=True)
    GuidanceGroupMember.objects.create(district=world.district, lawyer=director_f)
    a1 = services.pair_community(
        actor=None, community=world.community_a1, firm=world.firm_f, start_date=START
    )
    b1 = services.pair_community(
        actor=None, community=world.community_b1, firm=world.firm_g, start_date=START
    )
    other = services.pair_community(
        actor=None, community=world.other_community, firm=world.other_firm, start_date=START
    )
    return Paired(
        a1=a1,
        b1=b1,
        other=other,
        liaison_a1=services.appoint_liaison(
            actor=None, pairing=a1, lawyer=world.lawyer_l, start_date=START
        ),
        liaison_b1=services.appoint_liaison(
            actor=None, pairing=b1, lawyer=world.lawyer_other, start_date=START
        ),
        director_f=director_f,
        party_f=party_f,
        deputy_a1=services.appoint_honorary_post(
            actor=None,
            kind=HonoraryPost.Kind.COMMUNITY_DEPUTY,
            community=world.community_a1,
            lawyer=director_f,
            start_date=START,
            term_end=date(2027, 3, 1),
        ),
        office_a=services.appoint_honorary_post(
            actor=None,
            kind=HonoraryPost.Kind.OFFICE_DEPUTY,
            street=world.street_a,
            lawyer=director_f,
            start_date=START,
            term_end=date(2027, 3, 1),
        ),
    )


@pytest.fixture
def principal_queries(world):
    """How many queries computing a user's role bindings takes (one per app that
    binds users): query budgets are that plus the page's own queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from core.scope import get_principal

    user = User.objects.get(pk=world.bureau_admin.pk)
    with CaptureQueriesContext(connection) as context:
        get_principal(user)
    return len(context.captured_queries)
