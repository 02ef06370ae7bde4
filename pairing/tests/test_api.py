"""API: /api/pairings/, /api/liaisons/, /api/honorary-posts/ and the public
/api/community-cards/{community_id}/."""

from datetime import date

import pytest

from api.testing import api_client, result_ids
from core.testing import make_community, make_lawyer
from pairing import services
from pairing.models import HonoraryPost, Liaison, Pairing
from pairing.tests.conftest import START
from pairing.views import card_url

pytestmark = pytest.mark.urls("pairing.tests.urls")

LISTS = ["/api/pairings/", "/api/liaisons/", "/api/honorary-posts/"]


@pytest.mark.parametrize("url", LISTS)
def test_anonymous_gets_401(world, paired, url):
    response = api_client().get(url)
    assert response.status_code == 401
    assert response.json()["message"] == "请先登录"
    assert api_client().post(url, {}).status_code == 401


def test_lists_follow_scope(world, paired):
    assert result_ids(api_client(world.bureau_admin).get("/api/pairings/")) == {
        paired.a1.pk,
        paired.b1.pk,
    }
    assert result_ids(api_client(world.lawyer_g).get("/api/pairings/")) == {paired.b1.pk}
    assert result_ids(api_client(world.lawyer_g).get("/api/liaisons/")) == {paired.liaison_b1.pk}
    assert result_ids(api_client(world.community_staff_a1).get("/api/honorary-posts/")) == {
        paired.deputy_a1.pk
    }
    assert result_ids(api_client(world.resident).get("/api/pairings/")) == set()
    assert result_ids(api_client(world.outsider).get("/api/pairings/")) == {paired.other.pk}


def test_filters(world, paired):
    client = api_client(world.bureau_admin)
    assert result_ids(client.get("/api/pairings/", {"firm": world.firm_g.pk})) == {paired.b1.pk}
    services.end_pairing(actor=None, pairing=paired.b1, end_date=START, reason="调整")
    assert result_ids(client.get("/api/pairings/", {"active": "true"})) == {paired.a1.pk}
    assert result_ids(client.get("/api/honorary-posts/", {"kind": "office_deputy"})) == {
        paired.office_a.pk
    }


@pytest.mark.parametrize(
    "persona,status",
    [("bureau_admin", 200), ("firm_admin_f", 200), ("lawyer_g", 404), ("outsider", 404)],
)
def test_retrieve(world, paired, persona, status):
    response = api_client(getattr(world, persona)).get(f"/api/pairings/{paired.a1.pk}/")
    assert response.status_code == status
    if status == 200:
        data = response.json()
        assert data["firm_name"] == "浙江尚法律师事务所" and data["is_active"] is True
        assert [x["lawyer_name"] for x in data["liaisons"]] == ["张律师"]


def test_bureau_pairs_and_ends(world, paired):
    client = api_client(world.bureau_admin)
    response = client.post(
        "/api/pairings/",
        {"community": world.community_a2.pk, "firm": world.firm_g.pk, "start_date": "2024-05-01"},
        format="json",
    )
    assert response.status_code == 201, response.content
    new_id = response.json()["id"]
    assert Pairing.objects.get(pk=new_id).community == world.community_a2
    response = client.post(
        f"/api/pairings/{new_id}/end/", {"end_date": "2025-01-01", "end_reason": "调整"}
    )
    assert response.status_code == 200
    assert response.json()["end_date"] == "2025-01-01"


def test_service_errors_are_400_in_chinese(world, paired):
    response = api_client(world.bureau_admin).post(
        "/api/pairings/",
        {"community": world.community_a1.pk, "firm": world.firm_f.pk, "start_date": "2025-01-01"},
        format="json",
    )
    assert response.status_code == 400
    assert "该社区当前已与该律所结对" in response.json()["message"]
    assert Pairing.objects.filter(community=world.community_a1).count() == 1


@pytest.mark.parametrize(
    "field,forged,expected",
    [
        ("firm", "other_firm", "律所：所选律师事务所不存在或不在您的管理范围内"),
        ("community", "other_community", "社区：所选社区不存在或不在您的管理范围内"),
    ],
)
def test_forged_ids_are_refused(world, paired, field, forged, expected):
    data = {"community": world.community_a2.pk, "firm": world.firm_g.pk, "start_date": "2024-05-01"}
    data[field] = getattr(world, forged).pk
    response = api_client(world.bureau_admin).post("/api/pairings/", data, format="json")
    assert response.status_code == 400
    assert expected in response.json()["message"]
    assert Pairing.objects.count() == 3


@pytest.mark.parametrize("persona", ["street_staff_a", "firm_admin_f", "lawyer_f", "resident"])
def test_only_the_bureau_creates(world, paired, persona):
    client = api_client(getattr(world, persona))
    data = {"community": world.community_a2.pk, "firm": world.firm_g.pk, "start_date": "2024-05-01"}
    assert client.post("/api/pairings/", data, format="json").status_code == 403
    liaison = {"pairing": paired.a1.pk, "lawyer": paired.party_f.pk, "start_date": "2024-05-01"}
    assert client.post("/api/liaisons/", liaison, format="json").status_code == 403
    assert not Pairing.objects.filter(community=world.community_a2).exists()


