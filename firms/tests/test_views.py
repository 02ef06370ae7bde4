"""Firm and lawyer pages and the public directory: scope, forged ids, query budgets."""

from datetime import date

import pytest
from django.urls import reverse

from core.testing import make_firm, make_lawyer, make_license, make_uscc
from firms.models import LawFirm, Lawyer, Specialty

# Session, user, principal (4 bindings queries), the page's own queries; see each test.
LIST_BUDGET = 14


def text(response):
    return response.content.decode()


@pytest.fixture
def specialties(db):
    return [
        Specialty.objects.create(name="婚姻家庭", sort_order=1),
        Specialty.objects.create(name="劳动争议", sort_order=2),
    ]


def lawyer_post(firm, **changes):
    data = {
        "firm": firm.pk,
        "name": "新律师",
        "gender": "F",
        "license_no": make_license(900001, 2015),
        "phone": "",
        "practice_start_date": "",
        "is_active": "on",
        "fee_standard": "",
        "bio": "",
    }
    return {**data, **changes}


def firm_post(firm, **changes):
    data = {
        "name": firm.name,
        "uscc": firm.uscc,
        "director_name": firm.director_name,
        "address": "",
        "street": "",
        "phone": "",
        "introduction": "",
        "is_active": "on",
    }
    return {**data, **changes}


# --- anonymous ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name,arg",
    [
        ("firms:firm_list", None),
        ("firms:firm_detail", "firm"),
        ("firms:firm_edit", "firm"),
        ("firms:lawyer_list", None),
        ("firms:lawyer_add", None),
        ("firms:lawyer_detail", "lawyer"),
        ("firms:lawyer_edit", "lawyer"),
    ],
)
def test_anonymous_is_sent_to_login(client, world, name, arg):
    objects = {"firm": world.firm_f.pk, "lawyer": world.lawyer_l.pk}
    response = client.get(reverse(name, args=[objects[arg]] if arg else []))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


# --- firms ----------------------------------------------------------------------------------


def test_firm_list_scope(client_for, world):
    response = client_for(world.bureau_admin).get(reverse("firms:firm_list"))
    assert response.status_code == 200
    assert {f.pk for f in response.context["object_list"]} == {world.firm_f.pk, world.firm_g.pk}
    assert "其他区律师事务所" not in text(response)
    response = client_for(world.lawyer_f).get(reverse("firms:firm_list"))
    assert list(response.context["object_list"]) == [world.firm_f]
    assert response.context["editable_ids"] == set()


def test_firm_list_search(client_for, world):
    response = client_for(world.bureau_admin).get(reverse("firms:firm_list"), {"search": "清波"})
    assert list(response.context["object_list"]) == [world.firm_g]


@pytest.mark.parametrize("extra", [3, 40])
def test_firm_list_query_budget(client_for, world, django_assert_max_num_queries, extra):
    for _ in range(extra):
        make_lawyer(make_firm(world.district))
    client = client_for(world.bureau_admin)
    with django_assert_max_num_queries(LIST_BUDGET):
        response = client.get(reverse("firms:firm_list"))
    assert len(response.context["object_list"]) == min(extra + 2, 20)


def test_firm_detail_scope(client_for, world):
    url = reverse("firms:firm_detail", args=[world.firm_f.pk])
    response = client_for(world.firm_admin_f).get(url)
    assert response.status_code == 200
    assert "张律师" in text(response) and response.context["can_edit"]
    other = reverse("firms:firm_detail", args=[world.firm_g.pk])
    assert client_for(world.firm_admin_f).get(other).status_code == 404
    assert client_for(world.outsider).get(url).status_code == 404
    assert client_for(world.resident).get(url).status_code == 404


def test_firm_admin_edits_their_firm(client_for, world):
    url = reverse("firms:firm_edit", args=[world.firm_f.pk])
    client = client_for(world.firm_admin_f)
    response = client.get(url)
    assert response.status_code == 200
    assert "is_active" not in response.context["form"].fields  # only the bureau switches
    response = client.post(
        url, firm_post(world.firm_f, address="西湖大道 1 号", street=world.street_a.pk)
    )
    assert response.status_code == 302
    world.firm_f.refresh_from_db()
    assert world.firm_f.address == "西湖大道 1 号" and world.firm_f.street == world.street_a


