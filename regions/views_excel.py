"""Excel import and export pages of streets and communities: the district's bureau
admin (or a superuser, who chooses the district); anyone else gets 404."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404, HttpRequest

from core.excel import excel_urlpatterns
from core.views import in_scope
from regions.imports import LISTS
from regions.models import District


def districts_for(request: HttpRequest, kind: str) -> QuerySet[District]:
    districts = in_scope(District, request.user, "editable_by").order_by("code")
    if not districts.exists():
        raise Http404
    return districts


urlpatterns = excel_urlpatterns("regions", LISTS, districts_for)
