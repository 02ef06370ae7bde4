"""Firm and lawyer endpoints: scope per persona, masked phones, derived years of
practice, filters, writes through services, forged ids rejected."""

from __future__ import annotations

from datetime import date

import pytest

from api.testing import api_client, result_ids
from core.testing import make_firm, make_lawyer, make_license, make_uscc
from firms.models import LawFirm, Lawyer, Specialty

FIRMS = {
    "bureau_admin": ["firm_f", "firm_g"],
    "street_staff_a": ["firm_f", "firm_g"],
    "community_staff_a1": ["firm_f", "firm_g"],
    "firm_admin_f": ["firm_f"],
    "lawyer_f": ["firm_f"],
    "lawyer_g": ["firm_g"],
    "resident": [],
    "outsider": ["other_firm"],
}
LAWYERS = {
    "bureau_admin": ["lawyer_l", "lawyer_other"],
    "street_staff_a": ["lawyer_l", "lawyer_other"],
    "community_staff_a1": ["lawyer_l", "lawyer_other"],
    "firm_admin_f": ["lawyer_l"],
    "lawyer_f": ["lawyer_l"],
    "lawyer_g": ["lawyer_other"],
    "resident": [],
    "outsider": ["lawyer_e"],
}


@pytest.fixture
def specialties(db):
    return {
        name: Specialty.objects.create(name=name, sort_order=n, is_active=name != "已停用领域")
        for n, name in enumerate(["婚姻家庭", "劳动争议", "已停用领域"])
    }


@pytest.fixture
def lawyer_e(world):
    """A lawyer of the other district's firm."""
    return make_lawyer(world.other_firm, "外区律师")


def pks(world, attrs: list[str], extra: dict | None = None) -> set[int]:
    rows = extra or {}
    return {rows[a].pk if a in rows else getattr(world, a).pk for a in attrs}


@pytest.mark.parametrize(("persona", "expected"), FIRMS.items())
def test_firm_list_by_persona(world, persona, expected):
    response = api_client(world.personas()[persona]).get("/api/firms/")
    assert result_ids(response) == pks(world, expected)


@pytest.mark.parametrize(("persona", "expected"), LAWYERS.items())
def test_lawyer_list_by_persona(world, lawyer_e, persona, expected):
    response = api_client(world.personas()[persona]).get("/api/lawyers/")
    assert result_ids(response) == pks(world, expected, {"lawyer_e": lawyer_e})


@pytest.mark.parametrize(
    ("persona", "url_attr"),
    [
        ("firm_admin_f", ("firms", "firm_g")),
        ("firm_admin_f", ("lawyers", "lawyer_other")),
        ("lawyer_f", ("lawyers", "lawyer_other")),
        ("lawyer_g", ("firms", "firm_f")),
        ("outsider", ("firms", "firm_f")),
        ("outsider", ("lawyers", "lawyer_l")),
        ("bureau_admin", ("firms", "other_firm")),
        ("resident", ("lawyers", "lawyer_l")),
    ],
)
def test_other_firms_and_lawyers_answer_404(world, persona, url_attr):
    collection, attr = url_attr
    row = getattr(world, attr)
    client = api_client(world.personas()[persona])
    url = f"/api/{collection}/{row.pk}/"
    assert client.get(url).status_code == 404
    assert client.patch(url, {"name": "改名"}, format="json").status_code == 404
    assert client.put(url, {"name": "改名"}, format="json").status_code == 404
    row.refresh_from_db()
    assert row.name != "改名"


def test_lawyer_shows_years_specialties_and_only_a_masked_phone(world, specialties):
    lawyer = world.lawyer_l
    Lawyer.objects.filter(pk=lawyer.pk).update(phone="13812345678")
    lawyer.specialties.set([specialties["婚姻家庭"], specialties["劳动争议"]])
    client = api_client(world.firm_admin_f)
    listing = client.get("/api/lawyers/")
    detail = client.get(f"/api/lawyers/{lawyer.pk}/")
    for response in (listing, detail):
        assert "13812345678" not in response.content.decode()
    row = detail.json()
    assert row["masked_phone"] == "138****5678"
    assert "phone" not in row
    assert row["specialties"] == ["婚姻家庭", "劳动争议"]
    assert row["years_of_practice"] == lawyer.years_of_practice
    assert row["years_of_practice"] >= 15  # practising since 2010
    assert row["firm_name"] == "浙江尚法律师事务所"


