"""Signing in: SMS codes (send, verify), passwords, the second factor, lockout, the
login log; changing passwords and the second-factor method; security auditors."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any, NoReturn, cast

from django.conf import settings
from django.contrib.auth import SESSION_KEY, authenticate, login
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import lockout, policy, totp
from accounts.models import SmsCode, User
from accounts.sms import SmsError, send_sms
from core.audit import district_of, record
from core.context import client_ip
from core.models import LoginLog, OperationLog
from core.scope import forget_principal
from core.validators import normalize_phone, validate_phone

# Sent with ``user`` when a phone signs in by SMS for the first time (a new resident).
user_registered = Signal()

# Session keys: when the user signed in, was last seen, and how (accounts.middleware).
AUTH_AT_KEY = "_shangfa_auth_at"
SEEN_AT_KEY = "_shangfa_seen_at"
AUTH_METHOD_KEY = "_shangfa_auth_method"
# A password checked, the second factor not yet: {"user_id", "method", "next", "at"}.
PENDING_KEY = "_shangfa_2fa_pending"
BACKEND = "django.contrib.auth.backends.ModelBackend"

SMS_TEXT = {
    SmsCode.Purpose.LOGIN: (
        "【尚法云】您的登录验证码是 {code}，{minutes} 分钟内有效。请勿告诉他人。"
    ),
    SmsCode.Purpose.SECOND_FACTOR: (
        "【尚法云】您的二次验证码是 {code}，{minutes} 分钟内有效。如非本人操作，请立即修改密码。"
    ),
    SmsCode.Purpose.RESET: (
        "【尚法云】您正在找回密码，验证码是 {code}，{minutes} 分钟内有效。"
        "如非本人操作，请忽略本短信。"
    ),
}
# The answer to a reset code asked for, whether or not the phone has an account: the
# page does not tell who is registered.
RESET_CODE_SENT = _("如该手机号已注册，验证码已发送，请查收短信")


class SignInError(ValidationError):
    """A refused sign-in step (the message is Chinese); ``lock`` is set when the
    attempt was refused because of, or caused, a lockout."""

    def __init__(self, message: str, code: str, lock: lockout.Lock | None = None) -> None:
        super().__init__(message, code=code)
        self.lock = lock


def clean_phone(raw: str) -> str:
    phone = normalize_phone(raw)
    validate_phone(phone)
    return phone


# --- SMS codes ---


def send_code(*, phone: str, purpose: str, ip: str | None = None) -> SmsCode:
    """Send a 6-digit code. Raises ValidationError (in Chinese) when the phone is
    malformed or codes are asked for too often; then nothing is sent or stored."""
    phone = clean_phone(phone)
    now = timezone.now()
    recent = SmsCode.objects.filter(phone=phone, purpose=purpose)
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
            purpose=purpose,
            code_hash=make_password(code),
            created_at=now,
            expires_at=now + timedelta(seconds=settings.SMS_CODE_TTL_SECONDS),
            ip=ip,
        )
        minutes = settings.SMS_CODE_TTL_SECONDS // 60
        try:
            send_sms(phone, SMS_TEXT[SmsCode.Purpose(purpose)].format(code=code, minutes=minutes))
        except SmsError as exc:
            raise ValidationError(_("短信发送失败，请稍后再试"), code="sms_failed") from exc
    return sms


def check_code(*, phone: str, purpose: str, code: str) -> None:
    """Use up a code. A code works once, within its time; after too many wrong tries
    it is dead. Raises ValidationError (in Chinese) otherwise."""
    code = (code or "").strip()
    now = timezone.now()
    error: ValidationError | None = None
    with transaction.atomic():
        sms = (
            SmsCode.objects.select_for_update()
            .filter(phone=phone, purpose=purpose, used_at__isnull=True)
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


def send_login_code(*, phone: str, ip: str | None = None) -> SmsCode:
    """Send a login code, unless the phone or the address is locked out."""
    lock = lockout.current_lock(phone=normalize_phone(phone), ip=ip)
    if lock is not None:
        raise SignInError(lock.message, "locked", lock)
    return send_code(phone=phone, purpose=SmsCode.Purpose.LOGIN, ip=ip)


def verify_login_code(*, phone: str, code: str) -> tuple[User, bool]:
    """Check a login code and return (user, created). Unknown phones become new
    resident accounts (验证码登录即注册)."""
    phone = clean_phone(phone)
    check_code(phone=phone, purpose=SmsCode.Purpose.LOGIN, code=code)
    with transaction.atomic():
        user = User.objects.filter(phone=phone).first()
        if user is not None:
            if not user.is_active:
                raise ValidationError(_("该账号已停用，请联系管理员"), code="inactive")
            return user, False
        user = User.objects.create_user(phone)
        user_registered.send(sender=User, user=user)
        return user, True


# --- the login log and lockout ---


def record_login(
    *,
    request: Any,
    phone: str,
    method: str,
    success: bool,
    user: User | None = None,
    reason: str = "",
) -> LoginLog:
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


def check_not_locked(*, request: Any, phone: str, method: str) -> None:
    """Refuse (and log) a sign-in attempt while its phone or address is locked."""
    lock = lockout.current_lock(phone=phone, ip=client_ip(request))
    if lock is None:
        return
    record_login(
        request=request, phone=phone, method=method, success=False, reason=f"已锁定：{lock.message}"
    )
    raise SignInError(lock.message, "locked", lock)


def fail_sign_in(
    *, request: Any, phone: str, method: str, message: str, code: str, user: User | None = None
) -> NoReturn:
    """Log a failed attempt, count it for the lockout, and raise SignInError."""
    record_login(
        request=request, phone=phone, method=method, success=False, reason=message, user=user
    )
    failure = lockout.register_failure(phone=phone, ip=client_ip(request))
    locks = failure.locks
    for lock in locks:
        on_phone = lock.scope == lockout.Scope.PHONE
        record_login(
            request=request,
            phone=phone if on_phone else "",
            method=LoginLog.Method.LOCKOUT,
            success=False,
            reason=f"锁定：{lock.message}",
            user=user if on_phone else None,
        )
    if locks:
        raise SignInError(f"{message}。{locks[0].message}", "locked", locks[0])
    warning = failure.warning()
    raise SignInError(f"{message}（{warning}）" if warning else message, code)


def refuse_code(
    *, request: Any, phone: str, method: str, error: ValidationError, user: User | None = None
) -> NoReturn:
    """A refused SMS code (wrong, expired, used up): logged and counted for the lockout
    like a wrong password (fail_sign_in), with the code's own message."""
    fail_sign_in(
        request=request,
        phone=phone,
        method=method,
        message="；".join(error.messages),
        code=str(getattr(error, "code", "") or "invalid"),
        user=user,
    )


