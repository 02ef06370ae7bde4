"""Region endpoints: each persona sees its rows, edits only its scope, and forged ids
in payloads change nothing."""

from __future__ import annotations

import pytest

from api.testing import api_client, result_ids
from core.testing import make_community, make_street
from regions.models import Community, District, DistrictSettings, Street, StudioMember

# persona → the world attributes of the rows it sees
DISTRICTS = {
    "bureau_admin": ["district"],
    "street_staff_a": ["district"],
    "community_staff_a1": ["district"],
    "firm_admin_f": ["district"],
    "lawyer_g": ["district"],
    "resident": ["district"],
    "outsider": ["other_district"],
}
STREETS = {
    "bureau_admin": ["street_a", "street_b"],
    "street_staff_a": ["street_a"],
    "community_staff_a1": ["street_a"],
    "firm_admin_f": ["street_a", "street_b"],
    "lawyer_f": ["street_a", "street_b"],
    "resident": ["street_a"],
    "outsider": ["other_street"],
}
COMMUNITIES = {
    "bureau_admin": ["community_a1", "community_a2", "community_b1"],
    "street_staff_a": ["community_a1", "community_a2"],
    "community_staff_a1": ["community_a1"],
    "firm_admin_f": ["community_a1", "community_a2", "community_b1"],
    "lawyer_g": ["community_a1", "community_a2", "community_b1"],
    "resident": ["community_a1"],
    "outsider": ["other_community"],
}


def pks(world, attrs: list[str]) -> set[int]:
    return {getattr(world, attr).pk for attr in attrs}


@pytest.fixture
def members(world):
    """One studio member in each community."""
    return {
        attr: StudioMember.objects.create(
            community=getattr(world, attr),
            position=StudioMember.Position.SECRETARY,
            name=f"书记{n}",
            phone=f"1380000000{n}",
        )
        for n, attr in enumerate(
            ["community_a1", "community_a2", "community_b1", "other_community"]
        )
    }


@pytest.mark.parametrize(("persona", "expected"), DISTRICTS.items())
def test_district_list_by_persona(world, persona, expected):
    response = api_client(world.personas()[persona]).get("/api/districts/")
    assert result_ids(response) == pks(world, expected)


@pytest.mark.parametrize(("persona", "expected"), STREETS.items())
def test_street_list_by_persona(world, persona, expected):
    response = api_client(world.personas()[persona]).get("/api/streets/")
    assert result_ids(response) == pks(world, expected)


@pytest.mark.parametrize(("persona", "expected"), COMMUNITIES.items())
def test_community_list_by_persona(world, persona, expected):
    response = api_client(world.personas()[persona]).get("/api/communities/")
    assert result_ids(response) == pks(world, expected)


@pytest.mark.parametrize(("persona", "expected"), COMMUNITIES.items())
def test_studio_member_list_follows_the_communities(world, members, persona, expected):
    response = api_client(world.personas()[persona]).get("/api/studio-members/")
    assert result_ids(response) == {members[attr].pk for attr in expected}


def test_superuser_sees_every_district(world):
    response = api_client(world.superuser).get("/api/districts/")
    assert result_ids(response) == {world.district.pk, world.other_district.pk}


@pytest.mark.parametrize(
    ("persona", "attr"),
    [
        ("community_staff_a1", "community_a2"),
        ("street_staff_a", "community_b1"),
        ("resident", "community_a2"),
        ("outsider", "community_a1"),
        ("bureau_admin", "other_community"),
        ("lawyer_f", "other_community"),
    ],
)
def test_other_communities_answer_404(world, persona, attr):
    client = api_client(world.personas()[persona])
    community = getattr(world, attr)
    url = f"/api/communities/{community.pk}/"
    assert client.get(url).status_code == 404
    assert client.patch(url, {"households": 1}, format="json").status_code == 404
    assert client.put(url, {"street": community.street_id, "name": "改名"}).status_code == 404
    community.refresh_from_db()
    assert (community.households, community.name) == (1000, getattr(world, attr).name)


def test_other_streets_and_districts_answer_404(world):
    client = api_client(world.street_staff_a)
    assert client.get(f"/api/streets/{world.street_b.pk}/").status_code == 404
    assert client.get(f"/api/districts/{world.other_district.pk}/").status_code == 404
    assert client.get(f"/api/streets/{world.street_a.pk}/").status_code == 200


