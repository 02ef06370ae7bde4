"""Signing in to the API: password → token, SMS code → token, logout, me."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

from accounts.models import SmsCode, User
from api.testing import api_client
from api.views import LoginRateThrottle
from core.models import LoginLog
from core.testing import PASSWORD
from regions.models import ResidentProfile


def token_client(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def requests_allowed(rate: str | None) -> int:
    """5 for "5/hour"."""
    return int(str(rate).split("/")[0])


def last_code(outbox: list[tuple[str, str]], phone: str) -> str:
    sent_to, message = outbox[-1]
    assert sent_to == phone
    match = re.search(r"验证码是 (\d{6})", message)
    assert match
    return match.group(1)


# Password → token


def test_password_login_gives_a_working_token(world, sms_outbox):
    payload = {"phone": world.street_staff_a.phone, "password": PASSWORD}
    first = APIClient().post("/api/auth/token/", payload)
    assert first.status_code == 400  # staff pass a second factor: a code is sent first
    assert first.json()["errors"]["otp"][0].startswith("需要二次验证：验证码已发送至 ")
    assert not Token.objects.exists()
    payload["otp"] = last_code(sms_outbox, world.street_staff_a.phone)
    response = APIClient().post("/api/auth/token/", payload)
    assert response.status_code == 200
    body = response.json()
    assert body["token"] == Token.objects.get(user=world.street_staff_a).key
    assert body["is_new"] is False
    assert body["user"]["id"] == world.street_staff_a.pk
    log = LoginLog.objects.get(user=world.street_staff_a)
    assert (log.method, log.success) == (LoginLog.Method.TOKEN, True)
    assert log.district_id == world.district.pk
    world.street_staff_a.refresh_from_db()
    assert world.street_staff_a.last_login is not None

    me = token_client(body["token"]).get("/api/me/")
    assert me.status_code == 200
    assert me.json()["id"] == world.street_staff_a.pk


def test_password_login_accepts_a_formatted_phone(world):
    phone = world.resident.phone
    formatted = f"+86 {phone[:3]}-{phone[3:7]}-{phone[7:]}"
    response = APIClient().post("/api/auth/token/", {"phone": formatted, "password": PASSWORD})
    assert response.status_code == 200


def test_wrong_password_is_refused_and_logged(world):
    response = APIClient().post(
        "/api/auth/token/", {"phone": world.resident.phone, "password": "wrong"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["message"] == "手机号或密码不正确"
    assert not Token.objects.exists()
    log = LoginLog.objects.get()
    assert (log.user, log.success, log.method) == (world.resident, False, LoginLog.Method.TOKEN)
    assert log.reason == "手机号或密码不正确"


def test_malformed_phone_is_refused_in_chinese(db):
    response = APIClient().post("/api/auth/token/", {"phone": "12345", "password": "x"})
    assert response.status_code == 400
    assert response.json()["message"] == "手机号：手机号格式不正确，应为 11 位中国大陆手机号"
    assert LoginLog.objects.get().success is False


def test_inactive_user_cannot_get_a_token(world):
    User.objects.filter(pk=world.resident.pk).update(is_active=False)
    response = APIClient().post(
        "/api/auth/token/", {"phone": world.resident.phone, "password": PASSWORD}
    )
    assert response.status_code == 400
    assert not Token.objects.exists()


def test_a_stale_token_does_not_block_signing_in(world):
    response = APIClient().post(
        "/api/auth/token/",
        {"phone": world.resident.phone, "password": PASSWORD},
        HTTP_AUTHORIZATION="Token " + "0" * 40,
    )
    assert response.status_code == 200


def test_password_guessing_is_throttled(world, settings):
    # The lockout (test_lockout_*) would answer first: this tests the throttle alone.
    settings.LOGIN_LOCKOUT_FAILURES = settings.LOGIN_LOCKOUT_IP_FAILURES = 100
    limit = requests_allowed(LoginRateThrottle().get_rate())
    client = APIClient()
    payload = {"phone": world.resident.phone, "password": "x"}
    statuses = [client.post("/api/auth/token/", payload).status_code for _ in range(limit + 1)]
    assert statuses == [400] * limit + [429]
    assert not Token.objects.exists()


# SMS code → token


def test_sms_code_login_for_an_existing_user(world, sms_outbox):
    phone = world.lawyer_f.phone
    sent = APIClient().post("/api/auth/sms-codes/", {"phone": phone})
    assert sent.status_code == 201
    assert sent.json()["expires_in"] == 300
    code = last_code(sms_outbox, phone)

    response = APIClient().post("/api/auth/sms-login/", {"phone": phone, "code": code})
    assert response.status_code == 200
    body = response.json()
    assert body["is_new"] is False
    assert body["user"]["id"] == world.lawyer_f.pk
    assert token_client(body["token"]).get("/api/me/").status_code == 200
    log = LoginLog.objects.get()
    assert (log.user, log.method, log.success) == (world.lawyer_f, LoginLog.Method.SMS, True)


def test_sms_code_login_registers_a_new_resident(db, sms_outbox):
    phone = "13700001111"
    APIClient().post("/api/auth/sms-codes/", {"phone": phone})
    response = APIClient().post(
        "/api/auth/sms-login/", {"phone": phone, "code": last_code(sms_outbox, phone)}
    )
    assert response.status_code == 200
    assert response.json()["is_new"] is True
    user = User.objects.get(phone=phone)
    assert ResidentProfile.objects.filter(user=user).exists()
    assert response.json()["user"]["roles"][0]["role_label"] == "居民"


def test_wrong_sms_code_is_refused_and_logged(world, sms_outbox):
    phone = world.resident.phone
    APIClient().post("/api/auth/sms-codes/", {"phone": phone})
    code = last_code(sms_outbox, phone)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    response = APIClient().post("/api/auth/sms-login/", {"phone": phone, "code": wrong})
    assert response.status_code == 400
    assert response.json()["message"] == "验证码：验证码不正确"
    assert not Token.objects.exists()
    log = LoginLog.objects.get()
    assert (log.user, log.success, log.reason) == (world.resident, False, "验证码不正确")


def test_expired_sms_code_is_refused(world, sms_outbox):
    phone = world.resident.phone
    APIClient().post("/api/auth/sms-codes/", {"phone": phone})
    code = last_code(sms_outbox, phone)
    SmsCode.objects.filter(phone=phone).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = APIClient().post("/api/auth/sms-login/", {"phone": phone, "code": code})
    assert response.status_code == 400
    assert response.json()["errors"] == {"code": ["验证码已失效，请重新获取"]}
    assert not Token.objects.exists()


def test_sms_code_dies_after_too_many_wrong_tries(world, sms_outbox, settings):
    settings.LOGIN_LOCKOUT_FAILURES = settings.LOGIN_LOCKOUT_IP_FAILURES = 100
    phone = world.resident.phone
    APIClient().post("/api/auth/sms-codes/", {"phone": phone})
    code = last_code(sms_outbox, phone)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for _ in range(settings.SMS_CODE_MAX_ATTEMPTS):
        APIClient().post("/api/auth/sms-login/", {"phone": phone, "code": wrong})
    response = APIClient().post("/api/auth/sms-login/", {"phone": phone, "code": code})
    assert response.status_code == 400
    assert response.json()["errors"] == {"code": ["验证码错误次数过多，请重新获取"]}
    assert not Token.objects.exists()


def test_sms_code_works_once(world, sms_outbox):
    phone = world.resident.phone
    APIClient().post("/api/auth/sms-codes/", {"phone": phone})
    payload = {"phone": phone, "code": last_code(sms_outbox, phone)}
    assert APIClient().post("/api/auth/sms-login/", payload).status_code == 200
    again = APIClient().post("/api/auth/sms-login/", payload)
    assert again.status_code == 400
    assert again.json()["errors"] == {"code": ["验证码已失效，请重新获取"]}


def test_malformed_sms_code_is_refused(world):
    response = APIClient().post(
        "/api/auth/sms-login/", {"phone": world.resident.phone, "code": "12ab"}
    )
    assert response.status_code == 400
    assert response.json()["message"] == "验证码：验证码应为 6 位数字"


def test_sms_codes_cannot_be_requested_too_often(world, sms_outbox, settings):
    settings.SMS_CODE_RESEND_SECONDS = 60
    client = APIClient()
    first = client.post("/api/auth/sms-codes/", {"phone": world.resident.phone})
    second = client.post("/api/auth/sms-codes/", {"phone": world.resident.phone})
    assert first.status_code == 201
    assert second.status_code == 400
    assert second.json()["message"].startswith("验证码已发送，请")
    assert len(sms_outbox) == 1


def test_sms_code_requests_are_throttled_per_address(db, sms_outbox):
    limit = requests_allowed(ScopedRateThrottle.THROTTLE_RATES["sms"])
    client = APIClient()
    statuses = [
        client.post("/api/auth/sms-codes/", {"phone": f"1370000{n:04d}"}).status_code
        for n in range(limit + 1)
    ]
    assert statuses == [201] * limit + [429]
    assert len(sms_outbox) == limit


def test_sms_code_for_a_malformed_phone_sends_nothing(db, sms_outbox):
    response = APIClient().post("/api/auth/sms-codes/", {"phone": "0571-1234"})
    assert response.status_code == 400
    assert response.json()["errors"]["phone"] == ["手机号格式不正确，应为 11 位中国大陆手机号"]
    assert sms_outbox == []


# Logout, me


def test_logout_deletes_the_token(world):
    key = (
        APIClient()
        .post("/api/auth/token/", {"phone": world.resident.phone, "password": PASSWORD})
        .json()["token"]
    )
    client = token_client(key)
    assert client.post("/api/auth/logout/").status_code == 204
    assert not Token.objects.filter(user=world.resident).exists()
    assert client.get("/api/me/").status_code == 401
    log = LoginLog.objects.filter(method=LoginLog.Method.LOGOUT).get()
    assert log.user == world.resident


def test_logout_ends_the_session_too(world):
    client = APIClient()
    assert client.login(phone=world.resident.phone, password=PASSWORD)
    assert client.post("/api/auth/logout/").status_code == 204
    assert client.get("/api/me/").status_code == 401


@pytest.mark.parametrize("url", ["/api/me/", "/api/auth/logout/"])
def test_me_and_logout_need_a_user(db, url):
    client = APIClient()
    response = client.post(url) if "logout" in url else client.get(url)
    assert response.status_code == 401


def test_me_shows_roles_and_only_a_masked_phone(world):
    response = api_client(world.street_staff_a).get("/api/me/")
    body = response.json()
    assert (
        body["masked_phone"]
        == world.street_staff_a.phone[:3] + "****" + world.street_staff_a.phone[-4:]
    )
    assert world.street_staff_a.phone not in response.content.decode()
    assert body["roles"] == [
        {
            "role": "street_staff",
            "role_label": "司法所工作人员",
            "object_id": world.street_a.pk,
            "object_label": "清波街道司法所",
            "district_id": world.district.pk,
        }
    ]


def test_me_lists_every_role_of_a_lawyer(world):
    roles = api_client(world.lawyer_f).get("/api/me/").json()["roles"]
    assert [(r["role"], r["role_label"]) for r in roles] == [("lawyer", "律师")]
    assert roles[0]["object_label"] == "浙江尚法律师事务所 · 张律师"


# Lockout and the second factor (GB/T 22239-2019 8.1.4.1)


def test_lockout_after_repeated_wrong_passwords(world, settings):
    settings.LOGIN_LOCKOUT_IP_FAILURES = settings.LOGIN_LOCKOUT_FAILURES  # both lock here
    wrong = {"phone": world.resident.phone, "password": "wrong"}
    statuses = [
        APIClient().post("/api/auth/token/", wrong).status_code
        for _ in range(settings.LOGIN_LOCKOUT_FAILURES)
    ]
    assert statuses == [400] * (settings.LOGIN_LOCKOUT_FAILURES - 1) + [429]
    right = APIClient().post(
        "/api/auth/token/", {"phone": world.resident.phone, "password": PASSWORD}
    )
    assert right.status_code == 429
    body = right.json()
    assert body["code"] == "account_locked"
    assert body["message"].startswith("登录失败次数过多，账号已锁定，请于 ")
    assert 0 < int(right["Retry-After"]) <= settings.LOGIN_LOCKOUT_SECONDS
    assert not Token.objects.exists()
    # The same failures from one address locked the address too (counted apart).
    account, address = LoginLog.objects.filter(method=LoginLog.Method.LOCKOUT).order_by("id")
    assert account.user == world.resident and account.reason.startswith("锁定：登录失败次数过多")
    assert address.user is None and address.phone == "" and address.ip == "127.0.0.1"


def test_lockout_stops_sms_codes_and_sms_sign_in(world, sms_outbox, settings):
    settings.LOGIN_LOCKOUT_FAILURES = 1
    phone = world.resident.phone
    APIClient().post("/api/auth/token/", {"phone": phone, "password": "wrong"})
    sent = APIClient().post("/api/auth/sms-codes/", {"phone": phone})
    assert sent.status_code == 429 and sent.json()["code"] == "account_locked"
    assert sms_outbox == []
    login = APIClient().post("/api/auth/sms-login/", {"phone": phone, "code": "123456"})
    assert login.status_code == 429


def test_a_lock_ends_after_its_time(world, settings, monkeypatch):
    settings.LOGIN_LOCKOUT_FAILURES = 1
    APIClient().post("/api/auth/token/", {"phone": world.resident.phone, "password": "x"})
    later = timezone.now() + timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS + 1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    response = APIClient().post(
        "/api/auth/token/", {"phone": world.resident.phone, "password": PASSWORD}
    )
    assert response.status_code == 200


def test_wrong_second_factor_is_refused_counted_and_logged(world, sms_outbox, settings):
    settings.LOGIN_LOCKOUT_FAILURES = 2
    payload = {"phone": world.bureau_admin.phone, "password": PASSWORD}
    APIClient().post("/api/auth/token/", payload)
    code = last_code(sms_outbox, world.bureau_admin.phone)
    payload["otp"] = f"{(int(code) + 1) % 10**6:06d}"
    response = APIClient().post("/api/auth/token/", payload)
    assert response.status_code == 400
    # One try left before the lock: the person is told.
    assert response.json()["message"] == "二次验证码：验证码不正确（再错 1 次，账号将锁定 30 分钟）"
    log = LoginLog.objects.get(method=LoginLog.Method.SECOND_FACTOR)
    assert (log.user, log.success) == (world.bureau_admin, False)
    assert APIClient().post("/api/auth/token/", payload).status_code == 429  # 2nd failure
    payload["otp"] = code
    assert APIClient().post("/api/auth/token/", payload).status_code == 429
    assert not Token.objects.exists()


def test_malformed_second_factor_is_refused(world):
    payload = {"phone": world.bureau_admin.phone, "password": PASSWORD, "otp": "12ab"}
    response = APIClient().post("/api/auth/token/", payload)
    assert response.status_code == 400
    assert response.json()["message"] == "二次验证码：二次验证码应为 6 位数字"


def test_staff_cannot_sign_in_to_the_api_by_sms_alone(world, sms_outbox):
    phone = world.community_staff_a1.phone
    APIClient().post("/api/auth/sms-codes/", {"phone": phone})
    response = APIClient().post(
        "/api/auth/sms-login/", {"phone": phone, "code": last_code(sms_outbox, phone)}
    )
    assert response.status_code == 400
    assert response.json()["message"] == "管理人员账号请使用密码登录，并完成二次验证"
    assert not Token.objects.exists()


def test_expired_privileged_password_gets_no_token(world, settings):
    old = timezone.now() - timedelta(days=settings.PASSWORD_MAX_AGE_DAYS + 1)
    User.objects.filter(pk=world.lawyer_f.pk).update(password_changed_at=old)
    response = APIClient().post(
        "/api/auth/token/", {"phone": world.lawyer_f.phone, "password": PASSWORD}
    )
    assert response.status_code == 400
    assert "密码已超过 90 天未修改" in response.json()["message"]
    assert not Token.objects.exists()
    # A resident's old password does not expire.
    User.objects.filter(pk=world.resident.pk).update(password_changed_at=old)
    response = APIClient().post(
        "/api/auth/token/", {"phone": world.resident.phone, "password": PASSWORD}
    )
    assert response.status_code == 200


# 忘记密码: a code, then a new password (no token: the new password signs in)


def test_a_forgotten_password_is_reset_with_a_code(world, sms_outbox):
    phone = world.resident.phone
    sent = APIClient().post("/api/auth/password-reset-codes/", {"phone": phone})
    assert sent.status_code == 201
    assert sent.json()["message"] == "如该手机号已注册，验证码已发送，请查收短信"
    code = last_code(sms_outbox, phone)
    weak = APIClient().post(
        "/api/auth/password-reset/", {"phone": phone, "code": code, "new_password": "12345678"}
    )
    assert weak.status_code == 400 and weak.json()["message"].startswith("新密码：")
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    refused = APIClient().post(
        "/api/auth/password-reset/", {"phone": phone, "code": wrong, "new_password": "Harbor-2046"}
    )
    assert refused.status_code == 400 and refused.json()["message"] == "验证码：验证码不正确"
    assert User.objects.get(pk=world.resident.pk).check_password(PASSWORD)
    done = APIClient().post(
        "/api/auth/password-reset/", {"phone": phone, "code": code, "new_password": "Harbor-2046"}
    )
    assert done.status_code == 200 and "token" not in done.json()
    assert done.json()["message"] == "密码已重新设置，请用新密码登录"
    assert User.objects.get(pk=world.resident.pk).check_password("Harbor-2046")
    token = APIClient().post("/api/auth/token/", {"phone": phone, "password": "Harbor-2046"})
    assert token.status_code == 200


def test_an_unknown_phone_gets_the_same_answer_from_the_api(db, sms_outbox):
    sent = APIClient().post("/api/auth/password-reset-codes/", {"phone": "13700002222"})
    assert sent.status_code == 201
    assert sent.json()["message"] == "如该手机号已注册，验证码已发送，请查收短信"
    assert sms_outbox == [] and not User.objects.filter(phone="13700002222").exists()
