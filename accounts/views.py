from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import login, logout
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts.forms import PasswordLoginForm, SmsLoginForm
from accounts.services import record_login, send_login_code, verify_login_code
from core.context import client_ip
from core.models import LoginLog


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return target
    return "workspace"


def _finish_login(request: HttpRequest, user: Any, method: str) -> HttpResponse:
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    record_login(request=request, phone=user.phone, method=method, success=True, user=user)
    return redirect(_next_url(request))


def password_login(request: HttpRequest) -> HttpResponse:
    form = PasswordLoginForm(request, data=request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            return _finish_login(request, form.user, LoginLog.Method.PASSWORD)
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
        {"form": form, "sms_form": SmsLoginForm(), "tab": "password", "next": _next_url(request)},
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
                user, created = verify_login_code(phone=phone, code=form.cleaned_data["code"])
            except ValidationError as exc:
                form.add_error("code", exc)
                record_login(
                    request=request,
                    phone=phone,
                    method=LoginLog.Method.SMS,
                    success=False,
                    reason="; ".join(exc.messages),
                )
            else:
                if created:
                    messages.success(request, "欢迎加入尚法云！")
                return _finish_login(request, user, LoginLog.Method.SMS)
    return render(
        request,
        "accounts/login.html",
        {"form": PasswordLoginForm(), "sms_form": form, "tab": "sms", "next": _next_url(request)},
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
    logout(request)
    messages.info(request, "您已安全退出")
    return redirect("portal")
