"""Pages: who sees what (404 outside scope), the conflict check on screen, the
resident's, lawyer's, staff's and bureau's pages, and query budgets."""

from __future__ import annotations

import io
from datetime import timedelta
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from consultations import services
from consultations.choices import AssignmentStatus, QuestionStatus, ServiceStatus
from consultations.models import DutyShift, Question, QuestionAssignment, ServiceRequest
from core.scope import get_principal
from core.testing import make_firm, make_lawyer, make_user, walk_more
from core.workspace import panels_for
from regions.services import set_home_community

from .conftest import T0, TEXT, ask, category, duty, pair

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32


@pytest.fixture
def now():
    return timezone.now()


def detail(q):
    return f"/consultations/questions/{q.pk}/"


def test_anonymous_is_sent_to_sign_in(client, world):
    for url in (
        "/consultations/ask/",
        "/consultations/mine/",
        "/consultations/queue/",
        "/consultations/board/",
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get("/consultations/knowledge/").status_code == 200
    assert client.get("/consultations/lawyers/").status_code == 200


def test_resident_asks_with_community_prefilled(world, client_for, now):
    pair(world)
    client = client_for(world.resident)
    page = client.get("/consultations/ask/")
    assert page.status_code == 200
    assert page.context["form"].initial["community"] == world.community_a1.pk
    assert 'hx-get="/consultations/suggest/"' in page.content.decode()
    response = client.post(
        "/consultations/ask/",
        {
            "category": category().pk,
            "community": world.community_a1.pk,
            "text": TEXT,
            "parties": "李四",
            "attachments": [SimpleUploadedFile("伤口.png", PNG)],
        },
    )
    q = Question.objects.get()
    assert response.status_code == 302 and response["Location"] == detail(q)
    body = client.get(detail(q)).content.decode()
    assert TEXT in body and "伤口.png" in body and "剩余 23 小时" in body
    # A second identical submit is the same question.
    client.post(
        "/consultations/ask/",
        {"category": category().pk, "community": world.community_a1.pk, "text": TEXT},
    )
    assert Question.objects.count() == 1


def test_bad_input_shows_chinese_errors_and_changes_nothing(world, client_for):
    response = client_for(world.resident).post(
        "/consultations/ask/", {"category": "", "community": world.community_a1.pk, "text": "短"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "请选择咨询类别" in body
    assert not Question.objects.exists()


def test_conflict_check_hides_the_text_on_screen(world, client_for, now, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    pair(world)
    q = ask(world, now=now, parties="李四", attachments=[SimpleUploadedFile("病历.png", PNG)])
    att = q.attachments.get()
    client = client_for(world.lawyer_f)
    body = client.get(detail(q)).content.decode()
    assert "利益冲突审查" in body and "李四" in body and "王居民" in body
    assert TEXT not in body and "病历.png" not in body
    assert client.get(f"/consultations/attachments/{att.pk}/").status_code == 404
    client.post(f"/consultations/questions/{q.pk}/conflict/", {"decision": "confirm"})
    body = client.get(detail(q)).content.decode()
    assert TEXT in body and "利益冲突审查" not in body
    response = client.get(f"/consultations/attachments/{att.pk}/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == PNG


def test_decline_on_screen_passes_the_question_on(world, client_for, now, team):
    pair(world)
    duty(world, timezone.localdate(now), team.duty_a)
    q = ask(world, now=now)
    response = client_for(world.lawyer_f).post(
        f"/consultations/questions/{q.pk}/conflict/", {"decision": "decline", "note": "利益冲突"}
    )
    assert response.status_code == 302
    assert (
        QuestionAssignment.objects.get(question=q, lawyer=team.duty_a).status
        == AssignmentStatus.PENDING
    )


@pytest.mark.parametrize(
    "persona", ["lawyer_g", "outsider", "community_staff_a1_other", "other_resident"]
)
def test_forged_ids_answer_404(world, client_for, now, persona, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    pair(world)
    q = ask(world, now=now, attachments=[SimpleUploadedFile("a.png", PNG)])
    if persona == "other_resident":
        user = make_user("另一居民")
        set_home_community(user=user, community=world.community_a1)
    elif persona == "community_staff_a1_other":
        q.community = world.community_b1
        q.save(update_fields=["community"])
        user = world.community_staff_a1
    else:
        user = getattr(world, persona)
    client = client_for(user)
    att = q.attachments.get()
    assert client.get(detail(q)).status_code == 404
    assert client.get(f"/consultations/attachments/{att.pk}/").status_code == 404
    assert (
        client.post(f"/consultations/questions/{q.pk}/reply/", {"text": "我来答复一下"}).status_code
        == 404
    )
    assert (
        client.post(f"/consultations/questions/{q.pk}/close/", {"rating": "5"}).status_code == 404
    )
    assert client.get("/consultations/questions/999999/").status_code == 404
    assert not q.replies.exists()


def test_community_staff_see_their_community_but_not_private_text(world, client_for, now):
    pair(world)
    q = ask(world, now=now)
    body = client_for(world.community_staff_a1).get(detail(q)).content.decode()
    assert q.case_number in body and TEXT not in body
    assert client_for(world.street_staff_a).get(detail(q)).status_code == 200


def test_reply_close_and_rate_on_screen(world, client_for, now):
    pair(world)
    q = ask(world, now=now)
    lawyer = client_for(world.lawyer_f)
    lawyer.post(f"/consultations/questions/{q.pk}/conflict/", {"decision": "confirm"})
    lawyer.post(f"/consultations/questions/{q.pk}/reply/", {"text": "可以要求饲养人赔偿。"})
    q.refresh_from_db()
    assert q.deadline_met is True
    resident = client_for(world.resident)
    assert "按时答复" in resident.get("/consultations/mine/").content.decode()
    resident.post(f"/consultations/questions/{q.pk}/close/", {"rating": "9"})
    q.refresh_from_db()
    assert q.status == QuestionStatus.ANSWERED
    resident.post(f"/consultations/questions/{q.pk}/close/", {"rating": "5", "comment": "谢谢"})
    q.refresh_from_db()
    assert (q.status, q.rating) == (QuestionStatus.CLOSED, 5)


@pytest.mark.parametrize("points", [5, 0])
def test_rating_an_answer_says_the_points_it_earned(world, client_for, now, points):
    from points.choices import Action
    from points.models import EarningRule

    if points:
        EarningRule.objects.create(
            district=world.district, action=Action.ANSWER_RATING, points=points
        )
    pair(world)
    q = ask(world, now=now)
    lawyer = client_for(world.lawyer_f)
    lawyer.post(f"/consultations/questions/{q.pk}/conflict/", {"decision": "confirm"})
    lawyer.post(f"/consultations/questions/{q.pk}/reply/", {"text": "可以要求饲养人赔偿。"})
    resident = client_for(world.resident)
    page = resident.post(f"/consultations/questions/{q.pk}/close/", {"rating": "4"}, follow=True)
    body = page.content.decode()
    if points:
        assert "感谢您的评价！评价解答获得 5 积分" in body
    else:  # no rule in force: just the thanks
        assert "咨询已结束，感谢您的评价" in body and "评价解答获得" not in body


def test_hand_over_on_screen(world, client_for, now, team):
    pair(world)
    q = ask(world, now=now, is_public=True)
    client = client_for(world.lawyer_f)
    assert team.colleague.name in client.get(detail(q)).content.decode()
    client.post(
        f"/consultations/questions/{q.pk}/handover/",
        {"to_lawyer": team.colleague.pk, "reason": "擅长侵权"},
    )
    assert QuestionAssignment.objects.get(question=q, lawyer=world.lawyer_l).status == "handed_over"
    assert QuestionAssignment.objects.filter(question=q, lawyer=team.colleague).exists()


def test_queue_sorted_by_deadline_with_time_left_and_overdue(world, client_for, team):
    pair(world)
    t = timezone.now()
    late = ask(world, text="较早的问题：房东扣押金不退，我该怎么办？", now=t - timedelta(hours=27))
    soon = ask(world, text="较晚的问题：快递丢了，快递公司只肯赔运费", now=t - timedelta(hours=19))
    with mock.patch("django.utils.timezone.now", return_value=t):
        response = client_for(world.lawyer_f).get("/consultations/queue/")
    rows = list(response.context["page_obj"])
    assert [r.pk for r in rows] == [late.pk, soon.pk]
    body = response.content.decode()
    assert "已超时 3 小时" in body and "剩余 5 小时" in body
    assert client_for(world.resident).get("/consultations/queue/").status_code == 404


def test_queue_shows_more_by_deadline_without_counting(world, client_for, team):
    pair(world)
    cat = category()
    for i in range(23):  # two at each time: pages break between equal deadlines
        ask(world, text=f"{TEXT}（第 {i} 问）", category=cat, now=T0 + timedelta(days=i // 2))
    seen, responses = walk_more(client_for(world.lawyer_f), "/consultations/queue/")
    assert len(responses) == 2 and ">更多</a>" in responses[0].content.decode()
    expected = Question.objects.filter(pk__in=seen).order_by("reply_deadline", "id")
    assert seen == list(expected.values_list("pk", flat=True))  # in order, none twice
    assert len(seen) == 23  # each was assigned to the firm's lawyer


def test_duty_pool_and_take_over(world, client_for, team, now):
    duty(world, timezone.localdate(now), team.duty_a)
    q = ask(world, now=now, is_public=True)
    # A volunteer of another firm on duty today sees the pool and takes the question.
    other = make_lawyer(
        make_firm(world.district), "周律师", user=make_user("周律师"), is_volunteer=True
    )
    client = client_for(other.user)
    assert client.get(detail(q)).status_code == 404
    duty(world, timezone.localdate(now), other)
    assert [r.pk for r in client.get("/consultations/queue/").context["pool"]] == [q.pk]
    client.post(f"/consultations/questions/{q.pk}/take/")
    assert QuestionAssignment.objects.filter(question=q, lawyer=other).exists()
    # Off duty (and not assigned), the pool is out of sight again.
    DutyShift.objects.filter(lawyer=other).delete()
    QuestionAssignment.objects.filter(lawyer=other).delete()
    assert client.get(detail(q)).status_code == 404


def test_assisted_filing_page(world, client_for):
    pair(world)
    client = client_for(world.community_staff_a1)
    response = client.post(
        "/consultations/assist/",
        {
            "resident_name": "陈阿婆",
            "resident_phone": "13800138000",
            "community": world.community_a1.pk,
            "category": category().pk,
            "text": TEXT,
        },
    )
    q = Question.objects.get()
    assert response.status_code == 302
    assert (q.asker.phone, q.filed_by) == ("13800138000", world.community_staff_a1)
    assert "138****8000" in client.get(detail(q)).content.decode()
    # Another community's id is refused; a resident cannot file for others.
    bad = client.post(
        "/consultations/assist/",
        {
            "resident_name": "陈阿婆",
            "resident_phone": "13800138001",
            "community": world.community_b1.pk,
            "category": category().pk,
            "text": TEXT,
        },
    )
    assert bad.status_code == 200 and Question.objects.count() == 1
    assert client_for(world.resident).get("/consultations/assist/").status_code == 404


def test_suggestions_while_typing(world, client_for):
    pair(world)
    q = ask(world, is_public=True, text="公司拖欠工资三个月不发，应该怎么办？")
    services.post_reply(actor=world.lawyer_f, question=q, text="可以申请劳动仲裁。")
    response = client_for(world.resident).get(
        "/consultations/suggest/", {"text": "老板一直拖欠我的工资"}
    )
    assert "公司拖欠工资三个月不发" in response.content.decode()
    assert (
        "公司拖欠"
        not in client_for(world.resident)
        .get("/consultations/suggest/", {"text": "离婚"})
        .content.decode()
    )
    search = client_for(world.resident).get("/consultations/knowledge/", {"q": "工资"})
    assert [e.question_id for e in search.context["page_obj"]] == [q.pk]


def test_directory_filters_and_fee_standard(world, client, team):
    pair(world)
    world.lawyer_l.fee_standard = "合同审查 500 元/份"
    world.lawyer_l.save()
    by_community = client.get("/consultations/lawyers/", {"community": world.community_a1.pk})
    names = {lw.name for lw in by_community.context["page_obj"]}
    assert "张律师" in names and "李律师" not in names
    page = client.get(f"/consultations/lawyers/{world.lawyer_l.pk}/").content.decode()
    assert "合同审查 500 元/份" in page and "申请有偿服务" in page and "免费咨询" in page
    other = client.get(f"/consultations/lawyers/{world.lawyer_other.pk}/").content.decode()
    assert "申请有偿服务" not in other and "尚未公开收费标准" in other
    rated = client.get("/consultations/lawyers/", {"min_rating": "4"})
    assert list(rated.context["page_obj"]) == []


def test_knowledge_is_searched_one_district_at_a_time(world, client, client_for):
    pair(world)
    q = ask(world, is_public=True, text="公司拖欠工资三个月不发，应该怎么办？")
    services.post_reply(actor=world.lawyer_f, question=q, text="可以申请劳动仲裁。")
    entry = q.knowledge
    # The same answer as if it had been given in the other district.
    other = Question.objects.get(pk=q.pk)
    other.pk = None
    other._state.adding = True
    other.case_number = "ZX-330105-20260901-000001"
    other.district, other.community = world.other_district, world.other_community
    other.save()
    type(entry).objects.create(
        question=other,
        district=world.other_district,
        category=q.category,
        title="外区：拖欠工资怎么办",
        question_text="拖欠工资怎么办",
        answer_text="申请劳动仲裁",
        tokens=entry.tokens,
        published_at=entry.published_at,
    )
    url = "/consultations/knowledge/"
    own = client_for(world.resident).get(url, {"q": "工资"})
    assert [e.title for e in own.context["page_obj"]] == [entry.title]
    html = own.content.decode()
    assert 'name="district"' in html and world.other_district.name in html
    there = client.get(url, {"q": "工资", "district": world.other_district.pk})
    assert [e.title for e in there.context["page_obj"]] == ["外区：拖欠工资怎么办"]
    listed = client.get(url, {"district": world.other_district.pk})
    assert [e.title for e in listed.context["page_obj"]] == ["外区：拖欠工资怎么办"]
    for bad in ("abc", "999999"):
        response = client.get(url, {"q": "工资", "district": bad})
        assert response.status_code == 200
        assert [e.title for e in response.context["page_obj"]] == [entry.title]
    suggested = client_for(world.resident).get("/consultations/suggest/", {"text": "拖欠工资"})
    assert entry.title in suggested.content.decode()
    assert "外区" not in suggested.content.decode()


def test_directory_shows_one_district_at_a_time(world, client, client_for, team):
    url = "/consultations/lawyers/"
    outside = make_lawyer(world.other_firm, "外区律师")
    own = client_for(world.resident).get(url)
    names = {lw.name for lw in own.context["page_obj"]}
    assert world.lawyer_l.name in names and outside.name not in names
    html = own.content.decode()
    # The selects list the shown district's firms and communities only.
    assert world.firm_f.name in html and world.other_firm.name not in html
    assert world.other_community.name not in html
    other = client.get(url, {"district": world.other_district.pk})
    assert {lw.name for lw in other.context["page_obj"]} == {outside.name}
    # A firm of the district left behind is dropped, not applied to the new district.
    moved = client.get(url, {"district": world.other_district.pk, "firm": world.firm_f.pk})
    assert {lw.name for lw in moved.context["page_obj"]} == {outside.name}
    for bad in ("abc", "999999"):
        response = client.get(url, {"district": bad})
        assert response.status_code == 200 and outside.name not in response.content.decode()


def test_paid_service_on_screen(world, client_for):
    world.lawyer_l.fee_standard = "合同起草 800 元/份"
    world.lawyer_l.save()
    resident = client_for(world.resident)
    resident.post(
        f"/consultations/lawyers/{world.lawyer_l.pk}/service/",
        {"description": "需要起草一份房屋租赁合同，约定押金条款。"},
    )
    r = ServiceRequest.objects.get()
    lawyer = client_for(world.lawyer_f)
    bad = lawyer.post(
        f"/consultations/services/{r.pk}/", {"quote_fee": "-5", "quote_scope": "起草合同一份"}
    )
    assert bad.status_code == 200 and "报价应为" in bad.content.decode()
    lawyer.post(
        f"/consultations/services/{r.pk}/", {"quote_fee": "800", "quote_scope": "起草合同一份"}
    )
    resident = client_for(world.resident)
    body = resident.get(f"/consultations/services/{r.pk}/").content.decode()
    assert "800.00 元" in body and "合同起草 800 元/份" in body
    resident.post(
        f"/consultations/services/{r.pk}/decide/", {"decision": "decline", "note": "再考虑"}
    )
    r.refresh_from_db()
    assert r.status == ServiceStatus.DECLINED
    assert client_for(world.lawyer_g).get(f"/consultations/services/{r.pk}/").status_code == 404


def test_duty_page_check_in_and_swap(world, client_for, team):
    today = timezone.localdate()
    shift = DutyShift.objects.create(district=world.district, date=today, lawyer=world.lawyer_l)
    later = DutyShift.objects.create(
        district=world.district, date=today + timedelta(days=3), lawyer=world.lawyer_l
    )
    client = client_for(world.lawyer_f)
    assert client.get("/consultations/duty/").status_code == 200
    client.post(f"/consultations/duty/{shift.pk}/check/", {"action": "in"})
    shift.refresh_from_db()
    assert shift.checked_in_at is not None
    client.post(
        "/consultations/duty/", {"shift": later.pk, "to_lawyer": team.duty_a.pk, "reason": "出差"}
    )
    assert later.swaps.get().to_lawyer == team.duty_a
    wrong = client_for(world.lawyer_g).post(
        f"/consultations/duty/{shift.pk}/check/", {"action": "out"}
    )
    assert wrong.status_code == 404
    shift.refresh_from_db()
    assert shift.checked_out_at is None
    assert client_for(world.resident).get("/consultations/duty/").status_code == 404


def test_the_duty_page_explains_itself_and_offers_a_swap_only_with_a_shift(world, client_for):
    client = client_for(world.lawyer_f)
    page = client.get("/consultations/duty/").content.decode()
    assert "本区每天由 2 名志愿律师在金融法律服务中心值班" in page  # the district's setting
    assert "您近期没有待值的班次，无需换班" in page and "提交换班申请" not in page
    DutyShift.objects.create(
        district=world.district,
        date=timezone.localdate() + timedelta(days=2),
        lawyer=world.lawyer_l,
    )
    page = client.get("/consultations/duty/").content.decode()
    assert "提交换班申请" in page and "无需换班" not in page


def test_bureau_board_and_roster(world, client_for, team):
    pair(world)
    t = timezone.now()
    overdue = ask(world, now=t - timedelta(hours=30))
    client = client_for(world.bureau_admin)
    board = client.get("/consultations/board/")
    assert board.status_code == 200
    assert [q.pk for q in board.context["page_obj"]] == [overdue.pk]
    firm = board.context["firms"][0]
    assert (firm["lawyer__firm__name"], firm["overdue"], firm["rate"]) == (
        "浙江尚法律师事务所",
        1,
        0.0,
    )
    next_month = (t.date().replace(day=1) + timedelta(days=32)).strftime("%Y-%m")
    client.post("/consultations/roster/", {"month": next_month})
    assert DutyShift.objects.filter(district=world.district).exists()
    export = client.get("/consultations/roster/export/", {"month": next_month})
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    assert load_workbook(io.BytesIO(export.content)).active["A1"].value == "值班日期"
    for user in (world.lawyer_f, world.community_staff_a1, world.resident):
        assert client_for(user).get("/consultations/board/").status_code == 404
        assert client_for(user).get("/consultations/roster/export/").status_code == 404
    assert (
        client_for(world.outsider)
        .get("/consultations/board/", {"district": world.district.pk})
        .status_code
        == 404
    )


def test_workspace_panels(world, rf):
    """Each role's panel (rendered the way the workspace renders panels)."""
    pair(world)
    ask(world)
    for user, text in (
        (world.resident, "我要咨询"),
        (world.lawyer_f, "待答复咨询"),
        (world.community_staff_a1, "代居民提交咨询"),
        (world.bureau_admin, "咨询督办"),
        (world.firm_admin_f, "咨询列表"),
    ):
        request = rf.get("/workspace/")
        request.user = user
        rendered = [
            render_to_string(template, context, request=request)
            for binding in get_principal(user).bindings
            for template, context in panels_for(request, binding)
            if template.startswith("consultations/")
        ]
        assert len(rendered) == 1 and text in rendered[0]


def _questions(world, n, start):
    for i in range(n):
        ask(
            world,
            text=f"第 {start + i} 个问题：邻居占用楼道堆放杂物，怎么处理？",
            now=timezone.now() - timedelta(minutes=61 * (start + i)),
        )


@pytest.mark.parametrize(
    ("persona", "url", "budget"),
    [
        ("resident", "/consultations/mine/", 12),
        ("lawyer_f", "/consultations/queue/", 14),
        ("bureau_admin", "/consultations/board/", 16),
        ("community_staff_a1", "/consultations/questions/", 12),
    ],
)
def test_query_counts_do_not_grow(
    world, client_for, django_assert_max_num_queries, persona, url, budget
):
    pair(world)
    client = client_for(getattr(world, persona))
    _questions(world, 3, 0)
    with django_assert_max_num_queries(budget):
        assert client.get(url).status_code == 200
    _questions(world, 20, 3)
    with django_assert_max_num_queries(budget):
        response = client.get(url)
    assert response.status_code == 200


# --- growing lists: "更多" by posting time ----------------------------------------------------


def test_question_lists_walk_every_question_once(world, client_for):
    cat = category()
    for i in range(23):  # three at each time: pages break between equal times
        ask(world, text=f"{TEXT}（第 {i} 问）", category=cat, now=T0 + timedelta(days=i // 3))
    expected = list(Question.objects.order_by("-posted_at", "-id").values_list("pk", flat=True))
    seen, pages = walk_more(client_for(world.resident), reverse("consultations:mine"))
    assert seen == expected and len(pages) == 2
    seen, pages = walk_more(client_for(world.bureau_admin), reverse("consultations:question_list"))
    assert seen == expected and len(pages) == 2
    page = client_for(world.bureau_admin).get(reverse("consultations:question_list"))
    assert "更多" in page.content.decode() and "第 1 /" not in page.content.decode()


def test_question_page_joins_the_mediation_case_instead_of_reading_it(world, client_for):
    """The page links a mediation case made from the question (or offers to make one):
    the case is joined to the question's own query, not read by one of its own."""
    pair(world)
    q = ask(world, now=timezone.now())
    client = client_for(world.resident)
    client.get(detail(q))
    with CaptureQueriesContext(connection) as queries:
        body = client.get(detail(q)).content.decode()
    assert "申请转为调解" in body
    assert not [x for x in queries if x["sql"].startswith('SELECT "mediation_case"')]
    assert any('JOIN "mediation_case"' in x["sql"] for x in queries)


def test_the_assigned_lawyers_page_does_not_ask_about_duty(world, client_for, team, now):
    """Taking a question from the pool is for a lawyer not assigned it: the page of the
    assigned lawyer (or of a closed question) does not read the duty roster."""
    pair(world)
    q = ask(world, now=now)
    client = client_for(world.lawyer_f)
    client.get(detail(q))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(detail(q))
    assert response.status_code == 200 and response.context["can_take"] is False
    roster = [
        x for x in queries if x["sql"].split(" FROM ", 1)[-1].startswith('"consultations_duty')
    ]
    assert not roster, roster


def test_the_question_form_counts_characters_and_refuses_too_many(world, client_for):
    from consultations.services import MAX_TEXT

    client = client_for(world.resident)
    html = client.get("/consultations/ask/").content.decode()
    assert f'maxlength="{MAX_TEXT}"' in html and "data-counter" in html
    assert "js/counter.js" in html
    too_long = client.post(
        "/consultations/ask/",
        {
            "community": world.community_a1.pk,
            "category": category().pk,
            "text": "字" * (MAX_TEXT + 1),
        },
    )
    assert f"问题描述不能超过 {MAX_TEXT} 字（现有 {MAX_TEXT + 1} 字）" in too_long.content.decode()
    assert not Question.objects.exists()


def test_question_lists_read_only_what_a_row_shows(world, client_for):
    """A list row shows the title, the number, the category, the community and the
    deadline: the text, the parties and the reminders are not read (a text of up to
    thousands of characters per row), and a row reads nothing more."""
    pair(world)
    _questions(world, 3, 0)
    client = client_for(world.resident)
    client.get("/consultations/mine/")
    with CaptureQueriesContext(connection) as queries:
        body = client.get("/consultations/mine/").content.decode()
    assert body.count("list-group-item-action") == 3 and "邻居占用楼道" in body
    listed = [x["sql"] for x in queries if 'FROM "consultations_question"' in x["sql"]]
    assert len(listed) == 1
    for column in ('"text"', '"parties"', '"reminder1_due_at"', '"contact_phone"'):
        assert f'"consultations_question".{column}' not in listed[0]


def test_the_knowledge_base_is_paged_without_counting(world, client):
    """The knowledge base grows with every answered question: its list goes "更多" by
    publication, its search results 上一页 / 下一页 by relevance, and neither counts."""
    from consultations.models import KnowledgeEntry
    from core.paging import MAX_OFFSET_PAGE, PAGE_SIZE

    pair(world)
    q = ask(world, is_public=True, text="公司拖欠工资三个月不发，应该怎么办？")
    services.post_reply(actor=world.lawyer_f, question=q, text="可以申请劳动仲裁。")
    entry = q.knowledge
    for i in range(PAGE_SIZE + 3):  # the same answer again: 24 matching entries
        other = Question.objects.get(pk=q.pk)
        other.pk, other.case_number = None, f"ZX-330106-20260901-{i:06d}"
        other._state.adding = True
        other.save()
        KnowledgeEntry.objects.create(
            question=other,
            district=entry.district,
            category=entry.category,
            title=f"拖欠工资怎么办（{i}）",
            question_text=entry.question_text,
            answer_text=entry.answer_text,
            tokens=entry.tokens,
            published_at=entry.published_at - timedelta(days=i + 1),
        )
    url = "/consultations/knowledge/"
    expected = list(
        KnowledgeEntry.objects.order_by("-published_at", "-id").values_list("pk", flat=True)
    )
    seen, pages = walk_more(client, url)
    assert seen == expected and len(pages) == 2
    with CaptureQueriesContext(connection) as queries:
        first = client.get(url, {"q": "工资"})
    assert not [x for x in queries if "COUNT(" in x["sql"].upper()]
    html = first.content.decode()
    assert len(first.context["page_obj"]) == PAGE_SIZE and "第 1 页" in html and "共" not in html
    assert 'rel="next"' in html and 'rel="prev"' not in html
    second = client.get(url, {"q": "工资", "page": "2"})
    assert len(second.context["page_obj"]) == 4 and 'rel="prev"' in second.content.decode()
    found = [e.pk for e in first.context["page_obj"]] + [e.pk for e in second.context["page_obj"]]
    assert sorted(found) == sorted(expected)
    for bad in ("abc", "-3", "0"):
        assert client.get(url, {"q": "工资", "page": bad}).context["page_obj"].number == 1
    deep = client.get(url, {"q": "工资", "page": "99999"}).context["page_obj"]
    assert deep.number == MAX_OFFSET_PAGE and list(deep) == [] and not deep.has_next


@pytest.mark.parametrize("persona", ["resident", "lawyer_f", "community_staff_a1", "bureau_admin"])
def test_the_question_page_reads_no_joined_row_again(world, client_for, persona):
    """The question's page joins the asker, who filed it, the mediation case, the
    category and the community, and reads only what it shows of them (JOINED_FIELDS):
    a field left out would be read by a query of its own, per page."""
    pair(world)
    if persona == "resident":
        q = ask(world, now=timezone.now())
    else:
        q, _created = services.file_for_resident(
            actor=world.community_staff_a1,
            draft=services.Draft(community=world.community_a1, category=category(), text=TEXT),
            resident_name="陈阿婆",
            resident_phone="13800138000",
            now=timezone.now(),
        )
    client = client_for(getattr(world, persona))
    client.get(detail(q))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(detail(q))
    assert response.status_code == 200
    body = response.content.decode()
    assert q.category.name in body and q.community.name in body
    if persona in ("community_staff_a1", "bureau_admin"):
        assert "由 " in body and "代为提交" in body  # who filed it, by name or masked phone
    for table in ("accounts_user", "mediation_case", "regions_community", "consultations_category"):
        reads = [
            x["sql"] for x in queries if x["sql"].split(" FROM ", 1)[-1].startswith(f'"{table}"')
        ]
        assert len(reads) <= (1 if table == "accounts_user" else 0), (table, reads)
