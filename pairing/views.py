"""Pairing pages: the dashboard of gaps, the communities and their pairing history, the
bureau's forms (pair, end, liaisons, honorary posts) and the public card with its QR."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from core.views import in_scope, public_rows
from pairing import overview, services
from pairing.forms import EndForm, EndPairingForm, LiaisonForm, PairForm, PostForm, run_service
from pairing.models import HonoraryPost, Liaison, Pairing
from pairing.querysets import (
    DASHBOARD_DISTRICTS,
    DASHBOARD_STREETS,
    OFFICE_POSTS,
    communities_editable_by,
    communities_in_scope,
)
from regions.models import Community, District, Street
from regions.services import settings_for

PAGE_SIZE = 20


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


# --- dashboard -----------------------------------------------------------------------


def _area(request: HttpRequest) -> tuple[District, Street | None, QuerySet[Street]]:
    """The district (and street) the dashboard shows: the bureau's district, narrowed
    to a street on request; a 司法所's street. Anything else answers 404."""
    districts = in_scope(District, request.user, DASHBOARD_DISTRICTS).order_by("code")
    streets = (
        in_scope(Street, request.user, DASHBOARD_STREETS)
        .select_related("district")
        .order_by("district__code", "name")
    )
    if "street" in request.GET:
        street = streets.filter(pk=_int(request.GET["street"])).first()
        if street is None:
            raise Http404
        return street.district, street, streets
    if "district" in request.GET:
        district = districts.filter(pk=_int(request.GET["district"])).first()
        if district is None:
            raise Http404
        return district, None, streets
    district = districts.first()
    if district is not None:
        return district, None, streets
    street = streets.first()
    if street is None:
        raise Http404
    return street.district, street, streets


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    district, street, streets = _area(request)
    return render(
        request,
        "pairing/dashboard.html",
        {
            "gaps": overview.area_gaps(request.user, district, street),
            "office_streets": overview.office_deputies(request.user, district, street),
            "streets": [s for s in streets if s.district_id == district.pk],
            "can_edit": communities_editable_by(request.user)
            .filter(street__district=district)
            .exists(),
        },
    )


# --- communities and their history --------------------------------------------------


def _current_pairings() -> Prefetch:
    active = public_rows(Pairing).select_related("firm")
    return Prefetch(
        "pairings",
        queryset=active.prefetch_related(
            Prefetch("liaisons", queryset=overview.active_liaisons(), to_attr="current")
        ),
        to_attr="active_pairings",
    )


@login_required
def community_list(request: HttpRequest) -> HttpResponse:
    communities = (
        communities_in_scope(request.user)
        .filter(is_active=True)
        .select_related("street")
        .order_by("street__name", "name")
    )
    street_id = _int(request.GET.get("street"))
    if street_id:
        communities = communities.filter(street_id=street_id)
    page = Paginator(communities.prefetch_related(_current_pairings()), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "pairing/community_list.html", {"page_obj": page})


@login_required
def community_detail(request: HttpRequest, pk: int) -> HttpResponse:
    community = get_object_or_404(
        communities_in_scope(request.user).select_related("street__district"), pk=pk
    )
    user = request.user
    history = (
        in_scope(Pairing, user)
        .filter(community=community)
        .select_related("firm")
        .with_liaisons()
        .order_by("-start_date", "-pk")
    )
    posts = (
        in_scope(HonoraryPost, user)
        .filter(community=community)
        .select_related("lawyer__firm")
        .order_by("end_date", "-start_date")
    )
    pairings = list(history)
    current = next((x for x in pairings if x.end_date is None), None)
    return render(
        request,
        "pairing/community_detail.html",
        {
            "community": community,
            "pairings": pairings,
            "current": current,
            "current_liaisons": [x for x in current.liaisons.all() if x.end_date is None]
            if current
            else [],
            "posts": list(posts),
            "can_edit": communities_editable_by(user).filter(pk=community.pk).exists(),
        },
    )


# --- the bureau's forms --------------------------------------------------------------


def _form_page(
    request: HttpRequest,
    form: Any,
    *,
    title: str,
    back: str,
    write: Callable[[], object],
    done: str,
    intro: str = "",
) -> HttpResponse:
    if request.method == "POST" and form.is_valid() and run_service(form, write):
        messages.success(request, done)
        return redirect(back)
    return render(
        request,
        "core/form_page.html",
        {"form": form, "title": title, "intro": intro, "cancel_url": back},
    )


