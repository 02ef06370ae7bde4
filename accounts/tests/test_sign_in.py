"""Sign-in by password and by SMS code, and the login log."""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import SmsCode, User
from accounts.services import send_login_code, verify_login_code
from core.models import LoginLog
from core.testing import PASSWORD, make_user


def code_from(outbox):
    match = re.search(r"\d{6}", outbox[-1][1])
    assert match is not None
    return match.group(0)


def test_sms_code_signs_in_and_is_single_use(db, sms_outbox):
    send_login_code(phone="13912345678")
    assert sms_outbox[-1][0] == "13912345678"
    code = code_from(sms_outbox)
    user, created = verify_login_code(phone="13912345678", code=code)
    assert created and user.phone == "13912345678"
    assert hasattr(user, "resident_profile")  # a new phone is a resident
    with pytest.raises(ValidationError, match="已失效"):
        verify_login_code(phone="13912345678", code=code)


def test_sms_code_stored_hashed(db, sms_outbox):
    sms = send_login_code(phone="13912345678")
    assert code_from(sms_outbox) not in sms.code_hash


def test_sms_code_expires(db, sms_outbox):
    sms = send_login_code(phone="13912345678")
    SmsCode.objects.filter(pk=sms.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(ValidationError, match="已失效"):
        verify_login_code(phone="13912345678", code=code_from(sms_outbox))
    assert not User.objects.filter(phone="13912345678").exists()


def test_wrong_codes_lock_the_code(db, sms_outbox, settings):
    send_login_code(phone="13912345678")
    good = code_from(sms_outbox)
    wrong = "000000" if good != "000000" else "111111"
    for _ in range(settings.SMS_CODE_MAX_ATTEMPTS):
        with pytest.raises(ValidationError, match="不正确"):
            verify_login_code(phone="13912345678", code=wrong)
    with pytest.raises(ValidationError, match="次数过多"):
        verify_login_code(phone="13912345678", code=good)


def test_sms_rate_limits(db, sms_outbox, settings):
    send_login_code(phone="13912345678")
    with pytest.raises(ValidationError, match="秒后再试"):
        send_login_code(phone="13912345678")
    settings.SMS_CODE_RESEND_SECONDS = 0
    for _ in range(settings.SMS_CODE_MAX_PER_HOUR - 1):
        send_login_code(phone="13912345678")
    with pytest.raises(ValidationError, match="过于频繁"):
        send_login_code(phone="13912345678")
    assert len(sms_outbox) == settings.SMS_CODE_MAX_PER_HOUR


def test_malformed_phone_sends_nothing(db, sms_outbox):
    with pytest.raises(ValidationError, match="手机号"):
        send_login_code(phone="1234")
    assert sms_outbox == [] and not SmsCode.objects.exists()


def test_inactive_user_cannot_sign_in_by_sms(world, sms_outbox):
    world.resident.is_active = False
    world.resident.save()
    send_login_code(phone=world.resident.phone)
    with pytest.raises(ValidationError, match="停用"):
        verify_login_code(phone=world.resident.phone, code=code_from(sms_outbox))


def test_password_login_page(world, client):
    # A lawyer needs no second factor (accounts/tests/test_two_factor.py for staff).
    response = client.post(
        reverse("accounts:login"), {"phone": world.lawyer_f.phone, "password": PASSWORD}
    )
    assert response.status_code == 302 and response.url == reverse("workspace")
    log = LoginLog.objects.get()
    assert log.success and log.user == world.lawyer_f and log.district_id == world.district.pk


def test_password_login_failure_is_logged_and_explained(world, client):
    response = client.post(
        reverse("accounts:login"), {"phone": world.bureau_admin.phone, "password": "wrong"}
    )
    assert response.status_code == 200
    assert "手机号或密码不正确" in response.content.decode()
    log = LoginLog.objects.get()
    assert not log.success and log.user == world.bureau_admin
    assert "_auth_user_id" not in client.session


def test_password_login_rejects_malformed_phone(db, client):
    response = client.post(reverse("accounts:login"), {"phone": "abc", "password": "x"})
    assert "手机号格式不正确" in response.content.decode()


def test_full_width_phone_is_accepted(world, client):
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in world.bureau_admin.phone)
    response = client.post(reverse("accounts:login"), {"phone": full_width, "password": PASSWORD})
    assert response.status_code == 302


def test_sms_login_page_flow(db, client, sms_outbox):
    url = reverse("accounts:sms_login")
    page = client.post(url, {"phone": "13912340000", "send": "1"}, follow=True)
    assert "验证码已发送" in page.content.decode()
    response = client.post(
        url, {"phone": "13912340000", "code": code_from(sms_outbox), "login": "1"}
    )
    assert response.status_code == 302
    assert LoginLog.objects.filter(method="sms", success=True).count() == 1


def test_sms_login_wrong_code_logged(db, client, sms_outbox):
    url = reverse("accounts:sms_login")
    client.post(url, {"phone": "13912340000", "send": "1"})
    response = client.post(url, {"phone": "13912340000", "code": "99999x", "login": "1"})
    assert response.status_code == 200
    assert "验证码不正确" in response.content.decode()
    assert LoginLog.objects.filter(method="sms", success=False).count() == 1


def test_open_redirect_is_refused(world, client):
    response = client.post(
        reverse("accounts:login"),
        {"phone": world.resident.phone, "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response.url == reverse("workspace")


def test_logout_requires_post_and_logs(world, client):
    client.force_login(world.resident)
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert LoginLog.objects.filter(method="logout", user=world.resident).exists()


def test_a_users_phone_is_cleaned_to_its_eleven_digits(db):
    user = make_user("号码")
    user.phone = "+86 139-1234-5678"
    user.clean()
    assert user.phone == "13912345678"
