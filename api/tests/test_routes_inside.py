"""Inside the scope (#17), generated from the URL resolver: for eight personas (the demo
district's bureau, 司法所, community staff, firm admin, lawyer, mediator and resident,
and a second district's bureau), every API list and every API detail on a row the
persona sees answers 200; every page about one row opens (200) on a row it reads, by the
verb the persona table (READS) names; every page read by GET answers without a server
error; and every one of those requests stays within a query budget. The budget is per
request, whatever the data: a page whose queries grow with its rows (a query per shift,
per question …) fails here long before a province's data reach it. A new route joins by
itself."""

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

# The persona table of the pages about one row (PAGE_ROWS): how each page reads its row
# — a scope verb of the row's model, or a function of the user giving the rows — so that
# every persona opening it on such a row gets 200. A page route about one row that is in
# none of READS, ACTIONS and STATEFUL fails the test.
V, E = "visible_to", "editable_by"


def _communities_to_pair(user: Any) -> Any:
    from pairing.querysets import communities_editable_by

    return communities_editable_by(user)


def _communities_to_plan(user: Any) -> Any:
    from core.views import in_scope
    from pairing.models import Pairing
    from regions.models import Community
    from visits.querysets import PLANNING

    paired = in_scope(Pairing, user, PLANNING).active().values("community_id")
    return Community.objects.filter(pk__in=paired)


