"""Pages: scope (outsider 404, anonymous to sign-in), the phone form, check-in by QR,
Excel export, workspace panels, and query budgets that do not grow with the data."""

import io
import re
from datetime import date, timedelta

import pytest
from django.template import Context, Template
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from core.scope import get_principal
from core.workspace import panels_for
from visits import services
from visits.choices import VisitStatus
from visits.models import MonthlyReport, ServiceDay, ServiceDayCheckin, Visit
from visits.tests.conftest import image_file
from visits.tests.factories import record

LIST_PAGES = [
    "visits:visit_list",
    "visits:plan_list",
    "visits:report_list",
    "visits:coverage",
    "visits:service_day_list",
    "visits:meeting_list",
    "visits:notice_list",
]


def last_month() -> date:
    return services.add_months(services.month_start(timezone.localdate()), -1)


def fill(w, n: int) -> None:  # type: ignore[no-untyped-def]
    """``n`` confirmed visits of firm F in A1 last month, plus plans, days and a report."""
    month = last_month()
    for i in range(n):
        record(
            w,
            date=month + timedelta(days=i % 27),
            addresses=f"{i}-1-101\n{i}-1-102",
            today=timezone.localdate(),
        )
    for community in (w.community_a1, w.community_a2):
        services.file_plan(
            actor=w.firm_admin_f,
            firm=w.firm_f,
            community=community,
            year=month.year,
            months=[(2, 10)] * 12,
        )
    services.schedule_service_days()
    services.compile_reports()


@pytest.mark.parametrize("name", LIST_PAGES)
def test_list_pages_answer_for_staff_and_send_anonymous_to_sign_in(
    paired, client, client_for, name
):
    w = paired
    fill(w, 2)
    url = reverse(name)
    if name != "visits:service_day_list":  # the calendar is public
        assert client.get(url).status_code == 302
    for user in (w.bureau_admin, w.street_staff_a, w.firm_admin_f, w.lawyer_f):
        response = client_for(user).get(url)
        assert response.status_code == 200, (user, name)


@pytest.mark.parametrize("name", LIST_PAGES)
@pytest.mark.parametrize("n", [3, 30])  # 30 visits: more rows than the budget
def test_list_page_query_budgets_do_not_grow(
    paired, client_for, django_assert_max_num_queries, name, n
):
    w = paired
    fill(w, n)
    client = client_for(w.bureau_admin)
    with django_assert_max_num_queries(25):
        response = client.get(reverse(name))
    assert response.status_code == 200


def test_outsider_sees_nothing(paired, client_for):
    w = paired
    fill(w, 1)
    visit = Visit.objects.earliest("pk")
    report = MonthlyReport.objects.filter(firm=w.firm_f).earliest("pk")
    client = client_for(w.outsider)
    for url in (
        reverse("visits:visit_detail", args=[visit.pk]),
        reverse("visits:visit_edit", args=[visit.pk]),
        reverse("visits:report_detail", args=[report.pk]),
        reverse("visits:report_export", args=[report.pk]),
        reverse("visits:plan_file", args=[w.community_a1.pk]),
    ):
        assert client.get(url).status_code == 404, url
    for name in ("visits:visit_list", "visits:coverage", "visits:report_list"):
        page = client.get(reverse(name)).content.decode()
        assert w.community_a1.name not in page and w.street_a.name not in page, name
    assert "其他社区" in client.get(reverse("visits:coverage")).content.decode()


def test_lawyer_records_a_visit_from_the_phone_form(paired, client_for):
    w = paired
    client = client_for(w.lawyer_f)
    page = client.get(reverse("visits:visit_create"))
    assert page.status_code == 200
    assert "东坡路社区" not in page.content.decode()  # firm G's community is not offered
    response = client.post(
        reverse("visits:visit_create"),
        {
            "community": w.community_a1.pk,
            "date": timezone.localdate().isoformat(),
            "kind": "door_to_door",
            "lawyers": [w.lawyer_l.pk],
            "addresses": "3幢2单元301室\n３-２-３０２",
            "participants": "3",
            "disputes_found": "0",
            "photos": [image_file("a.jpg")],
            "submit": "",
        },
    )
    visit = Visit.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "visits:visit_detail", args=[visit.pk]
    )
    assert visit.status == VisitStatus.SUBMITTED and visit.photos.count() == 1
    detail = client.get(response.url)
    assert "3幢2单元302室" in detail.content.decode()
    photo = visit.photos.get()
    assert client.get(reverse("visits:photo", args=[photo.pk])).status_code == 200
    assert client_for(w.lawyer_g).get(reverse("visits:photo", args=[photo.pk])).status_code == 404


