"""The bulletin (通报) of a published month: its table and text are built once, when the
month is published, and stored; the page, the Excel file and the PDF are drawn from
that stored copy, so later changes to any record leave the bulletin as published."""

from __future__ import annotations

import io
from datetime import date, datetime
from typing import Any
from xml.sax.saxutils import escape

from django.db.models import Prefetch
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from assessment.choices import Metric
from assessment.metrics import DEFINITIONS
from assessment.models import Bulletin, MetricScore, MonthlyScore, RankingMonth

# Chinese in reportlab's built-in CID font: PDF readers supply it, nothing is embedded.
FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))
HIGHLIGHT = 3  # firms named at the top and the bottom of the summary


def metric_columns(weights: dict[str, int]) -> list[dict[str, Any]]:
    return [
        {"key": m.value, "label": str(m.label), "weight": weights[m.value]}
        for m in Metric
        if weights.get(m.value, 0) > 0
    ]


def build_table(ranking: RankingMonth) -> dict[str, Any]:
    """The ranking table as plain JSON (values as strings, "" when not scored)."""
    scores = (
        MonthlyScore.objects.filter(ranking=ranking)
        .select_related("firm")
        .prefetch_related(Prefetch("metrics", queryset=MetricScore.objects.order_by("pk")))
        .order_by("rank", "firm__name")
    )
    rows = []
    for s in scores:
        values = {m.metric: "" if m.value is None else str(m.value) for m in s.metrics.all()}
        rows.append(
            {
                "rank": s.rank,
                "firm_id": s.firm_id,
                "firm": s.firm.name,
                "total": str(s.total),
                "values": values,
                "adjusted": any(m.adjusted for m in s.metrics.all()),
            }
        )
    return {"metrics": metric_columns(ranking.weights), "rows": rows}


def _names(rows: list[dict[str, Any]]) -> str:
    return "、".join(f"{r['firm']}（{r['total']} 分）" for r in rows)


def build_summary(ranking: RankingMonth, table: dict[str, Any]) -> str:
    rows = table["rows"]
    metrics = "、".join(f"{c['label']}（权重 {c['weight']}）" for c in table["metrics"])
    average = sum(float(r["total"]) for r in rows) / len(rows) if rows else 0
    text = [
        f"根据尚法云平台记录的{ranking.label}工作数据，按{metrics}等指标，"
        f"对全区 {len(rows)} 家结对律所进行了考核排名，平均得分 {average:.2f} 分。"
    ]
    if len(rows) > HIGHLIGHT:
        text.append(f"排名前列的是：{_names(rows[:HIGHLIGHT])}，予以通报表扬。")
        text.append(
            f"排名靠后的是：{_names(rows[-HIGHLIGHT:])}，"
            "请对照各项指标查找不足，切实做好走访、答复和服务日等工作。"
        )
    text.append("各项得分均可在尚法云平台查阅对应的走访、咨询、调解和值班记录。")
    return "".join(text)


def bulletin_values(ranking: RankingMonth, now: datetime) -> dict[str, Any]:
    """The fields of the bulletin of a month being published."""
    table = build_table(ranking)
    year = ranking.month.year
    number = Bulletin.objects.filter(district_id=ranking.district_id, year=year).count() + 1
    return {
        "district_id": ranking.district_id,
        "ranking": ranking,
        "month": ranking.month,
        "year": year,
        "number": number,
        "title": f"{ranking.district}“律所进社区”工作{ranking.label}考核排名通报",
        "summary": build_summary(ranking, table),
        "table": table,
        "published_at": now,
    }


def _day(bulletin: Bulletin) -> date:
    return timezone.localdate(bulletin.published_at)


def _header(bulletin: Bulletin) -> list[str]:
    return ["名次", "律所", *(c["label"] for c in bulletin.table["metrics"]), "总分"]


def _row(bulletin: Bulletin, row: dict[str, Any]) -> list[Any]:
    values = [row["values"].get(c["key"], "") for c in bulletin.table["metrics"]]
    return [row["rank"], row["firm"], *values, row["total"]]


# --- Excel ---------------------------------------------------------------------------


def _number(value: str) -> float | str:
    return float(value) if value not in ("", None) else "—"


