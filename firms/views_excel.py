"""Excel import and export pages of law firms and lawyers: the district's bureau admin
(or a superuser, who chooses the district); a firm admin for the lawyers of their own
firm; anyone else gets 404."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404, HttpRequest

from core.excel import excel_urlpatterns
from core.views import in_scope
from firms.imports import LISTS
from firms.querysets import FIRM_ADMINS
from regions.models import District


def districts_for(request: HttpRequest, kind: str) -> QuerySet[District] | None:
    """The districts the user imports into; None for a firm admin's own lawyers."""
    districts = in_scope(District, request.user, "editable_by").order_by("code")
    if districts.exists():
        return districts
    if kind == "lawyers" and FIRM_ADMINS.holds(request.user):
        return None
    raise Http404


urlpatterns = excel_urlpatterns("firms", LISTS, districts_for)
