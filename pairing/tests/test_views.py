"""Pairing pages: sign-in, scope (404 outside it), forged ids, the bureau's forms,
the dashboard and its query budget, the public card with its QR code, panels."""

from datetime import date, timedelta

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from core.scope import get_principal
from core.testing import make_community, make_firm, make_lawyer, make_street
from core.workspace import panels_for
from firms.models import GuidanceGroupMember
from pairing import services
from pairing.models import HonoraryPost, Liaison, Pairing
from pairing.tests.conftest import START
from pairing.views import qr_svg
from regions.services import settings_for


def text(response) -> str:
    return response.content.decode()


def pages(world, paired) -> dict[str, str]:
    return {
        "dashboard": reverse("pairing:dashboard"),
        "list": reverse("pairing:community_list"),
        "detail": reverse("pairing:community_detail", args=[world.community_a1.pk]),
        "pair": reverse("pairing:pair", args=[world.community_a2.pk]),
        "end_pairing": reverse("pairing:end_pairing", args=[paired.a1.pk]),
        "add_liaison": reverse("pairing:add_liaison", args=[paired.a1.pk]),
        "end_liaison": reverse("pairing:end_liaison", args=[paired.liaison_a1.pk]),
        "add_community_post": reverse("pairing:add_community_post", args=[world.community_b1.pk]),
        "add_office_post": reverse("pairing:add_office_post", args=[world.street_b.pk]),
        "end_post": reverse("pairing:end_post", args=[paired.office_a.pk]),
    }


EDIT_PAGES = [
    "pair",
    "end_pairing",
    "add_liaison",
    "end_liaison",
    "add_community_post",
    "add_office_post",
    "end_post",
]


def test_anonymous_is_sent_to_login(client, world, paired):
    for url in pages(world, paired).values():
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("accounts:login"))
        assert client.post(url, {"end_date": "2025-01-01"}).status_code == 302
    assert Pairing.objects.get(pk=paired.a1.pk).end_date is None


def test_bureau_opens_every_page(client_for, world, paired):
    client = client_for(world.bureau_admin)
    for name, url in pages(world, paired).items():
        assert client.get(url).status_code == 200, name


@pytest.mark.parametrize(
    "persona", ["street_staff_a", "community_staff_a1", "firm_admin_f", "lawyer_f", "outsider"]
)
def test_edit_pages_are_404_for_everyone_but_the_bureau(client_for, world, paired, persona):
    client = client_for(getattr(world, persona))
    urls = pages(world, paired)
    for name in EDIT_PAGES:
        assert client.get(urls[name]).status_code == 404, name
        data = {"end_date": "2025-01-01", "end_reason": "x", "firm": world.firm_f.pk}
        assert client.post(urls[name], data).status_code == 404, name
    assert Pairing.objects.get(pk=paired.a1.pk).end_date is None
    assert not Pairing.objects.filter(community=world.community_a2).exists()


@pytest.mark.parametrize(
    "persona,status",
    [
        ("street_staff_a", 200),
        ("community_staff_a1", 200),
        ("firm_admin_f", 200),
        ("lawyer_f", 200),
        ("lawyer_g", 404),
        ("resident", 404),
        ("outsider", 404),
    ],
)
def test_community_history_page_scope(client_for, world, paired, persona, status):
    url = reverse("pairing:community_detail", args=[world.community_a1.pk])
    response = client_for(getattr(world, persona)).get(url)
    assert response.status_code == status
    if status == 200:
        body = text(response)
        assert "浙江尚法律师事务所" in body and "张律师" in body and "钱主任" in body
        assert "结束结对" not in body  # read only


def test_history_page_shows_past_pairings(client_for, world, paired):
    services.pair_community(
        actor=None, community=world.community_a1, firm=world.firm_g, start_date=date(2025, 1, 1)
    )
    body = text(
        client_for(world.bureau_admin).get(
            reverse("pairing:community_detail", args=[world.community_a1.pk])
        )
    )
    assert "2024-03-01 至 2024-12-31" in body and "改为与浙江清波律师事务所结对" in body
    # firm G's lawyer sees G's pairing of A1 now, not F's
    response = client_for(world.lawyer_g).get(
        reverse("pairing:community_detail", args=[world.community_a1.pk])
    )
    assert response.status_code == 200
    assert [p.firm for p in response.context["pairings"]] == [world.firm_g]


# --- the bureau's forms --------------------------------------------------------------


def test_pair_form(client_for, world, paired):
    client = client_for(world.bureau_admin)
    url = reverse("pairing:pair", args=[world.community_a2.pk])
    response = client.post(url, {"firm": world.firm_g.pk, "start_date": "2024-05-01"})
    assert response.status_code == 302
    pairing = Pairing.objects.get(community=world.community_a2)
    assert (pairing.firm, pairing.start_date) == (world.firm_g, date(2024, 5, 1))


