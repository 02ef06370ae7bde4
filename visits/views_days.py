"""Pages of the monthly service day: the public calendar and day page, signing up,
checking in by the community's QR code, and the staff's schedule and attendance."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.forms import page_filter, run_service
from core.views import in_scope, public_rows, scoped_get_or_404
from regions.models import Community
from visits import services
from visits.filters import PublicServiceDayFilter
from visits.forms import ServiceDayForm
from visits.models import ServiceDay
from visits.querysets import ServiceDayQuerySet

PAGE_SIZE = 20


def _days() -> ServiceDayQuerySet:
    return public_rows(ServiceDay, "published").select_related("community__street", "firm")


def service_day_list(request: HttpRequest) -> HttpResponse:
    """The public calendar: upcoming service days (the portal links here)."""
    today = timezone.localdate()
    qs = _days().filter(date__gte=today).nearest_first(request.user)
    if request.user.is_authenticated:
        qs = qs.with_signed_up(request.user)
    filterset = page_filter(PublicServiceDayFilter, request, qs, ["street", "community"])
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "visits/service_day_list.html",
        {"page_obj": page, "filterset": filterset, "today": today},
    )


def service_day_detail(request: HttpRequest, pk: int) -> HttpResponse:
    day = get_object_or_404(
        in_scope(ServiceDay, request.user)
        .select_related("community__street", "firm")
        .annotate(
            signup_count=Count("signups", distinct=True),
            checkin_count=Count("checkins", distinct=True),
        ),
        pk=pk,
    )
    user = request.user
    signed_up = user.is_authenticated and day.signups.filter(user=user).exists()
    return render(
        request,
        "visits/service_day_detail.html",
        {
            "day": day,
            "today": timezone.localdate(),
            "signed_up": signed_up,
            "can_manage": user.is_authenticated
            and in_scope(ServiceDay, user, "editable_by").filter(pk=pk).exists(),
        },
    )


def _act(request: HttpRequest, day: ServiceDay, write: Any, done: str) -> HttpResponse:
    try:
        write()
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, done)
    return redirect("visits:service_day_detail", day.pk)


@login_required
@require_POST
def sign_up(request: HttpRequest, pk: int) -> HttpResponse:
    day = get_object_or_404(_days(), pk=pk)
    return _act(
        request,
        day,
        lambda: services.sign_up(user=request.user, service_day=day),
        _("报名成功，请在服务日当天到场扫码签到"),
    )


@login_required
@require_POST
def cancel_signup(request: HttpRequest, pk: int) -> HttpResponse:
    day = get_object_or_404(_days(), pk=pk)
    return _act(
        request,
        day,
        lambda: services.cancel_signup(user=request.user, service_day=day),
        _("已取消报名"),
    )


@login_required
def service_day_edit(request: HttpRequest, pk: int) -> HttpResponse:
    day = scoped_get_or_404(ServiceDay, request.user, pk, "editable_by")
    form = ServiceDayForm(request.POST or None, instance=day)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in form.fields}
        if run_service(
            form,
            lambda: services.update_service_day(actor=request.user, service_day=day, values=values),
        ):
            messages.success(request, _("服务日安排已保存"))
            return redirect("visits:service_day_detail", day.pk)
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": _("调整服务日：%(name)s") % {"name": day.community},
            "intro": _("服务日只能在本月内调整；居民会在门户和社区页面看到新的安排。"),
            "cancel_url": reverse("visits:service_day_detail", args=[day.pk]),
        },
    )


@login_required
@require_POST
def service_day_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    day = scoped_get_or_404(ServiceDay, request.user, pk, "editable_by")
    return _act(
        request,
        day,
        lambda: services.cancel_service_day(actor=request.user, service_day=day),
        _("服务日已取消"),
    )


@login_required
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    """Sign-ups and check-ins of a day, for the place's staff and the serving firm."""
    day = get_object_or_404(
        in_scope(ServiceDay, request.user, "followed_by").select_related("community"), pk=pk
    )
    return render(
        request,
        "visits/attendance.html",
        {
            "day": day,
            "signups": day.signups.select_related("user").order_by("created_at"),
            "checkins": day.checkins.select_related("user").order_by("checked_in_at"),
        },
    )


@login_required
def check_in(request: HttpRequest, community_id: int) -> HttpResponse:
    """Opened from the community's QR code: a button on GET, the check-in on POST."""
    community = get_object_or_404(public_rows(Community).select_related("street"), pk=community_id)
    today = timezone.localdate()
    day = _days().filter(community=community, date=today).first()
    done = day is not None and day.checkins.filter(user=request.user).exists()  # type: ignore[misc]
    if request.method == "POST":
        try:
            services.check_in(user=request.user, community=community)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, _("签到成功，感谢参加本次服务日活动！"))
        return redirect("visits:check_in", community.pk)
    upcoming = services.next_service_day(community, today + timedelta(days=1))
    return render(
        request,
        "visits/check_in.html",
        {"community": community, "day": day, "done": done, "upcoming": upcoming},
    )


urlpatterns = [
    path("service-days/", service_day_list, name="service_day_list"),
    path("service-days/<int:pk>/", service_day_detail, name="service_day_detail"),
    path("service-days/<int:pk>/sign-up/", sign_up, name="service_day_sign_up"),
    path("service-days/<int:pk>/cancel-sign-up/", cancel_signup, name="service_day_cancel_sign_up"),
    path("service-days/<int:pk>/edit/", service_day_edit, name="service_day_edit"),
    path("service-days/<int:pk>/cancel/", service_day_cancel, name="service_day_cancel"),
    path("service-days/<int:pk>/attendance/", attendance, name="service_day_attendance"),
    path("checkin/<int:community_id>/", check_in, name="check_in"),
]