def test_other_firms_lawyer_posting_a_foreign_community_gets_a_form_error(paired, client_for):
    w = paired
    response = client_for(w.lawyer_g).post(
        reverse("visits:visit_create"),
        {
            "community": w.community_a1.pk,
            "date": timezone.localdate().isoformat(),
            "kind": "lecture",
            "lawyers": [w.lawyer_other.pk],
        },
    )
    assert response.status_code == 200
    assert not Visit.objects.exists()


def test_community_staff_confirm_and_dispute_on_the_page(paired, client_for):
    w = paired
    first = record(w, confirm=False, today=timezone.localdate(), date=timezone.localdate())
    second = record(w, confirm=False, today=timezone.localdate(), date=timezone.localdate())
    client = client_for(w.community_staff_a1)
    assert (
        "确认属实" in client.get(reverse("visits:visit_detail", args=[first.pk])).content.decode()
    )
    client.post(reverse("visits:visit_confirm", args=[first.pk]))
    client.post(reverse("visits:visit_dispute", args=[second.pk]), {"reason": "没有这次走访"})
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (VisitStatus.CONFIRMED, VisitStatus.DISPUTED)
    # A lawyer cannot confirm.
    third = record(w, confirm=False, today=timezone.localdate(), date=timezone.localdate())
    assert (
        client_for(w.lawyer_f).post(reverse("visits:visit_confirm", args=[third.pk])).status_code
        == 404
    )


def test_check_in_page(paired, client, client_for):
    w = paired
    url = reverse("visits:check_in", args=[w.community_a1.pk])
    assert client.get(url).status_code == 302  # sign in first (residents by SMS code)
    resident = client_for(w.resident)
    response = resident.post(url, follow=True)
    assert "不是清波社区的服务日" in response.content.decode()
    today = timezone.localdate()
    ServiceDay.objects.create(community=w.community_a1, month=today.replace(day=1), date=today)
    assert "签 到" in resident.get(url).content.decode()
    response = resident.post(url, follow=True)
    assert "签到成功" in response.content.decode()
    assert ServiceDayCheckin.objects.filter(user=w.resident).count() == 1
    response = resident.post(url, follow=True)
    assert "已经签到过了" in response.content.decode()
    assert ServiceDayCheckin.objects.count() == 1


def test_sign_up_on_the_public_day_page(paired, client, client_for):
    w = paired
    services.schedule_service_days()
    day = ServiceDay.objects.filter(community=w.community_a1).earliest("date")
    url = reverse("visits:service_day_detail", args=[day.pk])
    assert "登录后报名" in client.get(url).content.decode()
    resident = client_for(w.resident)
    resident.post(reverse("visits:service_day_sign_up", args=[day.pk]))
    assert day.signups.filter(user=w.resident).exists()
    assert "已报名" in resident.get(url).content.decode()
    attendance = reverse("visits:service_day_attendance", args=[day.pk])
    assert resident.get(attendance).status_code == 404
    assert client_for(w.community_staff_a1).get(attendance).status_code == 200