def test_pair_form_refuses_a_forged_firm(client_for, world, paired):
    client = client_for(world.bureau_admin)
    url = reverse("pairing:pair", args=[world.community_a2.pk])
    response = client.post(url, {"firm": world.other_firm.pk, "start_date": "2024-05-01"})
    assert response.status_code == 200
    assert "所选律所不存在或不属于本区" in text(response)
    assert not Pairing.objects.filter(community=world.community_a2).exists()


def test_pair_form_shows_the_service_message(client_for, world, paired):
    client = client_for(world.bureau_admin)
    url = reverse("pairing:pair", args=[world.community_a1.pk])
    response = client.post(url, {"firm": world.firm_g.pk, "start_date": "2024-01-01"})
    assert response.status_code == 200
    assert "新结对的开始日期应晚于该日期" in text(response)
    assert Pairing.objects.get(pk=paired.a1.pk).end_date is None
    response = client.post(url, {"firm": "", "start_date": "不是日期"})
    assert "请填写结对律所" in text(response) and "请输入有效的日期" in text(response)


def test_end_pairing_form(client_for, world, paired):
    client = client_for(world.bureau_admin)
    url = reverse("pairing:end_pairing", args=[paired.a1.pk])
    response = client.post(url, {"end_date": "2025-01-01", "end_reason": ""})
    assert "请填写结束原因" in text(response)
    response = client.post(url, {"end_date": "2025-01-01", "end_reason": "律所合并"})
    assert response.status_code == 302
    assert Pairing.objects.get(pk=paired.a1.pk).end_reason == "律所合并"
    assert client.get(url).status_code == 404  # ended: nothing to end


def test_liaison_form_refuses_a_lawyer_of_another_firm(client_for, world, paired):
    client = client_for(world.bureau_admin)
    url = reverse("pairing:add_liaison", args=[paired.a1.pk])
    response = client.post(url, {"lawyer": world.lawyer_other.pk, "start_date": "2024-05-01"})
    assert response.status_code == 200
    assert "联络员须为结对律所的在职律师，请从列表中选择" in text(response)
    response = client.post(url, {"lawyer": paired.party_f.pk, "start_date": "2024-05-01"})
    assert response.status_code == 302
    assert Liaison.objects.filter(pairing=paired.a1).active().count() == 2
    response = client.post(url, {"lawyer": paired.director_f.pk, "start_date": "2024-05-01"})
    assert "上限 2 名" in text(response)
    assert Liaison.objects.filter(pairing=paired.a1).active().count() == 2


def test_liaison_form_states_the_district_limit(client_for, world, paired):
    client = client_for(world.bureau_admin)
    url = reverse("pairing:add_liaison", args=[paired.a1.pk])
    assert "每个社区 1–2 名" in text(client.get(url))
    district_settings = settings_for(world.district)
    district_settings.max_liaisons_per_community = 1
    district_settings.save()
    page = text(client.get(url))
    assert "每个社区 1 名" in page
    assert "1–2" not in page


def test_end_liaison_form(client_for, world, paired):
    url = reverse("pairing:end_liaison", args=[paired.liaison_a1.pk])
    response = client_for(world.bureau_admin).post(url, {"end_date": "2024-01-01"})
    assert "免职日期不能早于任命日期" in text(response)
    response = client_for(world.bureau_admin).post(url, {"end_date": "2025-01-01"})
    assert response.status_code == 302
    assert Liaison.objects.get(pk=paired.liaison_a1.pk).end_date == date(2025, 1, 1)


def test_community_post_form(client_for, world, paired):
    client = client_for(world.bureau_admin)
    # B1 is paired with G: only G's directors and party members are offered
    g_party = make_lawyer(world.firm_g, "周党员", is_party_member=True)
    url = reverse("pairing:add_community_post", args=[world.community_b1.pk])
    response = client.get(url)
    assert list(response.context["form"].fields["lawyer"].queryset) == [g_party]
    response = client.post(url, {"lawyer": world.lawyer_other.pk, "start_date": "2024-05-01"})
    assert "名誉法治副主任须为结对律所的律所主任或党员律师" in text(response)
    response = client.post(
        url, {"lawyer": g_party.pk, "start_date": "2024-05-01", "term_end": "2024-04-01"}
    )
    assert "任期届满日期应晚于任职日期" in text(response)
    response = client.post(
        url, {"lawyer": g_party.pk, "start_date": "2024-05-01", "term_end": "2027-05-01"}
    )
    assert response.status_code == 302
    assert HonoraryPost.objects.get(community=world.community_b1).lawyer == g_party


