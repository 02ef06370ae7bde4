"""Pages of firms and lawyers, and the public lawyer directory."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView

from core.forms import page_filter, run_service
from core.views import (
    ScopedEditView,
    ScopedQuerysetMixin,
    in_scope,
    public_rows,
    scoped_get_or_404,
)
from firms.filters import LawFirmFilter, LawyerFilter
from firms.forms import DirectoryFilterForm, LawFirmForm, LawyerForm, LawyerSelfForm
from firms.models import FirmAdmin, LawFirm, Lawyer
from firms.services import save_lawyer

PAGE_SIZE = 20
FIRM_LAWYERS_SHOWN = 20


class FirmListView(ScopedQuerysetMixin, ListView):
    model = LawFirm
    paginate_by = PAGE_SIZE
    template_name = "firms/firm_list.html"

    def get_queryset(self) -> QuerySet[LawFirm]:
        qs = (
            super()
            .get_queryset()
            .select_related("street")
            .annotate(lawyer_count=Count("lawyers", filter=Q(lawyers__is_active=True)))
            .order_by("name")
        )
        self.filterset = page_filter(LawFirmFilter, self.request, qs, ["street", "search"])
        return self.filterset.qs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["filterset"] = self.filterset
        context["editable_ids"] = set(
            in_scope(LawFirm, self.request.user, "editable_by")
            .filter(pk__in=[f.pk for f in context["object_list"]])
            .values_list("pk", flat=True)
        )
        return context


class FirmDetailView(ScopedQuerysetMixin, DetailView):
    model = LawFirm
    template_name = "firms/firm_detail.html"
    context_object_name = "firm"

    def get_queryset(self) -> QuerySet[LawFirm]:
        return super().get_queryset().select_related("district", "street")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        firm, user = self.object, self.request.user
        lawyers = (
            in_scope(Lawyer, user)
            .filter(firm=firm, is_active=True)
            .prefetch_related("specialties")
            .order_by("name")
        )
        context.update(
            lawyers=lawyers[:FIRM_LAWYERS_SHOWN],
            lawyer_count=lawyers.count(),
            admins=in_scope(FirmAdmin, user)
            .filter(firm=firm, is_active=True)
            .select_related("user"),
            can_edit=in_scope(LawFirm, user, "editable_by").filter(pk=firm.pk).exists(),
        )
        return context


class FirmEditView(ScopedEditView):
    model = LawFirm
    form_class = LawFirmForm
    title = _("编辑律所：%(name)s")
    success_message = _("律所信息已保存")
    detail_route = "firms:firm_detail"


class LawyerListView(ScopedQuerysetMixin, ListView):
    model = Lawyer
    paginate_by = PAGE_SIZE
    template_name = "firms/lawyer_list.html"

    def get_queryset(self) -> QuerySet[Lawyer]:
        qs = (
            super()
            .get_queryset()
            .select_related("firm")
            .prefetch_related("specialties")
            .order_by("-is_active", "firm__name", "name")
        )
        fields = ["firm", "specialty", "is_volunteer", "search"]
        self.filterset = page_filter(LawyerFilter, self.request, qs, fields)
        return self.filterset.qs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["filterset"] = self.filterset
        context["editable_ids"] = set(
            in_scope(Lawyer, user, "editable_by")
            .filter(pk__in=[lawyer.pk for lawyer in context["object_list"]])
            .values_list("pk", flat=True)
        )
        context["can_add"] = in_scope(LawFirm, user, "editable_by").exists()
        return context


class LawyerDetailView(ScopedQuerysetMixin, DetailView):
    model = Lawyer
    template_name = "firms/lawyer_detail.html"
    context_object_name = "lawyer"

    def get_queryset(self) -> QuerySet[Lawyer]:
        return super().get_queryset().select_related("firm").prefetch_related("specialties")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["can_edit"] = (
            in_scope(Lawyer, self.request.user, "editable_by").filter(pk=self.object.pk).exists()
        )
        return context


def _lawyer_form_page(
    request: HttpRequest, form: LawyerForm | LawyerSelfForm, title: str, cancel_url: str
) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            form,
            lambda: save_lawyer(
                actor=request.user,
                lawyer=form.instance,
                specialties=list(form.cleaned_data["specialties"]),
            ),
        )
        if saved:
            messages.success(request, _("律师信息已保存"))
            return redirect("firms:lawyer_detail", form.instance.pk)
    return render(
        request, "core/form_page.html", {"form": form, "title": title, "cancel_url": cancel_url}
    )


@login_required
def lawyer_add(request: HttpRequest) -> HttpResponse:
    firms = in_scope(LawFirm, request.user, "editable_by")
    if not firms.exists():
        raise Http404
    firm_id = request.GET.get("firm", "")
    initial = {"firm": firm_id} if firm_id.isdigit() else {}
    form = LawyerForm(request.POST or None, user=request.user, initial=initial)
    return _lawyer_form_page(request, form, _("添加律师"), reverse("firms:lawyer_list"))


@login_required
def lawyer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    lawyer = scoped_get_or_404(Lawyer, user, pk, "editable_by")
    form: LawyerForm | LawyerSelfForm
    if in_scope(LawFirm, user, "editable_by").filter(pk=lawyer.firm_id).exists():
        form = LawyerForm(request.POST or None, instance=lawyer, user=user)
    else:
        form = LawyerSelfForm(request.POST or None, instance=lawyer)
    title = _("编辑律师：%(name)s") % {"name": lawyer.name}
    return _lawyer_form_page(request, form, title, reverse("firms:lawyer_detail", args=[pk]))


class DirectoryView(ListView):
    """The public lawyer directory: never shows phones."""

    paginate_by = PAGE_SIZE
    template_name = "firms/directory.html"

    def get_queryset(self) -> QuerySet[Lawyer]:
        self.filter_form = DirectoryFilterForm(self.request.GET or None)
        qs = (
            public_rows(Lawyer)
            .select_related("firm")
            .prefetch_related("specialties")
            .order_by("firm__name", "name")
        )
        return self.filter_form.apply(qs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "filter_form": self.filter_form}


urlpatterns = [
    path("", FirmListView.as_view(), name="firm_list"),
    path("<int:pk>/", FirmDetailView.as_view(), name="firm_detail"),
    path("<int:pk>/edit/", FirmEditView.as_view(), name="firm_edit"),
    path("lawyers/", LawyerListView.as_view(), name="lawyer_list"),
    path("lawyers/add/", lawyer_add, name="lawyer_add"),
    path("lawyers/<int:pk>/", LawyerDetailView.as_view(), name="lawyer_detail"),
    path("lawyers/<int:pk>/edit/", lawyer_edit, name="lawyer_edit"),
    path("directory/", DirectoryView.as_view(), name="directory"),
]
