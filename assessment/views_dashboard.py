"""Dashboards: the bureau's district, a 司法所's street, a firm (ECharts, with the same
figures as tables for screen readers and when scripts are off)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone

from assessment import dashboards
from assessment.querysets import (
    OWN_DISTRICTS,
    OWN_FIRMS,
    OWN_STREETS,
    scored_firms,
    street_firms,
)
from assessment.views_common import echarts_available
from core.scope import Scope
from core.views import in_scope, scoped_get_or_404
from firms.models import LawFirm
from pairing.querysets import DASHBOARD_STREETS
from regions.models import District, Street

TITLES = {
    "coverage": "住户覆盖率",
    "visits": "走访次数（按月）",
    "replies": "咨询按时答复（按月）",
    "mediation": "调解结果（按月）",
    "points": "积分发放与兑换（按月）",
    "ranking": "月度排名得分",
}


# What a chart's figures mean, where two of them look alike.
NOTES = {
    "coverage": (
        "覆盖率：已走访住户占全部住户的比例，目标是全部住户；"
        "完成计划进度：已走访住户占截至上月计划走访户数的比例，100% 即按计划完成。"
    ),
}


def _year(request: HttpRequest) -> int:
    raw = request.GET.get("year", "")
    today = timezone.localdate()
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else today.year


def _page(request: HttpRequest, scope: dashboards.Scope, links: dict[str, object]) -> HttpResponse:
    year = _year(request)
    charts = dashboards.build(scope, year)
    return render(
        request,
        "assessment/dashboard.html",
        {
            "scope": scope,
            "year": year,
            "charts": [
                {
                    "key": key,
                    "title": TITLES[key],
                    "note": NOTES.get(key, ""),
                    "spec": spec,
                    "id": f"chart-{key}",
                    "data_id": f"chart-{key}-data",
                }
                for key, spec in charts.items()
            ],
            "echarts": echarts_available(),
            **links,
        },
    )


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """The user's own dashboard: the bureau's district, a 司法所's street, a firm."""
    user = request.user
    own: tuple[tuple[Scope, type[Model], str], ...] = (
        (OWN_DISTRICTS, District, "assessment:district_dashboard"),
        (OWN_STREETS, Street, "assessment:street_dashboard"),
        (OWN_FIRMS, LawFirm, "assessment:firm_dashboard"),
    )
    for scope, model, name in own:
        # The lowest id the user is bound to (no query for a role the user lacks).
        first = in_scope(model, user, scope).order_by("pk").values_list("pk", flat=True).first()
        if first is not None:
            return redirect(name, first)
    # No binding of those: a superuser gets the first district (editable_by: every
    # district for a superuser, none for anybody else, without a query).
    district = in_scope(District, user, "editable_by").order_by("code").first()
    if district is not None:
        return redirect("assessment:district_dashboard", district.pk)
    raise Http404


@login_required
def district_dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    district = scoped_get_or_404(District, request.user, pk, "editable_by")
    streets = district.streets.filter(is_active=True).order_by("name")
    firms = district.firms.filter(pairings__isnull=False).distinct()
    return _page(
        request,
        dashboards.Scope(district),
        {"streets": streets, "firms": firms.order_by("name")},
    )


@login_required
def street_dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    allowed = in_scope(Street, request.user, DASHBOARD_STREETS)
    street = get_object_or_404(allowed.select_related("district"), pk=pk)
    firms = scored_firms(request.user).filter(pk__in=street_firms({street.pk})).order_by("name")
    return _page(request, dashboards.Scope(street.district, street=street), {"firms": firms})


@login_required
def firm_dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    firm = get_object_or_404(scored_firms(request.user).select_related("district"), pk=pk)
    return _page(request, dashboards.Scope(firm.district, firm=firm), {})


urlpatterns = [
    path("dashboard/", dashboard, name="dashboard"),
    path("dashboard/district/<int:pk>/", district_dashboard, name="district_dashboard"),
    path("dashboard/street/<int:pk>/", street_dashboard, name="street_dashboard"),
    path("dashboard/firm/<int:pk>/", firm_dashboard, name="firm_dashboard"),
]
