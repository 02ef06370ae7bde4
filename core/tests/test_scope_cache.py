"""Role bindings kept across requests (core.scope): read once per sign-in, never seen
stale after a role is granted, moved or taken away, and a failing cache costs only
the reads."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from accounts.roles import Role
from core.scope import get_principal
from firms.models import FirmAdmin
from mediation.choices import OrgKind, OrgLevel
from mediation.models import Mediator, Organization
from regions import services as region_services
from regions.models import RegionRole

pytestmark = pytest.mark.django_db


def fresh(user: User) -> User:
    """The user as the next request loads it."""
    return User.objects.get(pk=user.pk)


def bindings(user: User) -> set[tuple[str, int]]:
    return {(b.role, b.object_id) for b in get_principal(fresh(user)).bindings}


def test_the_next_request_reads_no_binding_row(world):
    first = get_principal(fresh(world.lawyer_f))
    user = fresh(world.lawyer_f)
    with CaptureQueriesContext(connection) as queries:
        again = get_principal(user)
    assert len(queries) == 0
    assert again.bindings == first.bindings
    assert (Role.LAWYER, world.lawyer_l.pk) in bindings(world.lawyer_f)


def test_a_role_granted_or_taken_away_is_seen_by_the_next_request(world):
    user = world.resident
    assert bindings(user) == {(Role.RESIDENT, world.community_a1.pk)}
    region_services.grant_region_role(
        actor=None, user=user, role=Role.COMMUNITY_STAFF, place=world.community_a2
    )
    assert (Role.COMMUNITY_STAFF, world.community_a2.pk) in bindings(user)
    role = RegionRole.objects.get(user=user, community=world.community_a2)
    role.is_active = False
    role.save()
    assert bindings(user) == {(Role.RESIDENT, world.community_a1.pk)}
    region_services.set_home_community(user=user, community=world.community_b1)
    assert bindings(user) == {(Role.RESIDENT, world.community_b1.pk)}


def test_a_binding_moved_to_another_user_leaves_the_first(world):
    before = world.firm_admin_f
    after = world.resident
    assert (Role.FIRM_ADMIN, world.firm_f.pk) in bindings(before)
    bindings(after)  # cached without the firm
    admin = FirmAdmin.objects.get(user=before)
    admin.user = after
    admin.save()
    assert (Role.FIRM_ADMIN, world.firm_f.pk) not in bindings(before)
    assert (Role.FIRM_ADMIN, world.firm_f.pk) in bindings(after)


def test_a_deleted_binding_and_a_deactivated_lawyer_are_gone(world):
    assert (Role.STREET_STAFF, world.street_a.pk) in bindings(world.street_staff_a)
    RegionRole.objects.get(user=world.street_staff_a).delete()
    assert bindings(world.street_staff_a) == set()
    lawyer = world.lawyer_l
    lawyer.is_active = False
    lawyer.save()
    assert bindings(world.lawyer_f) == set()


def test_an_organization_closed_drops_its_mediators(world):
    org = Organization.objects.create(
        district=world.district,
        name="清波社区人民调解委员会",
        kind=OrgKind.PEOPLE,
        level=OrgLevel.COMMUNITY,
        street=world.street_a,
        community=world.community_a1,
    )
    Mediator.objects.create(
        organization=org, name="王调解员", phone=world.resident.phone, user=world.resident
    )
    assert (Role.MEDIATOR, org.pk) in bindings(world.resident)
    org.is_active = False
    org.save()
    assert (Role.MEDIATOR, org.pk) not in bindings(world.resident)


def test_a_user_loaded_before_a_change_does_not_bring_the_old_bindings_back(world):
    early = fresh(world.community_staff_a1)
    assert (Role.COMMUNITY_STAFF, world.community_a1.pk) in bindings(early)
    role = RegionRole.objects.get(user=early)
    role.is_active = False
    role.save()
    early.name = "改名的工作人员"
    early.save()  # the old counter is not written back
    assert bindings(world.community_staff_a1) == set()
    assert fresh(early).name == "改名的工作人员"


def test_a_failing_cache_costs_the_reads_not_the_request(world, monkeypatch):
    def down(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise ConnectionError("redis down")

    monkeypatch.setattr(cache, "get", down)
    monkeypatch.setattr(cache, "set", down)
    assert (Role.BUREAU_ADMIN, world.district.pk) in bindings(world.bureau_admin)


def test_no_cache_time_reads_every_request(world, settings):
    settings.SCOPE_CACHE_SECONDS = 0
    get_principal(fresh(world.lawyer_f))
    user = fresh(world.lawyer_f)
    with CaptureQueriesContext(connection) as queries:
        get_principal(user)
    assert len(queries) > 0


def test_pages_follow_a_role_taken_away(world, client):
    client.force_login(world.bureau_admin)
    assert client.get(f"/assessment/dashboard/district/{world.district.pk}/").status_code == 200
    role = RegionRole.objects.get(user=world.bureau_admin)
    role.is_active = False
    role.save()
    assert client.get(f"/assessment/dashboard/district/{world.district.pk}/").status_code in (
        403,
        404,
    )