def test_firm_edit_rejects_another_districts_street(client_for, world):
    url = reverse("firms:firm_edit", args=[world.firm_f.pk])
    response = client_for(world.bureau_admin).post(
        url, firm_post(world.firm_f, address="新地址", street=world.other_street.pk)
    )
    assert response.status_code == 200
    assert "所选街道不属于该律所所在的区" in text(response)
    world.firm_f.refresh_from_db()
    assert world.firm_f.address == "" and world.firm_f.street is None


def test_firm_edit_rejects_a_bad_uscc(client_for, world):
    url = reverse("firms:firm_edit", args=[world.firm_f.pk])
    bad = make_uscc(4242)[:-1] + ("0" if make_uscc(4242)[-1] != "0" else "1")
    response = client_for(world.bureau_admin).post(url, firm_post(world.firm_f, uscc=bad))
    assert response.status_code == 200
    assert "校验位不正确" in text(response)
    world.firm_f.refresh_from_db()
    assert world.firm_f.uscc != bad


@pytest.mark.parametrize(
    "persona,firm",
    [("firm_admin_f", "firm_g"), ("lawyer_f", "firm_f"), ("outsider", "firm_f")],
)
def test_firm_edit_out_of_scope_is_404(client_for, world, persona, firm):
    target = getattr(world, firm)
    url = reverse("firms:firm_edit", args=[target.pk])
    client = client_for(world.personas()[persona])
    assert client.get(url).status_code == 404
    assert client.post(url, firm_post(target, name="改名")).status_code == 404
    target.refresh_from_db()
    assert target.name != "改名"


# --- lawyers ------------------------------------------------------------------------------------


def test_lawyer_list_scope_and_no_phones(client_for, world):
    Lawyer.objects.filter(pk=world.lawyer_l.pk).update(phone="13612345678")
    response = client_for(world.bureau_admin).get(reverse("firms:lawyer_list"))
    assert response.status_code == 200
    assert {lw.pk for lw in response.context["object_list"]} == {
        world.lawyer_l.pk,
        world.lawyer_other.pk,
    }
    assert "13612345678" not in text(response)
    response = client_for(world.lawyer_g).get(reverse("firms:lawyer_list"))
    assert list(response.context["object_list"]) == [world.lawyer_other]


def test_lawyer_list_filters(client_for, world, specialties):
    world.lawyer_l.specialties.add(specialties[0])
    client = client_for(world.bureau_admin)
    url = reverse("firms:lawyer_list")
    assert list(client.get(url, {"firm": world.firm_g.pk}).context["object_list"]) == [
        world.lawyer_other
    ]
    by_specialty = client.get(url, {"specialty": specialties[0].pk}).context["object_list"]
    assert list(by_specialty) == [world.lawyer_l]
    volunteers = client.get(url, {"is_volunteer": "true"}).context["object_list"]
    assert list(volunteers) == [world.lawyer_l]
    assert list(client.get(url, {"search": "李"}).context["object_list"]) == [world.lawyer_other]
    # a firm outside scope is not a choice: the filter is ignored, nothing leaks
    outside = client.get(url, {"firm": world.other_firm.pk})
    assert outside.status_code == 200
    assert len(outside.context["object_list"]) == 2


@pytest.mark.parametrize("extra", [3, 40])
def test_lawyer_list_query_budget(
    client_for, world, specialties, django_assert_max_num_queries, extra
):
    for _ in range(extra):
        make_lawyer(world.firm_f).specialties.set(specialties)
    client = client_for(world.bureau_admin)
    with django_assert_max_num_queries(LIST_BUDGET):
        response = client.get(reverse("firms:lawyer_list"))
    assert len(response.context["object_list"]) == min(extra + 2, 20)


