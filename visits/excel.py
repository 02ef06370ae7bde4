"""The monthly report's table (per community) and its Excel export, in the layout a
司法所 hands upward: a header block (街道、律所、月份), a table of visits by community
(次数, 户数, 活动类型分布, 服务人数, 发现纠纷数, 本年累计覆盖), and the totals."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, Sum
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from core.audit import record
from core.models import OperationLog
from pairing.models import Pairing
from regions.models import Community
from visits.choices import VisitKind, VisitStatus
from visits.coverage import percent
from visits.models import MonthlyReport, Visit, VisitHousehold
from visits.services import add_months, month_end

KINDS = list(VisitKind)


@dataclass
class ReportRow:
    name: str
    households_total: int = 0
    visits: int = 0
    households: int = 0
    kinds: dict[str, int] = field(default_factory=dict)
    participants: int = 0
    disputes: int = 0
    covered: int = 0

    @property
    def kind_counts(self) -> list[int]:
        return [self.kinds.get(k.value, 0) for k in KINDS]

    @property
    def coverage(self) -> float:
        return percent(self.covered, self.households_total)


def report_rows(report: MonthlyReport) -> tuple[list[ReportRow], ReportRow]:
    """One row per community of the street that the firm served in the month (paired
    or visited), and the totals; every number from grouped queries.

    The street's communities are read first and every later query is restricted to
    their ids (a short literal list), so that each one is an index range of the
    street's own visits (``visits_visit_community``: community, status, date, and
    ``visits_visit_firm_date``) rather than a scan of the whole table behind an OR of
    IN-subqueries.
    """
    start, end = report.month, add_months(report.month, 1)
    month = Visit.objects.filter(
        firm_id=report.firm_id,
        community__street_id=report.street_id,
        status=VisitStatus.CONFIRMED,
        date__gte=start,
        date__lt=end,
    )
    paired = Pairing.objects.filter(
        firm_id=report.firm_id, community__street_id=report.street_id, start_date__lte=end
    ).filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
    communities = (
        Community.objects.filter(street_id=report.street_id)
        .filter(Q(pk__in=paired.values("community_id")) | Q(pk__in=month.values("community_id")))
        .order_by("name")
    )
    rows = {c.pk: ReportRow(c.name, c.households) for c in communities}
    if not rows:
        return [], ReportRow("合计")
    ids = sorted(rows)  # every community of the month's visits is among them
    month = month.filter(community_id__in=ids)
    for r in month.values("community_id", "kind").annotate(
        n=Count("pk"), people=Sum("participants"), disputes=Sum("disputes_found")
    ):
        row = rows[r["community_id"]]
        row.kinds[r["kind"]] = r["n"]
        row.visits += r["n"]
        row.participants += r["people"] or 0
        row.disputes += r["disputes"] or 0
    for cid, n in (
        VisitHousehold.objects.filter(
            visit__firm_id=report.firm_id,
            visit__community_id__in=ids,
            visit__status=VisitStatus.CONFIRMED,
            visit__date__gte=start,
            visit__date__lt=end,
        )
        .values("visit__community_id")
        .annotate(n=Count("household_id", distinct=True))
        .values_list("visit__community_id", "n")
    ):
        rows[cid].households = n
    year = VisitHousehold.objects.filter(  # any firm's confirmed visits of the communities
        visit__community_id__in=ids,
        visit__status=VisitStatus.CONFIRMED,
        visit__date__gte=start.replace(month=1),
        visit__date__lte=month_end(start),
    )
    for cid, n in (
        year.values("visit__community_id")
        .annotate(n=Count("household_id", distinct=True))
        .values_list("visit__community_id", "n")
    ):
        rows[cid].covered = n
    total = ReportRow("合计")
    for row in rows.values():
        total.households_total += row.households_total
        total.visits += row.visits
        total.households += row.households
        total.participants += row.participants
        total.disputes += row.disputes
        total.covered += row.covered
        for kind, n in row.kinds.items():
            total.kinds[kind] = total.kinds.get(kind, 0) + n
    return list(rows.values()), total


HEADERS = [
    "序号",
    "社区",
    "走访次数",
    "走访户数",
    *[str(k.label) for k in KINDS],
    "服务人数",
    "发现纠纷数",
    "本年累计覆盖户数",
    "社区户数",
    "覆盖率（%）",
]
THIN = Side(style="thin", color="999999")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def _values(index: Any, row: ReportRow) -> list[Any]:
    return [
        index,
        row.name,
        row.visits,
        row.households,
        *row.kind_counts,
        row.participants,
        row.disputes,
        row.covered,
        row.households_total,
        row.coverage,
    ]


def report_workbook(report: MonthlyReport) -> bytes:
    """The report as .xlsx (logged in the operation log as an export)."""
    rows, total = report_rows(report)
    wb = Workbook()
    ws = wb.active
    ws.title = f"{report.month:%Y年%m月}月报"
    width = len(HEADERS)
    last = get_column_letter(width)
    ws.merge_cells(f"A1:{last}1")
    ws["A1"] = "律所进社区走访工作月报"
    ws["A1"].font = Font(bold=True, size=16)
    ws["A1"].alignment = Alignment(horizontal="center")
    block = [
        ("街道", f"{report.street.name}（{report.street.office_name}）"),
        ("律所", report.firm.name),
        ("月份", f"{report.month:%Y年%m月}"),
        ("状态", report.get_status_display() + ("（逾期）" if report.is_late else "")),
        ("报送截止", f"{report.due_date:%Y-%m-%d}"),
        ("提交时间", f"{report.submitted_at:%Y-%m-%d %H:%M}" if report.submitted_at else ""),
    ]
    for i, (label, value) in enumerate(block, start=2):
        ws.cell(row=i, column=1, value=label).font = Font(bold=True)
        ws.cell(row=i, column=2, value=value)
    head = len(block) + 3
    for col, text in enumerate(HEADERS, start=1):
        cell = ws.cell(row=head, column=col, value=text)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = BOX
    for i, row in enumerate([*rows, total], start=1):
        values = _values(i if row is not total else "", row)
        for col, value in enumerate(values, start=1):
            cell = ws.cell(row=head + i, column=col, value=value)
            cell.border = BOX
            if row is total:
                cell.font = Font(bold=True)
    below = head + len(rows) + 3
    ws.cell(row=below, column=1, value="工作小结").font = Font(bold=True)
    ws.cell(row=below, column=2, value=report.summary)
    ws.cell(row=below + 1, column=1, value="审核意见").font = Font(bold=True)
    ws.cell(row=below + 1, column=2, value=report.review_comment)
    ws.column_dimensions["A"].width = 10
    ws.column_dimensions["B"].width = 22
    for col in range(3, width + 1):
        ws.column_dimensions[get_column_letter(col)].width = 12
    ws.freeze_panes = ws.cell(row=head + 1, column=3)
    record(
        OperationLog.Action.EXPORT,
        model=MonthlyReport._meta.label,
        object_id=report.pk,
        object_repr=f"导出{report}",
        district_id=report.firm.district_id,
    )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
