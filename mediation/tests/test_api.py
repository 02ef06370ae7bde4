"""The API: 401 for anonymous, 404 outside scope, the flow through the transition
endpoints, masking, errors in the one shape, flat query budgets."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from api.testing import api_client, result_ids
from core.testing import make_user
from mediation import services
from mediation.choices import CaseStatus, PartyRole
from mediation.models import Case, Mediator, Organization
from mediation.tests.conftest import ID_NUMBER, advance, application, applied, code_sent

pytestmark = pytest.mark.urls("mediation.tests.urls")
CASES = "/api/mediation-cases/"


def case_url(case, action=""):
    return f"{CASES}{case.pk}/{action + '/' if action else ''}"


@pytest.mark.parametrize("path", ["mediation-organizations", "mediators", "mediation-cases"])
def test_anonymous_gets_401(world, path):
    client = APIClient()
    assert client.get(f"/api/{path}/").status_code == 401
    assert client.post(f"/api/{path}/", {}).status_code == 401


def test_out_of_scope_cases_answer_404(world, setup):
    case = applied(world, setup)
    assert api_client(world.resident).get(case_url(case)).status_code == 200
    for user in (world.outsider, make_user("别人"), setup.x.user, setup.s1.user):
        client = api_client(user)
        assert client.get(case_url(case)).status_code == 404
        response = client.post(case_url(case, "accept"), {})
        assert response.status_code == 404 and response.json()["message"] == "对象不存在"


def test_apply_and_run_the_case(world, setup, sms_outbox):
    resident = api_client(world.resident)
    body = {
        "community": world.community_a1.pk,
        "category": "neighbor",
        "facts": "楼上漏水把我家天花板泡坏了，协商不成。",
        "amount": "5000.00",
        "parties": [
            {
                "role": "applicant",
                "name": "王居民",
                "phone": world.resident.phone,
                "id_number": ID_NUMBER,
                "id_consent": True,
            },
            {"role": "respondent", "name": "李四", "phone": setup.respondent.phone},
        ],
    }
    response = resident.post(CASES, body, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    case = Case.objects.get(pk=data["id"])
    assert data["case_number"] == case.case_number and data["status"] == "applied"
    assert data["parties"][0]["id_number"] == "1101**********002X"
    assert data["actions"] == []
    staff = api_client(world.street_staff_a)
    assert staff.get(case_url(case)).json()["actions"] == ["accept", "decline"]
    assert staff.post(case_url(case, "accept"), {}).json()["status"] == "accepted"
    response = staff.post(
        case_url(case, "assign"),
        {"organization": setup.org.pk, "mediators": [setup.m1.pk], "lawyer": world.lawyer_l.pk},
        format="json",
    )
    assert response.status_code == 200 and response.json()["mediators"] == ["调解员甲"]
    mediator = api_client(setup.m1.user)
    detail = mediator.post(case_url(case, "start")).json()
    assert detail["status"] == "mediating"
    assert detail["parties"][0]["id_number"] == ID_NUMBER  # the case's own mediator
    assert "draft_agreement" in detail["actions"]
    starts = (timezone.now() + timedelta(days=1)).isoformat()
    response = mediator.post(
        case_url(case, "sessions"),
        {"kind": "in_person", "starts_at": starts, "place": "调解室"},
        format="json",
    )
    assert response.status_code == 201
    session_id = response.json()["id"]
    applicant = case.parties.get(role=PartyRole.APPLICANT)
    response = mediator.post(
        case_url(case, "record-session"),
        {"session": session_id, "record": "双方到场协商", "attendees": [applicant.pk]},
        format="json",
    )
    assert response.status_code == 200 and response.json()["status"] == "held"
    assert len(mediator.get(case_url(case, "sessions")).json()["results"]) == 1
    response = resident.post(case_url(case, "messages"), {"text": "我周末有空"}, format="json")
    assert response.status_code == 201 and response.json()["author_label"] == "申请人 王居民"
    assert mediator.get(case_url(case, "messages")).json()["count"] == 1
    response = mediator.post(
        case_url(case, "agreement"), {"terms": "李四于十日内赔偿王居民 3000 元。"}, format="json"
    )
    assert response.json()["agreement"]["version"] == 1
    for user, client in ((world.resident, resident), (setup.respondent, None)):
        client = client or api_client(user)
        party = case.parties.get(phone=user.phone)
        response = client.post(case_url(case, "confirmation-code"), {"party": party.pk})
        assert response.status_code == 200
        response = client.post(
            case_url(case, "confirm"), {"code": code_sent(sms_outbox, user.phone)}
        )
        assert response.status_code == 200
    assert resident.get(case_url(case)).json()["status"] == "agreed"
    assert mediator.post(case_url(case, "follow-up"), {"note": "已履行"}).status_code == 200
    assert mediator.post(case_url(case, "archive")).json()["status"] == "archived"
    titles = [e["title"] for e in resident.get(case_url(case, "timeline")).json()]
    assert titles[0] == "提交调解申请" and titles[-1] == "归档"


def test_errors_in_the_one_shape(world, setup):
    case = applied(world, setup)
    staff = api_client(world.street_staff_a)
    response = staff.post(case_url(case, "archive"))
    assert response.status_code == 404  # street staff do not run cases: like a missing row
    response = staff.post(case_url(case, "decline"), {"reason": "短"})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and "至少 4 个字" in body["message"]
    response = api_client(world.resident).post(CASES, {"category": "neighbor"}, format="json")
    assert response.status_code == 400 and "community" in response.json()["errors"]
    advance(world, setup, case, CaseStatus.ACCEPTED)
    response = staff.post(case_url(case, "accept"))
    assert response.status_code == 400 and "不能受理" in response.json()["message"]


def test_fail_with_guidance(world, setup):
    case = advance(world, setup, applied(world, setup), CaseStatus.MEDIATING)
    client = api_client(setup.m1.user)
    response = client.post(
        case_url(case, "fail"),
        {"reason": "双方分歧过大", "guidance": ["litigation", "legal_aid"]},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["guidance_labels"] == ["向人民法院提起诉讼", "申请法律援助"]


def test_case_list_scope_and_budget(world, setup, django_assert_max_num_queries):
    mine = applied(world, setup)
    assert result_ids(api_client(world.resident).get(CASES)) == {mine.pk}
    assert result_ids(api_client(world.outsider).get(CASES)) == set()
    client = api_client(world.bureau_admin)
    for n in (3, 30):
        for i in range(n):
            services.file_for_party(
                actor=world.bureau_admin,
                application=application(
                    world,
                    setup,
                    parties=[
                        services.PartyDraft(PartyRole.APPLICANT, f"甲{i}", f"1370002{i:04d}"),
                        services.PartyDraft(PartyRole.RESPONDENT, f"乙{i}", f"1370003{i:04d}"),
                    ],
                ),
                now=timezone.now() - timedelta(hours=2 * i + n),
            )
        with django_assert_max_num_queries(10):
            assert client.get(CASES).status_code == 200
    body = client.get(CASES, {"page_size": 50}).json()
    assert len(body["results"]) == 34 and body["next"] is None


def test_register_endpoints(world, setup):
    resident = api_client(world.resident)
    ids = result_ids(resident.get("/api/mediation-organizations/"))
    assert setup.org.pk in ids and setup.other_org.pk not in ids
    mediators = resident.get("/api/mediators/", {"organization": setup.org.pk}).json()["results"]
    assert {m["masked_phone"] for m in mediators} >= {setup.m1.masked_phone}
    assert all("phone" not in m for m in mediators)
    body = {
        "district": world.district.pk,
        "name": "区交通事故人民调解委员会",
        "kind": "professional",
        "level": "district",
        "category": "traffic",
    }
    street = api_client(world.street_staff_a)
    assert street.post("/api/mediation-organizations/", body).status_code == 403
    response = api_client(world.bureau_admin).post("/api/mediation-organizations/", body)
    assert response.status_code == 201
    body["name"] = "缺领域的委员会"
    body["category"] = ""
    response = api_client(world.bureau_admin).post("/api/mediation-organizations/", body)
    assert response.status_code == 400 and "专业领域" in response.json()["message"]
    org = Organization.objects.get(name="区交通事故人民调解委员会")
    response = api_client(world.bureau_admin).post(
        "/api/mediators/",
        {
            "organization": org.pk,
            "name": "交调员",
            "phone": "13700006789",
            "grade": "first",
            "specialties": ["traffic"],
        },
        format="json",
    )
    assert response.status_code == 201 and response.json()["specialties"] == ["traffic"]
    assert Mediator.objects.get(name="交调员").phone == "13700006789"
    body = {"organization": org.pk, "name": "外人", "phone": "13700006780"}
    response = api_client(world.outsider).post("/api/mediators/", body)
    assert response.status_code == 400 and "不在您的管理范围内" in response.json()["message"]
    assert api_client(world.resident).post("/api/mediators/", body).status_code == 403


def test_schema_lists_the_endpoints(world):
    paths = APIClient().get("/api/schema/?format=json").json()["paths"]
    for path in (
        "/api/mediation-organizations/",
        "/api/mediators/{id}/",
        "/api/mediation-cases/",
        "/api/mediation-cases/{id}/accept/",
        "/api/mediation-cases/{id}/confirm/",
        "/api/mediation-cases/{id}/messages/",
        "/api/mediation-cases/{id}/timeline/",
    ):
        assert path in paths, path
    assert paths["/api/mediation-cases/{id}/accept/"]["post"]["tags"] == ["尚法云调解"]
