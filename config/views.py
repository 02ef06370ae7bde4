"""The portal home, the care-mode switch, the per-role workspace and the two logs.

These pages sit above the domain apps (like ``config``): they read regions and firms
through their querysets to show each role what it has to do.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django import forms
from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from accounts.roles import Role
from core.audit import can_read_audit
from core.forms import BootstrapFormMixin
from core.masking import mask_phone
from core.models import LoginLog, OperationLog
from core.paging import CURSOR_PARAM, keyset_page
from core.scope import RoleBinding, get_principal
from core.views import in_scope, public_rows
from core.workspace import panels_for
from firms.models import LawFirm, Lawyer
from regions.forms import HomeCommunityForm
from regions.models import Community, District, Street, StudioMember

PREVIEW_LAWYERS = 6
WORKSPACE_ROWS = 10


def portal(request: HttpRequest) -> HttpResponse:
    districts = list(public_rows(District).select_related("settings").order_by("code"))
    district = next((d for d in districts if str(d.pk) == request.GET.get("district")), None)
    district = district or (districts[0] if districts else None)
    streets: list[Street] = []
    lawyers: QuerySet[Lawyer] = public_rows(Lawyer).none()
    if district is not None:
        streets = list(
            district.streets.filter(is_active=True)
            .order_by("name")
            .prefetch_related(
                Prefetch("communities", queryset=public_rows(Community).order_by("name"))
            )
        )
        lawyers = (
            public_rows(Lawyer)
            .filter(firm__district=district)
            .select_related("firm")
            .prefetch_related("specialties")
            .order_by("-is_volunteer", "practice_start_date", "name")[:PREVIEW_LAWYERS]
        )
    return render(
        request,
        "core/portal.html",
        {
            "districts": districts,
            "district": district,
            "district_settings": getattr(district, "settings", None),
            "streets": streets,
            "lawyers": lawyers,
        },
    )


@require_POST
def toggle_care_mode(request: HttpRequest) -> HttpResponse:
    target = request.POST.get("next", "/")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}):
        target = "/"
    response = redirect(target)
    if request.COOKIES.get("care_mode") == "1":
        response.delete_cookie("care_mode")
    else:
        response.set_cookie("care_mode", "1", max_age=365 * 24 * 3600, samesite="Lax")
    return response


# --- Workspace: one card per role binding, saying what that role has to do now. ---


def _bureau_card(user: Any, b: RoleBinding) -> dict[str, Any]:
    district = in_scope(District, user).get(pk=b.object_id)
    communities = (
        in_scope(Community, user)
        .filter(street__district=district, is_active=True)
        .aggregate(n=Count("pk"), households=Sum("households"), population=Sum("population"))
    )
    return {
        "district": district,
        "street_count": in_scope(Street, user).filter(district=district, is_active=True).count(),
        "communities": communities,
        "firm_count": in_scope(LawFirm, user).filter(district=district, is_active=True).count(),
        "lawyer_count": in_scope(Lawyer, user)
        .filter(firm__district=district, is_active=True)
        .count(),
    }


def _street_card(user: Any, b: RoleBinding) -> dict[str, Any]:
    street = in_scope(Street, user).get(pk=b.object_id)
    communities = in_scope(Community, user).filter(street=street).order_by("name")
    editable = set(
        in_scope(Community, user, "editable_by").filter(street=street).values_list("pk", flat=True)
    )
    return {"street": street, "communities": communities, "editable_ids": editable}


def _community_card(user: Any, b: RoleBinding) -> dict[str, Any]:
    community = in_scope(Community, user).select_related("street").get(pk=b.object_id)
    members = in_scope(StudioMember, user).filter(community=community)
    return {
        "community": community,
        "members": members.order_by("-is_active", "position", "name"),
        "can_edit": in_scope(Community, user, "editable_by").filter(pk=community.pk).exists(),
    }


def _firm_card(user: Any, b: RoleBinding) -> dict[str, Any]:
    firm = in_scope(LawFirm, user).select_related("street").get(pk=b.object_id)
    lawyers = (
        in_scope(Lawyer, user)
        .filter(firm=firm, is_active=True)
        .prefetch_related("specialties")
        .order_by("name")
    )
    return {
        "firm": firm,
        "lawyers": lawyers[:WORKSPACE_ROWS],
        "lawyer_count": lawyers.count(),
        "can_edit": in_scope(LawFirm, user, "editable_by").filter(pk=firm.pk).exists(),
    }


def _lawyer_card(user: Any, b: RoleBinding) -> dict[str, Any]:
    lawyer = (
        in_scope(Lawyer, user)
        .select_related("firm")
        .prefetch_related("specialties")
        .get(pk=b.object_id)
    )
    colleagues = (
        in_scope(Lawyer, user)
        .filter(firm_id=lawyer.firm_id, is_active=True)
        .exclude(pk=lawyer.pk)
        .order_by("name")
    )
    return {
        "lawyer": lawyer,
        "colleagues": colleagues[:WORKSPACE_ROWS],
        "colleague_count": colleagues.count(),
    }


def _resident_card(user: Any, b: RoleBinding) -> dict[str, Any]:
    community = (
        public_rows(Community).select_related("street").filter(pk=b.object_id).first()
        if b.object_id
        else None
    )
    if community is not None:
        # Moving home is rare: a link to its own page, so the everyday workspace does not
        # build and render a select of the district's communities (half of its cost).
        return {"community": community}
    profile = getattr(user, "resident_profile", None)
    initial = {"community": b.object_id or "", "kind": profile.kind if profile else ""}
    return {"community": None, "form": HomeCommunityForm(initial=initial)}


CARDS: dict[str, Callable[[Any, RoleBinding], dict[str, Any]]] = {
    Role.BUREAU_ADMIN: _bureau_card,
    Role.STREET_STAFF: _street_card,
    Role.COMMUNITY_STAFF: _community_card,
    Role.FIRM_ADMIN: _firm_card,
    Role.LAWYER: _lawyer_card,
    Role.RESIDENT: _resident_card,
}


@login_required
def workspace(request: HttpRequest) -> HttpResponse:
    """One card per role binding: the foundation's own part (CARDS), then the panels
    that apps above core registered for the role (core.workspace)."""
    principal = get_principal(request.user)
    cards = []
    for binding in principal.bindings:
        build = CARDS.get(binding.role)
        panels = [
            render_to_string(template, context, request=request)
            for template, context in panels_for(request, binding)
        ]
        cards.append(
            {
                "binding": binding,
                "role_label": Role(binding.role).label,
                "template": f"core/workspace/{binding.role}.html" if build else None,
                "panels": panels,
                **(build(request.user, binding) if build else {}),
            }
        )
    return render(request, "core/workspace.html", {"cards": cards, "principal": principal})


# --- The two logs, for the bureau (read-only). ---


class _LogFilterForm(BootstrapFormMixin, forms.Form):
    date_from = forms.DateField(
        label=_("开始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("结束日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    user = forms.CharField(label=_("用户"), required=False, max_length=50)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("结束日期不能早于开始日期"))
        return data

    def valid_data(self) -> dict[str, Any]:
        self.is_valid()
        return getattr(self, "cleaned_data", {})

    def apply_dates(self, qs: QuerySet) -> QuerySet:
        data = self.valid_data()
        start: date | None = data.get("date_from")
        end: date | None = data.get("date_to")
        if start:
            qs = qs.filter(created_at__date__gte=start)
        if end:
            qs = qs.filter(created_at__date__lte=end)
        return qs


class OperationLogFilterForm(_LogFilterForm):
    action = forms.ChoiceField(
        label=_("操作"), required=False, choices=[("", _("全部")), *OperationLog.Action.choices]
    )

    def apply(self, qs: QuerySet[OperationLog]) -> QuerySet[OperationLog]:
        qs = self.apply_dates(qs)
        data = self.valid_data()
        if data.get("action"):
            qs = qs.filter(action=data["action"])
        if data.get("user"):
            qs = qs.filter(actor_repr__icontains=data["user"])
        return qs


class LoginLogFilterForm(_LogFilterForm):
    method = forms.ChoiceField(
        label=_("方式"), required=False, choices=[("", _("全部")), *LoginLog.Method.choices]
    )
    success = forms.ChoiceField(
        label=_("结果"),
        required=False,
        choices=[("", _("全部")), ("1", _("成功")), ("0", _("失败"))],
    )

    def apply(self, qs: QuerySet[LoginLog]) -> QuerySet[LoginLog]:
        qs = self.apply_dates(qs)
        data = self.valid_data()
        if data.get("method"):
            qs = qs.filter(method=data["method"])
        if data.get("success"):
            qs = qs.filter(success=data["success"] == "1")
        if data.get("user"):
            text = data["user"]
            qs = qs.filter(Q(phone=text) | Q(user__name__icontains=text))
        return qs


def _log_page(request: HttpRequest, model: Any, form: Any, template: str) -> HttpResponse:
    if not can_read_audit(request.user):  # user managers (superusers) do not read logs
        raise Http404
    qs = form.apply(in_scope(model, request.user))
    if model is LoginLog:
        qs = qs.select_related("user")
    # The logs grow with every write: "更多" by time, never a count of them (core.paging).
    page = keyset_page(qs, request.GET.get(CURSOR_PARAM), order=("-created_at", "-id"))
    for row in page:
        if model is LoginLog:
            row.masked_phone = mask_phone(row.phone)
        else:
            row.model_label, row.change_rows = _describe(row.model, row.changes)
            row.source_label = SOURCES.get(row.source, row.source)
    return render(request, template, {"page_obj": page, "filter_form": form})


SOURCES = {
    "page": _("网页"),
    "api": _("接口"),
    "admin": _("后台"),
    "command": _("命令"),
    "system": _("系统"),
}


def _describe(label: str, changes: dict[str, Any]) -> tuple[str, list[tuple[str, Any]]]:
    """The model's and the changed fields' Chinese names (the log stores code names)."""
    try:
        meta = apps.get_model(label)._meta
    except (LookupError, ValueError):
        return label, list(changes.items())
    fields = {f.attname: f for f in meta.concrete_fields if not f.primary_key}
    rows = []
    for name, value in changes.items():
        field = fields.get(name)
        if field is None:
            continue
        if isinstance(value, bool):
            value = _("是") if value else _("否")
        elif field.choices:
            value = dict(field.flatchoices).get(value, value)
        rows.append((str(field.verbose_name), value))
    return str(meta.verbose_name), rows


@login_required
def operation_log(request: HttpRequest) -> HttpResponse:
    form = OperationLogFilterForm(request.GET or None)
    return _log_page(request, OperationLog, form, "core/operation_log.html")


@login_required
def login_log(request: HttpRequest) -> HttpResponse:
    form = LoginLogFilterForm(request.GET or None)
    return _log_page(request, LoginLog, form, "core/login_log.html")


def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness probe: answers without touching the database, through the same
    middleware as every page (so it is also the benchmark's framework floor)."""
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")
