"""Lockout (GB/T 22239-2019 8.1.4.1 b): failed sign-ins lock the phone and, counted
apart, the client address; the lock and every refused attempt are in the login log."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts import lockout
from accounts.models import LoginLock
from core.models import LoginLog
from core.testing import PASSWORD

from .conftest import last_code

LOGIN = "accounts:login"
WRONG = "wrong-password"


def attempt(client, phone, password=WRONG, ip="10.1.1.1"):  # type: ignore[no-untyped-def]
    return client.post(reverse(LOGIN), {"phone": phone, "password": password}, REMOTE_ADDR=ip)


def test_five_wrong_passwords_lock_the_account_for_thirty_minutes(world, client, settings):
    assert (settings.LOGIN_LOCKOUT_FAILURES, settings.LOGIN_LOCKOUT_SECONDS) == (5, 1800)
    phone = world.lawyer_f.phone
    for _ in range(4):
        assert "手机号或密码不正确" in attempt(client, phone).content.decode()
    fifth = attempt(client, phone).content.decode()
    until = timezone.localtime(LoginLock.objects.get(scope="phone").locked_until)
    assert f"账号已锁定，请于 {until:%H:%M} 后再试" in fifth
    assert (until - timezone.localtime()).total_seconds() == pytest.approx(1800, abs=5)
    refused = attempt(client, phone, PASSWORD, ip="10.9.9.9")  # right password, other address
    assert refused.status_code == 200 and "_auth_user_id" not in client.session
    assert "账号已锁定" in refused.content.decode()
    failures = LoginLog.objects.filter(phone=phone, success=False)
    assert failures.filter(method="password").count() == 6
    assert failures.filter(method="password", reason__startswith="已锁定").count() == 1
    lock = LoginLog.objects.get(method=LoginLog.Method.LOCKOUT, phone=phone)
    assert lock.user == world.lawyer_f and lock.ip == "10.1.1.1"
    assert lock.reason.startswith("锁定：登录失败次数过多")


def test_from_the_third_failure_the_page_warns_of_the_lock(world, client, settings):
    phone = world.lawyer_f.phone
    pages = [attempt(client, phone).content.decode() for _ in range(4)]
    assert all("手机号或密码不正确" in page for page in pages)
    assert "再错" not in pages[0] and "再错" not in pages[1]
    assert "再错 2 次，账号将锁定 30 分钟" in pages[2]
    assert "再错 1 次，账号将锁定 30 分钟" in pages[3]
    fifth = attempt(client, phone).content.decode()
    assert "账号已锁定" in fifth and "再错" not in fifth
    # A phone with no account is counted and warned alike (nothing tells it apart).
    unknown = [attempt(client, "13912345670").content.decode() for _ in range(3)]
    assert "再错 2 次" in unknown[2]


def test_an_office_address_is_not_locked_by_one_persons_mistakes(world, client, settings):
    """Ten times the account's threshold: a community office or a firm shares one
    address, and one person locking their own account leaves the others signing in."""
    assert settings.LOGIN_LOCKOUT_IP_FAILURES == 10 * settings.LOGIN_LOCKOUT_FAILURES
    for _ in range(settings.LOGIN_LOCKOUT_FAILURES):
        attempt(client, world.lawyer_f.phone, ip="10.8.8.8")
    assert (
        "账号已锁定"
        in attempt(client, world.lawyer_f.phone, PASSWORD, ip="10.8.8.8").content.decode()
    )
    colleague = attempt(client, world.lawyer_g.phone, PASSWORD, ip="10.8.8.8")
    assert colleague.status_code == 302  # same address, signed in


def test_the_lock_ends_after_its_time(world, client, clock, settings):
    settings.LOGIN_LOCKOUT_FAILURES = 2
    phone = world.lawyer_f.phone
    attempt(client, phone)
    attempt(client, phone)
    clock.move(seconds=settings.LOGIN_LOCKOUT_SECONDS - 5)
    assert "账号已锁定" in attempt(client, phone, PASSWORD, ip="10.2.2.2").content.decode()
    clock.move(seconds=10)
    assert attempt(client, phone, PASSWORD, ip="10.2.2.2").status_code == 302


def test_failures_outside_the_window_do_not_add_up(world, client, clock, settings):
    settings.LOGIN_LOCKOUT_FAILURES = 2
    attempt(client, world.lawyer_f.phone)
    clock.move(seconds=settings.LOGIN_LOCKOUT_WINDOW_SECONDS + 1)
    attempt(client, world.lawyer_f.phone)
    assert attempt(client, world.lawyer_f.phone, PASSWORD).status_code == 302


def test_an_address_trying_many_accounts_is_locked(world, client, settings):
    settings.LOGIN_LOCKOUT_IP_FAILURES = 3
    for persona in ("lawyer_f", "lawyer_g", "resident"):
        attempt(client, world.personas()[persona].phone, ip="10.3.3.3")
    response = attempt(client, world.firm_admin_f.phone, PASSWORD, ip="10.3.3.3")
    assert "该网络地址登录失败次数过多" in response.content.decode()
    entry = LoginLog.objects.get(method=LoginLog.Method.LOCKOUT)
    assert (entry.phone, entry.user, entry.ip) == ("", None, "10.3.3.3")
    # The accounts themselves are not locked: from elsewhere they sign in.
    assert attempt(client, world.lawyer_f.phone, PASSWORD, ip="10.4.4.4").status_code == 302


def test_success_clears_its_account_but_not_the_address(world, client, settings):
    settings.LOGIN_LOCKOUT_FAILURES = 3
    settings.LOGIN_LOCKOUT_IP_FAILURES = 4
    phone = world.lawyer_f.phone
    attempt(client, phone)
    attempt(client, phone)
    assert attempt(client, phone, PASSWORD).status_code == 302  # account count cleared
    client.post(reverse("accounts:logout"))
    attempt(client, phone)
    attempt(client, phone)
    assert attempt(client, phone, PASSWORD, ip="10.5.5.5").status_code == 302  # 2 < 3
    client.post(reverse("accounts:logout"))
    # 10.1.1.1 has 4 failures (for any account): locked, whoever signs in from it.
    response = attempt(client, world.resident.phone, PASSWORD)
    assert "该网络地址登录失败次数过多" in response.content.decode()


def test_malformed_input_is_logged_but_not_counted(world, client, settings):
    settings.LOGIN_LOCKOUT_IP_FAILURES = 1
    client.post(reverse(LOGIN), {"phone": "12ab", "password": "x"}, REMOTE_ADDR="10.6.6.6")
    assert LoginLog.objects.filter(success=False).count() == 1
    assert not LoginLock.objects.exists()


def test_wrong_sms_codes_lock_the_phone_and_stop_codes(world, client, sms_outbox, settings):
    settings.LOGIN_LOCKOUT_FAILURES = 2
    url = reverse("accounts:sms_login")
    phone = world.resident.phone
    client.post(url, {"phone": phone, "send": "1"})
    wrong = f"{(int(last_code(sms_outbox, phone)) + 1) % 10**6:06d}"
    client.post(url, {"phone": phone, "code": wrong, "login": "1"})
    locked = client.post(url, {"phone": phone, "code": wrong, "login": "1"}).content.decode()
    assert "验证码不正确。登录失败次数过多，账号已锁定" in locked
    sent = len(sms_outbox)
    settings.SMS_CODE_RESEND_SECONDS = 0
    again = client.post(url, {"phone": phone, "send": "1"}).content.decode()
    assert "账号已锁定" in again and len(sms_outbox) == sent


def test_current_lock_prefers_the_account(db):
    now = timezone.now()
    LoginLock.objects.create(scope="ip", key="10.0.0.1", locked_until=now + timedelta(minutes=5))
    LoginLock.objects.create(
        scope="phone", key="13900000009", locked_until=now + timedelta(minutes=9)
    )
    lock = lockout.current_lock(phone="13900000009", ip="10.0.0.1")
    assert lock is not None and lock.scope == "phone"
    assert lockout.current_lock(phone="13900000008", ip="10.0.0.2") is None
    assert lockout.current_lock(phone="", ip=None) is None


def test_the_password_tab_tells_how_to_register_and_what_locks(client, settings, db):
    settings.LOGIN_LOCKOUT_FAILURES, settings.LOGIN_LOCKOUT_SECONDS = 6, 20 * 60
    body = client.get(reverse(LOGIN), {"next": "/consultations/ask/"}).content.decode()
    assert "新手机号验证后即注册为居民账号" in body
    assert f'href="{reverse("accounts:sms_login")}?next=/consultations/ask/"' in body
    assert "连续输错 6 次，账号将锁定 20 分钟" in body  # the settings, not a number of its own
