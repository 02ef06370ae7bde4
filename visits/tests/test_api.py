"""The API: anonymous 401, outsider 404, allowed 200; writes through the services;
query budgets of the list endpoints at two sizes; the schema."""

import io
from datetime import date, timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from api.testing import api_client, result_ids
from visits.models import Meeting, MonthlyReport, ServiceDay, ServiceDayCheckin, Visit
from visits.tests.factories import record
from visits.tests.test_pages import fill

pytestmark = pytest.mark.urls("visits.tests.urls")

LISTS = [
    "/api/visits/",
    "/api/households/",
    "/api/visit-plans/",
    "/api/district-goals/",
    "/api/service-days/",
    "/api/monthly-reports/",
    "/api/coverage/",
    "/api/notices/",
    "/api/meetings/",
]


@pytest.mark.parametrize("url", LISTS)
def test_anonymous_gets_401(db, url):
    response = api_client().get(url)
    assert response.status_code == 401
    assert response.json()["message"] == "请先登录"


@pytest.mark.parametrize("url", LISTS)
@pytest.mark.parametrize("n", [2, 25])
def test_list_endpoints_have_a_fixed_query_budget(paired, django_assert_max_num_queries, url, n):
    w = paired
    fill(w, n)
    client = api_client(w.bureau_admin)
    with django_assert_max_num_queries(14):
        response = client.get(url)
    assert response.status_code == 200


def test_scope_of_records(paired):
    w = paired
    fill(w, 2)
    visit = Visit.objects.earliest("pk")
    assert result_ids(api_client(w.lawyer_f).get("/api/visits/")) == set(
        Visit.objects.values_list("pk", flat=True)
    )
    assert result_ids(api_client(w.lawyer_g).get("/api/visits/")) == set()
    assert result_ids(api_client(w.outsider).get("/api/visits/")) == set()
    assert api_client(w.outsider).get(f"/api/visits/{visit.pk}/").status_code == 404
    assert api_client(w.community_staff_a1).get(f"/api/visits/{visit.pk}/").status_code == 200
    report = MonthlyReport.objects.get(firm=w.firm_f)
    assert api_client(w.outsider).get(f"/api/monthly-reports/{report.pk}/").status_code == 404
    assert api_client(w.lawyer_g).get(f"/api/monthly-reports/{report.pk}/").status_code == 404
    coverage = api_client(w.street_staff_a).get("/api/coverage/").json()
    assert {row["name"] for row in coverage} == {"清波社区", "柳翠井巷社区"}


