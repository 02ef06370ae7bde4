"""Error pages (#18): Chinese, in the site's layout, with a way on — with DEBUG off (as
deployed) and on (``make run``), where the framework's debug pages never reach a user."""

from __future__ import annotations

import sys
from typing import Any

import pytest
from django.template import loader
from django.test import Client, RequestFactory
from django.urls import reverse

from core.views_errors import FriendlyErrorsMiddleware


def text(response):  # type: ignore[no-untyped-def]
    return response.content.decode()


@pytest.mark.parametrize("debug", [False, True])
def test_a_missing_page_is_chinese_with_a_way_back(client, world, settings, debug):
    settings.DEBUG = debug
    client.force_login(world.resident)
    # No such address; a case that is not the resident's (the view raises Http404).
    for url in ("/no-such-page/", reverse("mediation:case_detail", args=[987654])):
        response = client.get(url)
        assert response.status_code == 404
        body = text(response)
        assert "页面不存在" in body and 'href="/"' in body and "返回首页" in body
        assert "我的工作台" in body and world.resident.name in body  # the site's layout
        assert "URLconf" not in body and "Page not found" not in body and "Raised by" not in body


@pytest.mark.parametrize("debug", [False, True])
def test_the_api_keeps_answering_json(client, world, settings, debug):
    settings.DEBUG = debug
    client.force_login(world.bureau_admin)
    response = client.get("/api/mediation-cases/987654/")
    assert response.status_code == 404 and response["Content-Type"].startswith("application/json")


def test_an_expired_form_says_so_and_offers_to_reopen_the_page(world, settings):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("accounts:login"), {"phone": world.resident.phone})
    assert response.status_code == 403
    body = text(response)
    assert "页面已过期" in body and "重新打开本页" in body and "返回首页" in body
    assert "CSRF verification failed" not in body and "Forbidden" not in body


def test_a_server_error_page_needs_no_request(db):
    body = loader.get_template("500.html").render()
    assert "系统暂时出错" in body and 'href="/"' in body and "Traceback" not in body


def test_with_debug_on_the_framework_error_page_becomes_the_sites(settings, db):
    from django.views.debug import technical_500_response

    settings.DEBUG = True
    request = RequestFactory().get("/somewhere/")
    try:
        raise ValueError("boom")
    except ValueError:
        debug_page = technical_500_response(request, *sys.exc_info())
    assert b"Traceback" in debug_page.content
    response = FriendlyErrorsMiddleware(lambda r: debug_page)(request)
    assert response.status_code == 500
    assert "系统暂时出错" in text(response) and "boom" not in text(response)
    # A page of ours answering 400 (a form shown again with its errors) is left alone.
    own: Any = Client().post(reverse("accounts:login"), {"phone": "x"})
    assert FriendlyErrorsMiddleware(lambda r: own)(request) is own
    settings.FRIENDLY_ERRORS = False  # a developer who wants the debug page
    assert FriendlyErrorsMiddleware(lambda r: debug_page)(request) is debug_page
