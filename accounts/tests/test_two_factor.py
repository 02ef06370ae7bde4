"""The second factor (GB/T 22239-2019 8.1.4.1 d) for staff, mediator and admin accounts:
an SMS code by default, or an authenticator app's TOTP code (RFC 6238)."""

from __future__ import annotations

import base64
import re

import pytest
from django.urls import reverse

from accounts import policy, totp
from accounts.models import User
from accounts.roles import Role
from core import scope
from core.models import LoginLog
from core.scope import RoleBinding
from core.testing import PASSWORD

from .conftest import last_code

VERIFY = "accounts:two_factor"
RFC_SECRET = base64.b32encode(b"12345678901234567890").decode()


def password_step(client, user, **extra):  # type: ignore[no-untyped-def]
    return client.post(
        reverse("accounts:login"), {"phone": user.phone, "password": PASSWORD, **extra}
    )


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


# --- TOTP itself ---


@pytest.mark.parametrize(
    ("unix_time", "code"),
    [(59, "287082"), (1111111109, "081804"), (1234567890, "005924"), (2000000000, "279037")],
)
def test_rfc_6238_vectors(unix_time, code):
    assert totp.code_at(RFC_SECRET, unix_time // 30) == code


def test_codes_match_within_one_step_only():
    now = 1111111109.0
    code = totp.code_at(RFC_SECRET, totp.current_step(now))
    assert totp.matching_step(RFC_SECRET, code, now=now) == totp.current_step(now)
    assert totp.matching_step(RFC_SECRET, code, now=now + 30) is not None
    assert totp.matching_step(RFC_SECRET, code, now=now - 30) is not None
    assert totp.matching_step(RFC_SECRET, code, now=now + 60) is None
    for bad in ("", "12345", "1234567", "abcdef", None):
        assert totp.matching_step(RFC_SECRET, bad, now=now) is None  # type: ignore[arg-type]


def test_secrets_are_sealed_at_rest(settings):
    secret = totp.new_secret()
    sealed = totp.seal(secret)
    assert secret not in sealed and totp.unseal(sealed) == secret
    assert totp.seal(secret) != sealed  # a fresh nonce each time
    body = base64.urlsafe_b64decode(sealed.split(":", 1)[1])
    tampered = "v1:" + base64.urlsafe_b64encode(bytes([body[0] ^ 1]) + body[1:]).decode()
    assert totp.unseal(tampered) is None
    for damaged in ("", "v1:", "v1:???", "v2:" + sealed[3:], "v1:" + "A" * 40):
        assert totp.unseal(damaged) is None
    old_key = settings.SECRET_KEY
    settings.SECRET_KEY = "k" * 60
    assert totp.unseal(sealed) is None
    settings.SECRET_KEY_FALLBACKS = [old_key]
    assert totp.unseal(sealed) == secret


def test_provisioning_uri_and_qr():
    uri = totp.provisioning_uri(RFC_SECRET, "139****0001", "尚法云")
    assert uri.startswith("otpauth://totp/%E5%B0%9A%E6%B3%95%E4%BA%91%3A139%2A%2A%2A%2A0001?")
    assert f"secret={RFC_SECRET}" in uri and "period=30" in uri
    svg = totp.qr_svg(uri)
    assert svg is None or svg.startswith("<svg")


# --- who needs it ---


@pytest.mark.parametrize(
    "persona", ["bureau_admin", "street_staff_a", "community_staff_a1", "firm_admin_f"]
)
def test_staff_pass_an_sms_code_after_the_password(world, client, sms_outbox, persona):
    user = world.personas()[persona]
    client.get(reverse("accounts:login"))
    response = password_step(client, user, next="/regions/streets/")
    assert response.status_code == 302 and response["Location"] == reverse(VERIFY)
    assert "_auth_user_id" not in client.session  # not signed in yet
    assert client.get(reverse("workspace")).status_code == 302
    assert sms_outbox[-1][0] == user.phone and "二次验证码" in sms_outbox[-1][1]
    page = client.get(reverse(VERIFY)).content.decode()
    assert user.masked_phone in page and "验证码已发送至" in page
    before = client.session.session_key
    done = client.post(reverse(VERIFY), {"code": last_code(sms_outbox, user.phone)})
    assert done.status_code == 302 and done["Location"] == "/regions/streets/"
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.session.session_key != before  # a new session key at sign-in
    log = LoginLog.objects.get(success=True)
    assert (log.user, log.method, log.reason) == (user, "password", "二次验证：短信验证码")


@pytest.mark.parametrize("persona", ["lawyer_f", "resident"])
def test_lawyers_and_residents_need_no_second_factor(world, client, sms_outbox, persona):
    response = password_step(client, world.personas()[persona])
    assert response["Location"] == reverse("workspace") and sms_outbox == []


def test_superusers_and_mediators_need_it(world, client, sms_outbox, monkeypatch):
    assert password_step(client, world.superuser)["Location"] == reverse(VERIFY)
    mediator = User.objects.create_user("13900000077", PASSWORD)
    assert not policy.requires_two_factor(mediator)
    binding = RoleBinding(Role.MEDIATOR, 1, "调解员")
    extra = scope._Registered(lambda user: [binding] if user.pk == mediator.pk else [], False)
    providers = [*scope._providers, extra]
    monkeypatch.setattr(scope, "_providers", providers)
    assert policy.requires_two_factor(User.objects.get(pk=mediator.pk))


def test_the_setting_turns_it_off(world, client, settings, sms_outbox):
    settings.TWO_FACTOR_REQUIRED = False
    assert password_step(client, world.bureau_admin)["Location"] == reverse("workspace")


def test_staff_cannot_sign_in_by_sms_alone(world, client, sms_outbox):
    url = reverse("accounts:sms_login")
    phone = world.street_staff_a.phone
    client.post(url, {"phone": phone, "send": "1"})
    response = client.post(url, {"phone": phone, "code": last_code(sms_outbox, phone)})
    assert "管理人员账号请使用密码登录，并完成二次验证" in response.content.decode()
    assert "_auth_user_id" not in client.session


# --- wrong input ---


def test_wrong_and_malformed_codes(world, client, sms_outbox):
    password_step(client, world.bureau_admin)
    code = last_code(sms_outbox, world.bureau_admin.phone)
    malformed = client.post(reverse(VERIFY), {"code": "12ab"})
    assert "验证码应为 6 位数字" in malformed.content.decode()
    response = client.post(reverse(VERIFY), {"code": wrong(code)})
    assert "验证码不正确" in response.content.decode()
    assert "_auth_user_id" not in client.session
    failure = LoginLog.objects.get(method=LoginLog.Method.SECOND_FACTOR)
    assert (failure.user, failure.success) == (world.bureau_admin, False)
    assert client.post(reverse(VERIFY), {"code": code}).status_code == 302


def test_wrong_codes_count_for_the_lockout(world, client, sms_outbox, settings):
    settings.LOGIN_LOCKOUT_FAILURES = 2
    password_step(client, world.bureau_admin)
    code = last_code(sms_outbox, world.bureau_admin.phone)
    client.post(reverse(VERIFY), {"code": wrong(code)})
    response = client.post(reverse(VERIFY), {"code": wrong(code)}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("accounts:login")
    assert "账号已锁定" in response.content.decode()
    assert client.get(reverse(VERIFY))["Location"] == reverse("accounts:login")  # step gone
    assert "账号已锁定" in password_step(client, world.bureau_admin).content.decode()


def test_the_second_step_expires(world, client, sms_outbox, clock, settings):
    password_step(client, world.bureau_admin)
    clock.move(seconds=settings.TWO_FACTOR_PENDING_SECONDS + 1)
    code = last_code(sms_outbox, world.bureau_admin.phone)
    response = client.post(reverse(VERIFY), {"code": code}, follow=True)
    assert "验证已超时，请重新登录" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_no_second_step_without_a_password(client, db):
    assert client.get(reverse(VERIFY))["Location"] == reverse("accounts:login")


def test_resend_respects_the_sms_limits(world, client, sms_outbox, settings):
    password_step(client, world.bureau_admin)
    response = client.post(reverse(VERIFY), {"send": "1"}, follow=True)
    assert "秒后再试" in response.content.decode() and len(sms_outbox) == 1
    settings.SMS_CODE_RESEND_SECONDS = 0
    client.post(reverse(VERIFY), {"send": "1"})
    assert len(sms_outbox) == 2


# --- the authenticator app ---


def enrol(client, *, right=True):  # type: ignore[no-untyped-def]
    client.post(reverse("accounts:security"), {"action": "start"})
    page = client.get(reverse("accounts:security")).content.decode()
    found = re.search(r'<code class="user-select-all">([A-Z2-7]+)</code>', page)
    assert found is not None
    secret = found.group(1)
    code = totp.code_at(secret, totp.current_step())
    data = {"action": "confirm", "code": code if right else wrong(code)}
    return secret, client.post(reverse("accounts:security"), data)


def test_enrolling_an_authenticator(world, client_for):
    client = client_for(world.bureau_admin)
    page = client.get(reverse("accounts:security")).content.decode()
    assert "当前方式：<strong>短信验证码" in page
    secret, bad = enrol(client, right=False)
    assert "动态口令不正确" in bad.content.decode()
    assert User.objects.get(pk=world.bureau_admin.pk).two_factor_method == "sms"
    response = client.post(
        reverse("accounts:security"),
        {"action": "confirm", "code": totp.code_at(secret, totp.current_step())},
        follow=True,
    )
    assert "已启用身份验证器" in response.content.decode()
    assert secret not in response.content.decode()  # never shown again
    user = User.objects.get(pk=world.bureau_admin.pk)
    assert user.two_factor_method == "totp" and secret not in user.totp_secret
    assert totp.unseal(user.totp_secret) == secret


def test_signing_in_with_the_authenticator_and_no_replay(world, client, client_for, sms_outbox):
    secret, _ = enrol(client_for(world.bureau_admin))
    client.post(reverse("accounts:logout"))
    User.objects.filter(pk=world.bureau_admin.pk).update(totp_last_step=None)
    password_step(client, world.bureau_admin)
    assert sms_outbox == []  # no SMS with an authenticator
    assert "身份验证器" in client.get(reverse(VERIFY)).content.decode()
    code = totp.code_at(secret, totp.current_step())
    assert client.post(reverse(VERIFY), {"code": code}).status_code == 302
    log = LoginLog.objects.get(success=True, method="password")
    assert log.reason == "二次验证：动态口令（身份验证器）"
    client.post(reverse("accounts:logout"))
    password_step(client, world.bureau_admin)
    replay = client.post(reverse(VERIFY), {"code": code})
    assert "动态口令不正确或已使用" in replay.content.decode()
    assert "_auth_user_id" not in client.session


def test_an_authenticator_user_may_fall_back_to_sms(world, client, client_for, sms_outbox):
    enrol(client_for(world.bureau_admin))
    client.post(reverse("accounts:logout"))
    password_step(client, world.bureau_admin)
    client.post(reverse(VERIFY), {"send": "1"})
    assert "短信验证码" in client.get(reverse(VERIFY)).content.decode()
    response = client.post(
        reverse(VERIFY), {"code": last_code(sms_outbox, world.bureau_admin.phone)}
    )
    assert response.status_code == 302


def test_disabling_the_authenticator_needs_a_current_code(world, client_for):
    client = client_for(world.bureau_admin)
    secret, _ = enrol(client)
    User.objects.filter(pk=world.bureau_admin.pk).update(totp_last_step=None)
    bad = client.post(reverse("accounts:security"), {"action": "disable", "code": "12ab"})
    assert "验证码应为 6 位数字" in bad.content.decode()
    code = totp.code_at(secret, totp.current_step())
    client.post(reverse("accounts:security"), {"action": "disable", "code": wrong(code)})
    assert User.objects.get(pk=world.bureau_admin.pk).two_factor_method == "totp"
    client.post(reverse("accounts:security"), {"action": "disable", "code": code})
    user = User.objects.get(pk=world.bureau_admin.pk)
    assert (user.two_factor_method, user.totp_secret) == ("sms", "")


def test_security_page_needs_a_user(client, db):
    assert client.get(reverse("accounts:security"))["Location"].startswith("/accounts/login/")


def test_the_admin_signs_in_through_the_site(world, client):
    response = client.get("/admin/login/?next=/admin/regions/")
    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2Fregions%2F"
    assert client.get("/admin/")["Location"].startswith("/admin/login/")