def test_record_confirm_and_dispute_through_the_api(paired):
    w = paired
    today = timezone.localdate()
    payload = {
        "community": w.community_a1.pk,
        "date": today.isoformat(),
        "kind": "door_to_door",
        "lawyers": [w.lawyer_l.pk],
        "addresses": "3幢2单元301室\n3-2-301",
    }
    response = api_client(w.lawyer_f).post("/api/visits/", payload, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["households"] == ["3幢2单元301室"] and body["status"] == "submitted"
    pk = body["id"]
    # Another firm's lawyer: a clear 400 for the community, nothing written.
    other = api_client(w.lawyer_g).post(
        "/api/visits/", payload | {"lawyers": [w.lawyer_other.pk]}, format="json"
    )
    assert other.status_code == 400
    assert "不是贵所当前结对的社区" in other.json()["message"]
    assert Visit.objects.count() == 1
    # A resident may not create records at all.
    assert api_client(w.resident).post("/api/visits/", payload, format="json").status_code == 403
    # The lawyer cannot confirm; community staff can dispute, then confirm after a fix.
    assert api_client(w.lawyer_f).post(f"/api/visits/{pk}/confirm/").status_code == 404
    staff = api_client(w.community_staff_a1)
    assert staff.post(f"/api/visits/{pk}/dispute/", {}, format="json").status_code == 400
    assert (
        staff.post(f"/api/visits/{pk}/dispute/", {"reason": "户号有误"}).json()["status"]
        == "disputed"
    )
    fixed = api_client(w.lawyer_f).patch(
        f"/api/visits/{pk}/", {"addresses": "3-2-302"}, format="json"
    )
    assert fixed.status_code == 200 and fixed.json()["status"] == "submitted"
    assert staff.post(f"/api/visits/{pk}/confirm/").json()["status"] == "confirmed"
    assert (
        api_client(w.lawyer_f)
        .patch(f"/api/visits/{pk}/", {"topics": "x"}, format="json")
        .status_code
        == 400
    )


def test_photo_upload_checks_the_content(paired):
    w = paired
    visit = record(w, confirm=False, today=timezone.localdate(), date=timezone.localdate())
    from visits.tests.conftest import image_file

    client = api_client(w.lawyer_f)
    ok = client.post(f"/api/visits/{visit.pk}/photos/", {"image": image_file()}, format="multipart")
    assert ok.status_code == 200 and len(ok.json()["photo_ids"]) == 1
    fake = io.BytesIO(b"not an image")
    fake.name = "x.jpg"
    bad = client.post(f"/api/visits/{visit.pk}/photos/", {"image": fake}, format="multipart")
    assert bad.status_code == 400


def test_report_workflow_and_export(paired):
    w = paired
    fill(w, 3)
    report = MonthlyReport.objects.get(firm=w.firm_f)
    assert (
        api_client(w.street_staff_a).post(f"/api/monthly-reports/{report.pk}/submit/").status_code
        == 404
    )
    submitted = api_client(w.firm_admin_f).post(
        f"/api/monthly-reports/{report.pk}/submit/", {"summary": "完成"}, format="json"
    )
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    returned = api_client(w.street_staff_a).post(
        f"/api/monthly-reports/{report.pk}/return/", {"comment": "请补充"}, format="json"
    )
    assert returned.json()["status"] == "returned"
    api_client(w.firm_admin_f).post(f"/api/monthly-reports/{report.pk}/submit/")
    confirmed = api_client(w.street_staff_a).post(f"/api/monthly-reports/{report.pk}/confirm/")
    assert confirmed.json()["status"] == "confirmed"
    export = api_client(w.bureau_admin).get(f"/api/monthly-reports/{report.pk}/export/")
    assert export.status_code == 200
    ws = load_workbook(io.BytesIO(export.content)).active
    assert any(row[1] == "合计" for row in ws.iter_rows(values_only=True))


def test_plans_goals_and_meetings(paired):
    w = paired
    months = [{"visits": 2, "households": 5}] * 12
    year = timezone.localdate().year
    plan = api_client(w.firm_admin_f).post(
        "/api/visit-plans/",
        {"community": w.community_a1.pk, "year": year, "months": months},
        format="json",
    )
    assert plan.status_code == 201 and plan.json()["households_total"] == 60
    assert (
        api_client(w.lawyer_f)
        .post(
            "/api/visit-plans/",
            {"community": w.community_a1.pk, "year": year, "months": months},
            format="json",
        )
        .status_code
        == 403
    )  # may not file plans (like any create without a parent)
    short = api_client(w.firm_admin_f).post(
        "/api/visit-plans/",
        {"community": w.community_a1.pk, "year": year, "months": months[:3]},
        format="json",
    )
    assert short.status_code == 400
    goal = api_client(w.bureau_admin).post(
        "/api/district-goals/",
        {
            "district": w.district.pk,
            "year": year,
            "visits_target": 1200,
            "households_target": 12000,
        },
        format="json",
    )
    assert goal.status_code == 201, goal.content
    meeting = api_client(w.firm_admin_f).post(
        "/api/meetings/",
        {
            "firm": w.firm_f.pk,
            "date": "2026-03-01",
            "title": "所务会",
            "attendees": "全体",
            "minutes": "走访部署",
        },
        format="json",
    )
    assert meeting.status_code == 201, meeting.content
    assert result_ids(api_client(w.lawyer_g).get("/api/meetings/")) == set()
    foreign = api_client(w.firm_admin_f).post(
        "/api/meetings/",
        {"firm": w.firm_g.pk, "date": "2026-03-01", "title": "x", "attendees": "x", "minutes": "x"},
        format="json",
    )
    # Another firm answers as an unknown one, with the field's message; nothing is saved.
    assert foreign.status_code == 400
    assert foreign.json()["errors"]["firm"] == ["所选律师事务所不存在或不在您的管理范围内"]
    assert not Meeting.objects.filter(title="x").exists()


def test_service_day_sign_up_and_check_in(paired):
    w = paired
    today = timezone.localdate()
    day = ServiceDay.objects.create(
        community=w.community_a1, month=today.replace(day=1), date=today, firm=w.firm_f
    )
    client = api_client(w.resident)
    assert client.post(f"/api/service-days/{day.pk}/sign-up/").status_code == 201
    again = client.post(f"/api/service-days/{day.pk}/sign-up/")
    assert again.status_code == 400 and "已报名" in again.json()["message"]
    assert (
        client.post("/api/service-days/check-in/", {"community": w.community_a1.pk}).status_code
        == 201
    )
    twice = client.post("/api/service-days/check-in/", {"community": w.community_a1.pk})
    assert twice.status_code == 400 and "已经签到" in twice.json()["message"]
    elsewhere = client.post("/api/service-days/check-in/", {"community": w.community_a2.pk})
    assert elsewhere.status_code == 400 and "不是" in elsewhere.json()["message"]
    assert ServiceDayCheckin.objects.count() == 1
    # A held day is not changed; residents cannot change a day, community staff can.
    staff = api_client(w.community_staff_a1)
    assert staff.patch(f"/api/service-days/{day.pk}/", {"topic": "x"}).status_code == 400
    month = (today.replace(day=1) + timedelta(days=40)).replace(day=1)
    later = ServiceDay.objects.create(community=w.community_a1, month=month, date=month)
    assert client.patch(f"/api/service-days/{later.pk}/", {"topic": "x"}).status_code == 404
    changed = staff.patch(f"/api/service-days/{later.pk}/", {"topic": "遗嘱继承"}, format="json")
    assert changed.status_code == 200 and changed.json()["topic"] == "遗嘱继承"
    moved = staff.patch(f"/api/service-days/{later.pk}/", {"date": today.isoformat()})
    assert moved.status_code == 400  # out of its month


def test_schema_lists_the_visits_endpoints(paired):
    response = api_client(paired.bureau_admin).get("/api/schema/")
    assert response.status_code == 200
    text = response.content.decode()
    for path in (
        "/api/visits/{id}/confirm/",
        "/api/monthly-reports/{id}/export/",
        "/api/coverage/",
    ):
        assert path in text


def test_year_of_coverage_defaults_and_ignores_junk(paired):
    w = paired
    record(w, date=date(2026, 3, 1), today=date(2026, 11, 20))
    rows = api_client(w.bureau_admin).get("/api/coverage/?year=2026").json()
    assert {r["name"]: r["visited"] for r in rows}["清波社区"] == 2
    assert api_client(w.bureau_admin).get("/api/coverage/?year=abc").status_code == 200