def _disable_if_idle(*, request: Any, user: User, method: str) -> None:
    """A privileged account unused for ACCOUNT_IDLE_DAYS is disabled at its next
    sign-in, if the hourly job has not done so yet."""
    if not policy.is_idle(user) or not policy.is_privileged(user):
        return
    disable_idle_account(user)
    message = _("账号超过 %(d)s 天未使用，已停用，请联系管理员") % {"d": settings.ACCOUNT_IDLE_DAYS}
    record_login(
        request=request, phone=user.phone, method=method, success=False, reason=message, user=user
    )
    raise SignInError(message, "idle")


def authenticate_password(*, request: Any, phone: str, password: str, method: str) -> User:
    """The first factor: the phone's password. Raises SignInError (logged, counted)."""
    check_not_locked(request=request, phone=phone, method=method)
    user = authenticate(request, phone=phone, password=password)
    if user is None:
        fail_sign_in(
            request=request,
            phone=phone,
            method=method,
            message=_("手机号或密码不正确"),
            code="invalid_login",
        )
    user = cast(User, user)
    _disable_if_idle(request=request, user=user, method=method)
    return user


def sms_sign_in(*, request: Any, phone: str, code: str) -> tuple[User, bool]:
    """Sign in (or sign up) with an SMS code. Accounts that need a second factor sign
    in with their password instead: the phone alone is one factor."""
    method = LoginLog.Method.SMS
    phone = clean_phone(phone)
    check_not_locked(request=request, phone=phone, method=method)
    try:
        user, created = verify_login_code(phone=phone, code=code)
    except ValidationError as exc:
        refuse_code(request=request, phone=phone, method=method, error=exc)
    if policy.requires_two_factor(user):
        message = _("管理人员账号请使用密码登录，并完成二次验证")
        record_login(
            request=request, phone=phone, method=method, success=False, reason=message, user=user
        )
        raise SignInError(message, "password_required")
    _disable_if_idle(request=request, user=user, method=method)
    return user, created


