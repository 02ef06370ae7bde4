"""Who sees and edits which pairings, liaisons and honorary posts."""

import pytest

from pairing.models import HonoraryPost, Liaison, Pairing
from pairing.querysets import communities_editable_by, communities_in_scope

# persona -> the fixture rows it sees (a1, b1: district D; other: district E)
PAIRINGS = {
    "bureau_admin": {"a1", "b1"},
    "street_staff_a": {"a1"},
    "community_staff_a1": {"a1"},
    "firm_admin_f": {"a1"},
    "lawyer_f": {"a1"},
    "lawyer_g": {"b1"},
    "resident": set(),
    "outsider": {"other"},
}
POSTS = {
    "bureau_admin": {"deputy_a1", "office_a"},
    "street_staff_a": {"deputy_a1", "office_a"},
    "community_staff_a1": {"deputy_a1"},
    "firm_admin_f": {"deputy_a1", "office_a"},  # held by F's director
    "lawyer_f": {"deputy_a1", "office_a"},
    "lawyer_g": set(),
    "resident": set(),
    "outsider": set(),
}


def ids(paired, names):
    return {getattr(paired, n).pk for n in names}


@pytest.mark.parametrize("persona,expected", PAIRINGS.items())
def test_pairings_visible(world, paired, persona, expected):
    user = getattr(world, persona)
    assert set(Pairing.objects.visible_to(user).values_list("pk", flat=True)) == ids(
        paired, expected
    )


@pytest.mark.parametrize("persona,expected", PAIRINGS.items())
def test_liaisons_follow_their_pairing(world, paired, persona, expected):
    user = getattr(world, persona)
    visible = set(Liaison.objects.visible_to(user).values_list("pairing_id", flat=True))
    assert visible == ids(paired, expected) - {paired.other.pk}


@pytest.mark.parametrize("persona,expected", POSTS.items())
def test_posts_visible(world, paired, persona, expected):
    user = getattr(world, persona)
    assert set(HonoraryPost.objects.visible_to(user).values_list("pk", flat=True)) == ids(
        paired, expected
    )


@pytest.mark.parametrize("persona", PAIRINGS)
def test_only_the_bureau_edits(world, paired, persona):
    user = getattr(world, persona)
    expected = {"bureau_admin": {"a1", "b1"}, "outsider": {"other"}}.get(persona, set())
    assert set(Pairing.objects.editable_by(user).values_list("pk", flat=True)) == ids(
        paired, expected
    )
    liaisons = set(Liaison.objects.editable_by(user).values_list("pairing_id", flat=True))
    assert liaisons == ids(paired, expected) - {paired.other.pk}
    posts = {"deputy_a1", "office_a"} if persona == "bureau_admin" else set()
    assert set(HonoraryPost.objects.editable_by(user).values_list("pk", flat=True)) == ids(
        paired, posts
    )
    editable = set(communities_editable_by(user).values_list("pk", flat=True))
    district = world.district if persona == "bureau_admin" else world.other_district
    if persona in ("bureau_admin", "outsider"):
        assert editable and all(
            c.street.district == district for c in communities_editable_by(user)
        )
    else:
        assert editable == set()


def test_superuser_sees_and_edits_everything(world, paired):
    assert Pairing.objects.visible_to(world.superuser).count() == 3
    assert Pairing.objects.editable_by(world.superuser).count() == 3
    assert HonoraryPost.objects.editable_by(world.superuser).count() == 2


@pytest.mark.parametrize(
    "persona,expected",
    [
        ("bureau_admin", {"community_a1", "community_a2", "community_b1"}),
        ("street_staff_a", {"community_a1", "community_a2"}),
        ("community_staff_a1", {"community_a1"}),
        ("firm_admin_f", {"community_a1"}),
        ("lawyer_f", {"community_a1"}),
        ("lawyer_g", {"community_b1"}),
        ("resident", set()),
        ("outsider", {"other_community"}),
    ],
)
def test_communities_with_pairing_pages(world, paired, persona, expected):
    user = getattr(world, persona)
    assert set(communities_in_scope(user).values_list("pk", flat=True)) == {
        getattr(world, name).pk for name in expected
    }


def test_a_firm_keeps_seeing_its_past_pairings(world, paired):
    from datetime import date

    from pairing import services

    services.end_pairing(actor=None, pairing=paired.a1, end_date=date(2025, 1, 1), reason="调整")
    assert Pairing.objects.visible_to(world.lawyer_f).filter(pk=paired.a1.pk).exists()
    assert communities_in_scope(world.lawyer_f).filter(pk=world.community_a1.pk).exists()