def test_lawyer_detail_scope(client_for, world):
    Lawyer.objects.filter(pk=world.lawyer_l.pk).update(phone="13612345678")
    url = reverse("firms:lawyer_detail", args=[world.lawyer_l.pk])
    response = client_for(world.street_staff_a).get(url)
    assert response.status_code == 200
    assert "136****5678" in text(response) and "13612345678" not in text(response)
    assert not response.context["can_edit"]
    assert client_for(world.lawyer_g).get(url).status_code == 404
    assert client_for(world.outsider).get(url).status_code == 404
    other = reverse("firms:lawyer_detail", args=[world.lawyer_other.pk])
    assert client_for(world.firm_admin_f).get(other).status_code == 404


def test_firm_admin_adds_a_lawyer(client_for, world, specialties):
    client = client_for(world.firm_admin_f)
    url = reverse("firms:lawyer_add")
    assert client.get(url, {"firm": world.firm_f.pk}).status_code == 200
    response = client.post(
        url,
        lawyer_post(world.firm_f, specialties=[specialties[1].pk], phone="+86 136 0000 1111"),
    )
    assert response.status_code == 302
    lawyer = Lawyer.objects.get(name="新律师")
    assert lawyer.firm == world.firm_f and lawyer.phone == "13600001111"
    assert lawyer.practice_start_date == date(2015, 1, 1)  # from the licence number
    assert list(lawyer.specialties.all()) == [specialties[1]]


def test_creating_a_lawyer_in_another_firm_is_rejected(client_for, world):
    response = client_for(world.firm_admin_f).post(
        reverse("firms:lawyer_add"), lawyer_post(world.firm_g)
    )
    assert response.status_code == 200
    assert "所选律所不存在或不在您的管理范围内" in text(response)
    assert not Lawyer.objects.filter(name="新律师").exists()


def test_bureau_cannot_add_a_lawyer_to_another_district(client_for, world):
    response = client_for(world.bureau_admin).post(
        reverse("firms:lawyer_add"), lawyer_post(world.other_firm)
    )
    assert response.status_code == 200
    assert "所选律所不存在或不在您的管理范围内" in text(response)
    assert not Lawyer.objects.filter(name="新律师").exists()


def test_bad_licence_number_changes_nothing(client_for, world):
    response = client_for(world.bureau_admin).post(
        reverse("firms:lawyer_add"), lawyer_post(world.firm_f, license_no="123")
    )
    assert response.status_code == 200
    assert "律师执业证号应为 17 位数字" in text(response)
    assert not Lawyer.objects.filter(name="新律师").exists()


@pytest.mark.parametrize(
    "persona", ["lawyer_f", "street_staff_a", "resident", "community_staff_a1"]
)
def test_lawyer_add_needs_a_firm_to_manage(client_for, world, persona):
    client = client_for(world.personas()[persona])
    assert client.get(reverse("firms:lawyer_add")).status_code == 404
    assert client.post(reverse("firms:lawyer_add"), lawyer_post(world.firm_f)).status_code == 404
    assert not Lawyer.objects.filter(name="新律师").exists()


def test_lawyer_edits_only_their_own_limited_fields(client_for, world, specialties):
    url = reverse("firms:lawyer_edit", args=[world.lawyer_l.pk])
    client = client_for(world.lawyer_f)
    response = client.get(url)
    assert response.status_code == 200
    assert set(response.context["form"].fields) == {"phone", "specialties", "bio", "fee_standard"}
    response = client.post(
        url,
        {
            "phone": "13600002222",
            "specialties": [specialties[0].pk],
            "bio": "擅长婚姻家庭纠纷",
            "fee_standard": "咨询免费",
            # fields a lawyer may not change are ignored
            "name": "改名",
            "license_no": make_license(777, 2000),
            "firm": world.firm_g.pk,
        },
    )
    assert response.status_code == 302
    world.lawyer_l.refresh_from_db()
    assert world.lawyer_l.phone == "13600002222" and world.lawyer_l.bio == "擅长婚姻家庭纠纷"
    assert world.lawyer_l.name == "张律师" and world.lawyer_l.firm == world.firm_f
    assert list(world.lawyer_l.specialties.all()) == [specialties[0]]


