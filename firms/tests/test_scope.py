"""The scope matrix for firms and lawyers."""

from firms.models import FirmAdmin, GuidanceGroupMember, LawFirm, Lawyer


def ids(qs):
    return set(qs.values_list("pk", flat=True))


def test_bureau_admin_sees_and_edits_district_firms(world):
    u = world.bureau_admin
    assert ids(LawFirm.objects.visible_to(u)) == {world.firm_f.pk, world.firm_g.pk}
    assert ids(LawFirm.objects.editable_by(u)) == {world.firm_f.pk, world.firm_g.pk}
    assert ids(Lawyer.objects.editable_by(u)) == {world.lawyer_l.pk, world.lawyer_other.pk}


def test_outsider_sees_other_district_only(world):
    u = world.outsider
    assert ids(LawFirm.objects.visible_to(u)) == {world.other_firm.pk}
    assert not Lawyer.objects.visible_to(u).filter(pk=world.lawyer_l.pk).exists()


def test_firm_admin_edits_own_firm_only(world):
    u = world.firm_admin_f
    assert ids(LawFirm.objects.visible_to(u)) == {world.firm_f.pk}
    assert ids(LawFirm.objects.editable_by(u)) == {world.firm_f.pk}
    assert ids(Lawyer.objects.visible_to(u)) == {world.lawyer_l.pk}
    assert ids(Lawyer.objects.editable_by(u)) == {world.lawyer_l.pk}


def test_lawyer_reads_firm_edits_self(world):
    u = world.lawyer_f
    assert ids(LawFirm.objects.visible_to(u)) == {world.firm_f.pk}
    assert ids(LawFirm.objects.editable_by(u)) == set()
    assert ids(Lawyer.objects.editable_by(u)) == {world.lawyer_l.pk}
    assert world.lawyer_other.pk not in ids(Lawyer.objects.visible_to(u))


def test_staff_read_district_firms_but_do_not_edit(world):
    for u in (world.street_staff_a, world.community_staff_a1):
        assert ids(LawFirm.objects.visible_to(u)) == {world.firm_f.pk, world.firm_g.pk}
        assert ids(LawFirm.objects.editable_by(u)) == set()
        assert ids(Lawyer.objects.editable_by(u)) == set()


def test_resident_sees_no_firm_management_rows(world):
    assert not LawFirm.objects.visible_to(world.resident).exists()
    assert not Lawyer.objects.visible_to(world.resident).exists()
    # The public directory is a separate queryset.
    assert Lawyer.objects.public().filter(pk=world.lawyer_l.pk).exists()


def test_firm_admin_bindings_are_granted_by_bureau_only(world):
    assert ids(FirmAdmin.objects.editable_by(world.bureau_admin)) == set(
        FirmAdmin.objects.values_list("pk", flat=True)
    )
    assert ids(FirmAdmin.objects.editable_by(world.firm_admin_f)) == set()


def test_guidance_group_scope(world):
    member = GuidanceGroupMember.objects.create(district=world.district, lawyer=world.lawyer_l)
    assert member.pk in ids(GuidanceGroupMember.objects.visible_to(world.street_staff_a))
    assert member.pk in ids(GuidanceGroupMember.objects.editable_by(world.bureau_admin))
    assert member.pk not in ids(GuidanceGroupMember.objects.visible_to(world.outsider))
    assert member.pk not in ids(GuidanceGroupMember.objects.editable_by(world.street_staff_a))
