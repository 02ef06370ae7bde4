"""The one error shape: {code, message, errors} with Chinese messages, 401 with a
challenge, 404 for rows outside scope."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions
from rest_framework.test import APIClient

from accounts.models import User
from api.errors import exception_handler
from api.testing import api_client
from core.testing import PASSWORD
from regions.models import Community


def test_anonymous_gets_401_with_challenge(db):
    response = APIClient().get("/api/communities/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Token realm="api"'
    assert response.json() == {"code": "not_authenticated", "message": "请先登录"}


def test_unknown_token_gets_401(db):
    response = APIClient().get("/api/me/", HTTP_AUTHORIZATION="Token " + "0" * 40)
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"
    assert response.json()["message"] == "登录信息无效或已过期，请重新登录"
    assert "WWW-Authenticate" in response


def test_validation_error_names_the_field_in_chinese(world):
    response = api_client(world.bureau_admin).post(
        "/api/communities/", {"street": world.street_a.pk}, format="json"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert body["message"] == "社区名称：该字段是必填项。"
    assert body["errors"] == {"name": ["该字段是必填项。"]}


def test_model_validation_error_keeps_the_shape(world):
    before = Community.objects.count()
    response = api_client(world.bureau_admin).post(
        "/api/communities/",
        {"street": world.street_a.pk, "name": "新社区", "households": 100, "population": 50},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"population": ["人口数不能少于户数"]}
    assert Community.objects.count() == before


def test_out_of_scope_and_missing_rows_answer_the_same_404(world):
    client = api_client(world.outsider)
    hidden = client.get(f"/api/communities/{world.community_a1.pk}/")
    missing = client.get("/api/communities/999999/")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json() == {"code": "not_found", "message": "对象不存在"}


def test_delete_is_not_offered(world):
    response = api_client(world.bureau_admin).delete(f"/api/communities/{world.community_a1.pk}/")
    assert response.status_code == 405
    assert response.json() == {"code": "method_not_allowed", "message": "不支持该请求方法"}
    assert Community.objects.filter(pk=world.community_a1.pk).exists()


def test_malformed_json_is_a_parse_error(world):
    response = api_client(world.bureau_admin).post(
        "/api/communities/", "{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json() == {"code": "parse_error", "message": "请求内容无法解析"}


def test_session_write_without_csrf_token_is_refused(world):
    client = APIClient(enforce_csrf_checks=True)
    assert client.login(phone=world.bureau_admin.phone, password=PASSWORD)
    response = client.patch(
        f"/api/communities/{world.community_a1.pk}/", {"households": 5}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"
    world.community_a1.refresh_from_db()
    assert world.community_a1.households == 1000


def test_session_read_works(world):
    client = APIClient()
    assert client.login(phone=world.bureau_admin.phone, password=PASSWORD)
    assert client.get("/api/me/").json()["name"] == "局管理员"


@pytest.mark.parametrize(
    ("exc", "status", "body"),
    [
        (DjangoPermissionDenied(), 404, {"code": "not_found", "message": "对象不存在"}),
        (
            exceptions.PermissionDenied("只有超级管理员可以新建区"),
            403,
            {"code": "permission_denied", "message": "只有超级管理员可以新建区"},
        ),
        (
            exceptions.PermissionDenied(),
            403,
            {"code": "permission_denied", "message": "没有权限执行此操作"},
        ),
        (
            exceptions.Throttled(wait=41.2),
            429,
            {"code": "throttled", "message": "请求过于频繁，请 42 秒后再试"},
        ),
        (
            DjangoValidationError("验证码不正确"),
            400,
            {
                "code": "invalid",
                "message": "验证码不正确",
                "errors": {"non_field_errors": ["验证码不正确"]},
            },
        ),
        (
            DjangoValidationError({"__all__": ["重复了"], "name": ["太长"]}),
            400,
            {
                "code": "invalid",
                "message": "重复了",
                "errors": {"non_field_errors": ["重复了"], "name": ["太长"]},
            },
        ),
    ],
)
def test_exception_handler_shapes(exc, status, body):
    response = exception_handler(exc, {})
    assert response is not None
    assert response.status_code == status
    assert response.data == body


def test_other_exceptions_are_left_to_django():
    assert exception_handler(ValueError("boom"), {}) is None


def test_inactive_users_token_is_refused(world):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=world.resident)
    User.objects.filter(pk=world.resident.pk).update(is_active=False)
    response = APIClient().get("/api/me/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 401