# --- a forgotten password ---


class WeakPassword(ValidationError):
    """The new password fails a password validator (the messages say which)."""


def send_reset_code(*, phone: str, ip: str | None = None) -> None:
    """Send a password reset code to the phone of an active account (to no one for an
    unknown or stopped phone, answered the same: RESET_CODE_SENT), unless the phone or
    the address is locked out."""
    phone = clean_phone(phone)
    lock = lockout.current_lock(phone=phone, ip=ip)
    if lock is not None:
        raise SignInError(lock.message, "locked", lock)
    if User.objects.filter(phone=phone, is_active=True).exists():
        send_code(phone=phone, purpose=SmsCode.Purpose.RESET, ip=ip)


def reset_password(*, request: Any, phone: str, code: str, password: str) -> User:
    """Set a new password with a reset code sent to the account's phone. The password
    is checked first (a weak one does not use up the code); a wrong code counts for the
    lockout like a wrong sign-in. Nobody is signed in: staff then sign in with the new
    password and their second factor. Raises ValidationError (in Chinese); then
    nothing changes."""
    method = LoginLog.Method.RESET
    phone = clean_phone(phone)
    check_not_locked(request=request, phone=phone, method=method)
    user = User.objects.filter(phone=phone, is_active=True).first()
    if user is not None:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise WeakPassword(exc.messages) from None
    try:
        check_code(phone=phone, purpose=SmsCode.Purpose.RESET, code=code)
    except ValidationError as exc:
        refuse_code(request=request, phone=phone, method=method, error=exc, user=user)
    if user is None:  # a code is sent to active accounts only: stopped since
        raise SignInError(_("该账号已停用，请联系管理员"), "inactive")
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password", "password_changed_at"])
        record_login(
            request=request,
            phone=phone,
            method=method,
            success=True,
            user=user,
            reason=_("短信验证码找回密码"),
        )
    lockout.register_success(phone=phone)
    return user


# --- the second factor ---


def uses_totp(user: User) -> bool:
    return user.two_factor_method == User.TwoFactorMethod.TOTP and bool(user.totp_secret)


def send_second_factor_code(*, request: Any, user: User) -> str:
    """Text the user a second-factor code; returns what to tell them."""
    try:
        send_code(phone=user.phone, purpose=SmsCode.Purpose.SECOND_FACTOR, ip=client_ip(request))
    except ValidationError as exc:
        if getattr(exc, "code", "") != "too_soon":
            raise
        return "；".join(exc.messages)  # the code sent a moment ago still works
    return _("验证码已发送至 %(phone)s") % {"phone": user.masked_phone}


def _check_totp(user: User, code: str) -> bool:
    secret = totp.unseal(user.totp_secret)
    step = totp.matching_step(secret, code) if secret else None
    if step is None:
        return False
    # Claim the step: a code (or an older one) works once, even under concurrency.
    claimed = (
        User.objects.filter(pk=user.pk)
        .exclude(totp_last_step__gte=step)
        .update(totp_last_step=step)
    )
    return claimed == 1


def verify_second_factor(*, request: Any, user: User, code: str, use_sms: bool) -> str:
    """Check the second factor; returns its name for the log. Raises SignInError
    (logged and counted for the lockout like a wrong password)."""
    method = LoginLog.Method.SECOND_FACTOR
    check_not_locked(request=request, phone=user.phone, method=method)
    if use_sms:
        try:
            check_code(phone=user.phone, purpose=SmsCode.Purpose.SECOND_FACTOR, code=code)
        except ValidationError as exc:
            fail_sign_in(
                request=request,
                phone=user.phone,
                method=method,
                message="；".join(exc.messages),
                code="wrong",
                user=user,
            )
        return str(User.TwoFactorMethod.SMS.label)
    if not _check_totp(user, code):
        fail_sign_in(
            request=request,
            phone=user.phone,
            method=method,
            message=_("动态口令不正确或已使用"),
            code="wrong",
            user=user,
        )
    return str(User.TwoFactorMethod.TOTP.label)