def test_report_pages_submit_confirm_and_export(paired, client_for):
    w = paired
    fill(w, 4)
    report = MonthlyReport.objects.get(firm=w.firm_f)
    firm = client_for(w.firm_admin_f)
    assert (
        "提交月报" in firm.get(reverse("visits:report_detail", args=[report.pk])).content.decode()
    )
    firm.post(reverse("visits:report_submit", args=[report.pk]), {"summary": "按计划完成"})
    report.refresh_from_db()
    assert report.status == "submitted"
    assert (
        client_for(w.lawyer_f).get(reverse("visits:report_detail", args=[report.pk])).status_code
        == 404
    )
    office = client_for(w.street_staff_a)
    office.post(reverse("visits:report_confirm", args=[report.pk]))
    report.refresh_from_db()
    assert report.status == "confirmed"
    assert not Visit.objects.filter(firm=w.firm_f, locked=False).exists()

    response = office.get(reverse("visits:report_export", args=[report.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(response.content)).active
    cells = {c.value for row in ws.iter_rows() for c in row if c.value is not None}
    assert {"街道", "律所", "月份", w.firm_f.name, "合计", "工作小结"} <= cells
    header = next(r for r in ws.iter_rows(values_only=True) if r[0] == "序号")
    total = next(r for r in ws.iter_rows(values_only=True) if r[1] == "合计")
    col = dict(zip(header, total, strict=True))
    assert (col["走访次数"], col["走访户数"], col["入户走访"]) == (4, 8, 4)
    rows = [r for r in ws.iter_rows(values_only=True) if isinstance(r[0], int)]
    assert sum(r[header.index("走访次数")] for r in rows) == 4


def test_rollup_is_for_the_bureau_and_streets(paired, client_for):
    w = paired
    fill(w, 2)
    url = reverse("visits:report_rollup") + f"?month={last_month():%Y-%m}"
    response = client_for(w.bureau_admin).get(url)
    assert response.status_code == 200 and "清波街道" in response.content.decode()
    assert client_for(w.firm_admin_f).get(url).status_code == 404


def test_coverage_page_scopes_and_flags(paired, client_for):
    w = paired
    fill(w, 2)
    bureau = client_for(w.bureau_admin).get(reverse("visits:coverage")).content.decode()
    assert "东坡路社区" in bureau and "清波社区" in bureau
    firm_g = client_for(w.lawyer_g).get(reverse("visits:coverage")).content.decode()
    assert "东坡路社区" in firm_g and "清波社区" not in firm_g
    street = client_for(w.street_staff_a).get(reverse("visits:coverage")).content.decode()
    assert "东坡路社区" not in street


def test_plan_pages(paired, client_for):
    w = paired
    client = client_for(w.firm_admin_f)
    year = timezone.localdate().year
    assert "填报清波社区计划" in client.get(reverse("visits:plan_list")).content.decode()
    data = {f"visits_{m}": 2 for m in range(1, 13)} | {f"households_{m}": 5 for m in range(1, 13)}
    response = client.post(reverse("visits:plan_file", args=[w.community_a1.pk]), data)
    assert response.status_code == 302
    response = client.post(reverse("visits:plan_file", args=[w.community_a1.pk]), data)
    assert "修订计划时请填写修订说明" in response.content.decode()
    assert (
        client_for(w.lawyer_f)
        .get(reverse("visits:plan_file", args=[w.community_a1.pk]))
        .status_code
        == 404
    )
    assert (
        client_for(w.firm_admin_f)
        .get(reverse("visits:plan_file", args=[w.community_b1.pk]))
        .status_code
        == 404
    )
    assert w.community_a1.visit_plans.filter(year=year).count() == 1


def test_meeting_pages(paired, client_for, tmp_path):
    w = paired
    client = client_for(w.street_staff_a)
    pdf = io.BytesIO(b"%PDF-1.4 minutes")
    pdf.name = "纪要.pdf"
    response = client.post(
        reverse("visits:meeting_create"),
        {
            "street": w.street_a.pk,
            "date": "2026-03-01",
            "title": "三月联席会议",
            "attendees": "司法所、律所",
            "minutes": "部署走访",
            "attachments": [pdf],
        },
    )
    assert response.status_code == 302
    meeting_url = response.url
    assert "纪要.pdf" in client.get(meeting_url).content.decode()
    assert client_for(w.firm_admin_f).get(meeting_url).status_code == 404
    client = client_for(w.street_staff_a)
    fake = io.BytesIO(b"MZ not a pdf")
    fake.name = "x.pdf"
    response = client.post(
        reverse("visits:meeting_create"),
        {
            "street": w.street_a.pk,
            "date": "2026-03-02",
            "title": "t",
            "attendees": "a",
            "minutes": "m",
            "attachments": [fake],
        },
    )
    assert "内容与扩展名不符" in response.content.decode()


def test_workspace_panels(paired, rf):
    w = paired
    fill(w, 2)
    record(w, confirm=False, today=timezone.localdate(), date=timezone.localdate())
    expected = {
        w.lawyer_f: "记录走访",
        w.community_staff_a1: "待确认的走访记录（1 条）",
        w.firm_admin_f: "待提交的月报",
        w.street_staff_a: "待审核的月报",
        w.bureau_admin: "全区覆盖率",
        w.resident: "社区法律服务日",
    }
    for user, text in expected.items():
        request = rf.get("/workspace/")
        request.user = user
        html = "".join(
            render_to_string(template, context, request=request)
            for binding in get_principal(user).bindings
            for template, context in panels_for(request, binding)
            if template.startswith("visits/")
        )
        assert text in html, user


def test_public_calendar_and_tags_for_the_portal_and_community_page(paired, client):
    w = paired
    services.schedule_service_days()
    day = services.next_service_day(w.community_a1)
    assert day is not None
    page = client.get(reverse("visits:service_day_list") + f"?street={w.street_a.pk}")
    days = list(page.context["page_obj"])
    assert days and {d.community.street_id for d in days} == {w.street_a.pk}
    html = Template(
        "{% load visits_tags %}{% service_day_box community %}{% upcoming_service_days district %}"
    ).render(Context({"community": w.community_a1, "district": w.district}))
    assert reverse("visits:service_day_detail", args=[day.pk]) in html
    assert "近期社区法律服务日" in html


# --- the visit list: "更多" by keyset, no count ----------------------------------------------


def _visit_ids(html: str) -> list[int]:
    import re

    return [int(pk) for pk in re.findall(r'href="/visits/(\d+)/"', html)]


def test_visit_list_walks_every_visit_once_with_more(paired, client_for):
    w = paired
    # 45 visits on 9 days: five share each day, so pages break inside a day.
    day = last_month()
    for i in range(45):
        record(w, date=day + timedelta(days=i % 9), addresses=f"{i}-1-101", confirm=False)
    client = client_for(w.bureau_admin)
    url, seen, pages = reverse("visits:visit_list"), [], 0
    while url:
        html = client.get(url).content.decode()
        pages += 1
        seen += _visit_ids(html)
        more = re.search(r'href="(\?[^"]*after=[^"]+)" rel="next"', html)
        url = reverse("visits:visit_list") + more.group(1).replace("&amp;", "&") if more else ""
        assert pages <= 5
    expected = list(Visit.objects.order_by("-date", "-id").values_list("pk", flat=True))
    assert pages == 3 and seen == expected  # newest first, none lost, none twice
    assert "已到最后一页" in html and "回到第一页" in html


def test_visit_list_more_keeps_the_filter(paired, client_for):
    w = paired
    for i in range(25):
        record(w, date=last_month() + timedelta(days=i % 20), addresses=f"{i}-1-101")
    record(w, community=w.community_a2, addresses="9-9-909", confirm=False)
    client = client_for(w.bureau_admin)
    first = client.get(reverse("visits:visit_list"), {"community": w.community_a1.pk})
    html = first.content.decode()
    more = re.search(r'href="\?([^"]*after=[^"]+)" rel="next"', html)
    assert more and f"community={w.community_a1.pk}" in more.group(1)
    rest = client.get(reverse("visits:visit_list") + "?" + more.group(1).replace("&amp;", "&"))
    ids = _visit_ids(html) + _visit_ids(rest.content.decode())
    assert sorted(ids) == sorted(
        Visit.objects.filter(community=w.community_a1).values_list("pk", flat=True)
    )


@pytest.mark.parametrize("cursor", ["x", "2026-13-40_1", "2026-11-01", "2026-11-01_abc", "_"])
def test_visit_list_with_a_broken_cursor_shows_the_first_page(paired, client_for, cursor):
    w = paired
    fill(w, 3)
    response = client_for(w.bureau_admin).get(reverse("visits:visit_list"), {"after": cursor})
    assert response.status_code == 200
    assert len(_visit_ids(response.content.decode())) == 3
    assert "共 3 条" in response.content.decode()


def test_visit_list_counts_nothing_and_keeps_its_query_count(paired, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    w = paired
    fill(w, 30)
    client = client_for(w.bureau_admin)
    html = client.get(reverse("visits:visit_list")).content.decode()  # bindings now cached
    cursor = re.search(r"after=([^\"&]+)", html)
    assert cursor
    with CaptureQueriesContext(connection) as first:
        client.get(reverse("visits:visit_list"))
    with CaptureQueriesContext(connection) as later:
        client.get(reverse("visits:visit_list"), {"after": cursor.group(1)})
    assert len(first) == len(later)
    sql = [q["sql"] for q in first.captured_queries + later.captured_queries]
    assert not [s for s in sql if '"__count"' in s]  # no page numbers, nothing counted


def test_resident_panel_shows_the_next_day_and_the_sign_up_in_one_query(
    paired, rf, django_assert_num_queries
):
    from core.scope import get_principal
    from visits.panels import resident_panel

    w = paired
    services.schedule_service_days()
    day = (
        ServiceDay.objects.published()
        .filter(community=w.community_a1, date__gte=timezone.localdate())
        .order_by("date")
        .first()
    )
    assert day is not None
    request = rf.get("/workspace/")
    request.user = w.resident
    binding = next(b for b in get_principal(w.resident).bindings if b.role == "resident")
    with django_assert_num_queries(1):
        assert resident_panel(request, binding) == {"day": day, "signed_up": False}
    services.sign_up(user=w.resident, service_day=day)
    with django_assert_num_queries(1):
        assert resident_panel(request, binding) == {"day": day, "signed_up": True}
    # Another resident's sign-up is not theirs.
    request.user = w.community_staff_a1
    assert resident_panel(request, binding) == {"day": day, "signed_up": False}


def test_a_visit_without_a_recorder_shows_a_dash_not_an_empty_name(paired, client_for):  # type: ignore[no-untyped-def]
    visit = record(paired)
    Visit.objects.filter(pk=visit.pk).update(recorded_by=None)
    response = client_for(paired.firm_admin_f).get(reverse("visits:visit_detail", args=[visit.pk]))
    html = response.content.decode()
    assert '记录人</dt><dd class="col-8 col-md-10">—' in html
    assert '记录人</dt><dd class="col-8 col-md-10">，' not in html


def test_a_resident_reads_her_own_communitys_days_first(paired, client_for):  # type: ignore[no-untyped-def]
    """The calendar and the home page start with the resident's community, then her
    street, then the rest (each by date); a visitor reads them by date."""
    w = paired
    today = timezone.localdate()
    month = today.replace(day=1)
    soon = ServiceDay.objects.create(
        community=w.community_b1, month=month, date=today + timedelta(days=1)
    )
    street = ServiceDay.objects.create(
        community=w.community_a2, month=month, date=today + timedelta(days=5)
    )
    mine = ServiceDay.objects.create(
        community=w.community_a1, month=month, date=today + timedelta(days=9)
    )
    url = reverse("visits:service_day_list")
    resident = client_for(w.resident)  # lives in A1, street A
    order = [d.pk for d in resident.get(url).context["page_obj"]]
    assert order[:3] == [mine.pk, street.pk, soon.pk]
    visitor = Client()
    assert [d.pk for d in visitor.get(url).context["page_obj"]][:3] == [soon.pk, street.pk, mine.pk]
    home = resident.get(reverse("portal")).content.decode()
    own = home.index(reverse("visits:service_day_detail", args=[mine.pk]))
    other = home.index(reverse("visits:service_day_detail", args=[soon.pk]))
    assert own < other
