"""Signing in: SMS codes (send, verify) and the login log."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import SmsCode, User
from accounts.sms import SmsError, send_sms
from core.audit import district_of
from core.models import LoginLog
from core.validators import normalize_phone, validate_phone

# Sent with ``user`` when a phone signs in by SMS for the first time (a new resident).
user_registered = Signal()


def clean_phone(raw: str) -> str:
    phone = normalize_phone(raw)
    validate_phone(phone)
    return phone


def send_login_code(*, phone: str, ip: str | None = None) -> SmsCode:
    """Send a 6-digit login code. Raises ValidationError (in Chinese) when the phone is
    malformed or codes are asked for too often; then nothing is sent or stored."""
    phone = clean_phone(phone)
    now = timezone.now()
    recent = SmsCode.objects.filter(phone=phone, purpose=SmsCode.Purpose.LOGIN)
    last = recent.order_by("-created_at").first()
    if last and (now - last.created_at).total_seconds() < settings.SMS_CODE_RESEND_SECONDS:
        wait = settings.SMS_CODE_RESEND_SECONDS - int((now - last.created_at).total_seconds())
        raise ValidationError(_("验证码已发送，请 %(s)s 秒后再试") % {"s": wait}, code="too_soon")
    if recent.filter(created_at__gte=now - timedelta(hours=1)).count() >= (
        settings.SMS_CODE_MAX_PER_HOUR
    ):
        raise ValidationError(_("该手机号获取验证码过于频繁，请一小时后再试"), code="too_many")
    code = f"{secrets.randbelow(10**6):06d}"
    with transaction.atomic():
        sms = SmsCode.objects.create(
            phone=phone,
            purpose=SmsCode.Purpose.LOGIN,
            code_hash=make_password(code),
            created_at=now,
            expires_at=now + timedelta(seconds=settings.SMS_CODE_TTL_SECONDS),
            ip=ip,
        )
        minutes = settings.SMS_CODE_TTL_SECONDS // 60
        try:
            send_sms(
                phone, f"【尚法云】您的登录验证码是 {code}，{minutes} 分钟内有效。请勿告诉他人。"
            )
        except SmsError as exc:
            raise ValidationError(_("短信发送失败，请稍后再试"), code="sms_failed") from exc
    return sms


def verify_login_code(*, phone: str, code: str) -> tuple[User, bool]:
    """Check a login code and return (user, created). A code works once, within its
    time, and after too many wrong tries the code is dead. Unknown phones become new
    resident accounts (验证码登录即注册)."""
    phone = clean_phone(phone)
    code = (code or "").strip()
    now = timezone.now()
    error: ValidationError | None = None
    with transaction.atomic():
        sms = (
            SmsCode.objects.select_for_update()
            .filter(phone=phone, purpose=SmsCode.Purpose.LOGIN, used_at__isnull=True)
            .order_by("-created_at")
            .first()
        )
        if sms is None or sms.expires_at <= now:
            error = ValidationError(_("验证码已失效，请重新获取"), code="expired")
        elif sms.attempts >= settings.SMS_CODE_MAX_ATTEMPTS:
            error = ValidationError(_("验证码错误次数过多，请重新获取"), code="locked")
        elif not check_password(code, sms.code_hash):
            # Counted in its own committed transaction: the error must not undo it.
            SmsCode.objects.filter(pk=sms.pk).update(attempts=sms.attempts + 1)
            error = ValidationError(_("验证码不正确"), code="wrong")
        else:
            SmsCode.objects.filter(pk=sms.pk).update(used_at=now)
    if error is not None:
        raise error
    with transaction.atomic():
        user = User.objects.filter(phone=phone).first()
        if user is not None:
            if not user.is_active:
                raise ValidationError(_("该账号已停用，请联系管理员"), code="inactive")
            return user, False
        user = User.objects.create_user(phone)
        user_registered.send(sender=User, user=user)
        return user, True


def record_login(
    *,
    request: Any,
    phone: str,
    method: str,
    success: bool,
    user: User | None = None,
    reason: str = "",
) -> LoginLog:
    from core.context import client_ip

    if user is None and phone:
        user = User.objects.filter(phone=normalize_phone(phone)).first()
    return LoginLog.objects.create(
        user=user,
        phone=normalize_phone(phone)[:32],
        method=method,
        success=success,
        reason=reason[:200],
        ip=client_ip(request) if request is not None else None,
        user_agent=(request.META.get("HTTP_USER_AGENT", "") if request is not None else "")[:300],
        district_id=district_of(user) if user is not None else None,
    )
