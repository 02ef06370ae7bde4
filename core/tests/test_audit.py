"""The operation log records every change with who, what, when and from where."""

from django.urls import reverse

from core.context import acting_as
from core.models import LoginLog, OperationLog
from firms.models import Lawyer
from regions.models import Community


def test_create_update_are_logged_with_actor_and_changes(world):
    with acting_as(world.bureau_admin, ip="10.0.0.8", source="page"):
        community = Community.objects.create(street=world.street_a, name="新社区", households=10)
        community = Community.objects.get(pk=community.pk)
        community.households = 20
        community.save(update_fields=["households"])
    created, updated = OperationLog.objects.filter(
        model="regions.Community", object_id=str(community.pk)
    ).order_by("id")
    assert created.action == "create" and created.actor == world.bureau_admin
    assert created.ip == "10.0.0.8" and created.source == "page"
    assert created.district_id == world.district.pk
    assert updated.action == "update"
    assert updated.changes == {"households": 20}


def test_unchanged_save_is_not_logged(world):
    community = Community.objects.get(pk=world.community_a1.pk)
    before = OperationLog.objects.count()
    community.save()
    assert OperationLog.objects.count() == before


def test_personal_data_masked_in_log(world):
    lawyer = Lawyer.objects.get(pk=world.lawyer_l.pk)
    lawyer.phone = "13912345678"
    lawyer.save()
    entry = OperationLog.objects.filter(model="firms.Lawyer").latest("id")
    assert entry.changes["phone"] == "139****5678"


def test_admin_change_is_logged_with_ip(world, client):
    client.force_login(world.bureau_admin)
    url = reverse("admin:regions_community_change", args=[world.community_a1.pk])
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(
        {
            "street": world.street_a.pk,
            "name": world.community_a1.name,
            "households": 4321,
            "population": 9000,
            "is_active": "on",
            "studio_members-TOTAL_FORMS": 0,
            "studio_members-INITIAL_FORMS": 0,
        }
    )
    response = client.post(url, data, REMOTE_ADDR="192.0.2.7")
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = OperationLog.objects.filter(model="regions.Community", action="update").latest("id")
    assert entry.actor == world.bureau_admin and entry.ip == "192.0.2.7" and entry.source == "admin"
    assert entry.changes["households"] == 4321


def test_logs_scope(world):
    with acting_as(world.bureau_admin):
        Community.objects.create(street=world.street_a, name="甲社区")
    with acting_as(world.outsider):
        Community.objects.create(street=world.other_street, name="乙社区")
    mine = OperationLog.objects.visible_to(world.bureau_admin)
    assert mine.filter(object_repr="甲社区").exists()
    assert not mine.filter(object_repr="乙社区").exists()
    assert not OperationLog.objects.visible_to(world.street_staff_a).exists()
    assert not LoginLog.objects.visible_to(world.lawyer_f).exists()


def test_logs_are_read_only_in_admin(world, client):
    with acting_as(world.bureau_admin):
        Community.objects.create(street=world.street_a, name="甲社区")
    entry = OperationLog.objects.filter(object_repr="甲社区").get()
    client.force_login(world.bureau_admin)
    assert client.get(reverse("admin:core_operationlog_changelist")).status_code == 200
    change_url = reverse("admin:core_operationlog_change", args=[entry.pk])
    client.post(change_url, {"object_repr": "篡改"})
    assert (
        client.post(
            reverse("admin:core_operationlog_delete", args=[entry.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    entry.refresh_from_db()
    assert entry.object_repr == "甲社区"
