"""The region, firm and pairing querysets declare their scope (core.scope.Scope): no
verb is hand-written any more, and the cases the declarations must keep as they were
(a user with roles in two places, rows reached through communities counted once,
children following their parent, the shared specialty list) still hold."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.models import User
from accounts.roles import Role
from core.scope import Scope, ScopedQuerySet
from core.testing import make_lawyer, make_user
from firms import querysets as firm_querysets
from firms.models import FirmAdmin, GuidanceGroupMember, LawFirm, Lawyer, Specialty
from pairing import querysets as pairing_querysets
from pairing.querysets import bureau_district_ids, communities_editable_by
from regions import querysets as region_querysets
from regions import services as region_services
from regions.models import Community, District, DistrictSettings, Street, StudioMember

pytestmark = pytest.mark.django_db


def ids(qs) -> list[int]:
    return sorted(qs.values_list("pk", flat=True))


def fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)  # bindings read anew


@pytest.mark.parametrize("module", [region_querysets, firm_querysets, pairing_querysets])
def test_every_verb_is_declared(module):
    classes = [
        c
        for c in vars(module).values()
        if isinstance(c, type) and issubclass(c, ScopedQuerySet) and c is not ScopedQuerySet
    ]
    assert classes
    for cls in classes:
        if cls.__module__ != module.__name__:
            continue
        assert "visible_to" not in vars(cls), cls
        assert "editable_by" not in vars(cls), cls
        assert isinstance(cls.visible, Scope), cls


@pytest.fixture
def two_hats(world) -> User:
    """司法所 staff of street B who is also admin of the other district's firm and lives
    in the other district."""
    user = make_user("两顶帽子")
    region_services.grant_region_role(
        actor=None, user=user, role=Role.STREET_STAFF, place=world.street_b
    )
    FirmAdmin.objects.create(firm=world.other_firm, user=user)
    region_services.set_home_community(user=user, community=world.other_community)
    return fresh(user)


def test_roles_in_two_districts_add_up(world, two_hats):
    assert ids(District.objects.visible_to(two_hats)) == sorted(
        [world.district.pk, world.other_district.pk]
    )
    assert ids(District.objects.editable_by(two_hats)) == []
    assert ids(Street.objects.visible_to(two_hats)) == sorted(
        [world.street_b.pk, world.other_street.pk]
    )
    assert ids(Community.objects.visible_to(two_hats)) == sorted(
        [world.community_b1.pk, world.other_community.pk]
    )
    assert ids(Community.objects.editable_by(two_hats)) == [world.community_b1.pk]
    assert ids(LawFirm.objects.visible_to(two_hats)) == sorted(
        [world.firm_f.pk, world.firm_g.pk, world.other_firm.pk]
    )
    assert ids(LawFirm.objects.editable_by(two_hats)) == [world.other_firm.pk]


def test_a_street_reached_through_several_communities_is_listed_once(world):
    user = make_user("两社区")
    for community in (world.community_a1, world.community_a2):
        region_services.grant_region_role(
            actor=None, user=user, role=Role.COMMUNITY_STAFF, place=community
        )
    streets = Street.objects.visible_to(fresh(user))
    assert streets.query.distinct
    assert list(streets.values_list("pk", flat=True)) == [world.street_a.pk]
    # Superusers read the table as it is.
    assert not Street.objects.visible_to(world.superuser).query.distinct


def test_children_follow_their_parent(world, two_hats):
    StudioMember.objects.create(community=world.community_a1, position="police", name="甲")
    StudioMember.objects.create(community=world.community_b1, position="police", name="乙")
    StudioMember.objects.create(community=world.other_community, position="police", name="丙")
    for d in (world.district, world.other_district):
        DistrictSettings.objects.get_or_create(district=d)
    director = make_lawyer(world.firm_f, "钱主任", is_director=True)
    GuidanceGroupMember.objects.create(district=world.district, lawyer=director)
    for user in (*world.personas().values(), world.superuser, two_hats, AnonymousUser()):
        communities = Community.objects.visible_to(user)
        assert ids(StudioMember.objects.visible_to(user)) == ids(
            StudioMember.objects.filter(community__in=communities)
        ), user
        editable = Community.objects.editable_by(user)
        assert ids(StudioMember.objects.editable_by(user)) == ids(
            StudioMember.objects.filter(community__in=editable)
        ), user
        districts = District.objects.visible_to(user)
        assert ids(DistrictSettings.objects.visible_to(user)) == ids(
            DistrictSettings.objects.filter(district__in=districts)
        ), user
        assert ids(GuidanceGroupMember.objects.visible_to(user)) == ids(
            GuidanceGroupMember.objects.filter(district__in=districts)
        ), user
        firms = LawFirm.objects.visible_to(user)
        assert ids(FirmAdmin.objects.visible_to(user)) == ids(
            FirmAdmin.objects.filter(firm__in=firms)
        ), user


def test_firm_admin_rights_are_changed_by_the_bureau_only(world):
    assert ids(FirmAdmin.objects.editable_by(world.firm_admin_f)) == []
    assert ids(FirmAdmin.objects.editable_by(world.bureau_admin)) == ids(
        FirmAdmin.objects.filter(firm__district=world.district)
    )
    assert ids(FirmAdmin.objects.editable_by(world.superuser)) == ids(FirmAdmin.objects.all())


def test_a_lawyer_edits_their_own_record_only(world):
    assert ids(Lawyer.objects.editable_by(world.lawyer_f)) == [world.lawyer_l.pk]
    assert ids(Lawyer.objects.editable_by(world.firm_admin_f)) == ids(
        Lawyer.objects.filter(firm=world.firm_f)
    )


def test_specialties_are_read_by_everyone(world):
    Specialty.objects.get_or_create(name="婚姻家庭")
    every = ids(Specialty.objects.all())
    for user in (None, AnonymousUser(), world.resident, world.bureau_admin, world.superuser):
        assert ids(Specialty.objects.visible_to(user)) == every
        # No edit rule of its own (the admin lets only superusers change the list).
        assert ids(Specialty.objects.editable_by(user)) == every


def test_only_the_bureau_pairs_communities(world, two_hats):
    assert ids(communities_editable_by(world.bureau_admin)) == ids(
        Community.objects.filter(street__district=world.district)
    )
    assert ids(communities_editable_by(world.superuser)) == ids(Community.objects.all())
    for user in (world.street_staff_a, world.firm_admin_f, two_hats, AnonymousUser()):
        assert ids(communities_editable_by(user)) == []
    assert bureau_district_ids(world.superuser) is None
    assert bureau_district_ids(world.bureau_admin) == {world.district.pk}
    assert bureau_district_ids(two_hats) == set()
