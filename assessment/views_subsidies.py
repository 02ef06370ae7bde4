"""Pages of the subsidies (经费): periods, their items and totals by firm, the
actions of the bureau, and the payment sheet."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessment import subsidies
from assessment.choices import ItemStatus, SubsidyKind
from assessment.forms import DifficultyForm, FollowUpForm, PeriodForm
from assessment.models import SubsidyItem, SubsidyPeriod
from assessment.views_common import (
    PAGE_SIZE,
    attempt,
    bureau_districts,
    require_staff,
    submit,
)
from core.excel import xlsx_response
from core.views import in_scope, scoped_get_or_404


@login_required
def period_list(request: HttpRequest) -> HttpResponse:
    require_staff(request)
    periods = (
        in_scope(SubsidyPeriod, request.user)
        .select_related("district")
        .order_by("-start", "district__code")
    )
    districts = bureau_districts(request.user)
    form = PeriodForm(districts=districts) if districts.exists() else None
    if request.method == "POST" and form is not None:
        form = PeriodForm(request.POST, districts=districts)
        holder: list[SubsidyPeriod] = []
        if form.is_valid() and submit(
            form,
            lambda: holder.append(
                subsidies.create_period(
                    actor=request.user,
                    district=form.cleaned_data["district"],
                    start=form.cleaned_data["start"],
                    end=form.cleaned_data["end"],
                    title=form.cleaned_data["title"],
                )
            ),
        ):
            messages.success(request, _("已新建核算期，请点击“核算”生成明细"))
            return redirect("assessment:period_detail", holder[0].pk)
    page = Paginator(periods, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "assessment/period_list.html", {"page_obj": page, "form": form})


@login_required
def period_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_staff(request)
    period = get_object_or_404(
        in_scope(SubsidyPeriod, request.user).select_related("district"), pk=pk
    )
    visible = in_scope(SubsidyItem, request.user).filter(period=period)
    items = visible.select_related("firm", "lawyer").order_by("firm__name", "kind", "month", "pk")
    kind, status = request.GET.get("kind", ""), request.GET.get("status", "")
    if kind in SubsidyKind.values:
        items = items.filter(kind=kind)
    if status in ItemStatus.values:
        items = items.filter(status=status)
    if request.GET.get("sampled") == "1":
        items = items.filter(sampled=True)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    editable = in_scope(SubsidyPeriod, request.user, "editable_by").filter(pk=period.pk).exists()
    totals = subsidies.firm_totals(visible)
    grand = {
        key: sum((t[key] for t in totals), start=0)
        for key in ("liaison", "duty", "mediation", "paid", "payable", "held")
    }
    return render(
        request,
        "assessment/period_detail.html",
        {
            "period": period,
            "page_obj": page,
            "totals": totals,
            "grand": grand,
            "editable": editable,
            "kinds": SubsidyKind.choices,
            "statuses": ItemStatus.choices,
            "kind": kind,
            "status": status,
            "difficulty_form": DifficultyForm(),
            "follow_up_form": FollowUpForm(),
        },
    )


def _editable(request: HttpRequest, pk: int) -> SubsidyPeriod:
    return scoped_get_or_404(SubsidyPeriod, request.user, pk, "editable_by")


def _action(run: Callable[[Any, SubsidyPeriod], Any], done: str) -> Callable:
    @login_required
    @require_POST
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        period = _editable(request, pk)
        attempt(request, lambda: run(request.user, period), done)
        return redirect("assessment:period_detail", period.pk)

    return view


period_generate = _action(
    lambda actor, p: subsidies.generate_items(actor=actor, period=p), _("已按最新记录核算")
)
period_pay = _action(
    lambda actor, p: subsidies.pay_items(actor=actor, period=p), _("待发放明细已标记为已发放")
)
period_sample = _action(
    lambda actor, p: subsidies.draw_sample(actor=actor, period=p), _("已抽取回访样本")
)
period_close = _action(lambda actor, p: subsidies.close_period(actor=actor, period=p), _("已结束"))


@login_required
def period_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    period = _editable(request, pk)
    return xlsx_response(subsidies.payment_workbook(period), f"{period.title}发放表.xlsx")


@login_required
@require_POST
def item_difficulty(request: HttpRequest, pk: int) -> HttpResponse:
    item = scoped_get_or_404(SubsidyItem, request.user, pk, "editable_by")
    form = DifficultyForm(request.POST)
    if form.is_valid() and submit(
        form,
        lambda: subsidies.set_item_difficulty(
            actor=request.user, item=item, difficulty=form.cleaned_data["difficulty"]
        ),
    ):
        messages.success(request, _("已调整难度，补贴金额已按标准重算"))
    else:
        messages.error(
            request, "；".join(str(e) for errors in form.errors.values() for e in errors)
        )
    return redirect("assessment:period_detail", item.period_id)


@login_required
@require_POST
def item_follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    item = scoped_get_or_404(SubsidyItem, request.user, pk, "editable_by")
    form = FollowUpForm(request.POST)
    if form.is_valid() and submit(
        form,
        lambda: subsidies.record_follow_up(
            actor=request.user, item=item, note=form.cleaned_data["note"]
        ),
    ):
        messages.success(request, _("已记录回访情况"))
    else:
        messages.error(
            request, "；".join(str(e) for errors in form.errors.values() for e in errors)
        )
    return redirect(f"{reverse('assessment:period_detail', args=[item.period_id])}?sampled=1")


urlpatterns = [
    path("subsidies/", period_list, name="period_list"),
    path("subsidies/<int:pk>/", period_detail, name="period_detail"),
    path("subsidies/<int:pk>/generate/", period_generate, name="period_generate"),
    path("subsidies/<int:pk>/pay/", period_pay, name="period_pay"),
    path("subsidies/<int:pk>/sample/", period_sample, name="period_sample"),
    path("subsidies/<int:pk>/close/", period_close, name="period_close"),
    path("subsidies/<int:pk>/xlsx/", period_xlsx, name="period_xlsx"),
    path("subsidy-items/<int:pk>/difficulty/", item_difficulty, name="item_difficulty"),
    path("subsidy-items/<int:pk>/follow-up/", item_follow_up, name="item_follow_up"),
]
