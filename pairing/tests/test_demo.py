"""Demo pairings: every community but two paired, firms with 1–3 communities and one
without, liaisons, honorary posts with a few expiring; running it again adds nothing."""

import random
from collections import Counter
from datetime import date, timedelta

import pytest

from core.testing import make_community, make_firm, make_lawyer, make_street
from firms.models import GuidanceGroupMember
from pairing import demo
from pairing.models import HonoraryPost, Liaison, Pairing
from pairing.overview import area_gaps
from regions.models import Community

TODAY = date(2026, 11, 28)


@pytest.fixture
def district(world):
    """The world's district grown to 4 streets, 14 communities and 7 firms."""
    d = world.district
    streets = [world.street_a, world.street_b, make_street(d), make_street(d)]
    for i in range(11):
        make_community(streets[i % 4])
    for _ in range(5):
        make_firm(d)
    for firm in d.firms.all():
        make_lawyer(firm, is_director=True, is_party_member=True)
        make_lawyer(firm)
        make_lawyer(firm, is_party_member=True)
    for director in d.firms.first().lawyers.filter(is_director=True):
        GuidanceGroupMember.objects.create(district=d, lawyer=director)
    return d


def test_seed(world, district):
    created = demo.seed(district, random.Random(7), today=TODAY)
    communities = Community.objects.filter(street__district=district)
    active = Pairing.objects.filter(community__street__district=district, end_date__isnull=True)
    assert created["pairings"] == active.count() == communities.count() - 2
    per_firm = Counter(active.values_list("firm_id", flat=True))
    assert set(per_firm.values()) <= {1, 2, 3}
    assert district.firms.count() - len(per_firm) == 1  # one firm without a community
    without = [p for p in active if not Liaison.objects.filter(pairing=p).active().exists()]
    assert len(without) == 1
    assert created["liaisons"] == Liaison.objects.active().count() >= communities.count() - 3
    deputies = HonoraryPost.objects.filter(kind=HonoraryPost.Kind.COMMUNITY_DEPUTY)
    assert deputies.count() >= (communities.count() - 2) * 0.6
    soon = deputies.filter(term_end__lte=TODAY + timedelta(days=60))
    assert soon.count() == 3
    offices = HonoraryPost.objects.filter(kind=HonoraryPost.Kind.OFFICE_DEPUTY)
    assert offices.count() == district.streets.count()
    assert created["honorary_posts"] == deputies.count() + offices.count()
    gaps = area_gaps(world.bureau_admin, district, today=TODAY)
    assert (len(gaps.unpaired), len(gaps.without_liaison), len(gaps.idle_firms)) == (2, 1, 1)
    assert len(gaps.expiring_posts) == 3


def test_seed_is_idempotent(world, district):
    demo.seed(district, random.Random(7), today=TODAY)
    counts = (Pairing.objects.count(), Liaison.objects.count(), HonoraryPost.objects.count())
    again = demo.seed(district, random.Random(7), today=TODAY)
    assert again == {"pairings": 0, "liaisons": 0, "honorary_posts": 0}
    assert counts == (
        Pairing.objects.count(),
        Liaison.objects.count(),
        HonoraryPost.objects.count(),
    )
    # even with another random draw, nothing is paired twice
    assert demo.seed(district, random.Random(8), today=TODAY)["pairings"] == 0


def test_seed_of_an_empty_district(world):
    from core.testing import make_district

    assert demo.seed(make_district("空区"), random.Random(1), today=TODAY) == {
        "pairings": 0,
        "liaisons": 0,
        "honorary_posts": 0,
    }
