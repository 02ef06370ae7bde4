"""The OpenAPI schema and the Swagger UI, served without any CDN."""

from __future__ import annotations

import re

from django.contrib.staticfiles import finders
from rest_framework.test import APIClient

from api.testing import api_client

PATHS = [
    "/api/auth/token/",
    "/api/auth/sms-codes/",
    "/api/auth/sms-login/",
    "/api/auth/password-reset-codes/",
    "/api/auth/password-reset/",
    "/api/auth/logout/",
    "/api/me/",
    "/api/districts/",
    "/api/districts/{id}/",
    "/api/districts/{id}/settings/",
    "/api/streets/",
    "/api/streets/{id}/",
    "/api/communities/",
    "/api/communities/{id}/",
    "/api/studio-members/",
    "/api/studio-members/{id}/",
    "/api/specialties/",
    "/api/specialties/{id}/",
    "/api/firms/",
    "/api/firms/{id}/",
    "/api/lawyers/",
    "/api/lawyers/{id}/",
]


def test_schema_lists_every_endpoint_with_chinese_texts(db):
    response = APIClient().get("/api/schema/?format=json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "尚法云 API"
    assert set(PATHS) <= set(schema["paths"])
    lawyers = schema["paths"]["/api/lawyers/"]["get"]
    assert lawyers["summary"] == "律师列表"
    assert lawyers["tags"] == ["律所与律师"]
    params = {p["name"]: p.get("description", "") for p in lawyers["parameters"]}
    assert params["min_years"] == "最低执业年限（年）"
    assert {"firm", "specialty", "is_volunteer", "is_party_member", "search", "page"} <= set(params)
    # Delete is never offered: nothing is lost, rows are deactivated.
    assert not any("delete" in ops for ops in schema["paths"].values())
    # Personal data: the lawyer's raw phone is write-only.
    lawyer = schema["components"]["schemas"]["Lawyer"]["properties"]
    assert "phone" not in lawyer
    assert "masked_phone" in lawyer


def test_swagger_ui_uses_local_static_files(db):
    response = APIClient().get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/api/schema/" in html
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any(a.endswith("swagger-ui-bundle.js") for a in assets)
    for asset in assets:
        assert asset.startswith("/static/"), asset
        assert finders.find(asset.removeprefix("/static/")), asset
    assert "cdn" not in html.lower()
    assert "unpkg" not in html.lower()


def test_api_root_lists_the_routes(world):
    assert APIClient().get("/api/").status_code == 401
    root = api_client(world.resident).get("/api/").json()
    assert set(root) >= {"districts", "communities", "studio-members", "firms", "lawyers"}


def test_schema_generates_without_warnings(db, tmp_path):
    """Every viewset documents itself cleanly (no enum clashes, no guessed models)."""
    from django.core.management import call_command

    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml")
    )
    assert (tmp_path / "schema.yaml").read_text().startswith("openapi:")


def test_growing_lists_document_more_instead_of_pages(db):
    """Questions, visits, cases and ledger entries: ``after`` and ``next``, no count."""
    schema = APIClient().get("/api/schema/?format=json").json()
    for path in (
        "/api/questions/",
        "/api/visits/",
        "/api/mediation-cases/",
        "/api/points-entries/",
    ):
        listing = schema["paths"][path]["get"]
        params = {p["name"] for p in listing["parameters"]}
        assert "after" in params and "page" not in params, path
        ref = listing["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
        body = schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]["properties"]
        assert set(body) == {"next", "results"}, path
    # A case's messages keep numbered pages (a conversation, not a growing register).
    messages = schema["paths"]["/api/mediation-cases/{id}/messages/"]["get"]
    assert "page" in {p["name"] for p in messages["parameters"]}