def start_second_factor(*, request: Any, user: User, method: str, next_url: str) -> str:
    """Remember in the session that the password was right; send an SMS code unless
    the user has an authenticator. Returns what to tell the user."""
    request.session[PENDING_KEY] = {
        "user_id": user.pk,
        "method": method,
        "next": next_url,
        "at": timezone.now().timestamp(),
        "sms": not uses_totp(user),
    }
    if uses_totp(user):
        return _("请输入身份验证器中的 6 位动态口令")
    return send_second_factor_code(request=request, user=user)


def pending_second_factor(request: Any) -> tuple[User, dict[str, Any]] | None:
    """The user waiting for their second factor in this session, if not too late."""
    pending = request.session.get(PENDING_KEY)
    if not isinstance(pending, dict):
        return None
    age = timezone.now().timestamp() - float(pending.get("at", 0))
    user = User.objects.filter(pk=pending.get("user_id"), is_active=True).first()
    if user is None or age > settings.TWO_FACTOR_PENDING_SECONDS:
        request.session.pop(PENDING_KEY, None)
        return None
    return user, pending


def complete_sign_in(*, request: Any, user: User, method: str, detail: str = "") -> None:
    """Start the user's session (a new session key: django.contrib.auth.login cycles
    it) and log the sign-in."""
    request.session.pop(PENDING_KEY, None)
    login(request, user, backend=BACKEND)
    request.session[AUTH_METHOD_KEY] = method
    record_login(
        request=request, phone=user.phone, method=method, success=True, user=user, reason=detail
    )
    lockout.register_success(phone=user.phone)


def stamp_session(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """user_logged_in receiver: the session's sign-in time (absolute limit) and last
    activity (idle timeout). Runs for every session sign-in, force_login included."""
    session = getattr(request, "session", None)
    if session is None or SESSION_KEY not in session:
        return  # an API token sign-in: no session
    now = timezone.now().timestamp()
    session[AUTH_AT_KEY] = now
    session[SEEN_AT_KEY] = now


# --- passwords, the authenticator, idle accounts, auditors ---


@transaction.atomic
def enable_totp(*, user: User, secret: str, code: str) -> None:
    """Switch the user's second factor to the authenticator app, once it has shown
    that it generates the right codes."""
    step = totp.matching_step(secret, code)
    if step is None:
        raise ValidationError({"code": _("动态口令不正确，请核对手机时间后重试")})
    user.totp_secret = totp.seal(secret)
    user.totp_last_step = step
    user.two_factor_method = User.TwoFactorMethod.TOTP
    user.save(update_fields=["totp_secret", "totp_last_step", "two_factor_method", "updated_at"])


@transaction.atomic
def disable_totp(*, user: User, code: str) -> None:
    """Back to SMS codes; needs a current code from the authenticator."""
    if not uses_totp(user) or not _check_totp(user, code):
        raise ValidationError({"code": _("动态口令不正确或已使用")})
    user.totp_secret = ""
    user.two_factor_method = User.TwoFactorMethod.SMS
    user.save(update_fields=["totp_secret", "two_factor_method", "updated_at"])


def disable_idle_account(user: User, *, now: Any = None) -> bool:
    """Disable an account left unused (claimed with a conditional update, so twice is
    harmless); logged. Returns whether this call disabled it."""
    disabled = User.objects.filter(pk=user.pk, is_active=True).update(
        is_active=False, updated_at=now or timezone.now()
    )
    if disabled:
        user.is_active = False
        record(
            OperationLog.Action.UPDATE,
            model=User._meta.label,
            object_id=user.pk,
            object_repr=str(user),
            changes={
                "is_active": False,
                "reason": _("超过 %(d)s 天未使用，自动停用") % {"d": settings.ACCOUNT_IDLE_DAYS},
            },
            district_id=district_of(user),
        )
    return bool(disabled)


@transaction.atomic
def set_security_auditor(*, user: User, enabled: bool) -> User:
    """Make the user a security auditor (reads every log, manages nobody) or not.
    Only ``manage.py set_security_auditor`` calls this: no page can, so that no
    account that manages users can make itself an auditor."""
    if enabled and user.is_superuser:
        raise ValidationError(_("安全审计员不能同时是超级管理员"))
    user.is_security_auditor = enabled
    fields = ["is_security_auditor", "updated_at"]
    if enabled and not user.is_staff:
        user.is_staff = True  # auditors read the logs in the back office too
        fields.append("is_staff")
    user.save(update_fields=fields)
    forget_principal(user)
    return user
