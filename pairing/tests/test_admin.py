"""The back office: pairings, liaisons and posts are created and ended through the
services, with their Chinese messages on the form; lists are scoped."""

from datetime import date

from django.urls import reverse

from pairing.models import HonoraryPost, Liaison, Pairing


def test_admin_lists_are_scoped(client_for, world, paired):
    client = client_for(world.bureau_admin)
    body = client.get(reverse("admin:pairing_pairing_changelist")).content.decode()
    assert "清波社区" in body and "其他社区" not in body
    body = client.get(reverse("admin:pairing_honorarypost_changelist")).content.decode()
    assert "钱主任" in body


def test_admin_refuses_other_roles(client_for, world, paired):
    for persona in ("street_staff_a", "lawyer_f", "firm_admin_f"):
        response = client_for(getattr(world, persona)).get(
            reverse("admin:pairing_pairing_changelist")
        )
        assert response.status_code in (302, 403)


def test_admin_add_pairing_goes_through_the_service(client_for, world, paired):
    client = client_for(world.bureau_admin)
    url = reverse("admin:pairing_pairing_add")
    data = {"community": world.community_a1.pk, "firm": world.firm_f.pk, "start_date": "2025-01-01"}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "该社区当前已与该律所结对" in response.content.decode()
    assert Pairing.objects.filter(community=world.community_a1).count() == 1
    data["firm"] = world.firm_g.pk
    response = client.post(url, data)
    assert response.status_code == 302
    # handed over: the old pairing ended the day before
    assert Pairing.objects.get(pk=paired.a1.pk).end_date == date(2024, 12, 31)
    assert Pairing.objects.get(community=world.community_a1, end_date__isnull=True).firm == (
        world.firm_g
    )


def test_admin_forged_firm_of_another_district(client_for, world, paired):
    client = client_for(world.bureau_admin)
    data = {
        "community": world.community_a2.pk,
        "firm": world.other_firm.pk,
        "start_date": "2025-01-01",
    }
    response = client.post(reverse("admin:pairing_pairing_add"), data)
    assert response.status_code == 200
    assert not Pairing.objects.filter(community=world.community_a2).exists()


def test_admin_ends_a_pairing(client_for, world, paired):
    client = client_for(world.bureau_admin)
    url = reverse("admin:pairing_pairing_change", args=[paired.a1.pk])
    response = client.post(url, {"end_date": "2025-01-01", "end_reason": ""})
    assert "请填写结束原因" in response.content.decode()
    assert Pairing.objects.get(pk=paired.a1.pk).end_date is None
    response = client.post(url, {"end_date": "2025-01-01", "end_reason": "调整"})
    assert response.status_code == 302
    assert Pairing.objects.get(pk=paired.a1.pk).end_date == date(2025, 1, 1)
    assert not Liaison.objects.filter(pairing=paired.a1, end_date__isnull=True).exists()
    # an ended pairing is read-only
    response = client.post(url, {"end_date": "2025-02-01", "end_reason": "再改"})
    assert Pairing.objects.get(pk=paired.a1.pk).end_date == date(2025, 1, 1)


def test_admin_liaison_of_another_firm_is_refused(client_for, world, paired):
    client = client_for(world.bureau_admin)
    data = {"pairing": paired.a1.pk, "lawyer": world.lawyer_other.pk, "start_date": "2024-05-01"}
    response = client.post(reverse("admin:pairing_liaison_add"), data)
    assert "联络员必须是结对律所（浙江尚法律师事务所）的律师" in response.content.decode()
    data["lawyer"] = paired.party_f.pk
    assert client.post(reverse("admin:pairing_liaison_add"), data).status_code == 302
    assert Liaison.objects.get(lawyer=paired.party_f).slot == 2


def test_admin_post(client_for, world, paired):
    client = client_for(world.bureau_admin)
    data = {
        "kind": "office_deputy",
        "street": world.street_b.pk,
        "lawyer": paired.party_f.pk,
        "start_date": "2024-05-01",
    }
    response = client.post(reverse("admin:pairing_honorarypost_add"), data)
    assert "名誉法治副所长须为本区律师工作指导小组成员中的律所主任" in response.content.decode()
    data["lawyer"] = paired.director_f.pk
    assert client.post(reverse("admin:pairing_honorarypost_add"), data).status_code == 302
    post = HonoraryPost.objects.get(street=world.street_b)
    url = reverse("admin:pairing_honorarypost_change", args=[post.pk])
    assert client.post(url, {"end_date": "2025-01-01"}).status_code == 302
    assert HonoraryPost.objects.get(pk=post.pk).end_date == date(2025, 1, 1)
