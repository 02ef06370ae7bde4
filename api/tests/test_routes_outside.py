"""Every API route that names a row by id, generated from the URL resolver: for each
persona, a row outside the persona's scope answers exactly as an id that does not
exist — the same status, the same body — for GET and POST, and nothing is written.
New routes join without being named here; a route whose row cannot be found from its
viewset fails the test until it is listed in NO_ROW_MODEL with the reason."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from django.apps import apps
from django.urls import resolve
from rest_framework.test import APIClient

from core.testing import Route, routes

pytestmark = pytest.mark.django_db

# API routes with an id whose viewset names no model to take a row from, and why.
NO_ROW_MODEL: dict[str, str] = {}

# Logs the requests themselves may write (refusals are logged).
LOGS = {"core.operationlog", "core.loginlog", "sessions.session"}
MISSING = 987_654_321


def counts() -> Counter[str]:
    return Counter(
        {
            m._meta.label_lower: m._base_manager.count()
            for m in apps.get_models()
            if m._meta.label_lower not in LOGS and m._meta.managed
        }
    )


def api_row_routes() -> list[Route]:
    return [r for r in routes() if r.name.startswith("api:") and "pk" in r.args]


def row_model(route: Route) -> Any:
    view = resolve(route.path).func
    cls: Any = getattr(view, "cls", None)
    queryset = getattr(cls, "queryset", None)
    return None if queryset is None else queryset.model


def body(response: Any) -> bytes:
    return response.content


def personas() -> dict[str, Any]:
    """One user of each role of the demo district, and the bureau admin of another."""
    from accounts.roles import Role
    from core.testing import make_district, make_user
    from firms.models import FirmAdmin, Lawyer
    from mediation.models import Mediator
    from regions import services as region_services
    from regions.models import RegionRole, ResidentProfile

    outsider = make_user("外区管理员")
    region_services.grant_region_role(
        actor=None, user=outsider, role=Role.BUREAU_ADMIN, place=make_district("其他区", "330105")
    )

    def staff(role: str) -> Any:
        return RegionRole.objects.filter(role=role).select_related("user").first().user  # type: ignore[union-attr]

    return {
        "other district's bureau": outsider,
        "street staff": staff(Role.STREET_STAFF),
        "community staff": staff(Role.COMMUNITY_STAFF),
        "firm admin": FirmAdmin.objects.select_related("user").first().user,  # type: ignore[union-attr]
        "lawyer": Lawyer.objects.filter(user__isnull=False).first().user,  # type: ignore[union-attr]
        "mediator": Mediator.objects.filter(user__isnull=False).first().user,  # type: ignore[union-attr]
        "resident": ResidentProfile.objects.filter(community__isnull=False).first().user,  # type: ignore[union-attr]
    }


def test_a_row_outside_the_scope_answers_as_a_missing_one(db):
    from regions.demo import seed_demo

    seed_demo()  # a whole district with every kind of row
    people = personas()
    probed, unmodelled, wrong = 0, [], []
    before = counts()
    for route in api_row_routes():
        model = row_model(route)
        if model is None:
            if route.name not in NO_ROW_MODEL:
                unmodelled.append(route.name)
            continue
        for label, user in people.items():
            manager: Any = model._default_manager
            outside = manager.exclude(pk__in=manager.visible_to(user).values("pk")).first()
            if outside is None:
                continue  # the persona sees every row of this model in the test world
            client = APIClient()
            client.force_authenticate(user)
            for method in ("get", "post"):
                there = getattr(client, method)(route.with_args(pk=outside.pk), {})
                nowhere = getattr(client, method)(route.with_args(pk=MISSING), {})
                probed += 1
                if (there.status_code, body(there)) != (nowhere.status_code, body(nowhere)):
                    wrong.append(
                        f"{route.name} {method.upper()} as {label}: row {outside.pk} "
                        f"{there.status_code} {body(there)[:80]!r} ≠ missing "
                        f"{nowhere.status_code} {body(nowhere)[:80]!r}"
                    )
    assert not unmodelled, f"API routes without a model to probe: {unmodelled}"
    assert probed > 300  # the routes were walked and rows found
    assert not wrong, "a row outside the scope answers differently:\n" + "\n".join(wrong)
    assert counts() == before  # nothing written by any of the requests

    # The comparison has teeth: a row inside the scope does answer differently.
    from regions.models import District

    own = District.objects.visible_to(people["other district's bureau"]).get()
    client = APIClient()
    client.force_authenticate(people["other district's bureau"])
    district = next(r for r in api_row_routes() if r.name == "api:district-detail")
    assert client.get(district.with_args(pk=own.pk)).status_code == 200
    assert client.get(district.with_args(pk=MISSING)).status_code == 404
