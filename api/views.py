"""Signing in to the API (password or SMS code → token), signing out, and "me".

Sign-in follows the pages' rules (accounts.services): lockout after repeated failures
(429 ``account_locked`` with Retry-After), a second factor for staff, mediator and admin
accounts (the ``otp`` field), no token for a privileged password older than the limit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django.conf import settings
from django.contrib.auth import logout
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle, ScopedRateThrottle

from accounts import lockout, policy
from accounts import services as accounts
from accounts.models import User
from accounts.services import SignInError, record_login, send_login_code
from api import services
from api.errors import first_error
from api.serializers import (
    MeSerializer,
    MessageSerializer,
    PasswordResetSerializer,
    PasswordTokenSerializer,
    SmsCodeRequestSerializer,
    SmsCodeSentSerializer,
    SmsLoginSerializer,
    TokenSerializer,
)
from core.context import client_ip
from core.models import LoginLog

TAG = "认证"
ERROR = inline_serializer(
    "Error",
    {
        "code": serializers.CharField(),
        "message": serializers.CharField(),
        "errors": serializers.DictField(required=False),
    },
)


class LoginRateThrottle(AnonRateThrottle):
    """Slows down guessing passwords and codes from one address. The rate is
    REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["login"] when set."""

    scope = "login"

    def get_rate(self) -> str:
        return self.THROTTLE_RATES.get(self.scope) or "20/minute"


class AccountLocked(APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "account_locked"
    default_detail = "登录失败次数过多，请稍后再试"

    def __init__(self, message: str, lock: lockout.Lock) -> None:
        super().__init__(message)
        self.wait = lock.seconds_left()  # sent as Retry-After


def _refused(exc: SignInError, field: str | None = None) -> APIException:
    """The API error for a refused sign-in step."""
    if exc.lock is not None:
        return AccountLocked(exc.messages[0], exc.lock)
    return ValidationError({field: exc.messages} if field else exc.messages)


class PasswordTokenRequestSerializer(PasswordTokenSerializer):
    otp = serializers.RegexField(
        r"^\d{6}$",
        required=False,
        label=_("二次验证码"),
        help_text=_(
            "工作人员、调解员及管理员账号须填写：先不带此字段请求一次，系统发送短信验证码"
            "（或使用身份验证器的动态口令），再带上验证码重新请求"
        ),
        error_messages={"invalid": _("二次验证码应为 6 位数字")},
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        return attrs  # the password is checked by the view (lockout, second factor)


class PublicView(GenericAPIView):
    # Sign-in endpoints read no credentials: a stale token must not block signing in.
    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]


def _token_response(request: Request, user: User, method: str, *, is_new: bool = False) -> Response:
    token = services.issue_token(request=request, user=user, method=method)
    return Response(TokenSerializer({"token": token.key, "is_new": is_new, "user": user}).data)


def _failed(request: Request, method: str, reason: str) -> None:
    phone = request.data.get("phone", "") if isinstance(request.data, dict) else ""
    record_login(request=request, phone=str(phone), method=method, success=False, reason=reason)


def _second_factor(request: Request, user: User, otp: str) -> None:
    if not policy.requires_two_factor(user):
        return
    if not otp:
        if accounts.uses_totp(user):
            notice = "请填写身份验证器中的动态口令"
        else:
            notice = accounts.send_second_factor_code(request=request, user=user)
        raise ValidationError({"otp": [f"需要二次验证：{notice}"]})
    accounts.verify_second_factor(
        request=request, user=user, code=otp, use_sms=not accounts.uses_totp(user)
    )


class PasswordTokenView(PublicView):
    serializer_class = PasswordTokenRequestSerializer
    throttle_classes = [LoginRateThrottle]

    @extend_schema(
        tags=[TAG],
        summary="密码登录，获取接口令牌",
        description=(
            "用手机号和密码换取令牌；之后的请求带上请求头 `Authorization: Token <令牌>`。"
            "工作人员、调解员及管理员账号还须二次验证（`otp` 字段）。"
            "连续登录失败过多时账号或地址被暂时锁定（429，`account_locked`）。"
        ),
        responses={200: TokenSerializer, 400: ERROR, 429: ERROR},
    )
    def post(self, request: Request) -> Response:
        method = LoginLog.Method.TOKEN
        serializer = self.get_serializer(data=request.data)
        try:
            serializer.is_valid(raise_exception=True)
        except ValidationError as exc:
            _failed(request, method, first_error(exc.detail)[1])
            raise
        data = serializer.validated_data
        try:
            user = accounts.authenticate_password(
                request=request, phone=data["phone"], password=data["password"], method=method
            )
            if policy.password_expired(user):
                message = (
                    f"密码已超过 {settings.PASSWORD_MAX_AGE_DAYS} 天未修改，请先登录网页修改密码"
                )
                record_login(
                    request=request,
                    phone=user.phone,
                    method=method,
                    success=False,
                    reason=message,
                    user=user,
                )
                raise ValidationError(message)
            _second_factor(request, user, data.get("otp", ""))
        except SignInError as exc:
            raise _refused(exc, "otp" if exc.code == "wrong" else None) from exc
        lockout.register_success(phone=user.phone)
        return _token_response(request, user, method)


class _CodeView(PublicView):
    """Send an SMS code to a phone (``send``: an accounts service taking ``phone`` and
    ``ip``), answered with ``sent``."""

    serializer_class = SmsCodeRequestSerializer
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "sms"
    send: Callable[..., object] = staticmethod(send_login_code)
    sent = "验证码已发送，请查收短信"

    def post(self, request: Request) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            self.send(phone=serializer.validated_data["phone"], ip=client_ip(request))
        except SignInError as exc:
            raise _refused(exc) from exc
        body = {"message": self.sent, "expires_in": settings.SMS_CODE_TTL_SECONDS}
        return Response(SmsCodeSentSerializer(body).data, status=status.HTTP_201_CREATED)


class SmsCodeView(_CodeView):
    @extend_schema(
        tags=[TAG],
        summary="发送登录短信验证码",
        description="向手机号发送 6 位登录验证码；同一号码与同一地址的发送次数有限制。",
        responses={201: SmsCodeSentSerializer, 400: ERROR, 429: ERROR},
    )
    def post(self, request: Request) -> Response:
        return super().post(request)


class SmsLoginView(PublicView):
    serializer_class = SmsLoginSerializer
    throttle_classes = [LoginRateThrottle]

    @extend_schema(
        tags=[TAG],
        summary="短信验证码登录，获取接口令牌",
        description=(
            "验证码登录即注册：新手机号会创建居民账号（is_new 为 true）。"
            "工作人员、调解员及管理员账号须用密码登录并二次验证。"
        ),
        responses={200: TokenSerializer, 400: ERROR, 429: ERROR},
    )
    def post(self, request: Request) -> Response:
        serializer = self.get_serializer(data=request.data)
        try:
            serializer.is_valid(raise_exception=True)
        except ValidationError as exc:
            _failed(request, LoginLog.Method.SMS, first_error(exc.detail)[1])
            raise
        try:
            user, created = accounts.sms_sign_in(request=request, **serializer.validated_data)
        except SignInError as exc:
            raise _refused(exc, None if exc.code == "password_required" else "code") from exc
        lockout.register_success(phone=user.phone)
        return _token_response(request, user, LoginLog.Method.SMS, is_new=created)


class PasswordResetCodeView(_CodeView):
    send = staticmethod(accounts.send_reset_code)
    sent = str(accounts.RESET_CODE_SENT)

    @extend_schema(
        tags=[TAG],
        summary="忘记密码：发送验证码",
        description=(
            "向已注册且未停用账号的手机号发送 6 位找回密码验证码。"
            "为不泄露谁已注册，未注册的手机号得到同样的答复，但不会收到短信。"
        ),
        responses={201: SmsCodeSentSerializer, 400: ERROR, 429: ERROR},
    )
    def post(self, request: Request) -> Response:
        return super().post(request)


class PasswordResetView(PublicView):
    serializer_class = PasswordResetSerializer
    throttle_classes = [LoginRateThrottle]

    @extend_schema(
        tags=[TAG],
        summary="忘记密码：用验证码设置新密码",
        description=(
            "验证码错误计入登录锁定。设置后不登录、不发令牌：请用新密码获取令牌"
            "（工作人员、调解员及管理员仍须二次验证）。"
        ),
        responses={200: MessageSerializer, 400: ERROR, 429: ERROR},
    )
    def post(self, request: Request) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            accounts.reset_password(
                request=request,
                phone=data["phone"],
                code=data["code"],
                password=data["new_password"],
            )
        except accounts.WeakPassword as exc:
            raise ValidationError({"new_password": exc.messages}) from exc
        except SignInError as exc:
            raise _refused(exc, None if exc.code == "inactive" else "code") from exc
        return Response(MessageSerializer({"message": "密码已重新设置，请用新密码登录"}).data)


class LogoutView(GenericAPIView):
    @extend_schema(
        tags=[TAG],
        summary="退出登录",
        description="作废当前用户的接口令牌（所有设备），并结束浏览器会话。",
        request=None,
        responses={204: None},
    )
    def post(self, request: Request) -> Response:
        services.revoke_token(request=request, user=cast(User, request.user))
        logout(request)  # type: ignore[arg-type]  # DRF's Request proxies the session
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(GenericAPIView):
    serializer_class = MeSerializer

    @extend_schema(tags=[TAG], summary="当前用户", description="当前用户及其角色（数据权限）。")
    def get(self, request: Request) -> Response:
        return Response(self.get_serializer(request.user).data)
