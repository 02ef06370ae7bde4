"""The published bulletins (通报): public pages, Excel and PDF, all drawn from the
bulletin's stored table."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.utils.http import content_disposition_header

from assessment import bulletin as render_bulletin
from assessment.metrics import DEFINITIONS
from assessment.models import Bulletin
from assessment.views_common import PAGE_SIZE, echarts_available
from core.excel import xlsx_response
from core.views import in_scope, public_rows
from regions.models import District


def bulletin_list(request: HttpRequest) -> HttpResponse:
    bulletins = in_scope(Bulletin, request.user).select_related("district")
    district = None
    raw = request.GET.get("district", "")
    if raw.isdigit():
        district = public_rows(District).filter(pk=int(raw)).first()
        bulletins = bulletins.filter(district_id=int(raw))
    page = Paginator(bulletins.order_by("-month", "district__code"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request, "assessment/bulletin_list.html", {"page_obj": page, "district": district}
    )


def _bulletin(request: HttpRequest, pk: int) -> Bulletin:
    return get_object_or_404(in_scope(Bulletin, request.user).select_related("district"), pk=pk)


def bulletin_detail(request: HttpRequest, pk: int) -> HttpResponse:
    bulletin = _bulletin(request, pk)
    rows = bulletin.table["rows"]
    columns = bulletin.table["metrics"]
    for row in rows:
        row["cells"] = [row["values"].get(c["key"], "") for c in columns]
    chart = {
        "categories": [r["firm"] for r in rows],
        "series": [{"name": "总分", "data": [float(r["total"]) for r in rows]}],
        "horizontal": True,
        "max": 100,
    }
    return render(
        request,
        "assessment/bulletin_detail.html",
        {
            "bulletin": bulletin,
            "rows": rows,
            "columns": [{**c, "rule": DEFINITIONS[c["key"]].rule} for c in columns],
            "chart": chart,
            "echarts": echarts_available() and bool(rows),
        },
    )


def bulletin_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    bulletin = _bulletin(request, pk)
    return xlsx_response(render_bulletin.bulletin_xlsx(bulletin), f"{bulletin.title}.xlsx")


def bulletin_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    bulletin = _bulletin(request, pk)
    response = HttpResponse(render_bulletin.bulletin_pdf(bulletin), content_type="application/pdf")
    response["Content-Disposition"] = str(
        content_disposition_header(False, f"{bulletin.title}.pdf")
    )
    return response


urlpatterns = [
    path("bulletins/", bulletin_list, name="bulletin_list"),
    path("bulletins/<int:pk>/", bulletin_detail, name="bulletin_detail"),
    path("bulletins/<int:pk>/xlsx/", bulletin_xlsx, name="bulletin_xlsx"),
    path("bulletins/<int:pk>/pdf/", bulletin_pdf, name="bulletin_pdf"),
]