def test_community_detail_for_allowed_users(world):
    for user in (
        world.bureau_admin,
        world.street_staff_a,
        world.community_staff_a1,
        world.resident,
    ):
        response = api_client(user).get(f"/api/communities/{world.community_a1.pk}/")
        assert response.status_code == 200
        assert response.json()["name"] == "清波社区"
        assert response.json()["street_name"] == "清波街道"
        assert response.json()["district"] == world.district.pk


# Filters


def test_community_filters(world):
    client = api_client(world.bureau_admin)
    by_street = client.get("/api/communities/", {"street": world.street_a.pk})
    assert result_ids(by_street) == {world.community_a1.pk, world.community_a2.pk}
    by_name = client.get("/api/communities/", {"search": "东坡"})
    assert result_ids(by_name) == {world.community_b1.pk}
    by_district = client.get("/api/communities/", {"district": world.district.pk})
    assert len(result_ids(by_district)) == 3


def test_filtering_by_a_street_outside_scope_is_refused(world):
    response = api_client(world.bureau_admin).get(
        "/api/communities/", {"street": world.other_street.pk}
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "street" in response.json()["errors"]


def test_inactive_rows_can_be_filtered(world):
    Community.objects.filter(pk=world.community_a2.pk).update(is_active=False)
    client = api_client(world.street_staff_a)
    active = client.get("/api/communities/", {"is_active": "true"})
    assert result_ids(active) == {world.community_a1.pk}


# Writes: communities


def test_street_staff_updates_a_community_of_their_street(world):
    response = api_client(world.street_staff_a).patch(
        f"/api/communities/{world.community_a2.pk}/",
        {"households": 1200, "population": 3000},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["households"] == 1200
    world.community_a2.refresh_from_db()
    assert (world.community_a2.households, world.community_a2.population) == (1200, 3000)


def test_community_staff_updates_their_community_with_a_full_put(world):
    c = world.community_a1
    payload = {"street": c.street_id, "name": c.name, "address": "清波街 1 号"}
    payload |= {"households": 900, "population": 2000}
    response = api_client(world.community_staff_a1).put(
        f"/api/communities/{c.pk}/", payload, format="json"
    )
    assert response.status_code == 200
    c.refresh_from_db()
    assert c.address == "清波街 1 号"


@pytest.mark.parametrize("persona", ["resident", "lawyer_f", "firm_admin_f"])
def test_readers_cannot_change_a_community(world, persona):
    response = api_client(world.personas()[persona]).patch(
        f"/api/communities/{world.community_a1.pk}/", {"households": 1}, format="json"
    )
    assert response.status_code == 404
    world.community_a1.refresh_from_db()
    assert world.community_a1.households == 1000


def test_street_staff_cannot_move_a_community_to_another_street(world):
    response = api_client(world.street_staff_a).patch(
        f"/api/communities/{world.community_a1.pk}/", {"street": world.street_b.pk}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["message"] == "街道：所选街道不存在或不在您的管理范围内"
    world.community_a1.refresh_from_db()
    assert world.community_a1.street_id == world.street_a.pk


def test_bureau_creates_a_community(world):
    response = api_client(world.bureau_admin).post(
        "/api/communities/",
        {"street": world.street_b.pk, "name": "新社区", "households": 10, "population": 30},
        format="json",
    )
    assert response.status_code == 201
    community = Community.objects.get(pk=response.json()["id"])
    assert (community.street, community.name) == (world.street_b, "新社区")


@pytest.mark.parametrize(
    ("persona", "street_attr"),
    [("bureau_admin", "other_street"), ("outsider", "street_a")],
)
def test_community_in_a_forged_street_is_rejected(world, persona, street_attr):
    before = Community.objects.count()
    response = api_client(world.personas()[persona]).post(
        "/api/communities/",
        {"street": getattr(world, street_attr).pk, "name": "伪造社区"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"street": ["所选街道不存在或不在您的管理范围内"]}
    assert Community.objects.count() == before


@pytest.mark.parametrize("persona", ["street_staff_a", "community_staff_a1", "resident"])
def test_users_without_an_editable_street_cannot_create_communities(world, persona):
    before = Community.objects.count()
    response = api_client(world.personas()[persona]).post(
        "/api/communities/", {"street": world.street_a.pk, "name": "新社区"}, format="json"
    )
    assert response.status_code == 403
    assert response.json() == {"code": "permission_denied", "message": "没有权限执行此操作"}
    assert Community.objects.count() == before


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("abc", "街道：所选街道不存在或不在您的管理范围内"),
        (True, "街道：应为编号（整数），收到的是 bool"),
        (999999, "街道：所选街道不存在或不在您的管理范围内"),
    ],
)
def test_bad_street_ids_are_rejected(world, value, message):
    response = api_client(world.bureau_admin).post(
        "/api/communities/", {"street": value, "name": "新社区"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["message"] == message


def test_duplicate_community_name_is_rejected_in_chinese(world):
    response = api_client(world.bureau_admin).post(
        "/api/communities/", {"street": world.street_a.pk, "name": "清波社区"}, format="json"
    )
    assert response.status_code == 400
    assert (
        "name" in str(response.json()["errors"]) or "non_field_errors" in response.json()["errors"]
    )
    assert not response.json()["message"].isascii()
    assert Community.objects.filter(name="清波社区").count() == 1


def test_community_change_is_audited(world):
    from core.models import OperationLog

    api_client(world.street_staff_a).patch(
        f"/api/communities/{world.community_a1.pk}/", {"phone": "0571-87000000"}, format="json"
    )
    entry = OperationLog.objects.filter(model="regions.Community").latest("id")
    assert entry.actor == world.street_staff_a
    assert entry.source == "api"
    assert entry.changes == {"phone": "0571-87000000"}


# Writes: streets, districts


def test_bureau_creates_and_updates_streets_of_their_district_only(world):
    client = api_client(world.bureau_admin)
    created = client.post("/api/streets/", {"district": world.district.pk, "name": "南星街道"})
    assert created.status_code == 201
    assert created.json()["office_name"] == "南星街道司法所"
    forged = client.post("/api/streets/", {"district": world.other_district.pk, "name": "X街道"})
    assert forged.status_code == 400
    assert forged.json()["message"] == "区：所选区（县）不存在或不在您的管理范围内"
    assert not Street.objects.filter(name="X街道").exists()
    changed = client.patch(f"/api/streets/{world.street_a.pk}/", {"office_phone": "0571-1"})
    assert changed.status_code == 200
    assert client.patch(f"/api/streets/{world.other_street.pk}/", {"name": "x"}).status_code == 404


def test_street_staff_cannot_edit_their_street(world):
    response = api_client(world.street_staff_a).patch(
        f"/api/streets/{world.street_a.pk}/", {"name": "改名"}
    )
    assert response.status_code == 404
    world.street_a.refresh_from_db()
    assert world.street_a.name == "清波街道"


def test_bureau_updates_its_district(world):
    client = api_client(world.bureau_admin)
    response = client.patch(
        f"/api/districts/{world.district.pk}/", {"bureau_name": "上城区司法局", "is_demo": True}
    )
    assert response.status_code == 200
    world.district.refresh_from_db()
    assert world.district.bureau_name == "上城区司法局"
    assert world.district.is_demo is False  # read-only
    other = client.patch(f"/api/districts/{world.other_district.pk}/", {"bureau_name": "x"})
    assert other.status_code == 404


def test_only_superusers_create_districts(world):
    payload = {"name": "新区", "code": "330199"}
    refused = api_client(world.bureau_admin).post("/api/districts/", payload)
    assert refused.status_code == 403
    assert not District.objects.filter(code="330199").exists()
    created = api_client(world.superuser).post("/api/districts/", payload)
    assert created.status_code == 201
    assert DistrictSettings.objects.filter(district_id=created.json()["id"]).exists()


def test_district_code_is_validated_in_chinese(world):
    response = api_client(world.superuser).post("/api/districts/", {"name": "新区", "code": "12"})
    assert response.status_code == 400
    assert response.json()["errors"] == {"code": ["区划代码应为 6–12 位数字"]}


# District settings


def test_bureau_reads_and_changes_settings(world):
    client = api_client(world.bureau_admin)
    url = f"/api/districts/{world.district.pk}/settings/"
    assert client.get(url).json()["reply_deadline_hours"] == 24
    response = client.patch(url, {"reply_deadline_hours": 48}, format="json")
    assert response.status_code == 200
    assert response.json()["reply_deadline_hours"] == 48
    assert DistrictSettings.objects.get(district=world.district).reply_deadline_hours == 48


def test_invalid_settings_change_nothing(world):
    url = f"/api/districts/{world.district.pk}/settings/"
    response = api_client(world.bureau_admin).patch(
        url, {"reply_deadline_hours": 0, "service_day_of_month": 31}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"reply_deadline_hours", "service_day_of_month"}
    assert response.json()["message"].startswith("咨询答复时限（小时）：")
    settings_row = DistrictSettings.objects.get(district=world.district)
    assert (settings_row.reply_deadline_hours, settings_row.service_day_of_month) == (24, 15)


@pytest.mark.parametrize(
    "persona", ["street_staff_a", "community_staff_a1", "outsider", "lawyer_f"]
)
def test_settings_are_for_the_bureau_only(world, persona):
    client = api_client(world.personas()[persona])
    url = f"/api/districts/{world.district.pk}/settings/"
    assert client.get(url).status_code == 404
    assert client.patch(url, {"reply_deadline_hours": 1}, format="json").status_code == 404
    assert DistrictSettings.objects.get(district=world.district).reply_deadline_hours == 24


def test_settings_put_is_not_offered(world):
    url = f"/api/districts/{world.district.pk}/settings/"
    assert api_client(world.bureau_admin).put(url, {}).status_code == 405


# Studio members


def test_community_staff_adds_a_member_and_sees_only_a_masked_phone(world):
    client = api_client(world.community_staff_a1)
    response = client.post(
        "/api/studio-members/",
        {
            "community": world.community_a1.pk,
            "position": "police",
            "name": "赵警官",
            "phone": "13912345678",
        },
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["masked_phone"] == "139****5678"
    assert response.json()["position_label"] == "社区民警"
    assert "13912345678" not in response.content.decode()
    listing = client.get("/api/studio-members/", {"community": world.community_a1.pk})
    assert "13912345678" not in listing.content.decode()
    assert StudioMember.objects.get(name="赵警官").phone == "13912345678"


def test_member_in_a_forged_community_is_rejected(world):
    response = api_client(world.community_staff_a1).post(
        "/api/studio-members/",
        {"community": world.community_a2.pk, "position": "police", "name": "赵警官"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["message"] == "社区：所选社区不存在或不在您的管理范围内"
    assert not StudioMember.objects.exists()


def test_member_phone_and_position_are_validated_in_chinese(world):
    response = api_client(world.community_staff_a1).post(
        "/api/studio-members/",
        {"community": world.community_a1.pk, "position": "boss", "name": "x", "phone": "123"},
        format="json",
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors["phone"] == ["手机号格式不正确，应为 11 位中国大陆手机号"]
    assert errors["position"] == ["“boss” 不是合法选项。"]


def test_residents_cannot_add_members(world):
    response = api_client(world.resident).post(
        "/api/studio-members/",
        {"community": world.community_a1.pk, "position": "police", "name": "x"},
        format="json",
    )
    assert response.status_code == 403
    assert not StudioMember.objects.exists()


def test_member_deactivation_and_other_communities(world, members):
    client = api_client(world.community_staff_a1)
    own = members["community_a1"]
    response = client.patch(f"/api/studio-members/{own.pk}/", {"is_active": False}, format="json")
    assert response.status_code == 200
    own.refresh_from_db()
    assert own.is_active is False
    other = members["community_a2"]
    assert client.get(f"/api/studio-members/{other.pk}/").status_code == 404
    assert client.delete(f"/api/studio-members/{own.pk}/").status_code == 405
    assert StudioMember.objects.filter(pk=own.pk).exists()


# Query budgets: the same for 3 rows and for 33.

# The user's role bindings (4 queries, once per request), count, page, one join or
# prefetch: 7 at most; 8 leaves room for one more binding provider.
BUDGET = 8


@pytest.mark.parametrize("url", ["/api/communities/", "/api/streets/", "/api/studio-members/"])
def test_list_query_budget_does_not_grow(world, django_assert_max_num_queries, url):
    client = api_client(world.bureau_admin)
    with django_assert_max_num_queries(BUDGET):
        small = client.get(url, {"page_size": 100})
    for _ in range(30):
        street = make_street(world.district)
        community = make_community(street)
        StudioMember.objects.create(community=community, position="secretary", name="书记")
    with django_assert_max_num_queries(BUDGET):
        big = client.get(url, {"page_size": 100})
    assert big.json()["count"] >= small.json()["count"] + 30
