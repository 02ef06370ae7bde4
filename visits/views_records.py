"""Pages of visit records: the list, recording from a phone, the record with its
photos, confirming or disputing it."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import ListView

from core.forms import page_filter, run_service
from core.views import KeysetListMixin, ScopedQuerysetMixin, in_scope, scoped_get_or_404
from visits import services
from visits.choices import VisitStatus
from visits.filters import VisitFilter
from visits.forms import ReasonForm, VisitForm
from visits.models import Visit, VisitPhoto
from visits.querysets import VisitQuerySet


class VisitListView(KeysetListMixin, ScopedQuerysetMixin, ListView):
    """Newest first, "更多" for earlier ones: a district's visits grow by thousands a year,
    and counting them for page numbers cost more than the page (core.paging)."""

    model = Visit
    keyset_order = ("-date", "-id")
    template_name = "visits/visit_list.html"

    def get_queryset(self) -> QuerySet[Visit]:
        visits = cast("VisitQuerySet", super().get_queryset())
        qs = (
            visits.select_related("community", "firm")
            .prefetch_related("lawyers")
            .with_household_total()
            .order_by(*self.keyset_order)
        )
        self.filterset = page_filter(VisitFilter, self.request, qs, ["community", "status", "kind"])
        return self.filterset.qs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["filterset"] = self.filterset
        context["can_record"] = services.paired_communities(self.request.user).exists()
        return context


def _visit_page(request: HttpRequest, form: VisitForm, visit: Visit | None) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        submit = "draft" not in request.POST
        data = form.visit_input()
        saved: list[Visit] = []

        def write() -> None:
            if visit is None:
                saved.append(services.record_visit(actor=request.user, data=data, submit=submit))
            else:
                saved.append(
                    services.update_visit(actor=request.user, visit=visit, data=data, submit=submit)
                )

        if run_service(form, write):
            messages.success(
                request, _("走访记录已提交，等待社区确认") if submit else _("走访记录已存为草稿")
            )
            return redirect("visits:visit_detail", saved[0].pk)
    return render(request, "visits/visit_form.html", {"form": form, "visit": visit})


@login_required
def visit_create(request: HttpRequest) -> HttpResponse:
    if not services.paired_communities(request.user).exists():
        raise Http404
    form = VisitForm(request.POST or None, request.FILES or None, user=request.user)
    return _visit_page(request, form, None)


def _editable(request: HttpRequest, pk: int) -> Visit:
    visit = scoped_get_or_404(Visit, request.user, pk, "editable_by")
    if visit.is_final:
        raise Http404
    return visit


@login_required
def visit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    visit = _editable(request, pk)
    form = VisitForm(request.POST or None, request.FILES or None, user=request.user, visit=visit)
    return _visit_page(request, form, visit)


@login_required
def visit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    visit = get_object_or_404(
        in_scope(Visit, request.user).select_related(
            "community__street", "firm", "recorded_by", "reviewed_by"
        ),
        pk=pk,
    )
    user = request.user
    editable = in_scope(Visit, user, "editable_by").filter(pk=pk).exists()
    reviewable = in_scope(Visit, user, "confirmable_by").filter(pk=pk).exists()
    return render(
        request,
        "visits/visit_detail.html",
        {
            "visit": visit,
            "lawyers": visit.lawyers.all(),
            "households": visit.households.all(),
            "photos": visit.photos.all(),
            "can_edit": editable and not visit.is_final,
            "can_submit": editable
            and not visit.is_final
            and visit.status in (VisitStatus.DRAFT, VisitStatus.DISPUTED),
            "can_review": reviewable and not visit.locked and visit.status == VisitStatus.SUBMITTED,
            "reason_form": ReasonForm(),
        },
    )


def _act(request: HttpRequest, visit: Visit, write: Any, done: str) -> HttpResponse:
    try:
        write()
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, done)
    return redirect("visits:visit_detail", visit.pk)


@login_required
@require_POST
def visit_submit(request: HttpRequest, pk: int) -> HttpResponse:
    visit = _editable(request, pk)
    return _act(
        request,
        visit,
        lambda: services.submit_visit(actor=request.user, visit=visit),
        _("已提交，等待社区确认"),
    )


def _reviewable(request: HttpRequest, pk: int) -> Visit:
    return scoped_get_or_404(Visit, request.user, pk, "confirmable_by")


@login_required
@require_POST
def visit_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    visit = _reviewable(request, pk)
    return _act(
        request,
        visit,
        lambda: services.confirm_visit(actor=request.user, visit=visit),
        _("已确认该走访记录"),
    )


@login_required
@require_POST
def visit_dispute(request: HttpRequest, pk: int) -> HttpResponse:
    visit = _reviewable(request, pk)
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return _act(
        request,
        visit,
        lambda: services.dispute_visit(actor=request.user, visit=visit, reason=reason),
        _("已提出异议，律师修改后会重新提交"),
    )


@login_required
def photo(request: HttpRequest, pk: int) -> FileResponse:
    """Photos are served only to those who may see the visit (not from a public URL)."""
    item = scoped_get_or_404(VisitPhoto, request.user, pk)
    return FileResponse(item.image.open("rb"))


@login_required
@require_POST
def photo_delete(request: HttpRequest, pk: int) -> HttpResponse:
    item = scoped_get_or_404(VisitPhoto, request.user, pk, "editable_by")
    visit_id = item.visit_id
    try:
        services.delete_photo(actor=request.user, photo=item)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("照片已删除"))
    return redirect("visits:visit_detail", visit_id)


urlpatterns = [
    path("", VisitListView.as_view(), name="visit_list"),
    path("new/", visit_create, name="visit_create"),
    path("<int:pk>/", visit_detail, name="visit_detail"),
    path("<int:pk>/edit/", visit_edit, name="visit_edit"),
    path("<int:pk>/submit/", visit_submit, name="visit_submit"),
    path("<int:pk>/confirm/", visit_confirm, name="visit_confirm"),
    path("<int:pk>/dispute/", visit_dispute, name="visit_dispute"),
    path("photos/<int:pk>/", photo, name="photo"),
    path("photos/<int:pk>/delete/", photo_delete, name="photo_delete"),
]