def test_community_post_form_needs_a_pairing(client_for, world, paired):
    url = reverse("pairing:add_community_post", args=[world.community_a2.pk])
    response = client_for(world.bureau_admin).get(url, follow=True)
    assert "该社区尚未结对律所，不能任命名誉法治副主任" in text(response)


def test_office_post_form(client_for, world, paired):
    client = client_for(world.bureau_admin)
    url = reverse("pairing:add_office_post", args=[world.street_b.pk])
    response = client.post(url, {"lawyer": paired.party_f.pk, "start_date": "2024-05-01"})
    assert "名誉法治副所长须为本区律师工作指导小组成员中的律所主任" in text(response)
    response = client.post(url, {"lawyer": paired.director_f.pk, "start_date": "2024-05-01"})
    assert response.status_code == 302
    assert HonoraryPost.objects.get(street=world.street_b).lawyer == paired.director_f
    other = reverse("pairing:add_office_post", args=[world.other_street.pk])
    assert client.get(other).status_code == 404


def test_end_post_form(client_for, world, paired):
    url = reverse("pairing:end_post", args=[paired.deputy_a1.pk])
    response = client_for(world.bureau_admin).post(url, {"end_date": "2025-01-01"})
    assert response.status_code == 302
    assert response["Location"] == reverse("pairing:community_detail", args=[world.community_a1.pk])
    assert HonoraryPost.objects.get(pk=paired.deputy_a1.pk).end_date == date(2025, 1, 1)


# --- dashboard -----------------------------------------------------------------------


@pytest.fixture
def gaps(world, paired):
    """A2 unpaired; B1's liaison gone; the office deputy's term ends soon; firm H idle."""
    services.end_liaison(actor=None, liaison=paired.liaison_b1, end_date=START)
    HonoraryPost.objects.filter(pk=paired.office_a.pk).update(
        term_end=date.today() + timedelta(days=30)
    )
    return make_firm(world.district, "浙江闲置律师事务所")


def test_dashboard_for_the_bureau(client_for, world, gaps):
    response = client_for(world.bureau_admin).get(reverse("pairing:dashboard"))
    assert response.status_code == 200
    g = response.context["gaps"]
    assert g.unpaired == [world.community_a2]
    assert [p.community for p in g.without_liaison] == [world.community_b1]
    assert [p.street for p in g.expiring_posts] == [world.street_a]
    assert g.idle_firms == [gaps]
    body = text(response)
    assert "柳翠井巷社区" in body and "浙江闲置律师事务所" in body and "其他社区" not in body
    assert reverse("pairing:pair", args=[world.community_a2.pk]) in body


def test_dashboard_of_a_street(client_for, world, gaps):
    gaps.street = world.street_b
    gaps.save()
    response = client_for(world.street_staff_a).get(reverse("pairing:dashboard"))
    assert response.status_code == 200
    g = response.context["gaps"]
    assert g.street == world.street_a
    assert (g.unpaired, g.without_liaison, g.idle_firms) == ([world.community_a2], [], [])
    assert len(g.expiring_posts) == 1
    assert reverse("pairing:pair", args=[world.community_a2.pk]) not in text(response)
    # the bureau narrows to street B
    response = client_for(world.bureau_admin).get(
        reverse("pairing:dashboard"), {"street": world.street_b.pk}
    )
    g = response.context["gaps"]
    assert (g.unpaired, [p.community for p in g.without_liaison], g.idle_firms) == (
        [],
        [world.community_b1],
        [gaps],
    )


@pytest.mark.parametrize(
    "persona,query",
    [
        ("community_staff_a1", {}),
        ("lawyer_f", {}),
        ("resident", {}),
        ("street_staff_a", {"street": "b"}),
        ("outsider", {"district": "d"}),
        ("outsider", {"street": "a"}),
        ("bureau_admin", {"street": "x"}),
        ("bureau_admin", {"district": "e"}),
    ],
)
def test_dashboard_out_of_scope_is_404(client_for, world, paired, persona, query):
    values = {
        "a": world.street_a.pk,
        "b": world.street_b.pk,
        "d": world.district.pk,
        "e": world.other_district.pk,
        "x": "abc",
    }
    params = {k: values[v] for k, v in query.items()}
    response = client_for(getattr(world, persona)).get(reverse("pairing:dashboard"), params)
    assert response.status_code == 404


def grow(world, n: int) -> None:
    """n more streets, each with an unpaired community, a pairing without liaison, an
    expiring post and an idle firm."""
    for _ in range(n):
        street = make_street(world.district)
        firm = make_firm(world.district)
        firm.street = street
        firm.save()
        director = make_lawyer(firm, is_director=True)
        GuidanceGroupMember.objects.create(district=world.district, lawyer=director)
        make_community(street)
        paired = make_community(street)
        services.pair_community(actor=None, community=paired, firm=firm, start_date=START)
        services.appoint_honorary_post(
            actor=None,
            kind=HonoraryPost.Kind.OFFICE_DEPUTY,
            street=street,
            lawyer=director,
            start_date=START,
            term_end=date.today() + timedelta(days=10),
        )
        make_firm(world.district)


