"""What the logs record (GB/T 22239-2019 8.1.4.3): refused requests, role changes, views
of personal data; secrets never; each entry with time, user, action, object, outcome
and address. And who reads them: auditors and bureau admins, not superusers, who
manage the accounts instead (separation of duties)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse
from rest_framework.response import Response

from accounts.models import User
from accounts.roles import Role
from core.audit import DenialLogMiddleware, can_read_audit
from core.context import acting_as
from core.models import LoginLog, OperationLog
from core.scope import get_principal
from core.testing import make_user
from regions import services as region_services


def test_a_refused_admin_action_is_logged(world, client):
    client.force_login(world.superuser)
    url = reverse("admin:regions_community_delete", args=[world.community_a1.pk])
    assert client.post(url, {"post": "yes"}, REMOTE_ADDR="192.0.2.9").status_code == 403
    entry = OperationLog.objects.get(action=OperationLog.Action.DENY)
    assert entry.actor == world.superuser and entry.ip == "192.0.2.9"
    assert entry.success is False and entry.source == "admin"
    assert entry.object_repr == f"POST {url}" and entry.changes["status"] == 403
    assert entry.created_at is not None and entry.model == "admin:regions_community_delete"


def test_a_csrf_failure_is_logged(world):
    client = Client(enforce_csrf_checks=True)
    assert client.post(reverse("accounts:logout")).status_code == 403
    entry = OperationLog.objects.get(action=OperationLog.Action.DENY)
    assert entry.actor is None and entry.actor_repr == "系统"


def test_permission_denied_and_api_refusals_are_logged(world):
    factory = RequestFactory()
    request = factory.get("/somewhere/")
    request.user = world.resident

    def refuse(req):  # type: ignore[no-untyped-def]
        return HttpResponse(status=403)

    middleware = DenialLogMiddleware(refuse)
    middleware.process_exception(request, PermissionDenied("不在您的管辖范围"))
    middleware(request)
    api = DenialLogMiddleware(lambda req: Response({"message": "没有权限执行此操作"}, status=403))
    api(factory.post("/api/things/"))
    DenialLogMiddleware(lambda req: HttpResponse(status=404))(factory.get("/x/"))
    reasons = list(
        OperationLog.objects.filter(action="deny").order_by("id").values_list("changes", flat=True)
    )
    assert [r["reason"] for r in reasons] == ["不在您的管辖范围", "没有权限执行此操作"]


def test_role_changes_are_logged_as_such(world):
    user = make_user("新工作人员")
    with acting_as(world.superuser, ip="10.0.0.3", source="admin"):
        region_services.grant_region_role(
            actor=None, user=user, role=Role.BUREAU_ADMIN, place=world.district
        )
        user.groups.add(Group.objects.create(name="数据维护"))
        user.user_permissions.add(Permission.objects.get(codename="view_community"))
    roles = OperationLog.objects.filter(action=OperationLog.Action.ROLE, object_id=str(user.pk))
    changes = [e.changes for e in roles.order_by("id")]
    assert {"is_staff": True} in changes  # bureau admins enter the back office
    assert {"groups": {"added": ["数据维护"]}} in changes
    assert any("user_permissions" in c for c in changes)
    assert all(e.actor == world.superuser and e.ip == "10.0.0.3" for e in roles)
    group = Group.objects.get(name="数据维护")
    group.user_set.remove(user)
    assert roles.filter(changes__groups__removed=["数据维护"]).exists()


def test_a_model_declaring_role_fields_logs_bindings_as_role_changes(world, monkeypatch):
    from regions.models import RegionRole

    monkeypatch.setattr(
        RegionRole, "audit_role_fields", ("user_id", "role", "is_active"), raising=False
    )
    user = make_user("社区新人")
    binding = region_services.grant_region_role(
        actor=None, user=user, role=Role.COMMUNITY_STAFF, place=world.community_a2
    )
    entry = OperationLog.objects.get(model="regions.RegionRole", object_id=str(binding.pk))
    assert entry.action == OperationLog.Action.ROLE


def test_secrets_never_reach_the_log_and_sign_in_times_are_not_changes(world):
    user = User.objects.get(pk=world.resident.pk)
    before = OperationLog.objects.count()
    user.last_login = user.date_joined
    user.save(update_fields=["last_login"])
    assert OperationLog.objects.count() == before
    user.totp_secret = "v1:secret"
    user.set_password("Another#Pass1")
    user.save()
    entry = OperationLog.objects.latest("id")
    assert (
        entry.changes["password"] == "（已隐藏）" and entry.changes["totp_secret"] == "（已隐藏）"
    )
    assert "v1:secret" not in str(entry.changes) and user.password not in str(entry.changes)


def test_viewing_an_account_in_the_admin_is_logged(world, client):
    client.force_login(world.superuser)
    url = reverse("admin:accounts_user_change", args=[world.resident.pk])
    assert client.get(url).status_code == 200
    entry = OperationLog.objects.get(action=OperationLog.Action.VIEW)
    assert entry.actor == world.superuser and entry.object_id == str(world.resident.pk)
    assert entry.changes == {"fields": ["phone", "name", "email"]}


# --- separation of duties ---


def make_auditor(phone: str) -> User:
    user = User.objects.create_user(phone, "Audit#2026x", name="审计员")
    call_command("set_security_auditor", phone, stdout=StringIO())
    return User.objects.get(pk=user.pk)


def test_superusers_manage_accounts_but_do_not_read_logs(world, client):
    LoginLog.objects.create(phone="13900000001", method="sms", success=True)
    assert not can_read_audit(world.superuser)
    assert not OperationLog.objects.visible_to(world.superuser).exists()
    assert not LoginLog.objects.visible_to(world.superuser).exists()
    client.force_login(world.superuser)
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 200
    assert client.get(reverse("admin:core_loginlog_changelist")).status_code == 403
    assert client.get(reverse("admin:core_operationlog_changelist")).status_code == 403


def test_security_auditors_read_every_log_and_manage_nobody(world, client):
    auditor = make_auditor("13900000088")
    assert Role.SECURITY_AUDITOR in get_principal(auditor).roles
    assert auditor.is_staff and can_read_audit(auditor)
    other = LoginLog.objects.create(
        phone="13900000001", method="sms", success=True, district_id=world.other_district.pk
    )
    assert LoginLog.objects.visible_to(auditor).filter(pk=other.pk).exists()
    client.force_login(auditor)
    assert client.get(reverse("admin:core_loginlog_changelist")).status_code == 200
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 403
    assert client.get(reverse("admin:regions_regionrole_changelist")).status_code == 403
    grant = OperationLog.objects.get(action="role", object_id=str(auditor.pk))
    assert grant.changes["is_security_auditor"] is True and grant.source == "command"


def test_bureau_admins_read_their_district_and_manage_no_accounts(world, client):
    mine = LoginLog.objects.create(
        phone="1", method="sms", success=True, district_id=world.district.pk
    )
    theirs = LoginLog.objects.create(
        phone="2", method="sms", success=True, district_id=world.other_district.pk
    )
    visible = set(LoginLog.objects.visible_to(world.bureau_admin))
    assert mine in visible and theirs not in visible
    client.force_login(world.bureau_admin)
    assert client.get(reverse("admin:core_loginlog_changelist")).status_code == 200
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 403


@pytest.mark.parametrize("persona", ["street_staff_a", "firm_admin_f", "lawyer_f", "resident"])
def test_other_roles_read_no_logs(world, persona):
    assert not can_read_audit(world.personas()[persona])


def test_an_auditor_cannot_be_a_superuser(world):
    with pytest.raises(CommandError, match="不能同时是超级管理员"):
        call_command("set_security_auditor", world.superuser.phone, stdout=StringIO())
    auditor = make_auditor("13900000089")
    auditor.is_superuser = True
    with pytest.raises(ValidationError, match="不能同时是超级管理员"):
        auditor.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        auditor.save()


def test_set_security_auditor_wrong_input(db):
    with pytest.raises(CommandError, match="手机号格式不正确"):
        call_command("set_security_auditor", "12345", stdout=StringIO())
    with pytest.raises(CommandError, match="没有手机号为 13900000090 的账号"):
        call_command("set_security_auditor", "13900000090", stdout=StringIO())


def test_revoking_an_auditor(db):
    auditor = make_auditor("13900000091")
    call_command("set_security_auditor", auditor.phone, "--revoke", stdout=StringIO())
    assert not can_read_audit(User.objects.get(pk=auditor.pk))
