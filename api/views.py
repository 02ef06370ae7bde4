"""Signing in to the API (password or SMS code → token), signing out, and "me"."""

from __future__ import annotations

from typing import Any, cast

from django.conf import settings
from django.contrib.auth import logout
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle, ScopedRateThrottle

from accounts.models import User
from accounts.services import record_login, send_login_code, verify_login_code
from api import services
from api.errors import first_error
from api.serializers import (
    MeSerializer,
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


class PasswordTokenView(PublicView):
    serializer_class = PasswordTokenSerializer
    throttle_classes = [LoginRateThrottle]

    @extend_schema(
        tags=[TAG],
        summary="密码登录，获取接口令牌",
        description="用手机号和密码换取令牌；之后的请求带上请求头 `Authorization: Token <令牌>`。",
        responses={200: TokenSerializer, 400: ERROR},
    )
    def post(self, request: Request) -> Response:
        serializer = self.get_serializer(data=request.data)
        try:
            serializer.is_valid(raise_exception=True)
        except ValidationError as exc:
            _failed(request, LoginLog.Method.TOKEN, first_error(exc.detail)[1])
            raise
        return _token_response(request, serializer.validated_data["user"], LoginLog.Method.TOKEN)


class SmsCodeView(PublicView):
    serializer_class = SmsCodeRequestSerializer
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "sms"

    @extend_schema(
        tags=[TAG],
        summary="发送登录短信验证码",
        description="向手机号发送 6 位登录验证码；同一号码与同一地址的发送次数有限制。",
        responses={201: SmsCodeSentSerializer, 400: ERROR, 429: ERROR},
    )
    def post(self, request: Request) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        send_login_code(phone=serializer.validated_data["phone"], ip=client_ip(request))
        body = {"message": "验证码已发送，请查收短信", "expires_in": settings.SMS_CODE_TTL_SECONDS}
        return Response(SmsCodeSentSerializer(body).data, status=status.HTTP_201_CREATED)


class SmsLoginView(PublicView):
    serializer_class = SmsLoginSerializer
    throttle_classes = [LoginRateThrottle]

    @extend_schema(
        tags=[TAG],
        summary="短信验证码登录，获取接口令牌",
        description="验证码登录即注册：新手机号会创建居民账号（is_new 为 true）。",
        responses={200: TokenSerializer, 400: ERROR},
    )
    def post(self, request: Request) -> Response:
        serializer = self.get_serializer(data=request.data)
        try:
            serializer.is_valid(raise_exception=True)
            user, created = verify_login_code(**serializer.validated_data)
        except ValidationError as exc:
            _failed(request, LoginLog.Method.SMS, first_error(exc.detail)[1])
            raise
        except DjangoValidationError as exc:
            _failed(request, LoginLog.Method.SMS, "; ".join(exc.messages))
            raise ValidationError({"code": exc.messages}) from exc
        return _token_response(request, user, LoginLog.Method.SMS, is_new=created)


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
