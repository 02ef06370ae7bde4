"""Pages of annual plans, the district goal, coverage and notices."""

from __future__ import annotations

from functools import cache

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.forms import page_filter, run_service
from core.views import in_scope, public_rows, scoped_get_or_404
from pairing.models import Pairing
from regions.models import District
from visits import services
from visits.coverage import community_coverage, roll_up
from visits.filters import VisitPlanFilter
from visits.forms import GoalForm, PlanForm, YearForm
from visits.models import DistrictGoal, Notice, VisitPlan
from visits.querysets import PLANNING, coverage_communities, plans_owed

PAGE_SIZE = 20
ECHARTS = "echarts/echarts.esm.min.js"


@cache
def echarts_available() -> bool:
    """ECharts is served from static files when a registry package provides it."""
    return finders.find(ECHARTS) is not None


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    year = YearForm(request.GET).chosen()
    qs = (
        in_scope(VisitPlan, request.user)
        .current()
        .filter(year=year)
        .select_related("firm", "community__street")
        .order_by("community__street__name", "community__name")
    )
    filterset = page_filter(VisitPlanFilter, request, qs, ["community", "firm"])
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    missing = (
        plans_owed(request.user, year)
        .select_related("community", "firm")
        .order_by("community__name")
    )
    return render(
        request,
        "visits/plan_list.html",
        {"page_obj": page, "filterset": filterset, "year": year, "missing": missing},
    )


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_object_or_404(
        in_scope(VisitPlan, request.user).select_related("firm", "community__street", "filed_by"),
        pk=pk,
    )
    revisions = (
        in_scope(VisitPlan, request.user)
        .filter(firm=plan.firm_id, community=plan.community_id, year=plan.year)
        .select_related("filed_by")
        .order_by("-revision")
    )
    return render(
        request,
        "visits/plan_detail.html",
        {
            "plan": plan,
            "months": plan.months.all(),
            "revisions": revisions,
            "can_revise": plan.is_current
            and in_scope(VisitPlan, request.user, "editable_by").filter(pk=pk).exists(),
        },
    )


@login_required
def plan_file(request: HttpRequest, community_id: int) -> HttpResponse:
    """File or revise the plan of a community paired with one of the user's firms."""
    pairing = (
        in_scope(Pairing, request.user, PLANNING)
        .active()
        .filter(community_id=community_id)
        .select_related("community", "firm")
        .first()
    )
    if pairing is None:
        raise Http404
    year = YearForm(request.GET).chosen()
    current = (
        pairing.community.visit_plans.current().filter(firm=pairing.firm_id, year=year).first()
    )
    if current is not None:
        initial = list(current.months.values_list("visits", "households"))
    else:
        share = pairing.community.households // 12
        initial = [(4, share)] * 12
    form = PlanForm(request.POST or None, initial_months=initial)
    if request.method == "POST" and form.is_valid():
        saved: list[VisitPlan] = []
        if run_service(
            form,
            lambda: saved.append(
                services.file_plan(
                    actor=request.user,
                    firm=pairing.firm,
                    community=pairing.community,
                    year=year,
                    months=form.months(),
                    reason=form.cleaned_data["reason"],
                )
            ),
        ):
            messages.success(request, _("年度走访计划已保存"))
            return redirect("visits:plan_detail", saved[0].pk)
    return render(
        request,
        "visits/plan_form.html",
        {"form": form, "pairing": pairing, "year": year, "current": current},
    )


@login_required
def goal_edit(request: HttpRequest, district_id: int) -> HttpResponse:
    district = scoped_get_or_404(District, request.user, district_id, "editable_by")
    year = YearForm(request.GET).chosen()
    goal = district.visit_goals.filter(year=year).first()
    form = GoalForm(
        request.POST or None, instance=goal or DistrictGoal(district=district, year=year)
    )
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in form.fields}
        if run_service(
            form,
            lambda: services.set_district_goal(
                actor=request.user, district=district, year=year, values=values
            ),
        ):
            messages.success(request, _("全区走访目标已保存"))
            return redirect(f"{reverse('visits:coverage')}?year={year}")
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": _("%(year)s 年全区走访目标：%(d)s") % {"year": year, "d": district},
            "intro": _("走千家、访万户：设定全年走访次数和户数目标，覆盖率目标为全部住户。"),
            "cancel_url": reverse("visits:coverage"),
        },
    )


@login_required
def coverage(request: HttpRequest) -> HttpResponse:
    """Households visited in the year / households, per community, street and district,
    against plan and against full coverage; a chart and a coloured grid."""
    year_form = YearForm(request.GET)
    year = year_form.chosen()
    communities = coverage_communities(request.user)
    if not request.user.is_superuser and not communities.exists():
        raise Http404
    rows = community_coverage(communities, year)
    streets, total = roll_up(rows)
    districts = public_rows(District).filter(pk__in=communities.values("street__district_id"))
    goals = (
        in_scope(DistrictGoal, request.user)
        .filter(district__in=districts, year=year)
        .select_related("district")
    )
    editable = in_scope(District, request.user, "editable_by").filter(pk__in=districts.values("pk"))
    chart = {
        "streets": [s.name for s in streets],
        "rates": [s.rate for s in streets],
        "plan": [s.plan_rate for s in streets],
    }
    return render(
        request,
        "visits/coverage.html",
        {
            "year": year,
            "year_form": year_form,
            "rows": rows,
            "streets": streets,
            "total": total,
            "goals": goals,
            "goal_district": editable.first(),
            "behind": [r for r in rows if r.behind],
            "chart": chart,
            "echarts": echarts_available(),
            "today": timezone.localdate(),
        },
    )


@login_required
def notice_list(request: HttpRequest) -> HttpResponse:
    qs = (
        in_scope(Notice, request.user)
        .select_related("firm", "street", "community")
        .order_by("resolved_at", "-created_at")
    )
    if request.GET.get("all") != "1":
        qs = qs.filter(resolved_at__isnull=True)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "visits/notice_list.html", {"page_obj": page})


@login_required
@require_POST
def notice_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    notice = scoped_get_or_404(Notice, request.user, pk)
    services.resolve_notice(actor=request.user, notice=notice)
    messages.success(request, _("已标记为已处理"))
    return redirect("visits:notice_list")


urlpatterns = [
    path("plans/", plan_list, name="plan_list"),
    path("plans/<int:pk>/", plan_detail, name="plan_detail"),
    path("plans/file/<int:community_id>/", plan_file, name="plan_file"),
    path("goals/<int:district_id>/", goal_edit, name="goal_edit"),
    path("coverage/", coverage, name="coverage"),
    path("notices/", notice_list, name="notice_list"),
    path("notices/<int:pk>/resolve/", notice_resolve, name="notice_resolve"),
]