READS: dict[str, Any] = {
    **dict.fromkeys(
        [
            "assessment:bulletin_detail",
            "assessment:bulletin_pdf",
            "assessment:bulletin_xlsx",
            "assessment:month_detail",
            "assessment:period_detail",
            "assessment:score_detail",
            "consultations:knowledge_entry",
            "consultations:lawyer",
            "consultations:question_detail",
            "consultations:service_detail",
            "consultations:service_new",
            "firms:firm_detail",
            "firms:lawyer_detail",
            "mediation:case_detail",
            "mediation:file_download",
            "mediation:from_question",
            "mediation:organization_detail",
            "news:detail",
            "pairing:card",
            "pairing:card_qr",
            "regions:community_detail",
            "regions:community_public",
            "visits:check_in",
            "visits:meeting_attachment",
            "visits:meeting_detail",
            "visits:meeting_edit",
            "visits:photo",
            "visits:plan_detail",
            "visits:report_detail",
            "visits:report_export",
            "visits:service_day_detail",
            "visits:visit_detail",
        ],
        V,
    ),
    **dict.fromkeys(
        [
            "assessment:annual_detail",
            "assessment:district_dashboard",
            "assessment:firm_dashboard",
            "assessment:period_xlsx",
            "assessment:street_dashboard",
            "firms:firm_edit",
            "firms:lawyer_edit",
            "news:edit",
            "pairing:add_liaison",
            "pairing:add_office_post",
            "pairing:community_detail",
            "pairing:end_liaison",
            "pairing:end_pairing",
            "pairing:end_post",
            "points:rule_edit",
            "regions:community_edit",
            "regions:district_settings",
            "regions:member_add",
            "regions:member_edit",
            "visits:goal_edit",
            "visits:service_day_attendance",
            "visits:service_day_edit",
        ],
        E,
    ),
    "pairing:add_community_post": _communities_to_pair,
    "pairing:pair": _communities_to_pair,
    "points:coupon_detail": "owned_by",
    "points:redeem": "available_to",
    "visits:plan_file": _communities_to_plan,
}
# Pages about one row that only take a POST (GET answers 405).
ACTIONS = {
    "assessment:annual_mark",
    "assessment:annual_publish",
    "assessment:appeal_decide",
    "assessment:item_difficulty",
    "assessment:item_follow_up",
    "assessment:month_publish",
    "assessment:month_recompute",
    "assessment:period_close",
    "assessment:period_generate",
    "assessment:period_pay",
    "assessment:period_sample",
    "consultations:close",
    "consultations:conflict",
    "consultations:handover",
    "consultations:reply",
    "consultations:service_decide",
    "consultations:shift_check",
    "consultations:swap_decide",
    "consultations:take",
    "news:pin",
    "news:publish",
    "news:return",
    "news:submit",
    "news:withdraw",
    "points:coupon_cancel",
    "points:offer_review",
    "points:offer_submit",
    "points:offer_withdraw",
    "regions:member_deactivate",
    "visits:notice_resolve",
    "visits:photo_delete",
    "visits:report_confirm",
    "visits:report_refresh",
    "visits:report_return",
    "visits:report_submit",
    "visits:service_day_cancel",
    "visits:service_day_cancel_sign_up",
    "visits:service_day_sign_up",
    "visits:visit_confirm",
    "visits:visit_dispute",
    "visits:visit_submit",
}
# Pages about one row that open only in some states of the row, and why.
STATEFUL = {
    "consultations:attachment": "only where the question's text is readable (can_read_text)",
    "mediation:agreement_pdf": "only a case with an agreement",
    "mediation:assign_mediators": "only while the case may be assigned (htmx)",
    "news:cover": "only an article with a cover",
    "points:offer_edit": "only an offer not yet submitted; otherwise back to the list",
    "visits:visit_edit": "only a record not yet confirmed",
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


# The persona table of the pages without an argument: who opens each (200); every other
# persona gets 404 (the page exists for nobody else). A new page fails until listed.
BUREAUS = ("bureau", "other district's bureau")
EVERYONE = (
    *BUREAUS,
    "street staff",
    "community staff",
    "firm admin",
    "lawyer",
    "mediator",
    "resident",
)
OPENS: dict[str, tuple[str, ...]] = {
    "accounts:login": EVERYONE,
    "accounts:password_change": EVERYONE,
    "accounts:security": EVERYONE,
    "accounts:sms_login": EVERYONE,
    "accounts:password_reset": EVERYONE,
    "assessment:annual_list": (*BUREAUS, "street staff", "firm admin"),
    "assessment:appeal_list": (*BUREAUS, "street staff", "firm admin"),
    "assessment:bulletin_list": EVERYONE,
    "assessment:commendation_list": EVERYONE,
    "assessment:commendation_new": BUREAUS,
    "assessment:month_list": (*BUREAUS, "street staff", "firm admin"),
    "assessment:period_list": (*BUREAUS, "street staff", "firm admin"),
    "assessment:rules": BUREAUS,
    "consultations:ask": EVERYONE,
    "consultations:assist": ("street staff", "community staff"),
    "consultations:board": BUREAUS,
    "consultations:directory": EVERYONE,
    "consultations:duty": ("firm admin", "lawyer"),
    "consultations:knowledge": EVERYONE,
    "consultations:mine": EVERYONE,
    "consultations:notices": EVERYONE,
    "consultations:question_list": (
        *BUREAUS,
        "street staff",
        "community staff",
        "firm admin",
        "lawyer",
    ),
    "consultations:queue": ("firm admin", "lawyer"),
    "consultations:roster": BUREAUS,
    "consultations:roster_export": BUREAUS,
    "consultations:service_list": EVERYONE,
    "consultations:suggest": EVERYONE,
    "firms:directory": EVERYONE,
    "firms:firm_list": EVERYONE,
    "firms:lawyer_add": (*BUREAUS, "firm admin"),
    "firms:lawyer_list": EVERYONE,
    "healthz": EVERYONE,
    "login_log": BUREAUS,
    "mediation:apply": EVERYONE,
    "mediation:case_list": EVERYONE,
    "mediation:file": (*BUREAUS, "street staff", "community staff", "mediator"),
    "mediation:register": EVERYONE,
    "mediation:statistics": (*BUREAUS, "street staff"),
    "mediation:suggest": EVERYONE,
    "news:list": EVERYONE,
    "news:mine": EVERYONE,
    "news:new": (*BUREAUS, "street staff", "firm admin"),
    "news:review": BUREAUS,
    "operation_log": BUREAUS,
    "pairing:community_list": EVERYONE,
    "pairing:dashboard": (*BUREAUS, "street staff"),
    "points:adjust": BUREAUS,
    "points:bureau": BUREAUS,
    "points:bureau_offers": BUREAUS,
    "points:coupon_list": EVERYONE,
    "points:firm_offers": ("firm admin", "lawyer"),
    "points:history": EVERYONE,
    "points:home": EVERYONE,
    "points:offer_add": ("firm admin",),
    "points:offer_list": EVERYONE,
    "points:policy_edit": BUREAUS,
    "points:rule_add": BUREAUS,
    "points:verify": ("firm admin", "lawyer"),
    "portal": EVERYONE,
    "regions:community_list": EVERYONE,
    "regions:community_options": EVERYONE,
    "regions:home_community": EVERYONE,
    "regions:street_list": EVERYONE,
    "visits:coverage": (*BUREAUS, "street staff", "community staff", "firm admin", "lawyer"),
    "visits:meeting_create": (*BUREAUS, "street staff", "firm admin"),
    "visits:meeting_list": EVERYONE,
    "visits:notice_list": EVERYONE,
    "visits:plan_list": EVERYONE,
    "visits:report_list": EVERYONE,
    "visits:report_rollup": (*BUREAUS, "street staff"),
    "visits:service_day_list": EVERYONE,
    "visits:visit_create": ("firm admin", "lawyer"),
    "visits:visit_list": EVERYONE,
    "workspace": EVERYONE,
}
# Pages that only take a POST (GET answers 405 to everyone).
POST_ONLY = {"accounts:logout", "assessment:month_compute", "care_mode"}
# Pages that send the persona on (302): the 2FA step (to the workspace when done or not
# required), the dashboard link (to the user's own dashboard); 404 for the others.
REDIRECTS: dict[str, tuple[str, ...]] = {
    "accounts:two_factor": EVERYONE,
    "assessment:dashboard": (*BUREAUS, "street staff", "firm admin"),
}


def test_every_page_opens_to_the_personas_of_its_table_only(db):
    from regions.demo import seed_demo

    seed_demo()
    people = personas()
    assert set(people) == set(EVERYONE)
    pages = {
        r.name: r for r in routes() if not r.args and not r.name.startswith(("api:", "admin:"))
    }
    listed = set(OPENS) | POST_ONLY | set(REDIRECTS)
    assert set(pages) - listed == set(), "pages missing from the persona table"
    assert listed - set(pages) == set(), "the persona table names pages that do not exist"
    wrong = []
    for name, route in sorted(pages.items()):
        for who, user in people.items():
            client = Client()
            client.force_login(user)
            if name in POST_ONLY:
                expected = 405
            elif name in REDIRECTS:
                expected = 302 if who in REDIRECTS[name] else 404
            else:
                expected = 200 if who in OPENS[name] else 404
            status = client.get(route.path).status_code
            if status != expected:
                wrong.append(f"{name} as {who}: {status}, expected {expected}")
    assert not wrong, "\n".join(wrong)


def test_every_page_about_one_row_opens_on_a_row_it_reads(db):
    from regions.demo import seed_demo

    seed_demo()
    people = personas()
    # (A page with a further argument — a case's action, a metric's code — is left to
    # the tests of its app.)
    pages = {r.name for r in routes() if r.name in PAGE_ROWS and not set(r.args) & NOT_ROWS}
    listed = set(READS) | ACTIONS | set(STATEFUL)
    assert pages - listed == set(), "pages about one row missing from the table"
    assert listed - pages == set(), "the table names pages that are not pages about one row"
    opened, wrong = 0, []
    for route in routes():
        if route.name not in pages:
            continue
        arg, label = PAGE_ROWS[route.name]
        manager: Any = apps.get_model(label)._default_manager
        for who, user in people.items():
            client = Client()
            client.force_login(user)
            if route.name in ACTIONS:
                row = manager.visible_to(user).first()
                if (
                    row is not None
                    and client.get(route.with_args(**{arg: row.pk})).status_code != 405
                ):
                    wrong.append(f"{route.name} answers GET: not an action")
                continue
            read = READS.get(route.name)
            if read is None:
                continue
            rows = read(user) if callable(read) else getattr(manager, read)(user)
            row = rows.order_by("pk").first()
            if row is None:
                continue
            opened += 1
            status = client.get(route.with_args(**{arg: row.pk})).status_code
            if status != 200:
                wrong.append(f"{route.name} as {who} on row {row.pk}: {status}")
    assert opened > 150  # most pages were opened by several personas
    assert not wrong, "\n".join(wrong)


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