def _community_url(community_id: int) -> str:
    return reverse("pairing:community_detail", args=[community_id])


@login_required
def pair(request: HttpRequest, pk: int) -> HttpResponse:
    community = get_object_or_404(
        communities_editable_by(request.user).select_related("street"), pk=pk
    )
    form = PairForm(request.POST or None, community=community)
    current = community.pairings.active().first()
    intro = (
        _(
            "该社区当前与%(firm)s结对。新结对开始的前一天，当前结对及其联络员、名誉法治副主任将一并结束。"
        )
        % {"firm": current.firm}
        if current
        else ""
    )
    return _form_page(
        request,
        form,
        title=_("社区结对：%(name)s") % {"name": community},
        intro=intro,
        back=_community_url(community.pk),
        write=lambda: services.pair_community(
            actor=request.user,
            community=community,
            firm=form.cleaned_data["firm"],
            start_date=form.cleaned_data["start_date"],
        ),
        done=_("结对已保存"),
    )


@login_required
def end_pairing(request: HttpRequest, pk: int) -> HttpResponse:
    pairing = get_object_or_404(
        in_scope(Pairing, request.user, "editable_by").select_related("community", "firm"),
        pk=pk,
        end_date__isnull=True,
    )
    form = EndPairingForm(request.POST or None)
    return _form_page(
        request,
        form,
        title=_("结束结对：%(pairing)s") % {"pairing": pairing},
        intro=_("结束后，本结对的联络员和社区名誉法治副主任同时卸任。"),
        back=_community_url(pairing.community_id),
        write=lambda: services.end_pairing(
            actor=request.user,
            pairing=pairing,
            end_date=form.cleaned_data["end_date"],
            reason=form.cleaned_data["end_reason"],
        ),
        done=_("结对已结束"),
    )


@login_required
def add_liaison(request: HttpRequest, pk: int) -> HttpResponse:
    pairing = get_object_or_404(
        in_scope(Pairing, request.user, "editable_by").select_related("community__street", "firm"),
        pk=pk,
        end_date__isnull=True,
    )
    form = LiaisonForm(request.POST or None, pairing=pairing)
    return _form_page(
        request,
        form,
        title=_("任命联络员：%(community)s") % {"community": pairing.community},
        intro=_("联络员须为%(firm)s的在职律师，每个社区 %(range)s 名。")
        % {
            "firm": pairing.firm,
            "range": settings_for(pairing.community.street.district_id).liaison_range,
        },
        back=_community_url(pairing.community_id),
        write=lambda: services.appoint_liaison(
            actor=request.user,
            pairing=pairing,
            lawyer=form.cleaned_data["lawyer"],
            start_date=form.cleaned_data["start_date"],
        ),
        done=_("联络员已任命"),
    )


@login_required
def end_liaison(request: HttpRequest, pk: int) -> HttpResponse:
    liaison = get_object_or_404(
        in_scope(Liaison, request.user, "editable_by").select_related(
            "lawyer", "pairing__community"
        ),
        pk=pk,
        end_date__isnull=True,
    )
    form = EndForm(request.POST or None, label=_("免职日期"))
    return _form_page(
        request,
        form,
        title=_("免去联络员：%(name)s") % {"name": liaison.lawyer},
        back=_community_url(liaison.pairing.community_id),
        write=lambda: services.end_liaison(
            actor=request.user, liaison=liaison, end_date=form.cleaned_data["end_date"]
        ),
        done=_("联络员已免职"),
    )


@login_required
def add_community_post(request: HttpRequest, pk: int) -> HttpResponse:
    community = get_object_or_404(communities_editable_by(request.user), pk=pk)
    pairing = community.pairings.active().select_related("firm").first()
    if pairing is None:
        messages.error(request, _("该社区尚未结对律所，不能任命名誉法治副主任"))
        return redirect(_community_url(community.pk))
    form = PostForm(request.POST or None, pairing=pairing)
    return _form_page(
        request,
        form,
        title=_("任命名誉法治副主任：%(name)s") % {"name": community},
        intro=_("由结对律所（%(firm)s）的律所主任或党员律师担任。") % {"firm": pairing.firm},
        back=_community_url(community.pk),
        write=lambda: services.appoint_honorary_post(
            actor=request.user,
            kind=HonoraryPost.Kind.COMMUNITY_DEPUTY,
            community=community,
            lawyer=form.cleaned_data["lawyer"],
            start_date=form.cleaned_data["start_date"],
            term_end=form.cleaned_data["term_end"],
        ),
        done=_("名誉法治副主任已任命"),
    )


