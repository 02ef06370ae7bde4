"""Pages of the monthly ranking: the months, a month's table, a firm's score with its
metrics, the records behind a metric, appeals, and the rules."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import OuterRef, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessment import services
from assessment.choices import Metric
from assessment.forms import (
    AppealForm,
    ComputeForm,
    DecisionForm,
    MediationRatesForm,
    RankingConfigForm,
    SubsidyRatesForm,
)
from assessment.metrics import DEFINITIONS
from assessment.models import Appeal, MetricScore, MonthlyScore, RankingMonth
from assessment.views_common import (
    PAGE_SIZE,
    attempt,
    bureau_districts,
    echarts_available,
    require_bureau,
    require_staff,
    submit,
)
from core.excel import chosen_district
from core.views import in_scope, scoped_get_or_404

# Where the records behind a metric are shown (each page applies its own scope).
RECORD_URLS = {
    "visit": "visits:visit_detail",
    "service_day": "visits:service_day_detail",
    "question": "consultations:question_detail",
    "case": "mediation:case_detail",
}


def _columns(ranking: RankingMonth) -> list[dict[str, object]]:
    return [
        {"key": m.value, "label": m.label, "weight": ranking.weights[m.value]}
        for m in Metric
        if m.value in ranking.weights
    ]


@login_required
def month_list(request: HttpRequest) -> HttpResponse:
    require_staff(request)
    own = (
        in_scope(MonthlyScore, request.user, "owned_by")
        .filter(ranking=OuterRef("pk"))
        .order_by("pk")
    )
    months = (
        in_scope(RankingMonth, request.user)
        .select_related("district")
        .annotate(
            own_score=Subquery(own.values("pk")[:1]),
            own_total=Subquery(own.values("total")[:1]),
            own_rank=Subquery(own.values("rank")[:1]),
        )
        .order_by("-month", "district__code")
    )
    page = Paginator(months, PAGE_SIZE).get_page(request.GET.get("page"))
    districts = bureau_districts(request.user)
    form = ComputeForm(districts=districts) if districts.exists() else None
    return render(
        request,
        "assessment/month_list.html",
        {"page_obj": page, "form": form, "today": timezone.localdate()},
    )


@login_required
@require_POST
def month_compute(request: HttpRequest) -> HttpResponse:
    require_bureau(request)
    form = ComputeForm(request.POST, districts=bureau_districts(request.user))
    if form.is_valid():
        data = form.cleaned_data
        holder: list[RankingMonth] = []
        if submit(
            form,
            lambda: holder.append(
                services.compute_month(
                    actor=request.user, district=data["district"], month=data["month"]
                )
            ),
        ):
            messages.success(request, _("已计算排名草稿，律所可在申诉期内查看并申诉"))
            return redirect("assessment:month_detail", holder[0].pk)
    for error in form.errors.values():
        messages.error(request, "；".join(str(e) for e in error))
    return redirect("assessment:month_list")


@login_required
def month_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_staff(request)
    ranking = get_object_or_404(
        in_scope(RankingMonth, request.user).select_related("district"), pk=pk
    )
    scores = (
        in_scope(MonthlyScore, request.user)
        .filter(ranking=ranking)
        .select_related("firm")
        .with_metrics()
        .order_by("rank", "firm__name")
    )
    appeals = (
        in_scope(Appeal, request.user)
        .filter(score__ranking=ranking)
        .select_related("score__firm", "filed_by")
        .order_by("status", "-filed_at")
    )
    editable = in_scope(RankingMonth, request.user, "editable_by").filter(pk=ranking.pk).exists()
    rows = list(scores)
    for row in rows:
        row.values = {m.metric: m for m in row.metrics.all()}  # type: ignore[attr-defined]
    chart = {
        "categories": [r.firm.name for r in rows],
        "series": [{"name": _("总分"), "data": [float(r.total) for r in rows]}],
        "horizontal": True,
        "max": 100,
    }
    return render(
        request,
        "assessment/month_detail.html",
        {
            "ranking": ranking,
            "rows": rows,
            "columns": _columns(ranking),
            "appeals": appeals,
            "editable": editable,
            "bulletin": getattr(ranking, "bulletin", None) if not ranking.is_draft else None,
            "window_open": ranking.is_draft and timezone.localdate() <= ranking.appeal_deadline,
            "chart": chart,
            "echarts": echarts_available() and bool(rows),
        },
    )


def _editable_month(request: HttpRequest, pk: int) -> RankingMonth:
    return scoped_get_or_404(RankingMonth, request.user, pk, "editable_by")


@login_required
@require_POST
def month_recompute(request: HttpRequest, pk: int) -> HttpResponse:
    ranking = _editable_month(request, pk)
    attempt(
        request,
        lambda: services.compute_month(
            actor=request.user, district=ranking.district, month=ranking.month
        ),
        _("已按最新记录重新计算，申诉期重新起算"),
    )
    return redirect("assessment:month_detail", ranking.pk)


@login_required
@require_POST
def month_publish(request: HttpRequest, pk: int) -> HttpResponse:
    ranking = _editable_month(request, pk)
    bulletin = attempt(
        request,
        lambda: services.publish_month(actor=request.user, ranking=ranking),
        _("已发布，排名通报已生成"),
    )
    if bulletin is not None:
        return redirect("assessment:bulletin_detail", bulletin.pk)
    return redirect("assessment:month_detail", ranking.pk)


@login_required
def score_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_staff(request)
    score = get_object_or_404(
        in_scope(MonthlyScore, request.user)
        .select_related("firm", "ranking__district")
        .with_metrics(),
        pk=pk,
    )
    ranking = score.ranking
    metrics = [
        {"row": m, "definition": DEFINITIONS[m.metric], "contribution": m.value is not None}
        for m in score.metrics.all()
    ]
    appeals = list(score.appeals.select_related("filed_by", "decided_by").order_by("-filed_at"))
    can_appeal = (
        ranking.is_draft
        and timezone.localdate() <= ranking.appeal_deadline
        and in_scope(MonthlyScore, request.user, "appealable_by").filter(pk=score.pk).exists()
        and not any(a.status == "open" for a in appeals)
    )
    form = AppealForm(metrics=list(ranking.weights)) if can_appeal else None
    open_appeal = next((a for a in appeals if a.status == "open"), None)
    can_decide = (
        open_appeal is not None
        and in_scope(Appeal, request.user, "editable_by").filter(pk=open_appeal.pk).exists()
    )
    if request.method == "POST":
        form = AppealForm(request.POST, metrics=list(ranking.weights))
        if form.is_valid() and submit(
            form,
            lambda: services.file_appeal(
                actor=request.user,
                score=score,
                metric=form.cleaned_data["metric"],
                reason=form.cleaned_data["reason"],
            ),
        ):
            messages.success(request, _("申诉已提交，区司法局处理后将在本页显示结果"))
            return redirect("assessment:score_detail", score.pk)
    return render(
        request,
        "assessment/score_detail.html",
        {
            "score": score,
            "ranking": ranking,
            "metrics": metrics,
            "appeals": appeals,
            "form": form,
            "open_appeal": open_appeal,
            "decision_form": DecisionForm() if can_decide else None,
            "weight_total": sum(m["row"].weight for m in metrics if m["row"].value is not None),
        },
    )


@login_required
def metric_detail(request: HttpRequest, pk: int, metric: str) -> HttpResponse:
    require_staff(request)
    if metric not in DEFINITIONS:
        raise Http404
    row = get_object_or_404(
        in_scope(MetricScore, request.user).select_related(
            "score__firm", "score__ranking__district"
        ),
        score_id=pk,
        metric=metric,
    )
    page = Paginator(services.evidence_of(row), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "assessment/metric_detail.html",
        {
            "row": row,
            "score": row.score,
            "definition": DEFINITIONS[metric],
            "page_obj": page,
            "record_urls": RECORD_URLS,
        },
    )


@login_required
def appeal_list(request: HttpRequest) -> HttpResponse:
    require_staff(request)
    appeals = (
        in_scope(Appeal, request.user)
        .select_related("score__firm", "score__ranking", "filed_by")
        .order_by("status", "-filed_at")
    )
    if request.GET.get("all") != "1":
        appeals = appeals.filter(status="open")
    page = Paginator(appeals, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "assessment/appeal_list.html", {"page_obj": page})


@login_required
@require_POST
def appeal_decide(request: HttpRequest, pk: int) -> HttpResponse:
    appeal = get_object_or_404(
        in_scope(Appeal, request.user, "editable_by").select_related("score"), pk=pk
    )
    form = DecisionForm(request.POST)
    if form.is_valid() and submit(
        form,
        lambda: services.decide_appeal(
            actor=request.user,
            appeal=appeal,
            accept=form.cleaned_data["decision"] == "accept",
            comment=form.cleaned_data["comment"],
            adjusted_value=form.cleaned_data["adjusted_value"],
        ),
    ):
        messages.success(request, _("申诉已处理"))
    else:
        for errors in form.errors.values():
            messages.error(request, "；".join(str(e) for e in errors))
    return redirect("assessment:score_detail", appeal.score_id)


@login_required
def rules(request: HttpRequest) -> HttpResponse:
    """The bureau's rules: ranking weights and window, subsidy rates, rate table."""
    require_bureau(request)
    district = chosen_district(request, bureau_districts(request.user)) or (
        bureau_districts(request.user).first()
    )
    if district is None:
        raise Http404
    config, rates = services.config_for(district), services.rates_for(district)
    table = services.mediation_rates(district)
    data = request.POST if request.method == "POST" else None
    config_form = RankingConfigForm(
        data if request.POST.get("part") == "ranking" else None, instance=config, prefix="r"
    )
    rates_form = SubsidyRatesForm(
        data if request.POST.get("part") == "rates" else None, instance=rates, prefix="s"
    )
    table_form = MediationRatesForm(
        data if request.POST.get("part") == "table" else None, table=table, prefix="t"
    )
    saved = False
    if request.POST.get("part") == "ranking" and config_form.is_valid():
        saved = submit(config_form, lambda: services.save_rules(actor=request.user, rules=config))
    elif request.POST.get("part") == "rates" and rates_form.is_valid():
        saved = submit(rates_form, lambda: services.save_rules(actor=request.user, rules=rates))
    elif request.POST.get("part") == "table" and table_form.is_valid():
        saved = submit(
            table_form,
            lambda: services.set_mediation_rates(
                actor=request.user, district=district, rates=table_form.table()
            ),
        )
    if saved:
        messages.success(request, _("已保存"))
        return redirect(f"{request.path}?district={district.pk}")
    return render(
        request,
        "assessment/rules.html",
        {
            "district": district,
            "config_form": config_form,
            "rates_form": rates_form,
            "table_form": table_form,
            "liaison_rate": district.settings.liaison_subsidy_yuan
            if hasattr(district, "settings")
            else None,
        },
    )


urlpatterns = [
    path("", month_list, name="month_list"),
    path("months/compute/", month_compute, name="month_compute"),
    path("months/<int:pk>/", month_detail, name="month_detail"),
    path("months/<int:pk>/recompute/", month_recompute, name="month_recompute"),
    path("months/<int:pk>/publish/", month_publish, name="month_publish"),
    path("scores/<int:pk>/", score_detail, name="score_detail"),
    path("scores/<int:pk>/metrics/<str:metric>/", metric_detail, name="metric_detail"),
    path("appeals/", appeal_list, name="appeal_list"),
    path("appeals/<int:pk>/decide/", appeal_decide, name="appeal_decide"),
    path("rules/", rules, name="rules"),
]
