"""One error shape for the whole API: {"code": ..., "message": "中文", "errors": {...}}."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

MESSAGES = {
    "not_authenticated": "请先登录",
    "authentication_failed": "登录信息无效，请重新登录",
    "permission_denied": "没有权限执行此操作",
    "not_found": "对象不存在",
    "method_not_allowed": "不支持该请求方法",
    "throttled": "请求过于频繁，请稍后再试",
    "parse_error": "请求内容无法解析",
    "unsupported_media_type": "不支持的内容类型",
    "invalid": "提交的内容有误，请检查后重试",
}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        detail = (
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
        exc = exceptions.ValidationError(detail=detail)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.NotFound()  # outside scope answers 404: no existence leak
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    code = _code(exc)
    body: dict[str, Any] = {
        "code": code,
        "message": MESSAGES.get(code, str(getattr(exc, "detail", ""))),
    }
    if isinstance(exc, exceptions.ValidationError):
        body["errors"] = (
            response.data
            if isinstance(response.data, dict)
            else {"non_field_errors": response.data}
        )
        first = _first_message(body["errors"])
        if first:
            body["message"] = first
    if response.status_code == status.HTTP_401_UNAUTHORIZED or code == "not_authenticated":
        response.status_code = status.HTTP_401_UNAUTHORIZED
    response.data = body
    return response


def _code(exc: Exception) -> str:
    if isinstance(exc, exceptions.ValidationError):
        return "invalid"
    codes = getattr(exc, "default_code", "error")
    return str(codes)


def _first_message(errors: Any) -> str:
    if isinstance(errors, dict):
        for value in errors.values():
            found = _first_message(value)
            if found:
                return found
    elif isinstance(errors, list):
        for value in errors:
            found = _first_message(value)
            if found:
                return found
    elif errors:
        return str(errors)
    return ""
