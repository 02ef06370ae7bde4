"""Pages: scope (404 outside it), masking, the actions, the PDF, applying and filing,
statistics and the register, with query budgets that do not grow with the data."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from core.testing import make_user, walk_more
from mediation import services
from mediation.choices import CaseStatus, Guidance, OrgKind, PartyRole
from mediation.models import Case, Mediator, Organization
from mediation.tests.conftest import ID_NUMBER, advance, application, applied

DETAIL = "mediation:case_detail"


def login(user):
    """A client of its own per user (several are used side by side)."""
    client = Client()
    client.force_login(user)
    return client


def url(name, *args):
    return reverse(f"mediation:{name}", args=args)


def with_id(world, setup):
    parties = [
        services.PartyDraft(PartyRole.APPLICANT, "王居民", world.resident.phone, ID_NUMBER, True),
        services.PartyDraft(PartyRole.RESPONDENT, "李四", setup.respondent.phone),
    ]
    return applied(world, setup, parties=parties, now=timezone.now())


def many_cases(world, setup, n):
    for i in range(n):
        case = services.file_for_party(
            actor=world.street_staff_a,
            application=application(
                world,
                setup,
                parties=[
                    services.PartyDraft(PartyRole.APPLICANT, f"申请人{i}", f"1370000{i:04d}"),
                    services.PartyDraft(PartyRole.RESPONDENT, f"被申请人{i}", f"1370001{i:04d}"),
                ],
            ),
            now=timezone.now() - timedelta(hours=2 * i),
        )
        if i % 2:
            advance(world, setup, case, CaseStatus.ASSIGNED, now=timezone.now())


def test_anonymous_goes_to_sign_in(client, world):
    for name in ("case_list", "apply", "file", "statistics", "register"):
        response = client.get(url(name))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_party_sees_their_case_others_get_404(world, setup):
    case = with_id(world, setup)
    assert login(world.resident).get(reverse(DETAIL, args=[case.pk])).status_code == 200
    stranger = make_user("别人")
    for user in (stranger, world.outsider, setup.x.user, setup.s1.user, world.lawyer_f):
        assert login(user).get(reverse(DETAIL, args=[case.pk])).status_code == 404
        assert login(user).get(url("agreement_pdf", case.pk)).status_code == 404


@pytest.mark.parametrize("who", ["bureau_admin", "street_staff_a", "resident", "m2", "lawyer_f"])
def test_id_numbers_are_masked_for_everyone_but_the_case_mediators(world, setup, who):
    case = advance(world, setup, with_id(world, setup), CaseStatus.ASSIGNED)
    user = setup.m2.user if who == "m2" else getattr(world, who)
    html = login(user).get(reverse(DETAIL, args=[case.pk])).content.decode()
    assert ID_NUMBER not in html and "1101**********002X" in html
    assert setup.respondent.phone not in html
    mine = login(setup.m1.user).get(reverse(DETAIL, args=[case.pk])).content.decode()
    assert ID_NUMBER in mine and setup.respondent.phone in mine


def test_case_list_scope_and_budget(world, setup, django_assert_max_num_queries):
    other = make_user("别人")
    mine = applied(world, setup)
    services.apply(
        actor=other,
        application=application(
            world,
            setup,
            parties=[
                services.PartyDraft(PartyRole.APPLICANT, "别人", other.phone),
                services.PartyDraft(PartyRole.RESPONDENT, "某某", "13700003333"),
            ],
        ),
    )
    html = login(world.resident).get(url("case_list")).content.decode()
    assert mine.case_number in html and html.count("TJ-330102-") == 1
    for n, user in ((3, setup.m1.user), (25, world.bureau_admin)):
        many_cases(world, setup, n)
        client = login(user)
        client.get(url("case_list"))  # the first request after signing in writes the log
        with django_assert_max_num_queries(14):
            response = client.get(url("case_list"))
        assert response.status_code == 200
    # Budget does not grow: the same after 25 more rows, and on the next page.
    many_cases(world, setup, 25)
    with django_assert_max_num_queries(14):
        response = client.get(url("case_list"))
    cursor = response.context["page_obj"].next_cursor
    with django_assert_max_num_queries(14):
        assert client.get(url("case_list"), {"after": cursor}).status_code == 200


def main_table(sql):
    found = re.search(r' FROM "(\w+)"', sql)
    return found.group(1) if found else sql[:40]


def test_case_page_reads_parties_and_mediators_once(world, setup):
    """Who the viewer is (party, mediator) is asked several times per page: the case's
    parties and mediators are read once, and the count does not grow with the room."""
    case = advance(world, setup, with_id(world, setup), CaseStatus.ASSIGNED)
    services.post_message(actor=world.resident, case=case, text="请问什么时候调解？", files=[])
    counts = {}
    # The mediator's view of personal data is logged (on PostgreSQL under a lock).
    for who, user, budget in ((world.resident, world.resident, 11), ("m1", setup.m1.user, 17)):
        client = login(user)
        client.get(reverse(DETAIL, args=[case.pk]))  # the first request writes the log
        with CaptureQueriesContext(connection) as before:
            assert client.get(reverse(DETAIL, args=[case.pk])).status_code == 200
        counts[user.pk] = len(before)
        tables = [main_table(q["sql"]) for q in before]
        assert len(before) <= budget, "\n".join(q["sql"][-300:] for q in before)
        # (a mediator's page also lists the organization's mediators in the assign form)
        case_mediators = [q for q in before if 'JOIN "mediation_case_mediators"' in q["sql"]]
        assert len(case_mediators) == 1, (who, tables)
        assert tables.count("mediation_party") == 1, (who, tables)
    for i in range(3):
        services.post_message(actor=world.resident, case=case, text=f"第 {i} 条留言", files=[])
        services.post_message(actor=setup.m1.user, case=case, text=f"回复 {i}", files=[])
    for user in (world.resident, setup.m1.user):
        client = login(user)
        client.get(reverse(DETAIL, args=[case.pk]))
        with CaptureQueriesContext(connection) as after:
            html = client.get(reverse(DETAIL, args=[case.pk])).content.decode()
        assert len(after) == counts[user.pk] and "回复 2" in html


def test_case_list_more_walks_every_case_once(world, setup):
    many_cases(world, setup, 45)
    seen, pages = walk_more(login(world.bureau_admin), url("case_list"))
    assert len(pages) == 3
    expected = Case.objects.filter(district=world.district).order_by("-applied_at", "-id")
    assert seen == list(expected.values_list("pk", flat=True)) and len(seen) == 45


def test_filters_overdue_and_mine(world, setup):
    late = advance(world, setup, applied(world, setup), CaseStatus.ASSIGNED)
    Case.objects.filter(pk=late.pk).update(due_at=timezone.now() - timedelta(days=1))
    fresh = applied(world, setup)
    html = login(setup.m1.user).get(url("case_list") + "?overdue=true&mine=true").content
    assert late.case_number.encode() in html and fresh.case_number.encode() not in html


def test_the_flow_through_the_pages(world, setup, sms_outbox):
    case = applied(world, setup, now=timezone.now())
    staff = login(world.street_staff_a)
    assert staff.post(url("case_action", case.pk, "accept"), {"note": ""}).status_code == 302
    response = staff.post(
        url("case_action", case.pk, "assign"),
        {"organization": setup.org.pk, "mediators": [setup.m1.pk], "lawyer": world.lawyer_l.pk},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    mediator = login(setup.m1.user)
    assert mediator.post(url("case_action", case.pk, "start")).status_code == 302
    response = mediator.post(
        url("case_action", case.pk, "schedule"),
        {"kind": "in_person", "starts_at": "2030-01-02T10:00", "place": "清波社区调解室"},
    )
    assert response.status_code == 302
    session = case.sessions.get()
    applicant = case.parties.get(role=PartyRole.APPLICANT)
    response = mediator.post(
        url("case_action", case.pk, "record_session"),
        {"session": session.pk, "record": "双方到场协商，达成一致", "attendees": [applicant.pk]},
    )
    assert response.status_code == 302
    response = mediator.post(
        url("case_action", case.pk, "draft_agreement"),
        {"terms": "李四于十日内赔偿王居民维修费 3000 元。", "performance": "银行转账"},
    )
    assert response.status_code == 302
    resident = login(world.resident)
    page = resident.get(reverse(DETAIL, args=[case.pk])).content.decode()
    assert "发送短信验证码" in page and "我已阅读并确认调解协议" in page
    resident.post(url("case_action", case.pk, "send_code"), {"party": applicant.pk})
    from mediation.tests.conftest import code_sent

    code = code_sent(sms_outbox, world.resident.phone)
    assert resident.post(url("case_action", case.pk, "confirm"), {"code": code}).status_code == 302
    respondent = case.parties.get(role=PartyRole.RESPONDENT)
    mediator.post(url("case_action", case.pk, "send_code"), {"party": respondent.pk})
    other = login(setup.respondent)
    code = code_sent(sms_outbox, setup.respondent.phone)
    assert other.post(url("case_action", case.pk, "confirm"), {"code": code}).status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.AGREED and case.trips == 1
    pdf = resident.get(url("agreement_pdf", case.pk))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")
    assert (
        mediator.post(
            url("case_action", case.pk, "follow_up"), {"note": "已履行", "satisfied": "yes"}
        ).status_code
        == 302
    )
    assert mediator.post(url("case_action", case.pk, "archive")).status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.ARCHIVED and case.satisfied is True
    timeline = resident.get(reverse(DETAIL, args=[case.pk])).content.decode()
    for step in ("提交调解申请", "受理", "分派调解组织和调解员", "调解记录", "调解成功", "归档"):
        assert step in timeline


def test_actions_refused_or_wrong_input(world, setup):
    case = applied(world, setup)
    assert login(world.resident).post(url("case_action", case.pk, "accept")).status_code == 403
    stranger = login(make_user("别人"))
    assert stranger.post(url("case_action", case.pk, "accept")).status_code == 404
    staff = login(world.street_staff_a)
    response = staff.post(url("case_action", case.pk, "decline"), {"reason": ""})
    assert response.status_code == 400 and "请填写不予受理的理由" in response.content.decode()
    response = staff.post(url("case_action", case.pk, "decline"), {"reason": "短"})
    assert response.status_code == 400 and "至少 4 个字" in response.content.decode()
    assert staff.post(url("case_action", case.pk, "nonsense")).status_code == 404
    response = staff.post(url("case_action", case.pk, "archive"))  # wrong state
    assert response.status_code == 403  # street staff do not run cases
    case.refresh_from_db()
    assert case.status == CaseStatus.APPLIED
    advance(world, setup, case, CaseStatus.MEDIATING)
    response = login(setup.m1.user).post(
        url("case_action", case.pk, "fail"), {"reason": "分歧过大", "guidance": ["bogus"]}
    )
    assert response.status_code == 400
    response = login(setup.m1.user).post(url("case_action", case.pk, "archive"))
    assert response.status_code == 302  # shown as a message, nothing changed
    case.refresh_from_db()
    assert case.status == CaseStatus.MEDIATING


def test_apply_page_creates_a_case_and_refuses_bad_input(world, setup):
    client = login(world.resident)
    page = client.get(url("apply"))
    assert page.status_code == 200 and 'name="viewport"' in page.content.decode()
    data = {
        "community": world.community_a1.pk,
        "category": "neighbor",
        "facts": "楼上漏水把我家天花板泡坏了，协商不成。",
        "applicant_name": "王居民",
        "applicant_phone": world.resident.phone,
        "respondent_name": "李四",
        "respondent_phone": "",
        "organization": setup.org.pk,
    }
    response = client.post(url("apply"), data)
    assert response.status_code == 200 and "被申请人手机号" in response.content.decode()
    assert not Case.objects.exists()
    data["respondent_phone"] = "137 0000 4444"
    data["evidence"] = [
        SimpleUploadedFile("证据.pdf", b"%PDF-1.4 x", content_type="application/pdf")
    ]
    response = client.post(url("apply"), data)
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(DETAIL, args=[case.pk])
    assert case.organization == setup.org and case.files.count() == 1
    assert case.parties.get(role=PartyRole.RESPONDENT).phone == "13700004444"
    download = client.get(url("file_download", case.files.get().pk))
    assert download.status_code == 200
    assert login(world.outsider).get(url("file_download", case.files.get().pk)).status_code == 404


def test_apply_page_lists_one_district_and_accepts_another(world, setup):
    import re

    client = login(world.resident)
    html = client.get(url("apply")).content.decode()
    community_select = html.split('name="community"')[1].split("</select>")[0]
    listed = set(re.findall(r'<option value="(\d+)"', community_select))
    assert str(world.community_a1.pk) in listed and str(world.other_community.pk) not in listed
    assert 'name="district"' in html
    data = {
        "district": world.other_district.pk,
        "community": world.other_community.pk,
        "category": "neighbor",
        "facts": "外区的房东不退押金，协商不成。",
        "applicant_name": "王居民",
        "applicant_phone": world.resident.phone,
        "respondent_name": "李四",
        "respondent_phone": "13700004444",
        # An organization of the district left behind is refused with the form.
        "organization": setup.org.pk,
    }
    refused = client.post(url("apply"), data)
    assert refused.status_code == 200 and not Case.objects.exists()
    refused_select = refused.content.decode().split('name="community"')[1].split("</select>")[0]
    assert set(re.findall(r'<option value="(\d+)"', refused_select)) == {
        str(world.other_community.pk)
    }
    del data["organization"]
    assert client.post(url("apply"), data).status_code == 302
    assert Case.objects.get().community == world.other_community


def test_filing_page_for_staff_only(world, setup, sms_outbox):
    assert login(world.resident).get(url("file")).status_code == 404
    client = login(world.community_staff_a1)
    assert client.get(url("file")).status_code == 200
    response = client.post(
        url("file"),
        {
            "channel": "grid",
            "community": world.community_a1.pk,
            "category": "family",
            "facts": "老人与子女因赡养费发生纠纷，老人不会用手机。",
            "applicant_name": "赵大爷",
            "applicant_phone": "13700005555",
            "respondent_name": "赵小明",
            "respondent_phone": "13700006666",
        },
    )
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.channel == "grid" and case.applied_by == world.community_staff_a1
    response = client.post(url("file"), {"community": world.community_b1.pk})
    assert response.status_code == 200 and Case.objects.count() == 1  # B1 is not offered


def test_suggest_lists_fitting_organizations_first(world, setup):
    client = login(world.resident)
    html = client.get(
        url("suggest") + f"?community={world.community_a1.pk}&category=property"
    ).content.decode()
    assert html.index(setup.property_org.name) < html.index(setup.org.name)
    assert setup.other_org.name not in html
    assert "推荐" not in client.get(url("suggest") + "?community=x").content.decode()


def test_from_question_page(world, setup):
    from consultations import services as consultation_services
    from consultations.models import Category

    question, _ = consultation_services.post_question(
        actor=world.resident,
        draft=consultation_services.Draft(
            community=world.community_a1,
            category=Category.objects.get(name="邻里纠纷"),
            text="楼上邻居装修噪音每天持续到深夜，想申请调解。",
            parties="楼上赵某",
        ),
    )
    client = login(world.resident)
    page = client.get(url("from_question", question.pk)).content.decode()
    assert "楼上赵某" in page and question.case_number in page
    response = client.post(
        url("from_question", question.pk),
        {"category": "neighbor", "respondent_name": "赵某", "respondent_phone": "13700007777"},
    )
    case = Case.objects.get()
    assert response.status_code == 302 and case.case_number == question.case_number
    assert client.get(url("from_question", question.pk))["Location"].endswith(f"/{case.pk}/")
    assert login(world.outsider).get(url("from_question", question.pk)).status_code == 404


def test_statistics_for_bureau_and_street(world, setup, sms_outbox, django_assert_max_num_queries):
    for who in ("resident", "community_staff_a1", "lawyer_f", "outsider_party"):
        user = make_user("x") if who == "outsider_party" else getattr(world, who)
        assert login(user).get(url("statistics")).status_code == 404
    done = advance(world, setup, applied(world, setup), CaseStatus.AGREED)
    failed = advance(world, setup, applied(world, setup), CaseStatus.MEDIATING)
    services.record_failure(
        actor=setup.m1.user, case=failed, reason="分歧过大", guidance=[Guidance.LITIGATION]
    )
    client = login(world.bureau_admin)
    html = client.get(url("statistics")).content.decode()
    assert "50.0%" in html and setup.org.name in html and world.lawyer_l.name in html
    assert done.get_category_display() in html
    with django_assert_max_num_queries(12):
        assert client.get(url("statistics")).status_code == 200
    many_cases(world, setup, 20)
    with django_assert_max_num_queries(12):
        assert client.get(url("statistics") + "?date_from=2020-01-01").status_code == 200
    other_street = make_user("湖滨司法所")
    from accounts.roles import Role
    from regions.services import grant_region_role

    grant_region_role(actor=None, user=other_street, role=Role.STREET_STAFF, place=world.street_b)
    assert "50.0%" not in login(other_street).get(url("statistics")).content.decode()


def test_register_and_organization_pages(world, setup):
    html = login(world.resident).get(url("register")).content.decode()
    assert setup.org.name in html and setup.other_org.name not in html
    page = login(world.resident).get(url("organization_detail", setup.org.pk)).content.decode()
    assert setup.m1.masked_phone in page and setup.m1.phone not in page
    bureau = login(world.bureau_admin).get(url("organization_detail", setup.org.pk))
    assert setup.m1.phone in bureau.content.decode()
    assert login(world.outsider).get(url("organization_detail", setup.org.pk)).status_code == 404


def _xlsx(rows):
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile("名录.xlsx", out.getvalue())


def test_excel_import_and_export_of_the_register(world, setup):
    assert login(world.street_staff_a).get(url("import", "organizations")).status_code == 404
    client = login(world.bureau_admin)
    orgs = _xlsx(
        [
            ["调解组织名称", "类型", "层级", "所在街道", "所在社区", "专业领域", "负责人"],
            ["湖滨街道人民调解委员会", "人民调解", "街道级", "湖滨街道", "", "", "钱主任"],
            ["区医疗纠纷人民调解委员会", "行业性专业性调解", "区级", "", "", "医疗", "孙主任"],
            ["东坡路社区人民调解委员会", "人民调解", "社区", "", "东坡路社区", "", ""],
        ]
    )
    response = client.post(url("import", "organizations"), {"file": orgs})
    assert response.status_code == 200
    assert Organization.objects.filter(district=world.district).count() == 6
    community_org = Organization.objects.get(name="东坡路社区人民调解委员会")
    assert community_org.street == world.street_b
    assert Organization.objects.get(name="区医疗纠纷人民调解委员会").kind == OrgKind.PROFESSIONAL
    mediators = _xlsx(
        [
            ["调解组织", "姓名", "手机号", "等级", "专长领域"],
            ["湖滨街道人民调解委员会", "周调解", "13700008888", "一级", "邻里纠纷、婚姻家庭"],
            ["不存在的委员会", "吴调解", "13700009999", "", ""],
        ]
    )
    response = client.post(url("import", "mediators"), {"file": mediators})
    assert "本区没有调解组织" in response.content.decode()
    assert not Mediator.objects.filter(name="周调解").exists()  # one bad row: nothing saved
    bad_kind = _xlsx([["调解组织名称", "类型", "层级"], ["某委员会", "民间调解", "区级"]])
    response = client.post(url("import", "organizations"), {"file": bad_kind})
    assert "类型请填写" in response.content.decode()
    export = client.get(url("export", "mediators"))
    assert export.status_code == 200
    sheet = load_workbook(io.BytesIO(export.content)).active
    names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "调解员甲" in names and "外区调解员" not in names


def test_workspace_panels(world, setup):
    case = advance(world, setup, applied(world, setup), CaseStatus.ASSIGNED)
    Case.objects.filter(pk=case.pk).update(due_at=timezone.now() - timedelta(days=1))
    applied(world, setup)
    pages = {
        setup.m1.user: "我的超期案件 1 件",
        world.resident: case.case_number,
        world.street_staff_a: "待受理申请 1 件",
        world.bureau_admin: "调解统计",
        world.community_staff_a1: "为居民代为申请调解",
        world.lawyer_f: "参与调解",
    }
    for user, text in pages.items():
        html = login(user).get(reverse("workspace")).content.decode()
        assert text in html, user


def test_full_personal_data_views_are_logged(world, setup):
    from core.models import OperationLog

    case = advance(world, setup, with_id(world, setup), CaseStatus.ASSIGNED)
    views = OperationLog.objects.filter(action="view", object_id=str(case.pk))
    login(world.bureau_admin).get(reverse(DETAIL, args=[case.pk]))
    assert not views.exists()  # masked: nothing to log
    login(setup.m1.user).get(reverse(DETAIL, args=[case.pk]))
    entry = views.get()
    assert entry.actor == setup.m1.user and entry.district_id == world.district.pk


def test_assign_form_offers_the_chosen_organizations_mediators(world, setup):
    case = advance(world, setup, applied(world, setup), CaseStatus.ACCEPTED)
    staff = login(world.street_staff_a)
    page = staff.get(reverse(DETAIL, args=[case.pk])).content.decode()
    assert setup.m1.name in page and setup.s1.name not in page  # suggested: A1's committee
    html = staff.get(
        url("assign_mediators", case.pk) + f"?organization={setup.street_org.pk}"
    ).content.decode()
    assert setup.s1.name in html and setup.m1.name not in html and 'id="id_mediators"' in html
    assert login(world.resident).get(url("assign_mediators", case.pk)).status_code == 404
    response = staff.post(
        url("case_action", case.pk, "assign"),
        {"organization": setup.street_org.pk, "mediators": [setup.m1.pk]},
    )
    assert response.status_code == 400  # M1 is not offered for the street's committee
    assert setup.s1.name in response.content.decode()


def test_assign_form_starts_from_the_organization_the_applicant_chose(world, setup):
    """The resident chose the street's committee: the staff's assignment form opens on
    it (with its mediators), not on the first suggestion."""
    case = advance(
        world,
        setup,
        applied(world, setup, organization=setup.street_org),
        CaseStatus.ACCEPTED,
    )
    assert case.requested_organization_id == setup.street_org.pk
    # Only the request is kept (as the demo's cases have it): the form still starts there.
    Case.objects.filter(pk=case.pk).update(organization=None)
    page = login(world.street_staff_a).get(reverse(DETAIL, args=[case.pk]))
    form = page.context["forms"]["assign"]
    assert form.initial["organization"] == setup.street_org.pk
    html = page.content.decode()
    assert setup.s1.name in html and setup.m1.name not in html  # the street's mediators


def test_only_residents_are_offered_to_apply(world, setup):
    """A mediator or the staff see no 申请调解 button, nor an empty list inviting them to
    apply; a resident does."""
    url = reverse("mediation:case_list")
    apply_url = reverse("mediation:apply")
    for worker in (setup.m1.user, world.street_staff_a, world.bureau_admin):
        html = login(worker).get(url).content.decode()
        assert f'href="{apply_url}"' not in html
    resident = login(world.resident).get(url).content.decode()
    assert f'href="{apply_url}"' in resident and "在线申请调解" in resident
