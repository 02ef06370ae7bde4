"""Pages of monthly reports: the list, a report with its table and actions, the
Excel export, and the bureau's district roll-up."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.generic import ListView

from core.excel import xlsx_response
from core.forms import page_filter
from core.views import ScopedQuerysetMixin, in_scope, scoped_get_or_404
from visits import services
from visits.choices import ReportStatus
from visits.excel import HEADERS, report_rows, report_workbook
from visits.filters import MonthlyReportFilter
from visits.forms import CommentForm, SummaryForm, parse_month
from visits.models import MonthlyReport
from visits.querysets import ROLLUP_READERS

PAGE_SIZE = 20


class ReportListView(ScopedQuerysetMixin, ListView):
    model = MonthlyReport
    paginate_by = PAGE_SIZE
    template_name = "visits/report_list.html"

    def get_queryset(self) -> QuerySet[MonthlyReport]:
        qs = (
            super()
            .get_queryset()
            .select_related("firm", "street")
            .order_by("-month", "street__name", "firm__name")
        )
        self.filterset = page_filter(
            MonthlyReportFilter, self.request, qs, ["month", "street", "firm", "status"]
        )
        return self.filterset.qs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["filterset"] = self.filterset
        context["today"] = timezone.localdate()
        context["can_rollup"] = ROLLUP_READERS.holds(self.request.user)
        return context


@login_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(
        in_scope(MonthlyReport, request.user).select_related(
            "firm", "street", "submitted_by", "reviewed_by"
        ),
        pk=pk,
    )
    rows, total = report_rows(report)
    firm_side = in_scope(MonthlyReport, request.user, "editable_by").filter(pk=pk).exists()
    office_side = in_scope(MonthlyReport, request.user, "reviewable_by").filter(pk=pk).exists()
    return render(
        request,
        "visits/report_detail.html",
        {
            "report": report,
            "rows": rows,
            "total": total,
            "headers": HEADERS[2:],
            "can_submit": firm_side and report.is_open,
            "can_review": office_side and report.status == ReportStatus.SUBMITTED,
            "summary_form": SummaryForm(initial={"summary": report.summary}),
            "comment_form": CommentForm(),
            "overdue": report.is_open and timezone.localdate() > report.due_date,
        },
    )


def _act(request: HttpRequest, report: MonthlyReport, write: Any, done: str) -> HttpResponse:
    try:
        write()
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, done)
    return redirect("visits:report_detail", report.pk)


@login_required
@require_POST
def report_refresh(request: HttpRequest, pk: int) -> HttpResponse:
    report = scoped_get_or_404(MonthlyReport, request.user, pk, "editable_by")
    return _act(
        request,
        report,
        lambda: services.refresh_report(actor=request.user, report=report),
        _("已按最新确认的走访记录重新汇总"),
    )


@login_required
@require_POST
def report_submit(request: HttpRequest, pk: int) -> HttpResponse:
    report = scoped_get_or_404(MonthlyReport, request.user, pk, "editable_by")
    form = SummaryForm(request.POST)
    summary = form.cleaned_data["summary"] if form.is_valid() else ""
    return _act(
        request,
        report,
        lambda: services.submit_report(actor=request.user, report=report, summary=summary),
        _("月报已提交司法所"),
    )


@login_required
@require_POST
def report_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    report = scoped_get_or_404(MonthlyReport, request.user, pk, "reviewable_by")
    return _act(
        request,
        report,
        lambda: services.confirm_report(actor=request.user, report=report),
        _("月报已确认，该月走访记录已锁定"),
    )


@login_required
@require_POST
def report_return(request: HttpRequest, pk: int) -> HttpResponse:
    report = scoped_get_or_404(MonthlyReport, request.user, pk, "reviewable_by")
    form = CommentForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    return _act(
        request,
        report,
        lambda: services.return_report(actor=request.user, report=report, comment=comment),
        _("月报已退回律所"),
    )


@login_required
@require_GET
def report_export(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(
        in_scope(MonthlyReport, request.user).select_related("firm", "street"), pk=pk
    )
    name = f"{report.street.name}_{report.firm.name}_{report.month:%Y年%m月}走访月报.xlsx"
    return xlsx_response(report_workbook(report), name)


@login_required
def report_rollup(request: HttpRequest) -> HttpResponse:
    """The district (or street) roll-up of one month: every report's status and totals,
    per street, in one grouped query."""
    if not ROLLUP_READERS.holds(request.user):
        raise Http404
    default = services.add_months(services.month_start(timezone.localdate()), -1)
    month = parse_month(request.GET.get("month"), default)
    reports = in_scope(MonthlyReport, request.user).filter(month=month)
    streets = list(
        reports.values("street_id", "street__name")
        .annotate(
            reports=Count("pk"),
            confirmed=Count("pk", filter=Q(status=ReportStatus.CONFIRMED)),
            submitted=Count("pk", filter=Q(status=ReportStatus.SUBMITTED)),
            open=Count("pk", filter=Q(status__in=[ReportStatus.DRAFT, ReportStatus.RETURNED])),
            late=Count("pk", filter=Q(is_late=True)),
            visits=Sum("visit_count"),
            households=Sum("household_count"),
            participants=Sum("participant_count"),
            disputes=Sum("dispute_count"),
        )
        .order_by("street__name")
    )
    keys = ("reports", "confirmed", "submitted", "open", "late", "visits", "households")
    total = {k: sum(s[k] or 0 for s in streets) for k in (*keys, "participants", "disputes")}
    late = reports.filter(is_late=True).select_related("firm", "street").order_by("due_date")
    return render(
        request,
        "visits/report_rollup.html",
        {
            "month": month,
            "previous": services.add_months(month, -1),
            "next": services.add_months(month, 1),
            "streets": streets,
            "total": total,
            "late": late,
        },
    )


urlpatterns = [
    path("reports/", ReportListView.as_view(), name="report_list"),
    path("reports/rollup/", report_rollup, name="report_rollup"),
    path("reports/<int:pk>/", report_detail, name="report_detail"),
    path("reports/<int:pk>/refresh/", report_refresh, name="report_refresh"),
    path("reports/<int:pk>/submit/", report_submit, name="report_submit"),
    path("reports/<int:pk>/confirm/", report_confirm, name="report_confirm"),
    path("reports/<int:pk>/return/", report_return, name="report_return"),
    path("reports/<int:pk>/export/", report_export, name="report_export"),
]
