"""Who sees which case and which part of the register; the mediator's role binding;
the back office never shows ID numbers."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.models import User
from accounts.roles import Role
from core.scope import get_principal
from core.testing import make_user
from mediation.choices import CaseStatus
from mediation.models import Case, CaseEvent, Mediator, Organization, Party
from mediation.tests.conftest import ID_NUMBER, advance, applied
from regions.services import grant_region_role

SEES = {
    "resident": True,  # applicant
    "respondent": True,  # by account
    "respondent_by_phone": True,  # signs in later with the respondent's phone
    "bureau_admin": True,
    "street_staff_a": True,
    "community_staff_a1": True,
    "m1": True,  # assigned
    "m2": True,  # same organization
    "lawyer_f": True,  # takes part
    "street_b": False,
    "s1": False,  # mediator of another organization
    "x": False,  # mediator of another district
    "lawyer_g": False,
    "firm_admin_f": False,
    "outsider": False,
    "stranger": False,
}


@pytest.fixture
def users(world, setup):
    street_b = make_user("湖滨司法所")
    grant_region_role(actor=None, user=street_b, role=Role.STREET_STAFF, place=world.street_b)
    return {
        **world.personas(),
        "respondent": setup.respondent,
        "street_b": street_b,
        "m1": setup.m1.user,
        "m2": setup.m2.user,
        "s1": setup.s1.user,
        "x": setup.x.user,
        "stranger": make_user("路人"),
    }


@pytest.mark.parametrize(("who", "sees"), SEES.items())
def test_case_scope(world, setup, users, who, sees):
    case = advance(world, setup, applied(world, setup), CaseStatus.ASSIGNED)
    if who == "respondent_by_phone":
        Party.objects.filter(case=case, user=setup.respondent).update(
            user=None, phone="13700007777"
        )
        user = User.objects.create_user("13700007777", name="后注册")
    else:
        user = users[who]
    assert Case.objects.visible_to(user).filter(pk=case.pk).exists() is sees
    assert CaseEvent.objects.visible_to(user).filter(case=case).exists() is sees


def test_mediator_binding(world, setup):
    principal = get_principal(setup.m1.user)
    binding = next(b for b in principal.bindings if b.role == Role.MEDIATOR)
    assert binding.object_id == setup.org.pk == binding.parent_id
    assert binding.label == setup.org.name and binding.district_id == world.district.pk
    Mediator.objects.filter(pk=setup.s1.pk).update(is_active=False)
    assert not get_principal(User.objects.get(pk=setup.s1.user_id)).has(Role.MEDIATOR)


def test_register_scope(world, setup):
    for user in (world.resident, world.lawyer_g, setup.m1.user, world.street_staff_a):
        visible = Organization.objects.visible_to(user)
        assert setup.org in visible and setup.other_org not in visible
        assert not Organization.objects.editable_by(user).exists()
    assert set(Organization.objects.editable_by(world.bureau_admin)) == {
        setup.org,
        setup.street_org,
        setup.property_org,
    }
    assert setup.x not in Mediator.objects.visible_to(world.bureau_admin)
    assert not Organization.objects.visible_to(make_user("无角色")).exists()


def test_admin_lists_cases_without_personal_data(world, setup):
    from mediation import services
    from mediation.choices import PartyRole

    parties = [
        services.PartyDraft(PartyRole.APPLICANT, "王居民", world.resident.phone, ID_NUMBER, True),
        services.PartyDraft(PartyRole.RESPONDENT, "李四", setup.respondent.phone),
    ]
    case = applied(world, setup, parties=parties)
    client = Client()
    client.force_login(world.superuser)
    assert client.get("/admin/mediation/case/").status_code == 200
    page = client.get(f"/admin/mediation/case/{case.pk}/change/")
    html = page.content.decode()
    assert page.status_code == 200 and ID_NUMBER not in html
    assert world.resident.phone not in html and "1101**********002X" in html
    assert client.get("/admin/mediation/mediator/add/").status_code == 200
    assert client.get(f"/admin/mediation/organization/{setup.org.pk}/change/").status_code == 200
