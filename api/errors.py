"""One error shape for the whole API: ``{"code": ..., "message": "中文", "errors": {...}}``.

``errors`` (field name → list of messages) comes with validation errors only;
``message`` is always one Chinese sentence a client can show as it is.
"""

from __future__ import annotations

import math
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from core.audit import record_denial

MESSAGES = {
    "not_authenticated": "请先登录",
    "authentication_failed": "登录信息无效或已过期，请重新登录",
    "permission_denied": "没有权限执行此操作",
    "csrf_failed": "页面已过期（CSRF 校验失败），请刷新后重试",
    "not_found": "对象不存在",
    "method_not_allowed": "不支持该请求方法",
    "not_acceptable": "不支持请求的响应格式",
    "throttled": "请求过于频繁，请稍后再试",
    "parse_error": "请求内容无法解析",
    "unsupported_media_type": "不支持的内容类型",
    "invalid": "提交的内容有误，请检查后重试",
}
# The challenge sent with 401: API clients authenticate with "Authorization: Token <key>".
AUTH_CHALLENGE = 'Token realm="api"'


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(detail=_django_errors(exc))
    elif isinstance(exc, (Http404, DjangoPermissionDenied)):
        # Services raise PermissionDenied for rows outside the actor's scope: answer
        # like a missing row, so that nobody learns what exists elsewhere; the refusal
        # itself goes to the operation log.
        if isinstance(exc, DjangoPermissionDenied) and context.get("request") is not None:
            record_denial(context["request"], reason="不在您的管辖范围", status=404)
        exc = exceptions.NotFound()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    code = _code(exc)
    body: dict[str, Any] = {"code": code, "message": _message(exc, code)}
    if isinstance(exc, exceptions.ValidationError):
        errors = (
            response.data
            if isinstance(response.data, dict)
            else {api_settings.NON_FIELD_ERRORS_KEY: response.data}
        )
        body["errors"] = errors
        field, first = first_error(errors)
        if first:
            label = _label(context.get("view"), field)
            body["message"] = f"{label}：{first}" if label else first
    if code in ("not_authenticated", "authentication_failed"):
        # DRF answers 403 when the first authentication class (session) sends no
        # challenge; a request without valid credentials is a 401 with a challenge.
        response.status_code = status.HTTP_401_UNAUTHORIZED
        if "WWW-Authenticate" not in response:
            response["WWW-Authenticate"] = AUTH_CHALLENGE
    response.data = body
    return response


def first_error(errors: Any, field: str = "") -> tuple[str, str]:
    """The first message in a (nested) error structure and its top-level field."""
    if isinstance(errors, dict):
        for key, value in errors.items():
            found = first_error(value, field or str(key))
            if found[1]:
                return found
    elif isinstance(errors, list):
        for value in errors:
            found = first_error(value, field)
            if found[1]:
                return found
    elif errors:
        return field, str(errors)
    return field, ""


def _django_errors(exc: DjangoValidationError) -> dict[str, Any]:
    if not hasattr(exc, "error_dict"):
        return {api_settings.NON_FIELD_ERRORS_KEY: exc.messages}
    return {
        (api_settings.NON_FIELD_ERRORS_KEY if key == NON_FIELD_ERRORS else key): value
        for key, value in exc.message_dict.items()
    }


def _code(exc: Exception) -> str:
    if isinstance(exc, exceptions.ValidationError):
        return "invalid"
    if isinstance(exc, exceptions.PermissionDenied) and str(exc.detail).startswith("CSRF"):
        return "csrf_failed"
    return str(getattr(exc, "default_code", "error"))


def _message(exc: Exception, code: str) -> str:
    wait = getattr(exc, "wait", None)
    if isinstance(exc, exceptions.Throttled) and wait:
        return f"请求过于频繁，请 {math.ceil(wait)} 秒后再试"
    detail = getattr(exc, "detail", "")
    if code == "permission_denied" and str(detail) != str(exc.default_detail):  # type: ignore[attr-defined]
        return str(detail)  # a reason given by our code, in Chinese
    return MESSAGES.get(code) or str(detail) or "请求出错"


def _label(view: Any, field: str) -> str:
    """The Chinese label of the serializer field an error belongs to, if there is one."""
    if not field or field == api_settings.NON_FIELD_ERRORS_KEY:
        return ""
    get_class = getattr(view, "get_serializer_class", None)
    if get_class is None or getattr(view, "serializer_class", None) is None:
        return ""
    serializer_field = get_class()().fields.get(field)
    return str(serializer_field.label) if serializer_field and serializer_field.label else ""
