from __future__ import annotations

from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_POST

from accounts import policy, services, totp
from accounts.forms import (
    CodeForm,
    PasswordChangeForm,
    PasswordLoginForm,
    PasswordResetForm,
    SmsLoginForm,
)
from accounts.models import User
from accounts.services import SignInError, record_login, send_login_code
from core.context import client_ip
from core.models import LoginLog

TOTP_ENROL_KEY = "_shangfa_totp_enrol"


def _next_url(request: HttpRequest, default: str = "workspace") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return target
    return reverse(default)


def _after_password(request: HttpRequest, user: Any, method: str) -> HttpResponse:
    """The first factor passed: sign in, or ask for the second factor first."""
    if policy.requires_two_factor(user):
        notice = services.start_second_factor(
            request=request, user=user, method=method, next_url=_next_url(request)
        )
        messages.info(request, notice)
        return redirect("accounts:two_factor")
    services.complete_sign_in(request=request, user=user, method=method)
    return redirect(_next_url(request))


def password_login(request: HttpRequest) -> HttpResponse:
    # (after a password reset the phone comes back filled in)
    initial = {"phone": request.GET.get("phone", "")[:20]}
    form = PasswordLoginForm(request, data=request.POST or None, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            return _after_password(request, form.user, LoginLog.Method.PASSWORD)
        if not form.attempted:  # malformed input; a checked password is logged already
            record_login(
                request=request,
                phone=request.POST.get("phone", ""),
                method=LoginLog.Method.PASSWORD,
                success=False,
                reason="; ".join(str(e) for e in form.non_field_errors() or form.errors.values()),
            )
    return render(
        request,
        "accounts/login.html",
        {
            "form": form,
            "sms_form": SmsLoginForm(),
            "tab": "password",
            "next": _next_url(request),
            # What the page tells of the lockout (accounts.lockout).
            "lockout_failures": settings.LOGIN_LOCKOUT_FAILURES,
            "lockout_minutes": settings.LOGIN_LOCKOUT_SECONDS // 60,
        },
    )


def sms_login(request: HttpRequest) -> HttpResponse:
    form = SmsLoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        phone = form.cleaned_data["phone"]
        if "send" in request.POST:
            try:
                send_login_code(phone=phone, ip=client_ip(request))
                messages.success(request, "验证码已发送，请查收短信")
            except ValidationError as exc:
                form.add_error(None, exc)
        elif not form.cleaned_data["code"]:
            form.add_error("code", "请填写短信验证码")
        else:
            try:
                user, created = services.sms_sign_in(
                    request=request, phone=phone, code=form.cleaned_data["code"]
                )
            except SignInError as exc:
                form.add_error(None if exc.code == "password_required" else "code", exc)
            else:
                if created:
                    messages.success(request, "欢迎加入尚法云！")
                services.complete_sign_in(request=request, user=user, method=LoginLog.Method.SMS)
                return redirect(_next_url(request))
    return render(
        request,
        "accounts/login.html",
        {"form": PasswordLoginForm(), "sms_form": form, "tab": "sms", "next": _next_url(request)},
    )


def password_reset(request: HttpRequest) -> HttpResponse:
    """忘记密码: a code sent to the account's phone, then the new password. Nobody is
    signed in: the account then signs in with the new password (and, for staff, the
    second factor)."""
    sending = "send" in request.POST
    form = PasswordResetForm(request.POST or None, sending=sending)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if sending:
                services.send_reset_code(phone=data["phone"], ip=client_ip(request))
                messages.success(request, services.RESET_CODE_SENT)
            else:
                services.reset_password(
                    request=request,
                    phone=data["phone"],
                    code=data["code"],
                    password=data["password1"],
                )
                messages.success(request, "密码已重新设置，请用新密码登录")
                return redirect(
                    reverse("accounts:login") + "?" + urlencode({"phone": data["phone"]})
                )
        except services.WeakPassword as exc:
            form.add_error("password1", exc)
        except SignInError as exc:
            form.add_error(None if exc.code in ("locked", "inactive") else "code", exc)
        except ValidationError as exc:
            form.add_error(None, exc)
    return render(request, "accounts/password_reset.html", {"form": form})


def two_factor(request: HttpRequest) -> HttpResponse:
    """The second step after the password: an SMS code, or the authenticator's code."""
    found = services.pending_second_factor(request)
    if found is None:
        messages.warning(request, "验证已超时，请重新登录")
        return redirect("accounts:login")
    user, pending = found
    use_sms = bool(pending.get("sms"))
    if request.method == "POST" and "send" in request.POST:
        pending["sms"] = True
        request.session.modified = True
        try:
            messages.info(request, services.send_second_factor_code(request=request, user=user))
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        return redirect("accounts:two_factor")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            detail = services.verify_second_factor(
                request=request, user=user, code=form.cleaned_data["code"], use_sms=use_sms
            )
        except SignInError as exc:
            if exc.lock is None:
                form.add_error("code", exc)
            else:
                request.session.pop(services.PENDING_KEY, None)
                messages.error(request, exc.messages[0])
                return redirect("accounts:login")
        else:
            services.complete_sign_in(
                request=request, user=user, method=pending["method"], detail=f"二次验证：{detail}"
            )
            return redirect(pending.get("next") or "workspace")
    return render(
        request,
        "accounts/two_factor.html",
        {"form": form, "use_sms": use_sms, "masked_phone": user.masked_phone},
    )


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        record_login(
            request=request,
            phone=request.user.phone,
            method=LoginLog.Method.LOGOUT,
            success=True,
            user=request.user,
        )
    logout(request)  # flushes the session: its data and key are gone
    messages.info(request, "您已安全退出")
    return redirect("portal")


@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)
        messages.success(request, "密码已修改")
        return redirect(_next_url(request, "accounts:security"))
    return render(
        request,
        "accounts/password_change.html",
        {"form": form, "next": _next_url(request, "accounts:security")},
    )


