from accounts.roles import Role
from core.scope import get_principal


def test_personas_hold_their_roles(world):
    assert get_principal(world.bureau_admin).ids(Role.BUREAU_ADMIN) == {world.district.pk}
    assert get_principal(world.street_staff_a).ids(Role.STREET_STAFF) == {world.street_a.pk}
    assert get_principal(world.community_staff_a1).ids(Role.COMMUNITY_STAFF) == {
        world.community_a1.pk
    }
    assert get_principal(world.firm_admin_f).ids(Role.FIRM_ADMIN) == {world.firm_f.pk}
    assert get_principal(world.lawyer_f).parent_ids(Role.LAWYER) == {world.firm_f.pk}
    assert get_principal(world.resident).ids(Role.RESIDENT) == {world.community_a1.pk}
    assert get_principal(world.outsider).district_ids == {world.other_district.pk}
    assert world.bureau_admin.is_staff
