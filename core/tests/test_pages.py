"""The portal, sign-in/out, the care-mode switch, the workspace per role and the logs."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from core.models import LoginLog, OperationLog
from core.testing import PASSWORD, make_community, make_lawyer, make_street, make_user
from firms.models import Lawyer, Specialty
from regions.models import StudioMember


def text(response):
    return response.content.decode()


# --- portal -------------------------------------------------------------------------------


def test_portal_is_public_and_shows_streets_communities_and_lawyers(client, world):
    Specialty.objects.create(name="婚姻家庭").lawyers.add(world.lawyer_l)
    Lawyer.objects.filter(pk=world.lawyer_l.pk).update(phone="13612345678")
    response = client.get(reverse("portal"))
    assert response.status_code == 200
    body = text(response)
    assert "律所进社区" in body and "打造老百姓身边的法律顾问" in body
    assert "清波街道" in body and "柳翠井巷社区" in body
    assert reverse("regions:community_public", args=[world.community_a1.pk]) in body
    assert "张律师" in body and "浙江尚法律师事务所" in body and "婚姻家庭" in body
    assert "执业" in body
    assert "13612345678" not in body and "136****" not in body
    assert "登录" in body and "我要咨询" in body
    assert "其他社区" not in body  # one district at a time


def test_portal_leads_to_the_question_form_and_to_each_lawyer(client, world):
    """我要咨询 opens the question form (after sign-in for a visitor), and each lawyer
    card opens the lawyer's page, where the resident asks or requests a service."""
    ask = reverse("consultations:ask")
    body = text(client.get(reverse("portal")))
    assert f'{reverse("accounts:login")}?next={ask}"' in body
    assert reverse("consultations:lawyer", args=[world.lawyer_l.pk]) in body
    signed_in = client
    signed_in.force_login(world.resident)
    body = text(signed_in.get(reverse("portal")))
    assert f'href="{ask}">我要咨询' in body
    lawyer_page = signed_in.get(reverse("consultations:lawyer", args=[world.lawyer_l.pk]))
    assert lawyer_page.status_code == 200 and "张律师" in text(lawyer_page)


def test_portal_states_the_districts_liaisons_per_community(client, world):
    from regions.services import settings_for

    assert "由 1–2 名律师担任联络员" in text(client.get(reverse("portal")))
    district_settings = settings_for(world.district)
    district_settings.max_liaisons_per_community = 1
    district_settings.save()
    assert "由 1 名律师担任联络员" in text(client.get(reverse("portal")))


def test_portal_switches_district(client, world):
    response = client.get(reverse("portal"), {"district": world.other_district.pk})
    body = text(response)
    assert "其他社区" in body and "清波社区" not in body


def test_portal_hides_inactive_communities_and_lawyers(client, world):
    world.community_a2.is_active = False
    world.community_a2.save()
    Lawyer.objects.filter(pk=world.lawyer_l.pk).update(is_active=False)
    body = text(client.get(reverse("portal")))
    assert "柳翠井巷社区" not in body and "张律师" not in body


@pytest.mark.parametrize("extra", [3, 40])
def test_portal_query_budget(client, world, django_assert_max_num_queries, extra):
    specialty = Specialty.objects.create(name="劳动争议")
    for _ in range(extra):
        street = make_street(world.district)
        make_community(street)
        make_lawyer(world.firm_f).specialties.add(specialty)
    # districts, streets, communities, lawyers, specialties, the next service days, the
    # latest articles (with their district): flat however many rows there are
    with django_assert_max_num_queries(8):
        response = client.get(reverse("portal"))
    assert response.status_code == 200
    assert len(response.context["streets"]) == extra + 2


# --- sign-in, sign-out, care mode -----------------------------------------------------------


def test_sign_in_and_out(client, world):
    assert client.get(reverse("accounts:login")).status_code == 200
    response = client.post(
        reverse("accounts:login"), {"phone": world.resident.phone, "password": PASSWORD}
    )
    assert response.status_code == 302 and response["Location"] == reverse("workspace")
    assert client.get(reverse("workspace")).status_code == 200
    response = client.post(reverse("accounts:logout"))
    assert response["Location"] == reverse("portal")
    assert client.get(reverse("workspace")).status_code == 302