@login_required
def security(request: HttpRequest) -> HttpResponse:
    """账号安全: the password and the second factor (SMS codes or an authenticator)."""
    user = cast(User, request.user)
    form = CodeForm(request.POST if "code" in request.POST else None)
    secret = request.session.get(TOTP_ENROL_KEY) if not services.uses_totp(user) else None
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "start" and not services.uses_totp(user):
            request.session[TOTP_ENROL_KEY] = totp.new_secret()
            return redirect("accounts:security")
        if action in ("confirm", "disable") and form.is_valid():
            try:
                if action == "confirm" and secret:
                    services.enable_totp(user=user, secret=secret, code=form.cleaned_data["code"])
                    request.session.pop(TOTP_ENROL_KEY, None)
                    messages.success(request, "已启用身份验证器，今后登录请输入动态口令")
                elif action == "disable":
                    services.disable_totp(user=user, code=form.cleaned_data["code"])
                    messages.success(request, "已停用身份验证器，今后登录使用短信验证码")
                return redirect("accounts:security")
            except ValidationError as exc:
                form.add_error(None, exc)
    context: dict[str, Any] = {
        "form": form,
        "uses_totp": services.uses_totp(user),
        "two_factor_required": policy.requires_two_factor(user),
        "secret": secret,
    }
    if secret:
        uri = totp.provisioning_uri(secret, user.masked_phone, "尚法云")
        context.update(uri=uri, qr_svg=totp.qr_svg(uri))
    return render(request, "accounts/security.html", context)


def admin_login(request: HttpRequest, extra_context: Any = None) -> HttpResponse:
    """The back office signs in through the site's own sign-in (lockout, second
    factor) instead of the admin's form."""
    target = request.GET.get("next") or reverse("admin:index")
    return redirect(f"{reverse('accounts:login')}?{urlencode({'next': target})}")