# Filters


@pytest.fixture
def directory(world, specialties):
    """Lawyers of firm F with different specialties, flags and start years."""
    today = date.today()
    senior = make_lawyer(world.firm_f, "资深律师", year=2000, is_party_member=True)
    junior = make_lawyer(world.firm_f, "新律师", year=today.year - 1, is_volunteer=True)
    senior.specialties.set([specialties["劳动争议"]])
    junior.specialties.set([specialties["婚姻家庭"]])
    return {"senior": senior, "junior": junior}


def test_lawyer_filters(world, directory):
    client = api_client(world.bureau_admin)
    senior, junior = directory["senior"].pk, directory["junior"].pk
    marriage = Specialty.objects.get(name="婚姻家庭").pk

    def ids(**params: str | int) -> set[int]:
        return result_ids(client.get("/api/lawyers/", params))

    assert ids(firm=world.firm_g.pk) == {world.lawyer_other.pk}
    assert ids(specialty=marriage) == {junior}
    assert ids(is_volunteer="true") == {junior, world.lawyer_l.pk}
    assert ids(is_party_member="true") == {senior}
    assert ids(min_years=20) == {senior}
    assert ids(min_years=5, firm=world.firm_f.pk) == {senior, world.lawyer_l.pk}
    assert ids(search="资深") == {senior}
    assert ids(search="律师", is_volunteer="false", firm=world.firm_f.pk) == {senior}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"min_years": "-1"}, "min_years"),
        ({"min_years": "2.5"}, "min_years"),
        ({"min_years": "abc"}, "min_years"),
        ({"firm": "999999"}, "firm"),
    ],
)
def test_bad_filter_values_answer_400_in_chinese(world, params, field):
    response = api_client(world.bureau_admin).get("/api/lawyers/", params)
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not response.json()["message"].isascii()


def test_filtering_by_a_firm_outside_scope_is_refused(world):
    response = api_client(world.firm_admin_f).get("/api/lawyers/", {"firm": world.firm_g.pk})
    assert response.status_code == 400
    assert "firm" in response.json()["errors"]


def test_firm_filters(world):
    LawFirm.objects.filter(pk=world.firm_g.pk).update(in_mediation_association=True)
    client = api_client(world.street_staff_a)
    mediation = client.get("/api/firms/", {"in_mediation_association": "true"})
    assert result_ids(mediation) == {world.firm_g.pk}
    assert result_ids(client.get("/api/firms/", {"search": "尚法"})) == {world.firm_f.pk}


def test_specialties_are_read_only_for_everyone(world, specialties):
    client = api_client(world.resident)
    response = client.get("/api/specialties/", {"is_active": "true"})
    assert {row["name"] for row in response.json()["results"]} == {"婚姻家庭", "劳动争议"}
    assert client.post("/api/specialties/", {"name": "新领域"}).status_code == 405
    assert not Specialty.objects.filter(name="新领域").exists()


# Writes: lawyers


def lawyer_payload(firm: LawFirm, **extra: object) -> dict[str, object]:
    return {"firm": firm.pk, "name": "王律师", "license_no": make_license(777001, 2015)} | extra