def test_care_mode_toggle_sets_cookie_and_body_class(client, world):
    response = client.get(reverse("portal"))
    assert 'class="care-mode"' not in text(response)
    response = client.post(reverse("care_mode"), {"next": reverse("portal")})
    assert response.status_code == 302 and response["Location"] == reverse("portal")
    assert response.cookies["care_mode"].value == "1"
    response = client.get(reverse("portal"))
    body = text(response)
    assert '<body class="care-mode"' in body and "退出关怀模式" in body
    assert 'aria-pressed="true"' in body
    response = client.post(reverse("care_mode"), {"next": reverse("portal")})
    assert response.cookies["care_mode"].value == ""  # deleted
    assert '<body class="care-mode"' not in text(client.get(reverse("portal")))


def test_care_mode_refuses_an_outside_redirect(client, db):
    response = client.post(reverse("care_mode"), {"next": "https://evil.example.com/"})
    assert response["Location"] == "/"


def test_resident_workspace_in_care_mode(client_for, world):
    client = client_for(world.resident)
    client.cookies["care_mode"] = "1"
    body = text(client.get(reverse("workspace")))
    assert '<body class="care-mode"' in body and "我的社区" in body


# --- workspace ------------------------------------------------------------------------------


def test_workspace_needs_login(client, db):
    response = client.get(reverse("workspace"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize(
    "persona,role,place",
    [
        ("bureau_admin", Role.BUREAU_ADMIN, "上城测试区司法局"),
        ("street_staff_a", Role.STREET_STAFF, "清波街道司法所"),
        ("community_staff_a1", Role.COMMUNITY_STAFF, "清波街道·清波社区"),
        ("firm_admin_f", Role.FIRM_ADMIN, "浙江尚法律师事务所"),
        ("lawyer_f", Role.LAWYER, "浙江尚法律师事务所 · 张律师"),
        ("resident", Role.RESIDENT, "清波社区"),
        ("outsider", Role.BUREAU_ADMIN, "其他区司法局"),
    ],
)
def test_workspace_shows_each_role(client_for, world, persona, role, place):
    response = client_for(world.personas()[persona]).get(reverse("workspace"))
    assert response.status_code == 200
    body = text(response)
    assert "我的工作台" in body
    assert f"<span>{role.label}</span>" in body  # the card heading
    assert place in body


def test_bureau_workspace_counts_and_links(client_for, world):
    response = client_for(world.bureau_admin).get(reverse("workspace"))
    card = response.context["cards"][0]
    assert card["street_count"] == 2 and card["communities"]["n"] == 3
    assert card["firm_count"] == 2 and card["lawyer_count"] == 2
    body = text(response)
    for url in (
        reverse("regions:street_list"),
        reverse("regions:community_list"),
        reverse("firms:firm_list"),
        reverse("firms:lawyer_list"),
        reverse("regions:district_settings", args=[world.district.pk]),
        reverse("operation_log"),
        reverse("login_log"),
        "/regions/import/communities/",
        "/firms/export/lawyers/",
        "/admin/",
    ):
        assert f'href="{url}"' in body


def test_street_staff_workspace_lists_their_communities(client_for, world):
    body = text(client_for(world.street_staff_a).get(reverse("workspace")))
    assert "清波社区" in body and "柳翠井巷社区" in body and "东坡路社区" not in body
    assert reverse("regions:community_edit", args=[world.community_a2.pk]) in body


def test_community_staff_workspace_shows_members(client_for, world):
    StudioMember.objects.create(
        community=world.community_a1, position="police", name="赵民警", phone="13700001111"
    )
    body = text(client_for(world.community_staff_a1).get(reverse("workspace")))
    assert "赵民警" in body and "137****1111" in body and "13700001111" not in body
    assert reverse("regions:member_add", args=[world.community_a1.pk]) in body


def test_firm_admin_and_lawyer_workspaces(client_for, world):
    body = text(client_for(world.firm_admin_f).get(reverse("workspace")))
    assert "张律师" in body and reverse("firms:firm_edit", args=[world.firm_f.pk]) in body
    assert "李律师" not in body  # another firm's lawyer
    body = text(client_for(world.lawyer_f).get(reverse("workspace")))
    assert world.lawyer_l.license_no in body
    assert reverse("firms:lawyer_edit", args=[world.lawyer_l.pk]) in body


def test_resident_workspace_offers_community_choice(client_for, world):
    body = text(client_for(world.resident).get(reverse("workspace")))
    assert reverse("regions:home_community") in body and "更换所在社区" in body
    assert "清波社区" in body and reverse("firms:directory") in body
    assert "<select" not in body  # moving home is its own page, not a form on every visit


def test_resident_without_community_picks_it_on_the_workspace(client_for, db):
    from regions.services import set_home_community

    resident = make_user("新居民")
    set_home_community(user=resident, community=None)  # as a phone that signed up by SMS
    body = text(client_for(resident).get(reverse("workspace")))
    assert "请先选择您所在的社区" in body
    assert 'name="community"' in body and reverse("regions:home_community") in body


def test_user_without_role_gets_a_friendly_note(client_for, db):
    user = make_user("新用户")
    body = text(client_for(user).get(reverse("workspace")))
    assert "暂未分配任何角色" in body


def test_user_with_two_roles_gets_two_cards(client_for, world):
    from regions.services import set_home_community

    set_home_community(user=world.lawyer_f, community=world.community_a2)
    body = text(client_for(User.objects.get(pk=world.lawyer_f.pk)).get(reverse("workspace")))
    assert "<span>律师</span>" in body and "<span>居民</span>" in body


@pytest.mark.parametrize("extra", [3, 40])
@pytest.mark.parametrize("persona", ["bureau_admin", "street_staff_a", "firm_admin_f", "lawyer_f"])
def test_workspace_query_budget(
    client_for, world, django_assert_max_num_queries, monkeypatch, persona, extra
):
    from core import workspace

    monkeypatch.setattr(workspace, "_panels", [])  # the foundation's cards only
    for _ in range(extra):
        make_community(world.street_a)
        make_lawyer(world.firm_f)
    client = client_for(world.personas()[persona])
    # session, user, bindings (4), then at most 5 per card
    with django_assert_max_num_queries(12):
        response = client.get(reverse("workspace"))
    assert response.status_code == 200


# --- logs -----------------------------------------------------------------------------------


@pytest.fixture
def logs(world):
    """Login entries in both districts (the world's writes already made operation logs)."""
    mine = LoginLog.objects.create(
        user=world.street_staff_a,
        phone=world.street_staff_a.phone,
        method="password",
        success=True,
        district_id=world.district.pk,
    )
    failed = LoginLog.objects.create(
        phone="13811112222",
        method="sms",
        success=False,
        reason="验证码不正确",
        district_id=world.district.pk,
    )
    other = LoginLog.objects.create(
        user=world.outsider,
        phone=world.outsider.phone,
        method="password",
        success=True,
        district_id=world.other_district.pk,
    )
    return mine, failed, other


@pytest.mark.parametrize("name", ["operation_log", "login_log"])
def test_logs_need_login(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize(
    "persona", ["street_staff_a", "community_staff_a1", "firm_admin_f", "lawyer_f", "resident"]
)
@pytest.mark.parametrize("name", ["operation_log", "login_log"])
def test_logs_are_for_the_bureau_only(client_for, world, persona, name):
    assert client_for(world.personas()[persona]).get(reverse(name)).status_code == 404


def test_login_log_scope_and_masking(client_for, world, logs):
    mine, failed, other = logs
    response = client_for(world.bureau_admin).get(reverse("login_log"))
    assert response.status_code == 200
    rows = list(response.context["page_obj"])
    assert mine in rows and failed in rows and other not in rows
    body = text(response)
    assert "138****2222" in body and "13811112222" not in body
    assert world.street_staff_a.phone not in body


def test_login_log_filters(client_for, world, logs):
    mine, failed, _ = logs
    client = client_for(world.bureau_admin)
    url = reverse("login_log")
    assert list(client.get(url, {"success": "0"}).context["page_obj"]) == [failed]
    assert list(client.get(url, {"method": "sms"}).context["page_obj"]) == [failed]
    assert list(client.get(url, {"user": "所工作人员"}).context["page_obj"]) == [mine]
    assert list(client.get(url, {"user": "13811112222"}).context["page_obj"]) == [failed]
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    assert list(client.get(url, {"date_from": tomorrow}).context["page_obj"]) == []


def test_operation_log_scope_and_filters(client_for, world):
    client = client_for(world.bureau_admin)
    url = reverse("operation_log")
    response = client.get(url)
    assert response.status_code == 200
    rows = list(response.context["page_obj"])
    assert rows and all(r.district_id == world.district.pk for r in rows)
    body = text(response)
    assert "社区" in body and "其他社区" not in body
    # a change made on a page by community staff shows in their bureau's log
    client_for(world.community_staff_a1).post(
        reverse("regions:member_add", args=[world.community_a1.pk]),
        {"position": "police", "name": "赵民警", "phone": "13700001111"},
    )
    client = client_for(world.bureau_admin)
    response = client.get(url, {"action": "create"})
    body = text(response)
    assert "赵民警" in body and "137****1111" in body and "13700001111" not in body
    assert "尚法工作室成员" in body and "手机号" in body  # Chinese names, not code names
    assert all(r.action == "create" for r in response.context["page_obj"])
    assert list(client.get(url, {"action": "delete"}).context["page_obj"]) == []


def test_log_filter_rejects_a_reversed_date_range(client_for, world):
    today = timezone.localdate()
    response = client_for(world.bureau_admin).get(
        reverse("operation_log"),
        {"date_from": today.isoformat(), "date_to": (today - timedelta(days=1)).isoformat()},
    )
    assert response.status_code == 200
    assert "结束日期不能早于开始日期" in text(response)


@pytest.mark.parametrize("extra", [3, 40])
def test_log_query_budgets(client_for, world, django_assert_max_num_queries, extra):
    for i in range(extra):
        LoginLog.objects.create(
            user=world.resident,
            phone=f"1381111{i:04d}",
            method="sms",
            success=True,
            district_id=world.district.pk,
        )
        OperationLog.objects.create(
            action="other", model="regions.Community", district_id=world.district.pk
        )
    client = client_for(world.bureau_admin)
    for name in ("login_log", "operation_log"):
        with django_assert_max_num_queries(9):
            response = client.get(reverse(name))
        assert response.status_code == 200
        assert len(response.context["page_obj"]) >= min(extra, 20)


def test_workspace_renders_panels_registered_by_apps(client_for, world, monkeypatch):
    from core import workspace

    monkeypatch.setattr(workspace, "_panels", [])
    workspace.register_panel(
        Role.LAWYER,
        "firms/includes/lawyer_card.html",
        lambda request, binding: {"lawyer": Lawyer.objects.get(pk=binding.object_id)},
    )
    workspace.register_panel(Role.LAWYER, "core/form_page.html", lambda request, binding: None)
    workspace.register_panel(Role.RESIDENT, "firms/includes/lawyer_card.html", lambda r, b: {})
    body = text(client_for(world.lawyer_f).get(reverse("workspace")))
    assert body.count('class="workspace-panel') == 1  # the hidden one is left out
    assert 'class="card h-100 lawyer-card"' in body


def test_operation_log_pages_by_time_without_counting(client_for, world):
    """The log grows with every write: "更多" walks it newest first, nothing is counted."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for i in range(25):
        OperationLog(
            action=OperationLog.Action.OTHER,
            model="regions.community",
            object_id=str(i),
            district_id=world.district.pk,
        ).save()
    client = client_for(world.bureau_admin)
    url = reverse("operation_log")
    with CaptureQueriesContext(connection) as ctx:
        first = client.get(url)
    assert not [q for q in ctx.captured_queries if '"__count"' in q["sql"]]
    page = first.context["page_obj"]
    assert len(page) == 20 and page.has_next and "更多" in text(first)
    second = client.get(url, {"after": page.next_cursor}).context["page_obj"]
    expected = list(
        OperationLog.objects.visible_to(world.bureau_admin).order_by("-created_at", "-id")
    )
    assert list(page) + list(second) == expected[:40]
    assert not set(page) & set(second)


def test_superuser_workspace_does_not_take_them_for_a_resident(client, world):
    client.force_login(world.superuser)
    body = text(client.get(reverse("workspace")))
    assert "您是系统管理员" in body and "/admin/" in body
    assert "如果您是社区居民" not in body and "暂未分配任何角色" not in body


def test_portal_has_one_heading_for_the_service_days(client, world):
    body = text(client.get(reverse("portal")))
    assert body.count("近期社区法律服务日") == 1 and "近期服务日<" not in body
