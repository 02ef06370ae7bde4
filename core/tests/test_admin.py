"""The back office (Django admin): bureau admins see and change their district only."""

from django.urls import reverse

from core.testing import make_lawyer


def test_admin_index_for_bureau_admin(world, client):
    client.force_login(world.bureau_admin)
    page = client.get(reverse("admin:index"))
    assert page.status_code == 200
    assert "社区" in page.content.decode()


def test_admin_refuses_non_staff(world, client):
    for user in (world.resident, world.lawyer_f, world.community_staff_a1):
        client.force_login(user)
        response = client.get(reverse("admin:regions_community_changelist"))
        assert response.status_code == 302  # sent to the admin sign-in


def test_admin_lists_are_scoped(world, client):
    client.force_login(world.bureau_admin)
    page = client.get(reverse("admin:regions_community_changelist"))
    body = page.content.decode()
    assert world.community_a1.name in body
    assert world.other_community.name not in body


def test_admin_other_district_object_is_not_found(world, client):
    client.force_login(world.bureau_admin)
    url = reverse("admin:regions_community_change", args=[world.other_community.pk])
    response = client.get(url, follow=True)
    # Django admin redirects a missing object to the index with a message.
    assert world.other_community.name not in response.content.decode()
    outsider_lawyer = make_lawyer(world.other_firm, "外区律师")
    url = reverse("admin:firms_lawyer_change", args=[outsider_lawyer.pk])
    body = client.get(url, follow=True).content.decode()
    assert "不存在" in body and "外区律师" not in body


def test_admin_cannot_move_firm_to_other_district(world, client):
    client.force_login(world.bureau_admin)
    url = reverse("admin:firms_lawfirm_change", args=[world.firm_f.pk])
    response = client.post(
        url,
        {
            "district": world.other_district.pk,
            "name": world.firm_f.name,
            "uscc": world.firm_f.uscc,
            "director_name": "主任",
        },
    )
    assert response.status_code == 200  # the form is shown again with an error
    world.firm_f.refresh_from_db()
    assert world.firm_f.district_id == world.district.pk


def test_admin_rejects_bad_uscc_in_chinese(world, client):
    client.force_login(world.bureau_admin)
    response = client.post(
        reverse("admin:firms_lawfirm_add"),
        {
            "district": world.district.pk,
            "name": "新所",
            "uscc": "91110000802100433C",
            "director_name": "某",
        },
    )
    assert "校验位不正确" in response.content.decode()


def test_admin_has_no_delete(world, client):
    client.force_login(world.superuser)
    url = reverse("admin:regions_community_delete", args=[world.community_a1.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
