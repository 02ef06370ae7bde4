"""Every route that names a row by id, API and pages alike, generated from the URL
resolver: for seven personas, a row outside the persona's scope answers exactly as an
id that does not exist (the same status, the same body) for GET and POST, and nothing
is written. A new API route joins by itself (its viewset's model); a new page route
with an id fails the test until PAGE_ROWS names its model."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.apps import apps
from django.urls import resolve
from rest_framework.test import APIClient

from api.tests.test_routes_anonymous import PUBLIC, counts
from core.testing import Route, routes

pytestmark = pytest.mark.django_db

# API routes with an id whose viewset names no model to take a row from, and why.
NO_ROW_MODEL: dict[str, str] = {}

# Page routes with an id: the argument and the model (app_label.Model) it names. A page
# route with an id argument missing here fails the test.
PAGE_ROWS: dict[str, tuple[str, str]] = {
    "assessment:annual_detail": ("pk", "assessment.AnnualAssessment"),
    "assessment:annual_mark": ("pk", "assessment.AnnualScore"),
    "assessment:annual_publish": ("pk", "assessment.AnnualAssessment"),
    "assessment:appeal_decide": ("pk", "assessment.Appeal"),
    "assessment:bulletin_detail": ("pk", "assessment.Bulletin"),
    "assessment:bulletin_pdf": ("pk", "assessment.Bulletin"),
    "assessment:bulletin_xlsx": ("pk", "assessment.Bulletin"),
    "assessment:district_dashboard": ("pk", "regions.District"),
    "assessment:firm_dashboard": ("pk", "firms.LawFirm"),
    "assessment:item_difficulty": ("pk", "assessment.SubsidyItem"),
    "assessment:item_follow_up": ("pk", "assessment.SubsidyItem"),
    "assessment:metric_detail": ("pk", "assessment.MonthlyScore"),
    "assessment:month_detail": ("pk", "assessment.RankingMonth"),
    "assessment:month_publish": ("pk", "assessment.RankingMonth"),
    "assessment:month_recompute": ("pk", "assessment.RankingMonth"),
    "assessment:period_close": ("pk", "assessment.SubsidyPeriod"),
    "assessment:period_detail": ("pk", "assessment.SubsidyPeriod"),
    "assessment:period_generate": ("pk", "assessment.SubsidyPeriod"),
    "assessment:period_pay": ("pk", "assessment.SubsidyPeriod"),
    "assessment:period_sample": ("pk", "assessment.SubsidyPeriod"),
    "assessment:period_xlsx": ("pk", "assessment.SubsidyPeriod"),
    "assessment:score_detail": ("pk", "assessment.MonthlyScore"),
    "assessment:street_dashboard": ("pk", "regions.Street"),
    "consultations:attachment": ("pk", "consultations.QuestionAttachment"),
    "consultations:close": ("pk", "consultations.Question"),
    "consultations:conflict": ("pk", "consultations.Question"),
    "consultations:handover": ("pk", "consultations.Question"),
    "consultations:knowledge_entry": ("pk", "consultations.KnowledgeEntry"),
    "consultations:lawyer": ("pk", "firms.Lawyer"),
    "consultations:question_detail": ("pk", "consultations.Question"),
    "consultations:reply": ("pk", "consultations.Question"),
    "consultations:service_decide": ("pk", "consultations.ServiceRequest"),
    "consultations:service_detail": ("pk", "consultations.ServiceRequest"),
    "consultations:service_new": ("lawyer_pk", "firms.Lawyer"),
    "consultations:shift_check": ("pk", "consultations.DutyShift"),
    "consultations:swap_decide": ("pk", "consultations.DutySwapRequest"),
    "consultations:take": ("pk", "consultations.Question"),
    "firms:firm_detail": ("pk", "firms.LawFirm"),
    "firms:firm_edit": ("pk", "firms.LawFirm"),
    "firms:lawyer_detail": ("pk", "firms.Lawyer"),
    "firms:lawyer_edit": ("pk", "firms.Lawyer"),
    "mediation:agreement_pdf": ("pk", "mediation.Case"),
    "mediation:assign_mediators": ("pk", "mediation.Case"),
    "mediation:case_action": ("pk", "mediation.Case"),
    "mediation:case_detail": ("pk", "mediation.Case"),
    "mediation:file_download": ("pk", "mediation.CaseFile"),
    "mediation:from_question": ("question_pk", "consultations.Question"),
    "mediation:organization_detail": ("pk", "mediation.Organization"),
    "news:cover": ("pk", "news.Article"),
    "news:detail": ("pk", "news.Article"),
    "news:edit": ("pk", "news.Article"),
    "news:pin": ("pk", "news.Article"),
    "news:publish": ("pk", "news.Article"),
    "news:return": ("pk", "news.Article"),
    "news:submit": ("pk", "news.Article"),
    "news:withdraw": ("pk", "news.Article"),
    "pairing:add_community_post": ("pk", "regions.Community"),
    "pairing:add_liaison": ("pk", "pairing.Pairing"),
    "pairing:add_office_post": ("pk", "regions.Street"),
    "pairing:card": ("pk", "regions.Community"),
    "pairing:card_qr": ("pk", "regions.Community"),
    "pairing:community_detail": ("pk", "regions.Community"),
    "pairing:end_liaison": ("pk", "pairing.Liaison"),
    "pairing:end_pairing": ("pk", "pairing.Pairing"),
    "pairing:end_post": ("pk", "pairing.HonoraryPost"),
    "pairing:pair": ("pk", "regions.Community"),
    "points:coupon_cancel": ("pk", "points.Coupon"),
    "points:coupon_detail": ("pk", "points.Coupon"),
    "points:offer_edit": ("pk", "points.Offer"),
    "points:offer_review": ("pk", "points.Offer"),
    "points:offer_submit": ("pk", "points.Offer"),
    "points:offer_withdraw": ("pk", "points.Offer"),
    "points:redeem": ("pk", "points.Offer"),
    "points:rule_edit": ("pk", "points.EarningRule"),
    "regions:community_detail": ("pk", "regions.Community"),
    "regions:community_edit": ("pk", "regions.Community"),
    "regions:community_public": ("pk", "regions.Community"),
    "regions:district_settings": ("pk", "regions.District"),
    "regions:member_add": ("pk", "regions.Community"),
    "regions:member_deactivate": ("pk", "regions.StudioMember"),
    "regions:member_edit": ("pk", "regions.StudioMember"),
    "visits:check_in": ("community_id", "regions.Community"),
    "visits:goal_edit": ("district_id", "regions.District"),
    "visits:meeting_attachment": ("pk", "visits.MeetingAttachment"),
    "visits:meeting_detail": ("pk", "visits.Meeting"),
    "visits:meeting_edit": ("pk", "visits.Meeting"),
    "visits:notice_resolve": ("pk", "visits.Notice"),
    "visits:photo": ("pk", "visits.VisitPhoto"),
    "visits:photo_delete": ("pk", "visits.VisitPhoto"),
    "visits:plan_detail": ("pk", "visits.VisitPlan"),
    "visits:plan_file": ("community_id", "regions.Community"),
    "visits:report_confirm": ("pk", "visits.MonthlyReport"),
    "visits:report_detail": ("pk", "visits.MonthlyReport"),
    "visits:report_export": ("pk", "visits.MonthlyReport"),
    "visits:report_refresh": ("pk", "visits.MonthlyReport"),
    "visits:report_return": ("pk", "visits.MonthlyReport"),
    "visits:report_submit": ("pk", "visits.MonthlyReport"),
    "visits:service_day_attendance": ("pk", "visits.ServiceDay"),
    "visits:service_day_cancel": ("pk", "visits.ServiceDay"),
    "visits:service_day_cancel_sign_up": ("pk", "visits.ServiceDay"),
    "visits:service_day_detail": ("pk", "visits.ServiceDay"),
    "visits:service_day_edit": ("pk", "visits.ServiceDay"),
    "visits:service_day_sign_up": ("pk", "visits.ServiceDay"),
    "visits:visit_confirm": ("pk", "visits.Visit"),
    "visits:visit_detail": ("pk", "visits.Visit"),
    "visits:visit_dispute": ("pk", "visits.Visit"),
    "visits:visit_edit": ("pk", "visits.Visit"),
    "visits:visit_submit": ("pk", "visits.Visit"),
}
# Signed-in pages that read rows open to every signed-in user whatever their scope, and
# why (the row is public; the page only asks who is signed in).
OPEN_ROWS = {
    "consultations:service_new": "any lawyer of the public directory may be asked for a quote",
    "visits:check_in": "the QR code on a service day's poster: whoever is there checks in",
}
# Foreign keys of API collections open to every signed-in user by design, and why.
OPEN_FIELDS = {
    ("api:quote-list", "lawyer"): "any lawyer of the public directory may be asked for a quote",
}
# Arguments that name no row (an export's kind, a case's action, a metric's code).
NOT_ROWS = {"kind", "action", "metric"}

MISSING = 987_654_321


def api_row_routes() -> list[Route]:
    return [r for r in routes() if r.name.startswith("api:") and "pk" in r.args]


def row_model(route: Route) -> Any:
    view = resolve(route.path).func
    cls: Any = getattr(view, "cls", None)
    queryset = getattr(cls, "queryset", None)
    return None if queryset is None else queryset.model


def targets() -> tuple[list[tuple[Route, str, Any]], list[str]]:
    """Every route naming a row (route, argument, model), and the routes naming a row
    whose model is not known (API: the viewset has no queryset; pages: not in
    PAGE_ROWS). Public routes are left to test_routes_anonymous, OPEN_ROWS out."""
    found: list[tuple[Route, str, Any]] = []
    unknown: list[str] = []
    for route in routes():
        if route.name in PUBLIC or route.name in OPEN_ROWS or route.name.startswith("admin:"):
            continue
        if route.name.startswith("api:"):
            if "pk" not in route.args:
                continue
            model = row_model(route)
            if model is None:
                if route.name not in NO_ROW_MODEL:
                    unknown.append(route.name)
                continue
            found.append((route, "pk", model))
        elif set(route.args) - NOT_ROWS:
            if route.name not in PAGE_ROWS:
                unknown.append(route.name)
                continue
            arg, label = PAGE_ROWS[route.name]
            found.append((route, arg, apps.get_model(label)))
    return found, unknown


CSRF_TOKEN = re.compile(rb'(X-CSRFToken": "|name="csrfmiddlewaretoken" value=")[^"]+')


def body(response: Any) -> bytes:
    """What the response says, less what differs from request to request by design:
    the CSRF token (masked anew on every page) and the address asked for (an error page
    in the site's layout repeats it in the 关怀模式 switch)."""
    content = CSRF_TOKEN.sub(rb"\1TOKEN", response.content)
    return content.replace(response.wsgi_request.get_full_path().encode(), b"PATH")


def personas() -> dict[str, Any]:
    """One user of each role of the demo district, and the bureau admin of a second
    district with rows of its own (api/tests/second_district.py)."""
    from accounts.roles import Role
    from api.tests.second_district import attach_files, build_second_district
    from firms.models import FirmAdmin, Lawyer
    from mediation.models import Mediator
    from regions.demo import demo_district
    from regions.models import RegionRole, ResidentProfile

    demo = demo_district()
    attach_files()
    outsider = build_second_district().bureau_admin

    # The rows of the demo district were made first: the first of each is the demo's.
    def first_user(qs: Any) -> Any:
        return qs.filter(user__isnull=False).select_related("user").order_by("pk").first().user

    def staff(role: str) -> Any:
        return first_user(RegionRole.objects.filter(role=role))

    return {
        "bureau": first_user(RegionRole.objects.filter(role=Role.BUREAU_ADMIN, district=demo)),
        "other district's bureau": outsider,
        "street staff": staff(Role.STREET_STAFF),
        "community staff": staff(Role.COMMUNITY_STAFF),
        "firm admin": first_user(FirmAdmin.objects.filter(firm__district=demo)),
        "lawyer": first_user(Lawyer.objects.filter(firm__district=demo)),
        "mediator": first_user(Mediator.objects.filter(organization__district=demo)),
        "resident": first_user(ResidentProfile.objects.filter(community__street__district=demo)),
    }


def test_a_row_outside_the_scope_answers_as_a_missing_one(db):
    from regions.demo import seed_demo

    seed_demo()  # a whole district with every kind of row
    people = personas()
    found, unknown = targets()
    assert not unknown, f"routes naming a row of an unknown model: {unknown}"
    stale = (set(PAGE_ROWS) | set(OPEN_ROWS) | set(NO_ROW_MODEL)) - {r.name for r in routes()}
    assert not stale, f"tables name routes that do not exist: {stale}"
    probed, wrong = 0, []
    before = counts()
    for route, arg, model in found:
        for label, user in people.items():
            manager: Any = model._default_manager
            outside = manager.exclude(pk__in=manager.visible_to(user).values("pk")).first()
            if outside is None:
                continue  # the persona sees every row of this model in the test world
            client = APIClient()
            client.force_authenticate(user)
            client.force_login(user)
            for method in ("get", "post"):
                there = getattr(client, method)(route.with_args(**{arg: outside.pk}), {})
                nowhere = getattr(client, method)(route.with_args(**{arg: MISSING}), {})
                probed += 1
                if (there.status_code, body(there)) != (nowhere.status_code, body(nowhere)):
                    wrong.append(
                        f"{route.name} {method.upper()} as {label}: row {outside.pk} "
                        f"{there.status_code} {body(there)[:80]!r} ≠ missing "
                        f"{nowhere.status_code} {body(nowhere)[:80]!r}"
                    )
    assert probed > 600  # the routes were walked and rows found
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


def related_fields(route: Route) -> list[tuple[str, Any]]:
    """The writable foreign keys (name, model) of the serializers a route's viewset
    reads input with."""
    from rest_framework import serializers

    cls: Any = getattr(resolve(route.path).func, "cls", None)
    found: dict[str, Any] = {}
    for attr in ("serializer_class", "create_serializer_class"):
        serializer_class = getattr(cls, attr, None)
        if serializer_class is None:
            continue
        for name, field in serializer_class().fields.items():
            if field.read_only:
                continue
            inner = getattr(field, "child_relation", field)
            if not isinstance(inner, serializers.RelatedField):
                continue
            model = getattr(inner, "model", None) or getattr(inner.queryset, "model", None)
            if model is not None:
                found[name] = model
    return list(found.items())


def test_a_forged_foreign_key_answers_as_a_missing_one(db):
    """Every API collection that takes a foreign key: a row outside the persona's
    scope in the payload answers as an id that does not exist, and nothing is written."""
    from regions.demo import seed_demo

    seed_demo()
    people = personas()
    probed, wrong = 0, []
    before = counts()
    collections = [r for r in routes() if r.name.startswith("api:") and r.name.endswith("-list")]
    for route in collections:
        for field, model in related_fields(route):
            if (route.name, field) in OPEN_FIELDS:
                continue
            for label, user in people.items():
                manager: Any = model._default_manager
                outside = manager.exclude(pk__in=manager.visible_to(user).values("pk")).first()
                if outside is None:
                    continue
                client = APIClient()
                client.force_authenticate(user)
                there = client.post(route.path, {field: outside.pk}, format="json")
                nowhere = client.post(route.path, {field: MISSING}, format="json")
                probed += 1
                same = lambda r, pk: (r.status_code, body(r).replace(str(pk).encode(), b"ID"))  # noqa: E731
                if same(there, outside.pk) != same(nowhere, MISSING):
                    wrong.append(
                        f"{route.name} {field} as {label}: row {outside.pk} {there.status_code} "
                        f"{body(there)[:120]!r} ≠ missing {nowhere.status_code} "
                        f"{body(nowhere)[:120]!r}"
                    )
    assert probed > 50  # collections with foreign keys were found
    assert not wrong, "a forged foreign key answers differently:\n" + "\n".join(wrong)
    assert counts() == before
