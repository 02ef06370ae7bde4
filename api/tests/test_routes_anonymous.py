"""Every route of the project — pages, the API router's, the admin's — asked by an
anonymous visitor, generated from the URL resolver (core.testing.routes): a new route
joins without being named here. Only the routes listed in PUBLIC may answer; every
other one sends the visitor to sign in (pages, admin), answers 401 (API) or refuses
the method, for GET and POST alike, and nothing is written."""

from __future__ import annotations

from collections import Counter

import pytest
from django.apps import apps
from django.conf import settings
from django.urls import reverse
from rest_framework.test import APIClient

from core.testing import routes

pytestmark = pytest.mark.django_db

# Routes an anonymous visitor may read, and why. Each must exist; each answers 200, or
# 404 where the sample id (1) names no published row.
PUBLIC = {
    "portal": "the portal",
    "healthz": "the load balancers' probe",
    "accounts:login": "signing in",
    "accounts:sms_login": "signing in by SMS code",
    "accounts:password_reset": "a forgotten password (a code sent to the account's phone)",
    "news:list": "published articles",
    "news:detail": "a published article",
    "news:cover": "a published article's cover",
    "pairing:card": "a community's public card (the QR code on its notice board)",
    "pairing:card_qr": "the card's QR code",
    "regions:community_public": "a community's public page",
    "regions:community_options": "the community picker of the sign-up form",
    "firms:directory": "the public directory of firms and lawyers",
    "consultations:directory": "the lawyer directory",
    "consultations:lawyer": "a lawyer's public page",
    "consultations:knowledge": "the knowledge base (answered questions, anonymised)",
    "consultations:knowledge_entry": "one knowledge-base entry",
    "consultations:suggest": "similar answered questions while a question is typed",
    "visits:service_day_list": "published service days",
    "visits:service_day_detail": "a published service day",
    "assessment:bulletin_list": "published ranking bulletins",
    "assessment:bulletin_detail": "a published bulletin",
    "assessment:bulletin_pdf": "a published bulletin as PDF",
    "assessment:bulletin_xlsx": "a published bulletin as Excel",
    "assessment:commendation_list": "published commendations",
    "api:schema": "the OpenAPI schema",
    "api:docs": "the API documentation",
    "api:article-list": "published articles",
    "api:article-detail": "a published article",
    "api:bulletin-list": "published bulletins",
    "api:bulletin-detail": "a published bulletin",
    "api:community-card-detail": "a community's public card",
}

# Routes an anonymous visitor may post to: signing in and out, the care-mode switch.
# (A public page that is only read answers a POST as a GET; nothing is written.)
POST_OPEN = {
    "accounts:login",
    "accounts:sms_login",
    "accounts:password_reset",
    "accounts:logout",
    "care_mode",
    "api:sms-codes",
    "api:sms-login",
    "api:password-reset-codes",
    "api:password-reset",
    "api:token",
}

# What anonymous requests may leave behind: the log of refusals and sign-in attempts.
LOGS = {"core.operationlog", "core.loginlog", "sessions.session"}


def refused(name: str, response) -> bool:
    """Sent to sign in, 401, or the method refused — nothing of the route served."""
    if response.status_code in (401, 405):
        return True
    if response.status_code != 302:
        return False
    target = response["Location"]
    signin = (
        (reverse(settings.LOGIN_URL), "/admin/login/")
        if name.startswith("admin:")
        else (reverse(settings.LOGIN_URL),)
    )
    return target.startswith(signin) or (name == "admin:logout" and target == "/admin/")


def counts() -> Counter[str]:
    return Counter(
        {
            m._meta.label_lower: m._base_manager.count()
            for m in apps.get_models()
            if m._meta.label_lower not in LOGS and m._meta.managed
        }
    )


def test_every_route_refuses_anonymous_visitors_unless_public(world):
    everything = routes()
    names = {r.name for r in everything}
    assert len(everything) > 500  # pages, API and admin: the resolver was walked
    assert set(PUBLIC) <= names, f"PUBLIC names routes that do not exist: {set(PUBLIC) - names}"
    assert names >= POST_OPEN, f"POST_OPEN names routes that do not exist: {POST_OPEN - names}"

    client = APIClient()
    before = counts()
    wrong = []
    for route in everything:
        got = client.get(route.path)
        if route.name in PUBLIC:
            if got.status_code not in (200, 404):
                wrong.append(f"{route.name} GET {route.path}: {got.status_code} (public)")
        elif not refused(route.name, got):
            wrong.append(f"{route.name} GET {route.path}: {got.status_code}")
        posted = client.post(route.path, {})
        if route.name not in POST_OPEN | set(PUBLIC) and not refused(route.name, posted):
            wrong.append(f"{route.name} POST {route.path}: {posted.status_code}")
        assert posted.status_code < 500, route.name
    assert not wrong, "anonymous visitors were served:\n" + "\n".join(wrong)
    assert counts() == before  # nothing written, whatever was posted


def test_a_route_without_sign_in_is_caught(world):
    """The sweep's rule itself: a page that answers anonymous visitors fails it."""
    client = APIClient()
    assert not refused("portal", client.get(reverse("portal")))
    assert refused("workspace", client.get(reverse("workspace")))
    assert refused("api:me", client.get(reverse("api:me")))
    assert refused("admin:index", client.get(reverse("admin:index")))
