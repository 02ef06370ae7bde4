"""Session rules (GB/T 22239-2019 8.1.4.1 c): an idle timeout, an absolute limit from
sign-in, and privileged users with an expired password sent to change it."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from accounts import policy
from accounts.services import AUTH_AT_KEY, AUTH_METHOD_KEY, SEEN_AT_KEY, record_login
from core.models import LoginLog

# Last activity is written to the session at most this often (not on every request).
ACTIVITY_RESOLUTION_SECONDS = 60


class SessionSecurityMiddleware:
    """After AuthenticationMiddleware and MessageMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and SESSION_KEY in request.session:
            session = request.session
            now = timezone.now().timestamp()
            signed_in = float(session.setdefault(AUTH_AT_KEY, now))
            seen = float(session.get(SEEN_AT_KEY, now))
            reason = ""
            if now - signed_in > settings.SESSION_ABSOLUTE_SECONDS:
                reason = f"会话已超过 {settings.SESSION_ABSOLUTE_SECONDS // 3600} 小时，自动退出"
            elif now - seen > settings.SESSION_IDLE_SECONDS:
                reason = f"超过 {settings.SESSION_IDLE_SECONDS // 60} 分钟无操作，自动退出"
            if reason:
                record_login(
                    request=request,
                    phone=user.phone,
                    method=LoginLog.Method.LOGOUT,
                    success=True,
                    user=user,  # type: ignore[arg-type]
                    reason=reason,
                )
                logout(request)  # flushes the session; the request goes on anonymous
                messages.info(request, "登录已超时，请重新登录")
            else:
                if now - seen >= ACTIVITY_RESOLUTION_SECONDS or SEEN_AT_KEY not in session:
                    session[SEEN_AT_KEY] = now
                if self._must_change_password(request):
                    messages.warning(
                        request,
                        f"您的密码已超过 {settings.PASSWORD_MAX_AGE_DAYS} 天未修改，请先修改密码",
                    )
                    target = reverse("accounts:password_change")
                    return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

    @staticmethod
    def _must_change_password(request: HttpRequest) -> bool:
        if request.session.get(AUTH_METHOD_KEY) != LoginLog.Method.PASSWORD:
            return False  # signed in by SMS (or a test's force_login): no password used
        exempt = (
            reverse("accounts:password_change"),
            reverse("accounts:logout"),
            "/api/",
            settings.STATIC_URL,
            settings.MEDIA_URL,
        )
        if request.path.startswith(exempt):
            return False
        return policy.password_expired(request.user)
