"""Pages of the region tree: streets, communities and their studio members, the
district settings, a resident's home community and the public community page."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, QuerySet, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, ListView

from accounts.models import User
from core.forms import page_filter, run_service
from core.services import save_instance
from core.views import (
    ScopedEditView,
    ScopedQuerysetMixin,
    in_scope,
    public_rows,
    scoped_get_or_404,
)
from regions import services
from regions.filters import CommunityFilter
from regions.forms import (
    CommunityForm,
    DistrictSettingsForm,
    HomeCommunityForm,
    StudioMemberForm,
    community_choices,
)
from regions.models import Community, District, Street, StudioMember

PAGE_SIZE = 20


class StreetListView(ScopedQuerysetMixin, ListView):
    model = Street
    paginate_by = PAGE_SIZE
    template_name = "regions/street_list.html"

    def get_queryset(self) -> QuerySet[Street]:
        return super().get_queryset().select_related("district").order_by("district__code", "name")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        # Totals over the communities the user may see, for this page's streets at once.
        totals = (
            in_scope(Community, self.request.user)
            .filter(street__in=[s.pk for s in context["object_list"]], is_active=True)
            .values("street_id")
            .annotate(n=Count("pk"), households=Sum("households"), population=Sum("population"))
        )
        by_street = {t["street_id"]: t for t in totals}
        for street in context["object_list"]:
            street.totals = by_street.get(street.pk, {})
        return context


class CommunityListView(ScopedQuerysetMixin, ListView):
    model = Community
    paginate_by = PAGE_SIZE
    template_name = "regions/community_list.html"

    def get_queryset(self) -> QuerySet[Community]:
        qs = super().get_queryset().select_related("street").order_by("street__name", "name")
        self.filterset = page_filter(CommunityFilter, self.request, qs, ["street", "search"])
        return self.filterset.qs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        ids = [c.pk for c in context["object_list"]]
        context["editable_ids"] = set(
            in_scope(Community, self.request.user, "editable_by")
            .filter(pk__in=ids)
            .values_list("pk", flat=True)
        )
        context["filterset"] = self.filterset
        return context


class CommunityDetailView(ScopedQuerysetMixin, DetailView):
    model = Community
    template_name = "regions/community_detail.html"

    def get_queryset(self) -> QuerySet[Community]:
        return super().get_queryset().select_related("street__district")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        community = self.object
        context["can_edit"] = (
            in_scope(Community, self.request.user, "editable_by").filter(pk=community.pk).exists()
        )
        context["members"] = community.studio_members.order_by("-is_active", "position", "name")
        return context


class CommunityEditView(ScopedEditView):
    model = Community
    form_class = CommunityForm
    title = _("编辑社区：%(name)s")
    success_message = _("社区信息已保存")
    detail_route = "regions:community_detail"


def _member_form_page(
    request: HttpRequest, form: StudioMemberForm, community: Community, title: str
) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            form,
            lambda: save_instance(
                actor=request.user, instance=form.instance, fields=list(form.fields)
            ),
        )
        if saved:
            messages.success(request, _("工作室成员已保存"))
            return redirect("regions:community_detail", community.pk)
    cancel_url = reverse("regions:community_detail", args=[community.pk])
    return render(
        request, "core/form_page.html", {"form": form, "title": title, "cancel_url": cancel_url}
    )


@login_required
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    community = scoped_get_or_404(Community, request.user, pk, "editable_by")
    form = StudioMemberForm(request.POST or None, instance=StudioMember(community=community))
    title = _("添加尚法工作室成员：%(name)s") % {"name": community}
    return _member_form_page(request, form, community, title)


@login_required
def member_edit(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_object_or_404(
        in_scope(StudioMember, request.user, "editable_by").select_related("community"), pk=pk
    )
    form = StudioMemberForm(request.POST or None, instance=member)
    title = _("编辑尚法工作室成员：%(name)s") % {"name": member.name}
    return _member_form_page(request, form, member.community, title)


@login_required
@require_POST
def member_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    member = scoped_get_or_404(StudioMember, request.user, pk, "editable_by")
    member.is_active = False
    save_instance(actor=request.user, instance=member, fields=["is_active"])
    messages.success(request, _("已将 %(name)s 设为离任") % {"name": member.name})
    return redirect("regions:community_detail", member.community_id)


@login_required
def district_settings(request: HttpRequest, pk: int) -> HttpResponse:
    district = scoped_get_or_404(District, request.user, pk, "editable_by")
    form = DistrictSettingsForm(request.POST or None, instance=services.settings_for(district))
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in form.fields}
        saved = run_service(
            form,
            lambda: services.update_district_settings(
                actor=request.user, district=district, values=values
            ),
        )
        if saved:
            messages.success(request, _("区参数设置已保存"))
            return redirect("regions:district_settings", district.pk)
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": _("区参数设置：%(name)s") % {"name": district},
            "intro": _("以下参数来自实施意见，可按本区实际调整；每项下方注明政策默认值。"),
            "cancel_url": reverse("workspace"),
        },
    )


@login_required
def home_community(request: HttpRequest) -> HttpResponse:
    profile = getattr(request.user, "resident_profile", None)
    initial = {"community": profile.community_id, "kind": profile.kind} if profile else {}
    form = HomeCommunityForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.set_home_community(
            user=cast(User, request.user),  # login_required
            community=form.cleaned_data["community"],
            kind=form.cleaned_data["kind"],
        )
        messages.success(
            request, _("已设置所在社区：%(name)s") % {"name": form.cleaned_data["community"]}
        )
        return redirect("workspace")
    return render(
        request,
        "core/form_page.html",
        {"form": form, "title": _("选择我所在的社区"), "cancel_url": reverse("workspace")},
    )


def community_options(request: HttpRequest) -> HttpResponse:
    """The community options of one district (``?district=``), for the community
    select of a form that picks district first (htmx swaps them in). Communities are
    public, like the public community page."""
    raw = request.GET.get("district", "")
    district = int(raw) if raw.isdigit() else None
    return render(
        request,
        "regions/community_options.html",
        {"choices": community_choices(district, _("请选择"))},
    )


class CommunityPublicView(DetailView):
    """The public page of a community: where it is and who serves it."""

    template_name = "regions/community_public.html"
    context_object_name = "community"

    def get_queryset(self) -> QuerySet[Community]:
        return public_rows(Community).select_related("street__district")


urlpatterns = [
    path("streets/", StreetListView.as_view(), name="street_list"),
    path("communities/", CommunityListView.as_view(), name="community_list"),
    path("communities/<int:pk>/", CommunityDetailView.as_view(), name="community_detail"),
    path("communities/<int:pk>/edit/", CommunityEditView.as_view(), name="community_edit"),
    path("communities/<int:pk>/members/add/", member_add, name="member_add"),
    path("members/<int:pk>/edit/", member_edit, name="member_edit"),
    path("members/<int:pk>/deactivate/", member_deactivate, name="member_deactivate"),
    path("districts/<int:pk>/settings/", district_settings, name="district_settings"),
    path("home-community/", home_community, name="home_community"),
    path("community-options/", community_options, name="community_options"),
    path("public/communities/<int:pk>/", CommunityPublicView.as_view(), name="community_public"),
]
