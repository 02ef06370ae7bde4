"""Pages of regular meetings (定期会议) of a firm or a street."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from core.forms import page_filter, run_service
from core.views import in_scope, scoped_get_or_404
from visits import services
from visits.filters import MeetingFilter
from visits.forms import MeetingForm
from visits.models import Meeting, MeetingAttachment
from visits.querysets import MEETING_MANAGERS

PAGE_SIZE = 20


@login_required
def meeting_list(request: HttpRequest) -> HttpResponse:
    qs = in_scope(Meeting, request.user).select_related("firm", "street").order_by("-date", "-id")
    filterset = page_filter(MeetingFilter, request, qs, ["firm", "street", "search"])
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "visits/meeting_list.html",
        {"page_obj": page, "filterset": filterset, "can_add": MEETING_MANAGERS.holds(request.user)},
    )


@login_required
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(
        in_scope(Meeting, request.user).select_related("firm", "street", "recorded_by"),
        pk=pk,
    )
    return render(
        request,
        "visits/meeting_detail.html",
        {
            "meeting": meeting,
            "attachments": meeting.attachments.all(),
            "can_edit": in_scope(Meeting, request.user, "editable_by").filter(pk=pk).exists(),
        },
    )


def _meeting_page(request: HttpRequest, meeting: Meeting, title: str) -> HttpResponse:
    form = MeetingForm(
        request.POST or None, request.FILES or None, instance=meeting, user=request.user
    )
    if request.method == "POST" and form.is_valid():
        files = form.cleaned_data["attachments"]
        if run_service(
            form,
            lambda: services.save_meeting(
                actor=request.user, meeting=form.instance, attachments=files
            ),
        ):
            messages.success(request, _("会议记录已保存"))
            return redirect("visits:meeting_detail", form.instance.pk)
    return render(request, "visits/meeting_form.html", {"form": form, "title": title})


@login_required
def meeting_create(request: HttpRequest) -> HttpResponse:
    if not MEETING_MANAGERS.holds(request.user):
        raise Http404
    return _meeting_page(request, Meeting(), _("记录定期会议"))


@login_required
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = scoped_get_or_404(Meeting, request.user, pk, "editable_by")
    return _meeting_page(request, meeting, _("修改会议记录"))


@login_required
def attachment(request: HttpRequest, pk: int) -> FileResponse:
    item = scoped_get_or_404(MeetingAttachment, request.user, pk)
    return FileResponse(item.file.open("rb"), as_attachment=True, filename=item.name)


urlpatterns = [
    path("meetings/", meeting_list, name="meeting_list"),
    path("meetings/new/", meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/", meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/edit/", meeting_edit, name="meeting_edit"),
    path("meetings/attachments/<int:pk>/", attachment, name="meeting_attachment"),
]
