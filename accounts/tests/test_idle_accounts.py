"""Privileged accounts unused for 90 days are disabled (the hourly job, and at the next
sign-in if the job has not run yet); residents are left alone."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from accounts.jobs import disable_idle_staff
from accounts.models import User
from core.jobs import registered
from core.models import LoginLog, OperationLog
from core.testing import PASSWORD

from .conftest import last_code


def _idle(user: User, days: int) -> None:
    User.objects.filter(pk=user.pk).update(
        last_login=timezone.now() - timedelta(days=days),
        date_joined=timezone.now() - timedelta(days=days + 10),
    )


def test_the_job_is_registered():
    assert registered()["accounts.disable_idle_staff"].every_seconds == 3600


def test_idle_privileged_accounts_are_disabled_once(world, settings):
    days = settings.ACCOUNT_IDLE_DAYS + 1
    for user in (world.street_staff_a, world.lawyer_f, world.superuser, world.resident):
        _idle(user, days)
    _idle(world.bureau_admin, settings.ACCOUNT_IDLE_DAYS - 1)  # used 89 days ago
    assert disable_idle_staff() == 3
    active = dict(User.objects.values_list("pk", "is_active"))
    assert not active[world.street_staff_a.pk] and not active[world.lawyer_f.pk]
    assert not active[world.superuser.pk]
    assert active[world.resident.pk] and active[world.bureau_admin.pk]
    entry = OperationLog.objects.get(
        model="accounts.User", object_id=str(world.street_staff_a.pk), changes__is_active=False
    )
    assert entry.actor is None and entry.actor_repr == "系统"
    assert entry.changes["reason"] == "超过 90 天未使用，自动停用"
    assert entry.district_id == world.district.pk
    assert disable_idle_staff() == 0  # twice is harmless


def test_accounts_never_used_count_from_their_creation(world, settings):
    created = timezone.now() - timedelta(days=settings.ACCOUNT_IDLE_DAYS + 1)
    User.objects.filter(pk=world.firm_admin_f.pk).update(last_login=None, date_joined=created)
    User.objects.filter(pk=world.lawyer_g.pk).update(last_login=None)  # created just now
    assert disable_idle_staff() == 1
    assert not User.objects.get(pk=world.firm_admin_f.pk).is_active
    assert User.objects.get(pk=world.lawyer_g.pk).is_active


def test_an_account_enabled_again_gets_a_fresh_start(world, settings):
    _idle(world.street_staff_a, settings.ACCOUNT_IDLE_DAYS + 1)
    disable_idle_staff()
    user = User.objects.get(pk=world.street_staff_a.pk)
    user.is_active = True
    user.save(update_fields=["is_active", "updated_at"])
    assert User.objects.get(pk=user.pk).reactivated_at is not None
    assert disable_idle_staff() == 0
    assert User.objects.get(pk=user.pk).is_active


def test_an_idle_account_is_stopped_at_sign_in(world, client, sms_outbox, settings):
    _idle(world.lawyer_f, settings.ACCOUNT_IDLE_DAYS + 1)
    url = reverse("accounts:sms_login")  # lawyers may sign in by SMS: no password kept
    client.post(url, {"phone": world.lawyer_f.phone, "send": "1"})
    code = last_code(sms_outbox, world.lawyer_f.phone)
    response = client.post(url, {"phone": world.lawyer_f.phone, "code": code})
    assert "账号超过 90 天未使用，已停用，请联系管理员" in response.content.decode()
    assert not User.objects.get(pk=world.lawyer_f.pk).is_active
    assert not LoginLog.objects.filter(success=True).exists()


def test_idle_residents_sign_in_as_usual(world, client, settings):
    _idle(world.resident, settings.ACCOUNT_IDLE_DAYS * 3)
    response = client.post(
        reverse("accounts:login"), {"phone": world.resident.phone, "password": PASSWORD}
    )
    assert response.status_code == 302