def test_lawyer_bad_phone_changes_nothing(client_for, world):
    url = reverse("firms:lawyer_edit", args=[world.lawyer_l.pk])
    response = client_for(world.lawyer_f).post(url, {"phone": "12345", "bio": "新简介"})
    assert response.status_code == 200
    assert "手机号格式不正确" in text(response)
    world.lawyer_l.refresh_from_db()
    assert world.lawyer_l.bio == ""


def test_firm_admin_edits_a_lawyer_but_cannot_move_them_out(client_for, world):
    url = reverse("firms:lawyer_edit", args=[world.lawyer_l.pk])
    client = client_for(world.firm_admin_f)
    data = lawyer_post(world.firm_f, name="张大律师", license_no=world.lawyer_l.license_no)
    assert client.post(url, data).status_code == 302
    world.lawyer_l.refresh_from_db()
    assert world.lawyer_l.name == "张大律师"
    response = client.post(url, {**data, "firm": world.firm_g.pk, "name": "又改名"})
    assert response.status_code == 200
    assert "所选律所不存在或不在您的管理范围内" in text(response)
    world.lawyer_l.refresh_from_db()
    assert world.lawyer_l.firm == world.firm_f and world.lawyer_l.name == "张大律师"


@pytest.mark.parametrize(
    "persona,lawyer",
    [
        ("firm_admin_f", "lawyer_other"),
        ("lawyer_f", "lawyer_other"),
        ("lawyer_g", "lawyer_l"),
        ("outsider", "lawyer_l"),
        ("street_staff_a", "lawyer_l"),
    ],
)
def test_lawyer_edit_out_of_scope_is_404(client_for, world, persona, lawyer):
    target = getattr(world, lawyer)
    url = reverse("firms:lawyer_edit", args=[target.pk])
    client = client_for(world.personas()[persona])
    assert client.get(url).status_code == 404
    assert client.post(url, {"phone": "", "bio": "改了"}).status_code == 404
    target.refresh_from_db()
    assert target.bio == ""


# --- the public directory ----------------------------------------------------------------------


def test_directory_is_public_and_never_shows_phones(client, world, specialties):
    Lawyer.objects.filter(pk=world.lawyer_l.pk).update(phone="13612345678")
    world.lawyer_l.specialties.add(specialties[0])
    Lawyer.objects.filter(pk=world.lawyer_other.pk).update(is_active=False)
    response = client.get(reverse("firms:directory"))
    assert response.status_code == 200
    body = text(response)
    assert "张律师" in body and "浙江尚法律师事务所" in body and "婚姻家庭" in body
    assert "李律师" not in body  # inactive
    assert "13612345678" not in body and "136****" not in body
    assert world.lawyer_l.license_no not in body
    # Each card opens the lawyer's page (咨询、服务 from there): no dead end.
    assert reverse("consultations:lawyer", args=[world.lawyer_l.pk]) in body


def test_directory_filters(client, world, specialties):
    world.lawyer_other.specialties.add(specialties[1])
    url = reverse("firms:directory")
    by_specialty = client.get(url, {"specialty": specialties[1].pk}).context["object_list"]
    assert list(by_specialty) == [world.lawyer_other]
    assert list(client.get(url, {"q": "张"}).context["object_list"]) == [world.lawyer_l]
    make_lawyer(world.other_firm, "外区律师")
    by_district = client.get(url, {"district": world.other_district.pk}).context["object_list"]
    assert [lw.name for lw in by_district] == ["外区律师"]


@pytest.mark.parametrize("extra", [3, 40])
def test_directory_query_budget(client, world, specialties, django_assert_max_num_queries, extra):
    for _ in range(extra):
        make_lawyer(world.firm_g).specialties.set(specialties)
    # anonymous: count, rows, specialties, the district and specialty choices
    with django_assert_max_num_queries(6):
        response = client.get(reverse("firms:directory"))
    assert len(response.context["object_list"]) == min(extra + 2, 20)


def test_firm_is_active_only_for_the_bureau(client_for, world):
    url = reverse("firms:firm_edit", args=[world.firm_f.pk])
    response = client_for(world.bureau_admin).post(url, firm_post(world.firm_f, is_active=""))
    assert response.status_code == 302
    assert not LawFirm.objects.get(pk=world.firm_f.pk).is_active