def test_firm_admin_adds_a_lawyer_to_their_firm(world, specialties):
    payload = lawyer_payload(world.firm_f, phone="13900001234", specialties=["婚姻家庭"])
    response = api_client(world.firm_admin_f).post("/api/lawyers/", payload, format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["practice_start_date"] == "2015-01-01"  # from the licence number
    assert body["masked_phone"] == "139****1234"
    assert "13900001234" not in response.content.decode()
    lawyer = Lawyer.objects.get(pk=body["id"])
    assert lawyer.phone == "13900001234"
    assert [s.name for s in lawyer.specialties.all()] == ["婚姻家庭"]


@pytest.mark.parametrize(
    ("persona", "firm_attr"),
    [("firm_admin_f", "firm_g"), ("bureau_admin", "other_firm"), ("outsider", "firm_f")],
)
def test_lawyer_in_a_forged_firm_is_rejected(world, persona, firm_attr):
    before = Lawyer.objects.count()
    response = api_client(world.personas()[persona]).post(
        "/api/lawyers/", lawyer_payload(getattr(world, firm_attr)), format="json"
    )
    assert response.status_code == 400
    assert response.json()["message"] == "律所：所选律师事务所不存在或不在您的管理范围内"
    assert Lawyer.objects.count() == before


@pytest.mark.parametrize("persona", ["lawyer_f", "street_staff_a", "resident"])
def test_users_who_manage_no_firm_cannot_add_lawyers(world, persona):
    before = Lawyer.objects.count()
    response = api_client(world.personas()[persona]).post(
        "/api/lawyers/", lawyer_payload(world.firm_f), format="json"
    )
    assert response.status_code == 403
    assert Lawyer.objects.count() == before


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({"license_no": "123"}, "license_no", "律师执业证号应为 17 位数字"),
        ({"specialties": ["不存在的领域"]}, "specialties", "专业领域“不存在的领域”不存在或已停用"),
        ({"specialties": ["已停用领域"]}, "specialties", "专业领域“已停用领域”不存在或已停用"),
        ({"phone": "1234"}, "phone", "手机号格式不正确，应为 11 位中国大陆手机号"),
        ({"practice_start_date": "2999-01-01"}, "practice_start_date", "执业起始日期不能晚于今天"),
    ],
)
def test_lawyer_validation_in_chinese(world, specialties, payload, field, message):
    before = Lawyer.objects.count()
    response = api_client(world.bureau_admin).post(
        "/api/lawyers/", lawyer_payload(world.firm_f, **payload), format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"][field] == [message]
    assert Lawyer.objects.count() == before


def test_lawyer_edits_their_own_record_only(world):
    client = api_client(world.lawyer_f)
    own = client.patch(f"/api/lawyers/{world.lawyer_l.pk}/", {"bio": "擅长劳动争议"})
    assert own.status_code == 200
    world.lawyer_l.refresh_from_db()
    assert world.lawyer_l.bio == "擅长劳动争议"
    moved = client.patch(
        f"/api/lawyers/{world.lawyer_l.pk}/", {"firm": world.firm_g.pk}, format="json"
    )
    assert moved.status_code == 400
    world.lawyer_l.refresh_from_db()
    assert world.lawyer_l.firm_id == world.firm_f.pk


def test_colleague_can_see_but_not_edit(world):
    colleague = make_lawyer(world.firm_f, "同事律师")
    client = api_client(world.lawyer_f)
    assert client.get(f"/api/lawyers/{colleague.pk}/").status_code == 200
    response = client.patch(f"/api/lawyers/{colleague.pk}/", {"bio": "x"})
    assert response.status_code == 404
    colleague.refresh_from_db()
    assert colleague.bio == ""


def test_firm_admin_updates_specialties_and_deactivates(world, specialties):
    response = api_client(world.firm_admin_f).patch(
        f"/api/lawyers/{world.lawyer_l.pk}/",
        {"specialties": ["劳动争议"], "is_active": False},
        format="json",
    )
    assert response.status_code == 200
    world.lawyer_l.refresh_from_db()
    assert world.lawyer_l.is_active is False
    assert [s.name for s in world.lawyer_l.specialties.all()] == ["劳动争议"]
    assert (
        api_client(world.firm_admin_f).delete(f"/api/lawyers/{world.lawyer_l.pk}/").status_code
        == 405
    )


# Writes: firms


def firm_payload(world, **extra: object) -> dict[str, object]:
    return {
        "district": world.district.pk,
        "name": "新开律师事务所",
        "uscc": make_uscc(424242),
        "director_name": "钱主任",
    } | extra


def test_bureau_creates_a_firm(world):
    response = api_client(world.bureau_admin).post(
        "/api/firms/", firm_payload(world, street=world.street_b.pk), format="json"
    )
    assert response.status_code == 201
    firm = LawFirm.objects.get(pk=response.json()["id"])
    assert (firm.district, firm.street) == (world.district, world.street_b)
    assert response.json()["street_name"] == "湖滨街道"


@pytest.mark.parametrize(
    ("extra", "field", "message"),
    [
        ({"uscc": "91330000000000000X"}, "uscc", "统一社会信用代码校验位不正确，请核对"),
        ({"street": "other_street"}, "street", "所选街道不存在或不在您的管理范围内"),
        ({"district": "other_district"}, "district", "所选区（县）不存在或不在您的管理范围内"),
    ],
)
def test_firm_validation_and_forged_ids(world, extra, field, message):
    payload = firm_payload(
        world, **{k: getattr(world, v).pk if k != "uscc" else v for k, v in extra.items()}
    )
    response = api_client(world.bureau_admin).post("/api/firms/", payload, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][field] == [message]
    assert not LawFirm.objects.filter(name="新开律师事务所").exists()


def test_street_of_the_district_is_checked_by_the_model(world):
    # The superuser sees every street: the model refuses a street of another district.
    response = api_client(world.superuser).post(
        "/api/firms/", firm_payload(world, street=world.other_street.pk), format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"street": ["所在街道不属于该区"]}


def test_firm_admin_edits_their_firm_only(world):
    client = api_client(world.firm_admin_f)
    own = client.patch(f"/api/firms/{world.firm_f.pk}/", {"phone": "0571-88888888"})
    assert own.status_code == 200
    world.firm_f.refresh_from_db()
    assert world.firm_f.phone == "0571-88888888"
    assert client.patch(f"/api/firms/{world.firm_g.pk}/", {"phone": "1"}).status_code == 404
    moved = client.patch(
        f"/api/firms/{world.firm_f.pk}/", {"district": world.other_district.pk}, format="json"
    )
    assert moved.status_code == 400
    assert client.post("/api/firms/", firm_payload(world), format="json").status_code == 403
    assert not LawFirm.objects.filter(name="新开律师事务所").exists()


@pytest.mark.parametrize("persona", ["lawyer_f", "street_staff_a"])
def test_firm_readers_cannot_edit(world, persona):
    response = api_client(world.personas()[persona]).patch(
        f"/api/firms/{world.firm_f.pk}/", {"phone": "1"}
    )
    assert response.status_code == 404
    world.firm_f.refresh_from_db()
    assert world.firm_f.phone == ""


# Query budgets: the same for 2 lawyers and for 32.

# The user's role bindings (4 queries, once per request), filter choice, count, page,
# specialties prefetch: 8 at most; 9 leaves room for one more binding provider.
BUDGET = 9


@pytest.mark.parametrize(
    ("url", "params"),
    [
        ("/api/lawyers/", {}),
        ("/api/lawyers/", {"min_years": 1, "is_volunteer": "false"}),
        ("/api/lawyers/", {"firm": "FIRM_F"}),
        ("/api/firms/", {}),
    ],
)
def test_list_query_budget_does_not_grow(
    world, specialties, django_assert_max_num_queries, url, params
):
    params = {k: world.firm_f.pk if v == "FIRM_F" else v for k, v in params.items()}
    client = api_client(world.bureau_admin)
    with django_assert_max_num_queries(BUDGET):
        small = client.get(url, {"page_size": 100, **params})
    for n in range(30):
        firm = make_firm(world.district) if url == "/api/firms/" else world.firm_f
        lawyer = make_lawyer(firm, year=2000 + n % 20)
        lawyer.specialties.set(specialties.values())
    with django_assert_max_num_queries(BUDGET):
        big = client.get(url, {"page_size": 100, **params})
    assert big.json()["count"] >= small.json()["count"] + 30
