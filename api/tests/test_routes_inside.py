"""Inside the scope (#17), generated from the URL resolver: for eight personas (the demo
district's bureau, 司法所, community staff, firm admin, lawyer, mediator and resident,
and a second district's bureau), every API list and every API detail on a row the
persona sees answers 200; every page read by GET (a page about one row: on a row the
persona sees) answers without a server error; and every one of those requests stays
within a query budget. The budget is per request, whatever the data: a page whose
queries grow with its rows (a query per shift, per question …) fails here long before
a province's data reach it. A new route joins by itself."""

from __future__ import annotations

from typing import Any

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from api.tests.test_routes_outside import NOT_ROWS, PAGE_ROWS, personas, row_model
from core.testing import Route, routes

pytestmark = pytest.mark.django_db

# Queries per request, session and user included.
API_BUDGET = 12
PAGE_BUDGET = 20
# Pages allowed more, and why (still independent of the number of rows).
HEAVIER: dict[str, tuple[int, str]] = {
    "workspace": (45, "one panel per role the user holds, a few counts each"),
}


def gets() -> list[tuple[Route, str | None, Any]]:
    """(route, argument, model) of every GET to probe: API lists and details, pages
    without an argument, pages about one row (PAGE_ROWS)."""
    found: list[tuple[Route, str | None, Any]] = []
    for route in routes():
        if route.name.startswith("admin:") or set(route.args) & NOT_ROWS:
            continue
        if route.name.startswith("api:"):
            if route.name.endswith("-list") and not route.args:
                found.append((route, None, None))
            elif route.name.endswith("-detail") and list(route.args) == ["pk"]:
                model = row_model(route)
                if model is not None:
                    found.append((route, "pk", model))
        elif not route.args:
            found.append((route, None, None))
        elif route.name in PAGE_ROWS:
            arg, label = PAGE_ROWS[route.name]
            found.append((route, arg, apps.get_model(label)))
    return found


def test_every_get_answers_inside_the_scope_within_its_budget(db):
    from regions.demo import seed_demo

    seed_demo()
    people = personas()
    probed, api_ok, wrong = 0, 0, []
    for route, arg, model in gets():
        api = route.name.startswith("api:")
        budget = API_BUDGET if api else HEAVIER.get(route.name, (PAGE_BUDGET, ""))[0]
        for label, user in people.items():
            path = route.path
            if model is not None:
                row = model._default_manager.visible_to(user).order_by("pk").first()
                if row is None:
                    continue
                path = route.with_args(**{str(arg): row.pk})
            client: Any = APIClient() if api else Client()
            if api:
                client.force_authenticate(user)
            else:
                client.force_login(user)
            with CaptureQueriesContext(connection) as queries:
                response = client.get(path)
            probed += 1
            used = len(queries.captured_queries)
            if api and response.status_code != 200:
                wrong.append(f"{path} as {label}: {response.status_code}, not 200")
            elif response.status_code >= 500:
                wrong.append(f"{path} as {label}: {response.status_code}")
            if used > budget:
                wrong.append(f"{path} as {label}: {used} queries, budget {budget}")
            api_ok += api and response.status_code == 200
    assert probed > 1600  # every route, every persona
    assert api_ok > 450  # the API answered inside the scope
    assert not wrong, "\n".join(wrong)