def bulletin_xlsx(bulletin: Bulletin) -> bytes:
    """The ranking table with a bar chart of the totals, and a sheet of the rules."""
    wb = Workbook()
    ws = wb.active
    ws.title = "排名"
    header = _header(bulletin)
    ws.append([bulletin.title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.append([f"{bulletin.number_label}  发布日期：{_day(bulletin):%Y-%m-%d}"])
    ws.append(header)
    for cell in ws[3]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    rows = bulletin.table["rows"]
    for row in rows:
        values = _row(bulletin, row)
        ws.append([values[0], values[1], *(_number(v) for v in values[2:])])
    ws.column_dimensions["A"].width = 6
    ws.column_dimensions["B"].width = 30
    for i in range(3, len(header) + 1):
        ws.column_dimensions[get_column_letter(i)].width = 12
    ws.freeze_panes = "C4"
    if rows:
        chart = BarChart()
        chart.type = "bar"
        chart.title = "各律所总分"
        chart.y_axis.title = "总分"
        chart.y_axis.scaling.min = 0
        chart.y_axis.scaling.max = 100
        chart.x_axis.scaling.orientation = "maxMin"  # first place on top
        total_col = len(header)
        data = Reference(ws, min_col=total_col, min_row=3, max_row=3 + len(rows))
        names = Reference(ws, min_col=2, min_row=4, max_row=3 + len(rows))
        chart.add_data(data, titles_from_data=True)
        chart.set_categories(names)
        chart.legend = None
        chart.height = max(8, len(rows) * 0.6)
        chart.width = 18
        ws.add_chart(chart, f"{get_column_letter(total_col + 2)}3")
    notes = wb.create_sheet("说明")
    notes.append(["通报内容"])
    notes.append([bulletin.summary])
    notes.append([])
    notes.append(["指标", "权重", "计分方法"])
    for c in bulletin.table["metrics"]:
        notes.append([c["label"], c["weight"], DEFINITIONS[c["key"]].rule])
    notes.column_dimensions["A"].width = 18
    notes.column_dimensions["C"].width = 90
    notes["A2"].alignment = Alignment(wrap_text=True)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# --- PDF -------------------------------------------------------------------------------

BODY = ParagraphStyle("body", fontName=FONT, fontSize=10.5, leading=17, wordWrap="CJK")
CELL = ParagraphStyle("cell", parent=BODY, fontSize=8.5, leading=11)
TITLE = ParagraphStyle("title", parent=BODY, fontSize=17, leading=26, alignment=TA_CENTER)
SUB = ParagraphStyle("sub", parent=BODY, fontSize=10, alignment=TA_CENTER)


def _chart(bulletin: Bulletin, width: float) -> Drawing:
    rows = bulletin.table["rows"]
    bar = 13
    height = len(rows) * bar + 50
    drawing = Drawing(width, height)
    drawing.add(String(0, height - 14, "各律所总分", fontName=FONT, fontSize=11))
    chart = HorizontalBarChart()
    chart.x, chart.y = 170, 20
    chart.width, chart.height = width - 200, len(rows) * bar
    chart.data = [[float(r["total"]) for r in reversed(rows)]]
    chart.categoryAxis.categoryNames = [r["firm"] for r in reversed(rows)]
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 8
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, 100, 10
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = 8
    chart.bars[0].fillColor = colors.HexColor("#2f6fb3")
    chart.barLabelFormat = "%.2f"
    chart.barLabels.fontName = FONT
    chart.barLabels.fontSize = 7
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    drawing.add(chart)
    return drawing


def bulletin_pdf(bulletin: Bulletin) -> bytes:
    """A4 landscape: title, the text, the ranking table and a bar chart."""
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=landscape(A4),
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=bulletin.title,
        author="尚法云",
    )
    header = _header(bulletin)
    data: list[list[Any]] = [[Paragraph(escape(h), CELL) for h in header]]
    for row in bulletin.table["rows"]:
        values = _row(bulletin, row)
        data.append(
            [values[0], Paragraph(escape(values[1]), CELL), *(v or "—" for v in values[2:])]
        )
    metric_count = len(header) - 3
    widths = [28, 170, *([54] * metric_count), 48]
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), FONT, 8.5),
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#ddebf7")),
                ("ALIGN", (2, 1), (-1, -1), "RIGHT"),
                ("ALIGN", (0, 0), (0, -1), "CENTER"),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    story = [
        Paragraph(escape(bulletin.title), TITLE),
        Paragraph(escape(f"{bulletin.number_label}    {_day(bulletin):%Y年%m月%d日}"), SUB),
        Spacer(1, 6 * mm),
        Paragraph(escape(bulletin.summary), BODY),
        Spacer(1, 4 * mm),
        table,
        Spacer(1, 6 * mm),
    ]
    if bulletin.table["rows"]:
        story.append(_chart(bulletin, doc.width))
    doc.build(story)
    return out.getvalue()