# session, user, the role bindings, then districts, streets, the four gap lists, the
# streets' 名誉法治副所长 (2), the edit check
DASHBOARD_QUERIES = 2 + 2 + 4 + 2 + 1


@pytest.mark.parametrize("extra", [2, 25])
def test_dashboard_query_budget(
    client_for, world, paired, django_assert_max_num_queries, principal_queries, extra
):
    grow(world, extra)
    client = client_for(world.bureau_admin)
    with django_assert_max_num_queries(principal_queries + DASHBOARD_QUERIES):
        response = client.get(reverse("pairing:dashboard"))
    assert len(response.context["gaps"].unpaired) == extra + 1
    assert len(response.context["gaps"].expiring_posts) == extra


# session, user, the role bindings, then count, page, active pairings, their liaisons
LIST_QUERIES = 2 + 4


@pytest.mark.parametrize("extra", [2, 25])
def test_community_list_query_budget(
    client_for, world, paired, django_assert_max_num_queries, principal_queries, extra
):
    grow(world, extra)
    client = client_for(world.bureau_admin)
    with django_assert_max_num_queries(principal_queries + LIST_QUERIES):
        response = client.get(reverse("pairing:community_list"))
    assert response.status_code == 200
    assert "浙江尚法律师事务所" in text(response) and "张律师" in text(response)


def test_community_list_scope(client_for, world, paired):
    response = client_for(world.lawyer_g).get(reverse("pairing:community_list"))
    assert [c.pk for c in response.context["page_obj"]] == [world.community_b1.pk]
    response = client_for(world.street_staff_a).get(reverse("pairing:community_list"))
    assert {c.pk for c in response.context["page_obj"]} == {
        world.community_a1.pk,
        world.community_a2.pk,
    }


# --- the public card -----------------------------------------------------------------


def test_card_is_public_and_complete(client, world, paired):
    url = reverse("pairing:card", args=[world.community_a1.pk])
    response = client.get(url)
    assert response.status_code == 200
    body = text(response)
    for expected in ("清波社区", "浙江尚法律师事务所", "张律师", "钱主任", "名誉法治副主任"):
        assert expected in body
    assert "名誉法治副所长" in body  # street A's office deputy
    assert "<svg" in body and "@media print" in body
    # the QR code encodes the card's own absolute address
    assert qr_svg(f"http://testserver{url}") in body
    assert response.context["card"].next_service_date.day == 15


def test_card_of_an_unpaired_community(client, world, paired):
    response = client.get(reverse("pairing:card", args=[world.community_a2.pk]))
    assert response.status_code == 200
    assert "结对律所确定后公布" in text(response)


def test_card_of_an_inactive_or_unknown_community_is_404(client, world, paired):
    world.community_a2.is_active = False
    world.community_a2.save()
    assert client.get(reverse("pairing:card", args=[world.community_a2.pk])).status_code == 404
    assert client.get(reverse("pairing:card", args=[999999])).status_code == 404


def test_card_qr_svg(client, world, paired):
    response = client.get(reverse("pairing:card_qr", args=[world.community_a1.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response.content.startswith(b"<?xml") and b"<svg" in response.content


# --- workspace panels ----------------------------------------------------------------


@pytest.mark.parametrize(
    "persona,expected",
    [
        ("bureau_admin", "未结对社区"),
        ("street_staff_a", "柳翠井巷社区"),
        ("community_staff_a1", "张律师"),
        ("firm_admin_f", "清波社区"),
        ("lawyer_f", "清波社区"),
        ("lawyer_g", "东坡路社区"),
    ],
)
def test_workspace_panels(world, paired, persona, expected):
    user = getattr(world, persona)
    request = RequestFactory().get("/workspace/")
    request.user = user
    rendered = []
    for binding in get_principal(user).bindings:
        for template, context in panels_for(request, binding):
            if template.startswith("pairing/"):
                rendered.append(render_to_string(template, context, request=request))
    assert rendered and expected in "".join(rendered)


def test_lawyer_panel_lists_only_their_liaisons(world, paired):
    request = RequestFactory().get("/workspace/")
    request.user = world.lawyer_g
    (binding,) = [b for b in get_principal(world.lawyer_g).bindings if b.role == "lawyer"]
    contexts = [c for t, c in panels_for(request, binding) if t.startswith("pairing/")]
    assert [x.pairing for x in contexts[0]["liaisons"]] == [paired.b1]
