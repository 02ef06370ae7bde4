"""Pages of the annual assessment and of the commendations (表彰)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessment import services
from assessment.forms import CommendationForm, MarkForm, YearForm
from assessment.models import AnnualAssessment, AnnualScore, Commendation
from assessment.views_common import (
    PAGE_SIZE,
    attempt,
    bureau_districts,
    require_bureau,
    require_staff,
    submit,
)
from core.views import in_scope, scoped_get_or_404


@login_required
def annual_list(request: HttpRequest) -> HttpResponse:
    require_staff(request)
    assessments = (
        in_scope(AnnualAssessment, request.user)
        .select_related("district")
        .order_by("-year", "district__code")
    )
    districts = bureau_districts(request.user)
    form = YearForm(districts=districts) if districts.exists() else None
    if request.method == "POST":
        require_bureau(request)
        form = YearForm(request.POST, districts=districts)
        holder: list[AnnualAssessment] = []
        if form.is_valid() and submit(
            form,
            lambda: holder.append(
                services.compute_annual(
                    actor=request.user,
                    district=form.cleaned_data["district"],
                    year=form.cleaned_data["year"],
                )
            ),
        ):
            messages.success(request, _("已汇总年度月度得分，请填写司法局评分"))
            return redirect("assessment:annual_detail", holder[0].pk)
    page = Paginator(assessments, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "assessment/annual_list.html", {"page_obj": page, "form": form})


@login_required
def annual_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_staff(request)
    assessment = get_object_or_404(
        in_scope(AnnualAssessment, request.user).select_related("district"), pk=pk
    )
    scores = list(
        assessment.scores.all()
        .select_related("firm")
        .order_by("rank", "-platform_score", "firm__name")
    )
    editable = (
        assessment.is_draft
        and in_scope(AnnualAssessment, request.user, "editable_by")
        .filter(pk=assessment.pk)
        .exists()
    )
    if editable:
        for s in scores:
            s.form = MarkForm(  # type: ignore[attr-defined]
                initial={"mark": s.bureau_mark, "note": s.bureau_note}, prefix=f"s{s.pk}"
            )
    return render(
        request,
        "assessment/annual_detail.html",
        {"assessment": assessment, "scores": scores, "editable": editable},
    )


@login_required
@require_POST
def annual_mark(request: HttpRequest, pk: int) -> HttpResponse:
    score = scoped_get_or_404(AnnualScore, request.user, pk, "editable_by")
    form = MarkForm(request.POST, prefix=f"s{score.pk}")
    if form.is_valid() and submit(
        form,
        lambda: services.set_bureau_mark(
            actor=request.user,
            score=score,
            mark=form.cleaned_data["mark"],
            note=form.cleaned_data["note"],
        ),
    ):
        messages.success(request, _("已保存评分"))
    else:
        for errors in form.errors.values():
            messages.error(request, "；".join(str(e) for e in errors))
    return redirect("assessment:annual_detail", score.assessment_id)


@login_required
@require_POST
def annual_publish(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = scoped_get_or_404(AnnualAssessment, request.user, pk, "editable_by")
    attempt(
        request,
        lambda: services.publish_annual(actor=request.user, assessment=assessment),
        _("年度考核结果已公布"),
    )
    return redirect("assessment:annual_detail", assessment.pk)


def commendation_list(request: HttpRequest) -> HttpResponse:
    """Public: the commendations, newest year first."""
    items = (
        in_scope(Commendation, request.user)
        .select_related("firm", "lawyer__firm", "district")
        .order_by("-year", "kind", "title", "pk")
    )
    raw = request.GET.get("district", "")
    if raw.isdigit():
        items = items.filter(district_id=int(raw))
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    can_add = request.user.is_authenticated and bureau_districts(request.user).exists()
    return render(
        request, "assessment/commendation_list.html", {"page_obj": page, "can_add": can_add}
    )


@login_required
def commendation_new(request: HttpRequest) -> HttpResponse:
    require_bureau(request)
    districts = bureau_districts(request.user)
    form = CommendationForm(request.POST or None, districts=districts)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = {"firm": data["firm"]} if data["kind"] == "firm" else {"lawyer": data["lawyer"]}
        if submit(
            form,
            lambda: services.commend(
                actor=request.user,
                district=data["district"],
                year=data["year"],
                title=data["title"],
                citation=data["citation"],
                awarded_on=data["awarded_on"],
                **chosen,
            ),
        ):
            messages.success(request, _("已添加表彰"))
            return redirect("assessment:commendation_list")
    return render(request, "assessment/commendation_form.html", {"form": form})


urlpatterns = [
    path("annual/", annual_list, name="annual_list"),
    path("annual/<int:pk>/", annual_detail, name="annual_detail"),
    path("annual/<int:pk>/publish/", annual_publish, name="annual_publish"),
    path("annual/scores/<int:pk>/mark/", annual_mark, name="annual_mark"),
    path("commendations/", commendation_list, name="commendation_list"),
    path("commendations/new/", commendation_new, name="commendation_new"),
]
