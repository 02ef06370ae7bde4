"""The scope matrix for the region tree: each persona × each model it touches."""

import pytest

from regions.models import Community, District, RegionRole, ResidentProfile, Street, StudioMember


def ids(qs):
    return set(qs.values_list("pk", flat=True))


@pytest.fixture
def members(world):
    a1 = StudioMember.objects.create(community=world.community_a1, position="police", name="甲")
    a2 = StudioMember.objects.create(community=world.community_a2, position="police", name="乙")
    other = StudioMember.objects.create(
        community=world.other_community, position="police", name="丙"
    )
    return a1, a2, other


def test_bureau_admin_sees_whole_district_only(world):
    u = world.bureau_admin
    assert ids(District.objects.visible_to(u)) == {world.district.pk}
    assert ids(Street.objects.visible_to(u)) == {world.street_a.pk, world.street_b.pk}
    assert ids(Community.objects.visible_to(u)) == {
        world.community_a1.pk,
        world.community_a2.pk,
        world.community_b1.pk,
    }
    assert ids(Community.objects.editable_by(u)) == ids(Community.objects.visible_to(u))
    assert world.other_community.pk not in ids(Community.objects.visible_to(u))


def test_outsider_sees_only_other_district(world):
    u = world.outsider
    assert ids(District.objects.visible_to(u)) == {world.other_district.pk}
    assert ids(Community.objects.visible_to(u)) == {world.other_community.pk}
    assert not Street.objects.visible_to(u).filter(pk=world.street_a.pk).exists()


def test_street_staff_sees_own_street(world):
    u = world.street_staff_a
    assert ids(Street.objects.visible_to(u)) == {world.street_a.pk}
    assert ids(Community.objects.visible_to(u)) == {world.community_a1.pk, world.community_a2.pk}
    assert ids(Community.objects.editable_by(u)) == {world.community_a1.pk, world.community_a2.pk}
    assert ids(Street.objects.editable_by(u)) == set()
    assert ids(District.objects.editable_by(u)) == set()


def test_community_staff_sees_own_community(world):
    u = world.community_staff_a1
    assert ids(Community.objects.visible_to(u)) == {world.community_a1.pk}
    assert ids(Community.objects.editable_by(u)) == {world.community_a1.pk}
    assert ids(Street.objects.visible_to(u)) == {world.street_a.pk}


def test_firm_people_read_district_but_edit_nothing(world):
    for u in (world.firm_admin_f, world.lawyer_f):
        assert ids(Community.objects.visible_to(u)) == {
            world.community_a1.pk,
            world.community_a2.pk,
            world.community_b1.pk,
        }
        assert ids(Community.objects.editable_by(u)) == set()


def test_resident_sees_home_community_only(world):
    u = world.resident
    assert ids(Community.objects.visible_to(u)) == {world.community_a1.pk}
    assert ids(Community.objects.editable_by(u)) == set()
    assert ids(ResidentProfile.objects.visible_to(u)) == {u.resident_profile.pk}


def test_anonymous_sees_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    anon = AnonymousUser()
    for model in (District, Street, Community, StudioMember, RegionRole, ResidentProfile):
        assert not model.objects.visible_to(anon).exists()


def test_studio_members_follow_community(world, members):
    a1, a2, other = members
    assert ids(StudioMember.objects.visible_to(world.community_staff_a1)) == {a1.pk}
    assert ids(StudioMember.objects.visible_to(world.street_staff_a)) == {a1.pk, a2.pk}
    assert ids(StudioMember.objects.visible_to(world.bureau_admin)) == {a1.pk, a2.pk}
    assert ids(StudioMember.objects.visible_to(world.outsider)) == {other.pk}


def test_region_roles_scope(world):
    bureau_view = ids(RegionRole.objects.visible_to(world.bureau_admin))
    assert RegionRole.objects.get(user=world.street_staff_a).pk in bureau_view
    assert RegionRole.objects.get(user=world.outsider).pk not in bureau_view
    street_view = ids(RegionRole.objects.visible_to(world.street_staff_a))
    assert street_view == {
        RegionRole.objects.get(user=world.street_staff_a).pk,
        RegionRole.objects.get(user=world.community_staff_a1).pk,
    }
    assert ids(RegionRole.objects.editable_by(world.street_staff_a)) == set()


def test_residents_visible_to_their_community_staff(world):
    profile = world.resident.resident_profile
    assert profile.pk in ids(ResidentProfile.objects.visible_to(world.community_staff_a1))
    assert profile.pk in ids(ResidentProfile.objects.visible_to(world.bureau_admin))
    assert profile.pk not in ids(ResidentProfile.objects.visible_to(world.outsider))
    assert profile.pk not in ids(ResidentProfile.objects.visible_to(world.lawyer_f))


def test_superuser_sees_everything(world):
    assert District.objects.visible_to(world.superuser).count() == 2
