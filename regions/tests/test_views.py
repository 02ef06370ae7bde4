"""Region pages: streets, communities, studio members, district settings, a resident's
home community and the public community page. Scope, forged ids, query budgets."""

from decimal import Decimal

import pytest
from django.urls import reverse

from core.testing import make_community, make_street
from regions.models import Community, DistrictSettings, ResidentProfile, StudioMember

# Session, user, principal (3 bindings queries), the page's own queries; see each test.
LIST_BUDGET = 12


@pytest.fixture
def member(world):
    return StudioMember.objects.create(
        community=world.community_a1, position="police", name="赵民警", phone="13700001111"
    )


def text(response):
    return response.content.decode()


# --- anonymous ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "name,args",
    [
        ("regions:street_list", []),
        ("regions:community_list", []),
        ("regions:community_detail", ["a1"]),
        ("regions:community_edit", ["a1"]),
        ("regions:member_add", ["a1"]),
        ("regions:district_settings", ["district"]),
        ("regions:home_community", []),
    ],
)
def test_anonymous_is_sent_to_login(client, world, name, args):
    objects = {"a1": world.community_a1.pk, "district": world.district.pk}
    response = client.get(reverse(name, args=[objects[a] for a in args]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_anonymous_member_pages_are_sent_to_login(client, world, member):
    for name in ("regions:member_edit", "regions:member_deactivate"):
        response = client.post(reverse(name, args=[member.pk]))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    member.refresh_from_db()
    assert member.is_active


# --- streets -------------------------------------------------------------------------


def test_street_list_shows_the_bureaus_streets_with_totals(client_for, world):
    response = client_for(world.bureau_admin).get(reverse("regions:street_list"))
    assert response.status_code == 200
    body = text(response)
    assert "清波街道" in body and "湖滨街道" in body
    assert "其他街道" not in body
    # street A: two communities of 1000 households each
    street_a = next(s for s in response.context["object_list"] if s == world.street_a)
    assert street_a.totals["n"] == 2 and street_a.totals["households"] == 2000


def test_street_list_of_street_staff_is_their_street(client_for, world):
    response = client_for(world.street_staff_a).get(reverse("regions:street_list"))
    assert list(response.context["object_list"]) == [world.street_a]


@pytest.mark.parametrize("extra", [3, 40])
def test_street_list_query_budget(client_for, world, django_assert_max_num_queries, extra):
    for _ in range(extra):
        make_community(make_street(world.district))
    client = client_for(world.bureau_admin)
    with django_assert_max_num_queries(LIST_BUDGET):
        response = client.get(reverse("regions:street_list"))
    assert response.status_code == 200
    assert len(response.context["object_list"]) == min(extra + 2, 20)


# --- communities -----------------------------------------------------------------------


def test_community_list_scope(client_for, world):
    body = text(client_for(world.bureau_admin).get(reverse("regions:community_list")))
    assert "清波社区" in body and "东坡路社区" in body and "其他社区" not in body
    response = client_for(world.community_staff_a1).get(reverse("regions:community_list"))
    assert list(response.context["object_list"]) == [world.community_a1]


def test_community_list_filters_by_street_and_search(client_for, world):
    client = client_for(world.bureau_admin)
    url = reverse("regions:community_list")
    by_street = client.get(url, {"street": world.street_b.pk}).context["object_list"]
    assert list(by_street) == [world.community_b1]
    searched = client.get(url, {"search": "柳翠"}).context["object_list"]
    assert list(searched) == [world.community_a2]


def test_community_list_ignores_a_street_outside_scope(client_for, world):
    response = client_for(world.bureau_admin).get(
        reverse("regions:community_list"), {"street": world.other_street.pk}
    )
    assert response.status_code == 200
    assert world.other_community not in response.context["object_list"]
    assert "其他社区" not in text(response)


@pytest.mark.parametrize("extra", [3, 40])
def test_community_list_query_budget(client_for, world, django_assert_max_num_queries, extra):
    for _ in range(extra):
        make_community(world.street_a)
    client = client_for(world.bureau_admin)
    with django_assert_max_num_queries(LIST_BUDGET):
        response = client.get(reverse("regions:community_list"))
    assert response.status_code == 200
    assert len(response.context["object_list"]) == 20 if extra > 20 else extra + 3


def test_community_detail_scope(client_for, world, member):
    url = reverse("regions:community_detail", args=[world.community_a1.pk])
    response = client_for(world.community_staff_a1).get(url)
    assert response.status_code == 200
    body = text(response)
    assert "赵民警" in body and "137****1111" in body and "13700001111" not in body
    assert response.context["can_edit"]
    other = reverse("regions:community_detail", args=[world.community_a2.pk])
    assert client_for(world.community_staff_a1).get(other).status_code == 404
    assert client_for(world.outsider).get(url).status_code == 404


def test_community_detail_read_only_for_a_lawyer(client_for, world):
    url = reverse("regions:community_detail", args=[world.community_a1.pk])
    response = client_for(world.lawyer_f).get(url)
    assert response.status_code == 200
    assert not response.context["can_edit"]
    edit = reverse("regions:community_edit", args=[world.community_a1.pk])
    assert client_for(world.lawyer_f).get(edit).status_code == 404


def test_bureau_edits_a_community(client_for, world):
    url = reverse("regions:community_edit", args=[world.community_a1.pk])
    client = client_for(world.bureau_admin)
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "street": world.street_b.pk,
            "name": "清波社区",
            "code": "",
            "address": "清波街 1 号",
            "phone": "",
            "households": 1200,
            "population": 3000,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    world.community_a1.refresh_from_db()
    assert world.community_a1.street == world.street_b
    assert world.community_a1.households == 1200


def community_post(world, **changes):
    data = {
        "street": world.street_a.pk,
        "name": "清波社区",
        "code": "",
        "address": "",
        "phone": "",
        "households": 1000,
        "population": 2000,
        "is_active": "on",
    }
    return {**data, **changes}


def test_moving_a_community_to_another_districts_street_is_rejected(client_for, world):
    url = reverse("regions:community_edit", args=[world.community_a1.pk])
    response = client_for(world.bureau_admin).post(
        url, community_post(world, street=world.other_street.pk, households=5)
    )
    assert response.status_code == 200
    assert "所选街道不存在或不在您的管辖范围内" in text(response)
    world.community_a1.refresh_from_db()
    assert world.community_a1.street == world.street_a
    assert world.community_a1.households == 1000


def test_street_staff_cannot_move_a_community(client_for, world):
    url = reverse("regions:community_edit", args=[world.community_a1.pk])
    response = client_for(world.street_staff_a).post(
        url, community_post(world, street=world.street_b.pk, name="改名", households=1500)
    )
    assert response.status_code == 302
    world.community_a1.refresh_from_db()
    assert world.community_a1.street == world.street_a  # the field is not theirs
    assert world.community_a1.name == "清波社区"
    assert world.community_a1.households == 1500


def test_bad_community_figures_change_nothing(client_for, world):
    url = reverse("regions:community_edit", args=[world.community_a1.pk])
    response = client_for(world.community_staff_a1).post(
        url, community_post(world, households=500, population=100, address="新地址")
    )
    assert response.status_code == 200
    assert "人口数不能少于户数" in text(response)
    world.community_a1.refresh_from_db()
    assert (world.community_a1.households, world.community_a1.address) == (1000, "")


@pytest.mark.parametrize(
    "persona,community",
    [
        ("outsider", "community_a1"),
        ("community_staff_a1", "community_a2"),
        ("street_staff_a", "community_b1"),
        ("resident", "community_a1"),
    ],
)
def test_community_edit_out_of_scope_is_404(client_for, world, persona, community):
    target = getattr(world, community)
    url = reverse("regions:community_edit", args=[target.pk])
    client = client_for(world.personas()[persona])
    assert client.get(url).status_code == 404
    assert client.post(url, community_post(world, households=1)).status_code == 404
    target.refresh_from_db()
    assert target.households == 1000


# --- studio members -------------------------------------------------------------------------


def test_community_staff_add_edit_and_deactivate_members(client_for, world):
    client = client_for(world.community_staff_a1)
    add = reverse("regions:member_add", args=[world.community_a1.pk])
    assert client.get(add).status_code == 200
    response = client.post(add, {"position": "lawyer", "name": "钱律师", "phone": "137 0000 2222"})
    assert response.status_code == 302
    member = StudioMember.objects.get(name="钱律师")
    assert member.community == world.community_a1 and member.phone == "13700002222"

    edit = reverse("regions:member_edit", args=[member.pk])
    response = client.post(
        edit, {"position": "lawyer", "name": "钱大律师", "phone": "", "is_active": "on"}
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.name == "钱大律师"

    response = client.post(reverse("regions:member_deactivate", args=[member.pk]))
    assert response.status_code == 302
    member.refresh_from_db()
    assert not member.is_active


def test_member_deactivate_needs_post(client_for, world, member):
    url = reverse("regions:member_deactivate", args=[member.pk])
    assert client_for(world.community_staff_a1).get(url).status_code == 405


def test_bad_member_phone_changes_nothing(client_for, world, member):
    url = reverse("regions:member_edit", args=[member.pk])
    response = client_for(world.street_staff_a).post(
        url, {"position": "police", "name": "改名", "phone": "12345", "is_active": "on"}
    )
    assert response.status_code == 200
    assert "手机号格式不正确" in text(response)
    member.refresh_from_db()
    assert member.name == "赵民警"


@pytest.mark.parametrize("persona", ["outsider", "lawyer_f", "firm_admin_f", "resident"])
def test_members_out_of_scope_are_404(client_for, world, member, persona):
    client = client_for(world.personas()[persona])
    add = reverse("regions:member_add", args=[world.community_a1.pk])
    assert client.get(add).status_code == 404
    assert client.post(add, {"position": "police", "name": "某人"}).status_code == 404
    edit = reverse("regions:member_edit", args=[member.pk])
    assert client.post(edit, {"position": "police", "name": "改名"}).status_code == 404
    deactivate = reverse("regions:member_deactivate", args=[member.pk])
    assert client.post(deactivate).status_code == 404
    member.refresh_from_db()
    assert member.name == "赵民警" and member.is_active
    assert not StudioMember.objects.filter(name="某人").exists()


def test_community_staff_a1_cannot_touch_a2_members(client_for, world):
    other = StudioMember.objects.create(
        community=world.community_a2, position="police", name="孙民警"
    )
    client = client_for(world.community_staff_a1)
    assert client.post(reverse("regions:member_deactivate", args=[other.pk])).status_code == 404
    add = reverse("regions:member_add", args=[world.community_a2.pk])
    assert client.post(add, {"position": "police", "name": "某人"}).status_code == 404
    other.refresh_from_db()
    assert other.is_active


# --- district settings ----------------------------------------------------------------------


def settings_post(**changes):
    """The policy's defaults as a form would post them, with some changes."""
    data = {
        f.name: f.default
        for f in DistrictSettings._meta.concrete_fields
        if f.editable and f.name != "district" and not f.primary_key
    }
    return {**data, **changes}


def test_bureau_edits_district_settings_and_sees_defaults(client_for, world):
    url = reverse("regions:district_settings", args=[world.district.pk])
    client = client_for(world.bureau_admin)
    response = client.get(url)
    assert response.status_code == 200
    assert "政策默认值：24" in text(response) and "政策默认值：4000.00" in text(response)
    response = client.post(url, settings_post(reply_deadline_hours=12, liaison_subsidy_yuan="5000"))
    assert response.status_code == 302
    row = DistrictSettings.objects.get(district=world.district)
    assert row.reply_deadline_hours == 12 and row.liaison_subsidy_yuan == Decimal("5000")


def test_bad_district_settings_change_nothing(client_for, world):
    url = reverse("regions:district_settings", args=[world.district.pk])
    response = client_for(world.bureau_admin).post(
        url, settings_post(reply_deadline_hours=12, service_day_of_month=31)
    )
    assert response.status_code == 200
    assert "28" in text(response)  # Django's Chinese "不能大于 28" message
    row = DistrictSettings.objects.get(district=world.district)
    assert row.reply_deadline_hours == 24 and row.service_day_of_month == 15


@pytest.mark.parametrize(
    "persona", ["outsider", "street_staff_a", "community_staff_a1", "lawyer_f"]
)
def test_district_settings_are_bureau_only(client_for, world, persona):
    url = reverse("regions:district_settings", args=[world.district.pk])
    client = client_for(world.personas()[persona])
    assert client.get(url).status_code == 404
    assert client.post(url, settings_post(reply_deadline_hours=1)).status_code == 404
    assert DistrictSettings.objects.get(district=world.district).reply_deadline_hours == 24


# --- a resident's home community and the public community page --------------------------


def test_resident_changes_home_community(client_for, world):
    client = client_for(world.resident)
    url = reverse("regions:home_community")
    assert client.get(url).status_code == 200
    response = client.post(url, {"community": world.community_b1.pk, "kind": "business"})
    assert response.status_code == 302
    profile = ResidentProfile.objects.get(user=world.resident)
    assert profile.community == world.community_b1 and profile.kind == "business"


def test_home_community_rejects_forged_or_inactive_ids(client_for, world):
    Community.objects.filter(pk=world.community_b1.pk).update(is_active=False)
    client = client_for(world.resident)
    for forged in (world.community_b1.pk, 999999, "abc"):
        response = client.post(
            reverse("regions:home_community"), {"community": forged, "kind": "resident"}
        )
        assert response.status_code == 200
        assert "请从列表中选择社区" in text(response)
    assert ResidentProfile.objects.get(user=world.resident).community == world.community_a1


def test_public_community_page(client, world):
    response = client.get(reverse("regions:community_public", args=[world.community_a1.pk]))
    assert response.status_code == 200
    body = text(response)
    assert "清波社区" in body and "清波街道" in body and "清波街道司法所" in body


def test_public_community_page_hides_inactive_communities(client, world):
    Community.objects.filter(pk=world.community_a2.pk).update(is_active=False)
    url = reverse("regions:community_public", args=[world.community_a2.pk])
    assert client.get(url).status_code == 404


def test_public_community_page_in_care_mode(client, world):
    client.cookies["care_mode"] = "1"
    response = client.get(reverse("regions:community_public", args=[world.community_a1.pk]))
    assert 'class="care-mode"' in text(response)
    assert "我要咨询" in text(response)


def test_district_settings_form_offers_every_setting(client_for, world):
    url = reverse("regions:district_settings", args=[world.district.pk])
    form = client_for(world.bureau_admin).get(url).context["form"]
    assert set(form.fields) == set(settings_post())


# --- picking a community district by district (a province has 20,000) --------------------


def _options(html: str) -> set[str]:
    import re

    return set(re.findall(r'<option value="(\d+)"', html))


def test_home_community_lists_only_the_residents_district(client_for, world):
    html = text(client_for(world.resident).get(reverse("regions:home_community")))
    communities = {str(c.pk) for c in (world.community_a1, world.community_a2, world.community_b1)}
    assert communities <= _options(html)
    assert str(world.other_community.pk) not in _options(html.split('name="community"')[1])
    # The district select comes first and reloads the communities of the district chosen.
    assert 'name="district"' in html and reverse("regions:community_options") in html


def test_home_community_in_another_district_is_accepted(client_for, world):
    client = client_for(world.resident)
    response = client.post(
        reverse("regions:home_community"),
        {
            "district": world.other_district.pk,
            "community": world.other_community.pk,
            "kind": "resident",
        },
    )
    assert response.status_code == 302
    assert ResidentProfile.objects.get(user=world.resident).community == world.other_community


def test_bad_input_on_home_community_shows_the_posted_districts_communities(client_for, world):
    response = client_for(world.resident).post(
        reverse("regions:home_community"), {"district": world.other_district.pk, "kind": "x"}
    )
    html = text(response)
    assert response.status_code == 200 and "请选择您所在的社区" in html
    assert _options(html.split('name="community"')[1].split("</select>")[0]) == {
        str(world.other_community.pk)
    }
    assert ResidentProfile.objects.get(user=world.resident).community == world.community_a1


def test_community_options_of_a_district(client, world):
    url = reverse("regions:community_options")
    html = text(client.get(url, {"district": world.other_district.pk}))
    assert _options(html) == {str(world.other_community.pk)} and "其他街道" in html
    for bad in ("", "abc", "999999", "-1"):
        response = client.get(url, {"district": bad})
        assert response.status_code == 200
        assert _options(text(response)) == set() and "请选择" in text(response)


def test_community_options_hide_inactive_communities(client, world):
    Community.objects.filter(pk=world.community_b1.pk).update(is_active=False)
    html = text(client.get(reverse("regions:community_options"), {"district": world.district.pk}))
    assert str(world.community_b1.pk) not in _options(html)
    assert str(world.community_a1.pk) in _options(html)


@pytest.mark.parametrize("extra", [0, 30])
def test_home_community_query_count_does_not_grow_with_districts(
    client_for, world, django_assert_num_queries, extra
):
    from core.testing import make_district

    for i in range(extra):
        make_community(make_street(make_district(f"新区{i}", f"3302{i:02d}")), f"新社区{i}")
    client = client_for(world.resident)
    client.get(reverse("regions:home_community"))
    # Session, user (the principal's bindings come from the cache), profile; the
    # district list; the chosen community's district; that district's communities.
    with django_assert_num_queries(6):
        response = client.get(reverse("regions:home_community"))
    assert response.status_code == 200
    assert "新社区" not in text(response)
