"""忘记密码: a code sent to the account's phone, then a new password; nothing else."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import SmsCode, User
from accounts.tests.conftest import last_code
from core.models import LoginLog
from core.testing import PASSWORD

URL = "/accounts/password/reset/"
NEW = "Lighthouse-2046"


def test_the_login_page_links_the_reset_page(db, client):
    body = client.get(reverse("accounts:login")).content.decode()
    assert f'href="{reverse("accounts:password_reset")}"' in body and "忘记密码" in body
    assert reverse("accounts:password_reset") == URL


def _send(client, phone):
    return client.post(URL, {"phone": phone, "send": "1"}, follow=True)


def _reset(client, phone, code, password=NEW, again=None):
    data = {"phone": phone, "code": code, "password1": password, "password2": again or password}
    return client.post(URL, {**data, "reset": "1"})


@pytest.mark.parametrize("persona", ["resident", "bureau_admin"])
def test_a_code_and_a_new_password_set_the_password(world, client, sms_outbox, persona):
    user = getattr(world, persona)
    sent = _send(client, user.phone).content.decode()
    assert "如该手机号已注册，验证码已发送" in sent
    assert "找回密码" in sms_outbox[-1][1]
    response = _reset(client, user.phone, last_code(sms_outbox, user.phone))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?phone={user.phone}"
    assert "_auth_user_id" not in client.session  # nobody is signed in by a reset
    user.refresh_from_db()
    assert user.check_password(NEW) and not user.check_password(PASSWORD)
    log = LoginLog.objects.filter(method=LoginLog.Method.RESET).get()
    assert log.success and log.user == user and log.reason == "短信验证码找回密码"
    # The login page comes back with the phone filled in; staff still pass the second factor.
    page = client.get(response["Location"]).content.decode()
    assert f'value="{user.phone}"' in page and "密码已重新设置，请用新密码登录" in page
    signed = client.post(reverse("accounts:login"), {"phone": user.phone, "password": NEW})
    expected = reverse("accounts:two_factor") if persona == "bureau_admin" else reverse("workspace")
    assert signed.status_code == 302 and signed["Location"] == expected


def test_an_unknown_phone_gets_the_same_answer_and_no_message(db, client, sms_outbox):
    body = _send(client, "13912340077").content.decode()
    assert "如该手机号已注册，验证码已发送" in body
    assert sms_outbox == [] and not SmsCode.objects.exists()
    assert not User.objects.filter(phone="13912340077").exists()  # no account made
    refused = _reset(client, "13912340077", "123456")
    assert refused.status_code == 200 and "验证码已失效，请重新获取" in refused.content.decode()


def test_a_stopped_account_gets_no_code(world, client, sms_outbox):
    User.objects.filter(pk=world.resident.pk).update(is_active=False)
    _send(client, world.resident.phone)
    assert sms_outbox == []


def test_wrong_inputs_change_nothing(world, client, sms_outbox):
    user = world.resident
    before = User.objects.get(pk=user.pk).password
    _send(client, user.phone)
    code = last_code(sms_outbox, user.phone)
    cases = [
        ({"code": ""}, "请填写短信验证码"),
        ({"password": ""}, "请填写新密码"),
        ({"again": "Another-2046"}, "两次输入的新密码不一致"),
        ({"password": "12345678"}, "这个密码太常见了"),
        ({"code": "000000" if code != "000000" else "111111"}, "验证码不正确"),
    ]
    for change, message in cases:
        response = _reset(
            client,
            user.phone,
            change.get("code", code),
            password=change.get("password", NEW),
            again=change.get("again"),
        )
        assert response.status_code == 200
        assert message in response.content.decode(), message
    assert User.objects.get(pk=user.pk).password == before
    # A weak password did not use up the code, a wrong code counted once: the code still works.
    assert SmsCode.objects.get().attempts == 1
    assert _reset(client, user.phone, code).status_code == 302
    malformed = client.post(URL, {"phone": "123", "send": "1"})
    assert "手机号" in malformed.content.decode() and len(sms_outbox) == 1


def test_staff_passwords_follow_the_staff_rules(world, client, sms_outbox):
    user = world.bureau_admin
    _send(client, user.phone)
    response = _reset(client, user.phone, last_code(sms_outbox, user.phone), password="lighthouse")
    assert "密码须包含小写字母、大写字母、数字、符号中的至少 3 类" in response.content.decode()
    assert User.objects.get(pk=user.pk).check_password(PASSWORD)


def test_wrong_codes_count_for_the_lockout(world, client, sms_outbox, settings):
    user = world.resident
    _send(client, user.phone)
    for _ in range(settings.LOGIN_LOCKOUT_FAILURES):
        _reset(client, user.phone, "000000")
    locked = _reset(client, user.phone, last_code(sms_outbox, user.phone)).content.decode()
    assert "锁定" in locked
    assert User.objects.get(pk=user.pk).check_password(PASSWORD)
    assert _send(client, user.phone).content.decode().count("锁定") >= 1
    assert len(sms_outbox) == 1  # no code sent while locked
