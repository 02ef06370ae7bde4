"""The REST endpoints: 401 / 404 / 200, the conflict check, writes through services,
and query budgets."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from api.testing import api_client, result_ids
from consultations.models import DutyShift, Question, ServiceRequest

from .conftest import T0, TEXT, ask, category, pair

pytestmark = pytest.mark.urls("consultations.tests.urls")

LISTS = [
    "/api/questions/",
    "/api/question-categories/",
    "/api/duty-shifts/",
    "/api/quotes/",
    "/api/knowledge/",
]


@pytest.mark.parametrize("url", LISTS)
def test_anonymous_gets_401(db, url):
    response = api_client().get(url)
    assert response.status_code == 401
    assert response.json()["message"] == "请先登录"


def test_categories_are_the_managed_list(world):
    names = [
        c["name"]
        for c in api_client(world.resident).get("/api/question-categories/").json()["results"]
    ]
    assert (
        names[:3] == ["婚姻家庭", "劳动争议", "房产物业"] and "其他" in names and len(names) == 12
    )


def test_resident_posts_a_question(world):
    pair(world)
    client = api_client(world.resident)
    body = {"category": category().pk, "community": world.community_a1.pk, "text": TEXT}
    created = client.post("/api/questions/", body, format="json")
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["case_number"].startswith("ZX-330102-") and data["readable"] is True
    assert data["service_level"].startswith("剩余 23 小时")
    again = client.post("/api/questions/", body, format="json")
    assert again.status_code == 200 and again.json()["id"] == data["id"]
    bad = client.post("/api/questions/", {**body, "text": "太短"}, format="json")
    assert bad.status_code == 400 and "至少 10 个字" in bad.json()["message"]
    out_of_list = client.post("/api/questions/", {**body, "category": 999999}, format="json")
    assert out_of_list.status_code == 400
    assert Question.objects.count() == 1


def test_scope_404_and_the_conflict_check(world):
    pair(world)
    q = ask(world, now=timezone.now(), parties="李四")
    url = f"/api/questions/{q.pk}/"
    for user in (
        world.outsider,
        world.lawyer_g,
        world.street_staff_a.__class__.objects.create_user("13911112222"),
    ):
        assert api_client(user).get(url).status_code == 404
    assert api_client(world.outsider).get("/api/questions/999999/").status_code == 404
    lawyer = api_client(world.lawyer_f)
    hidden = lawyer.get(url).json()
    assert (hidden["readable"], hidden["text"], hidden["my_assignment"]) == (False, None, "pending")
    assert TEXT[:10] not in hidden["title"] and hidden["parties"] == "李四"
    refused = lawyer.get(url + "replies/")
    assert refused.status_code == 403 and refused.json()["message"] == "请先确认无利益冲突后查看"
    assert lawyer.post(url + "confirm-no-conflict/").status_code == 200
    shown = lawyer.get(url).json()
    assert (shown["readable"], shown["text"]) == (True, TEXT)
    reply = lawyer.post(url + "replies/", {"text": "可以要求饲养人赔偿。"}, format="json")
    assert reply.status_code == 201 and reply.json()["by_lawyer"] is True
    resident = api_client(world.resident)
    assert [r["text"] for r in resident.get(url + "replies/").json()["results"]] == [
        "可以要求饲养人赔偿。"
    ]
    assert resident.post(url + "close/", {"rating": 7}, format="json").status_code == 400
    closed = resident.post(url + "close/", {"rating": 5, "comment": "感谢"}, format="json")
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    # A lawyer cannot close; an outsider gets 404.
    assert (
        api_client(world.outsider).post(url + "close/", {"rating": 5}, format="json").status_code
        == 404
    )


def test_decline_over_the_api_passes_the_question_on(world, team):
    pair(world)
    DutyShift.objects.create(district=world.district, date=timezone.localdate(), lawyer=team.duty_a)
    q = ask(world, now=timezone.now())
    response = api_client(world.lawyer_f).post(
        f"/api/questions/{q.pk}/decline/", {"note": "冲突"}, format="json"
    )
    assert response.status_code == 204
    assert result_ids(api_client(team.duty_a.user).get("/api/questions/")) == {q.pk}


def test_quotes_accepted_over_the_api(world):
    world.lawyer_l.fee_standard = "合同起草 800 元/份"
    world.lawyer_l.save()
    resident = api_client(world.resident)
    created = resident.post(
        "/api/quotes/",
        {"lawyer": world.lawyer_l.pk, "description": "需要起草一份房屋租赁合同。"},
        format="json",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["fee_standard_snapshot"] == "合同起草 800 元/份"
    assert (
        api_client(world.lawyer_g).post(f"/api/quotes/{pk}/quote/", {}, format="json").status_code
        == 404
    )
    quoted = api_client(world.lawyer_f).post(
        f"/api/quotes/{pk}/quote/",
        {"quote_fee": "800.00", "quote_scope": "起草合同一份"},
        format="json",
    )
    assert quoted.status_code == 200 and quoted.json()["status"] == "quoted"
    accepted = resident.post(f"/api/quotes/{pk}/accept/", {}, format="json")
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    assert resident.post(f"/api/quotes/{pk}/decline/", {}, format="json").status_code == 400
    assert ServiceRequest.objects.get().status == "accepted"
    assert api_client(world.outsider).get(f"/api/quotes/{pk}/").status_code == 404


def test_duty_shifts_and_check_in(world):
    shift = DutyShift.objects.create(
        district=world.district, date=timezone.localdate(), lawyer=world.lawyer_l
    )
    assert result_ids(api_client(world.bureau_admin).get("/api/duty-shifts/")) == {shift.pk}
    assert result_ids(api_client(world.outsider).get("/api/duty-shifts/")) == set()
    assert result_ids(api_client(world.resident).get("/api/duty-shifts/")) == set()
    assert (
        api_client(world.lawyer_g).post(f"/api/duty-shifts/{shift.pk}/check-in/").status_code == 404
    )
    done = api_client(world.lawyer_f).post(f"/api/duty-shifts/{shift.pk}/check-in/")
    assert done.status_code == 200 and done.json()["status"] == "checked_in"
    again = api_client(world.lawyer_f).post(f"/api/duty-shifts/{shift.pk}/check-in/")
    assert again.status_code == 400 and again.json()["message"] == "已经签到过了"


def test_knowledge_search_over_the_api(world):
    from consultations import services

    pair(world)
    q = ask(world, is_public=True, text="公司拖欠工资三个月不发，应该怎么办？")
    services.post_reply(actor=world.lawyer_f, question=q, text="可以申请劳动仲裁。")
    client = api_client(world.resident)
    assert [
        e["title"] for e in client.get("/api/knowledge/", {"q": "拖欠工资"}).json()["results"]
    ] == [q.title]
    assert client.get("/api/knowledge/", {"q": "离婚"}).json()["results"] == []
    assert len(client.get("/api/knowledge/").json()["results"]) == 1


@pytest.mark.parametrize("persona", ["resident", "lawyer_f", "bureau_admin"])
def test_question_list_budget(world, django_assert_max_num_queries, persona):
    pair(world)
    client = api_client(getattr(world, persona))
    now = timezone.now()
    for i in range(25):
        ask(
            world,
            text=f"第 {i} 个问题：邻居占用楼道堆放杂物怎么处理",
            now=now - timedelta(hours=2 * i),
        )
    with django_assert_max_num_queries(10):
        response = client.get("/api/questions/", {"page_size": 100})
    assert len(response.json()["results"]) == 25


def test_question_list_walks_by_next_without_counting(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cat = category()
    for i in range(12):  # two at each time: pages break between equal times
        ask(world, text=f"{TEXT}（第 {i} 问）", category=cat, now=T0 + timedelta(days=i // 2))
    client = api_client(world.bureau_admin)
    seen, url, pages = [], "/api/questions/?page_size=5", 0
    with CaptureQueriesContext(connection) as ctx:
        while url:
            body = client.get(url).json()
            assert set(body) == {"next", "results"}
            seen += [row["id"] for row in body["results"]]
            url, pages = body["next"], pages + 1
    assert pages == 3
    assert seen == list(Question.objects.order_by("-posted_at", "-id").values_list("pk", flat=True))
    assert not [q for q in ctx.captured_queries if '"__count"' in q["sql"]]
    # A page_size that is not a positive number gives the usual 20; a cursor that does not
    # parse gives the newest page.
    assert len(client.get("/api/questions/", {"page_size": 0}).json()["results"]) == 12
    broken = client.get("/api/questions/", {"after": "2026-99-99_x", "page_size": "3"}).json()
    assert [row["id"] for row in broken["results"]] == seen[:3]
