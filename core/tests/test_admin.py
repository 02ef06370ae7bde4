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


def test_every_admin_choice_offers_only_rows_in_scope(world, rf):
    """Every back-office form (add, and change of a row in scope): each choice of a
    related row lists only rows the user sees, so another district's firms, streets or
    organizations are neither shown nor accepted."""
    from django import forms
    from django.contrib import admin as django_admin
    from django.contrib.auth import get_user_model

    from core.admin import ScopedAdmin

    checked, leaks = 0, []
    for user in (world.bureau_admin, world.street_staff_a, world.community_staff_a1):
        request = rf.get("/")
        request.user = user
        for model, model_admin in django_admin.site._registry.items():
            if not isinstance(model_admin, ScopedAdmin) or not model_admin._allowed(request):
                continue
            row = model_admin.get_queryset(request).first()
            form_class = model_admin.get_form(request, row if row is not None else None)
            for name, field in form_class.base_fields.items():
                if not isinstance(field, forms.ModelChoiceField) or field.queryset is None:
                    continue
                related = field.queryset.model
                if related is get_user_model() or not hasattr(related.objects, "visible_to"):
                    continue
                checked += 1
                outside = field.queryset.exclude(
                    pk__in=related.objects.visible_to(user).values("pk")
                )
                if outside.exists():
                    leaks.append(f"{model.__name__}.{name} as {user}: {list(outside)[:3]}")
    assert checked > 20
    assert not leaks, "\n".join(leaks)


def test_admin_refuses_another_districts_street_for_a_community(world, client):
    from regions.models import Community

    client.force_login(world.bureau_admin)
    response = client.post(
        reverse("admin:regions_community_add"),
        {"street": world.other_street.pk, "name": "越界社区", "households": 100},
    )
    assert response.status_code == 200  # shown again with the error
    assert "选择一个有效的选项" in response.content.decode()
    assert not Community.objects.filter(name="越界社区").exists()