def _dashboard_url(street: Street) -> str:
    return f"{reverse('pairing:dashboard')}?district={street.district_id}"


@login_required
def add_office_post(request: HttpRequest, pk: int) -> HttpResponse:
    street = get_object_or_404(in_scope(Street, request.user, OFFICE_POSTS), pk=pk)
    form = PostForm(request.POST or None, street=street)
    return _form_page(
        request,
        form,
        title=_("任命名誉法治副所长：%(office)s") % {"office": street.office_name},
        intro=_("由本区律师工作指导小组成员中的律所主任担任。"),
        back=_dashboard_url(street),
        write=lambda: services.appoint_honorary_post(
            actor=request.user,
            kind=HonoraryPost.Kind.OFFICE_DEPUTY,
            street=street,
            lawyer=form.cleaned_data["lawyer"],
            start_date=form.cleaned_data["start_date"],
            term_end=form.cleaned_data["term_end"],
        ),
        done=_("名誉法治副所长已任命"),
    )


@login_required
def end_post(request: HttpRequest, pk: int) -> HttpResponse:
    post = get_object_or_404(
        in_scope(HonoraryPost, request.user, "editable_by").select_related("lawyer", "street"),
        pk=pk,
        end_date__isnull=True,
    )
    form = EndForm(request.POST or None, label=_("卸任日期"))
    back = _community_url(post.community_id) if post.community_id else _dashboard_url(post.street)
    return _form_page(
        request,
        form,
        title=_("免去%(kind)s：%(name)s") % {"kind": post.get_kind_display(), "name": post.lawyer},
        back=back,
        write=lambda: services.end_post(
            actor=request.user, post=post, end_date=form.cleaned_data["end_date"]
        ),
        done=_("名誉职务已卸任"),
    )


# --- the public card -----------------------------------------------------------------


def card_url(request: HttpRequest, community_id: int) -> str:
    """The card's absolute address: what the QR code on the printed card opens."""
    return request.build_absolute_uri(reverse("pairing:card", args=[community_id]))


def qr_svg(url: str) -> str:
    return segno.make(url, error="m").svg_inline(
        scale=5, border=2, title=_("扫码打开本社区的法律顾问卡"), svgclass="card-qr"
    )


def card(request: HttpRequest, pk: int) -> HttpResponse:
    community = get_object_or_404(public_rows(Community).select_related("street__district"), pk=pk)
    url = card_url(request, community.pk)
    return render(
        request,
        "pairing/card.html",
        {
            "card": overview.community_card(community),
            "community": community,
            "card_url": url,
            "qr": mark_safe(qr_svg(url)),  # noqa: S308  (segno's own markup, no user input)
        },
    )


def card_qr(request: HttpRequest, pk: int) -> HttpResponse:
    """The QR code alone (SVG), for posters and leaflets."""
    community = get_object_or_404(public_rows(Community), pk=pk)
    buffer = io.BytesIO()
    segno.make(card_url(request, community.pk), error="m").save(
        buffer,  # type: ignore[arg-type]  # segno writes bytes; its hint says text
        kind="svg",
        scale=10,
        border=2,
    )
    response = HttpResponse(buffer.getvalue(), content_type="image/svg+xml")
    response["Content-Disposition"] = f'inline; filename="community-{community.pk}-qr.svg"'
    return response


urlpatterns = [
    path("", dashboard, name="dashboard"),
    path("communities/", community_list, name="community_list"),
    path("communities/<int:pk>/", community_detail, name="community_detail"),
    path("communities/<int:pk>/pair/", pair, name="pair"),
    path("communities/<int:pk>/posts/add/", add_community_post, name="add_community_post"),
    path("streets/<int:pk>/posts/add/", add_office_post, name="add_office_post"),
    path("pairings/<int:pk>/end/", end_pairing, name="end_pairing"),
    path("pairings/<int:pk>/liaisons/add/", add_liaison, name="add_liaison"),
    path("liaisons/<int:pk>/end/", end_liaison, name="end_liaison"),
    path("posts/<int:pk>/end/", end_post, name="end_post"),
    path("cards/<int:pk>/", card, name="card"),
    path("cards/<int:pk>/qr.svg", card_qr, name="card_qr"),
]
