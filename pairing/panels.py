"""Workspace panels: what each role sees of the pairings on /workspace/."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch

from accounts.roles import Role
from core.scope import RoleBinding
from core.workspace import register_panel
from pairing import overview
from pairing.models import HonoraryPost, Liaison, Pairing
from regions.models import Community, District, Street

ROWS = 8


def bureau_panel(request: Any, binding: RoleBinding) -> dict[str, Any] | None:
    district = District.objects.visible_to(request.user).filter(pk=binding.object_id).first()
    if district is None:
        return None
    return {"gaps": overview.area_gaps(request.user, district)}


def street_panel(request: Any, binding: RoleBinding) -> dict[str, Any] | None:
    street = (
        Street.objects.visible_to(request.user)
        .select_related("district")
        .filter(pk=binding.object_id)
        .first()
    )
    if street is None:
        return None
    return {"gaps": overview.area_gaps(request.user, street.district, street), "rows": ROWS}


def community_panel(request: Any, binding: RoleBinding) -> dict[str, Any] | None:
    community = (
        Community.objects.visible_to(request.user)
        .select_related("street")
        .filter(pk=binding.object_id)
        .first()
    )
    if community is None:
        return None
    return {"card": overview.community_card(community)}


def _with_liaisons() -> Prefetch:
    return Prefetch("liaisons", queryset=overview.active_liaisons(), to_attr="current")


def firm_panel(request: Any, binding: RoleBinding) -> dict[str, Any] | None:
    pairings = (
        Pairing.objects.visible_to(request.user)
        .filter(firm_id=binding.object_id, end_date__isnull=True)
        .select_related("community__street")
        .prefetch_related(_with_liaisons())
        .order_by("community__street__name", "community__name")
    )
    return {"pairings": list(pairings)}


def lawyer_panel(request: Any, binding: RoleBinding) -> dict[str, Any] | None:
    liaisons = (
        Liaison.objects.active()
        .visible_to(request.user)
        .filter(lawyer_id=binding.object_id)
        .select_related("pairing__community__street")
        .order_by("pairing__community__name")
    )
    posts = (
        HonoraryPost.objects.active()
        .visible_to(request.user)
        .filter(lawyer_id=binding.object_id)
        .select_related("community", "street")
    )
    return {"liaisons": list(liaisons), "posts": list(posts)}


def register() -> None:
    register_panel(Role.BUREAU_ADMIN, "pairing/panels/bureau.html", bureau_panel, order=10)
    register_panel(Role.STREET_STAFF, "pairing/panels/street.html", street_panel, order=10)
    register_panel(Role.COMMUNITY_STAFF, "pairing/panels/community.html", community_panel, order=10)
    register_panel(Role.FIRM_ADMIN, "pairing/panels/firm.html", firm_panel, order=10)
    register_panel(Role.LAWYER, "pairing/panels/lawyer.html", lawyer_panel, order=10)