@pytest.mark.parametrize("persona", ["firm_admin_f", "street_staff_a", "lawyer_g", "outsider"])
def test_end_outside_edit_scope_is_404(world, paired, persona):
    client = api_client(getattr(world, persona))
    response = client.post(
        f"/api/pairings/{paired.a1.pk}/end/", {"end_date": "2025-01-01", "end_reason": "x"}
    )
    assert response.status_code == 404
    response = client.post(f"/api/liaisons/{paired.liaison_a1.pk}/end/", {"end_date": "2025-01-01"})
    assert response.status_code == 404
    assert Pairing.objects.get(pk=paired.a1.pk).end_date is None


def test_the_outsider_cannot_pair_into_another_district(world, paired):
    response = api_client(world.outsider).post(
        "/api/pairings/",
        {
            "community": world.community_a2.pk,
            "firm": world.other_firm.pk,
            "start_date": "2024-05-01",
        },
        format="json",
    )
    assert response.status_code == 400
    assert not Pairing.objects.filter(community=world.community_a2).exists()


def test_liaisons_api(world, paired):
    client = api_client(world.bureau_admin)
    response = client.post(
        "/api/liaisons/",
        {"pairing": paired.a1.pk, "lawyer": world.lawyer_other.pk, "start_date": "2024-05-01"},
        format="json",
    )
    assert response.status_code == 400
    assert "联络员必须是结对律所（浙江尚法律师事务所）的律师" in response.json()["message"]
    response = client.post(
        "/api/liaisons/",
        {"pairing": paired.other.pk, "lawyer": paired.party_f.pk, "start_date": "2024-05-01"},
        format="json",
    )
    assert response.status_code == 400 and "所选社区结对不存在" in response.json()["message"]
    response = client.post(
        "/api/liaisons/",
        {"pairing": paired.a1.pk, "lawyer": paired.party_f.pk, "start_date": "2024-05-01"},
        format="json",
    )
    assert response.status_code == 201 and response.json()["slot"] == 2
    response = client.post(f"/api/liaisons/{paired.liaison_a1.pk}/end/", {"end_date": "2025-01-01"})
    assert response.status_code == 200 and response.json()["is_active"] is False


def test_honorary_posts_api(world, paired):
    client = api_client(world.bureau_admin)
    data = {"kind": "office_deputy", "street": world.street_b.pk, "lawyer": paired.party_f.pk}
    response = client.post("/api/honorary-posts/", {**data, "start_date": "2024-05-01"})
    assert response.status_code == 400
    assert "名誉法治副所长须为本区律师工作指导小组成员中的律所主任" in response.json()["message"]
    data["lawyer"] = paired.director_f.pk
    response = client.post(
        "/api/honorary-posts/", {**data, "start_date": "2024-05-01", "term_end": "2026-05-01"}
    )
    assert response.status_code == 201
    assert response.json()["kind_label"] == "名誉法治副所长"
    post_id = response.json()["id"]
    response = client.post(f"/api/honorary-posts/{post_id}/end/", {"end_date": "2024-04-01"})
    assert response.status_code == 400 and "卸任日期不能早于任职日期" in response.json()["message"]
    response = client.post(f"/api/honorary-posts/{post_id}/end/", {"end_date": "2025-04-01"})
    assert response.status_code == 200
    assert HonoraryPost.objects.get(pk=post_id).end_date == date(2025, 4, 1)


@pytest.mark.parametrize("extra", [3, 30])
@pytest.mark.parametrize("url", LISTS)
def test_list_query_budget(
    world, paired, django_assert_max_num_queries, principal_queries, extra, url
):
    for _ in range(extra):
        community = make_community(world.street_a)
        pairing = services.pair_community(
            actor=None, community=community, firm=world.firm_f, start_date=START
        )
        lawyer = make_lawyer(world.firm_f, is_party_member=True)
        services.appoint_liaison(actor=None, pairing=pairing, lawyer=lawyer, start_date=START)
        services.appoint_honorary_post(
            actor=None,
            kind=HonoraryPost.Kind.COMMUNITY_DEPUTY,
            community=community,
            lawyer=lawyer,
            start_date=START,
        )
    client = api_client(world.bureau_admin)
    # the user's role bindings, then count, page, prefetched liaisons
    with django_assert_max_num_queries(principal_queries + 3):
        response = client.get(url, {"page_size": 100})
    assert response.json()["count"] >= extra


# --- the public card -----------------------------------------------------------------


def test_card_is_public(world, paired):
    response = api_client().get(f"/api/community-cards/{world.community_a1.pk}/")
    assert response.status_code == 200
    data = response.json()
    assert data["community"]["name"] == "清波社区"
    assert data["firm"]["name"] == "浙江尚法律师事务所"
    assert [x["name"] for x in data["liaisons"]] == ["张律师"]
    assert {(x["name"], x["title"]) for x in data["honorary_posts"]} == {
        ("钱主任", "名誉法治副主任"),
        ("钱主任", "名誉法治副所长"),
    }
    assert data["card_url"] == f"http://testserver/pairing/cards/{world.community_a1.pk}/"
    assert data["next_service_date"].endswith("-15")


def test_card_of_unknown_or_inactive_community_is_404(world, paired):
    world.community_a2.is_active = False
    world.community_a2.save()
    for community_id in (world.community_a2.pk, 999999, "abc"):
        response = api_client().get(f"/api/community-cards/{community_id}/")
        assert response.status_code == 404
        assert response.json()["message"] == "对象不存在"


def test_card_url_helper_is_absolute(rf, world, settings):
    settings.ALLOWED_HOSTS = ["shangfa.example.cn"]
    request = rf.get("/", HTTP_HOST="shangfa.example.cn")
    assert card_url(request, 7) == "http://shangfa.example.cn/pairing/cards/7/"
    assert Liaison.objects.count() == 0
