"""The bulletin keeps the month as published; its Excel and PDF render Chinese."""

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from assessment import bulletin as render
from assessment import services
from assessment.models import Bulletin, MetricEvidence, MonthlyScore
from assessment.tests import factories as make
from assessment.tests.conftest import APRIL_1, MARCH
from firms.models import LawFirm
from visits.models import Visit

AFTER_WINDOW = make.at(date(2026, 4, 7))


@pytest.fixture
def bulletin(march):  # type: ignore[no-untyped-def]
    w = march.world
    ranking = services.compute_month(actor=None, district=w.district, month=MARCH, now=APRIL_1)
    return services.publish_month(actor=w.bureau_admin, ranking=ranking, now=AFTER_WINDOW)


def _snapshot(bulletin: Bulletin) -> tuple:
    ranking = bulletin.ranking
    scores = list(
        MonthlyScore.objects.filter(ranking=ranking).values_list("firm_id", "total", "rank")
    )
    evidence = MetricEvidence.objects.filter(metric_score__score__ranking=ranking).count()
    return scores, evidence


def test_bulletin_table_is_the_published_ranking(bulletin, world):
    rows = bulletin.table["rows"]
    assert [(r["rank"], r["firm"], r["total"]) for r in rows] == [
        (1, "浙江清波律师事务所", "61.55"),
        (2, "浙江尚法律师事务所", "47.37"),
    ]
    assert rows[1]["values"]["duty"] == "66.67" and rows[0]["values"]["duty"] == ""
    assert [c["key"] for c in bulletin.table["metrics"]][:2] == ["visits", "coverage"]
    assert "2026年3月" in bulletin.title and "平均得分 54.46 分" in bulletin.summary


def test_published_bulletin_is_unchanged_after_records_change(bulletin, world):
    stored = Bulletin.objects.get(pk=bulletin.pk)
    before = (stored.table, stored.summary, stored.title, _snapshot(stored))
    xlsx_before = load_workbook(io.BytesIO(render.bulletin_xlsx(stored)))["排名"]
    # Records change after publication: more visits, a visit withdrawn, a renamed firm,
    # a new pairing.
    make.visit(world.firm_f, world.community_a1, date(2026, 3, 29), ["110", "111"])
    Visit.objects.filter(firm=world.firm_g).update(status="disputed", dispute_reason="无此走访")
    LawFirm.objects.filter(pk=world.firm_f.pk).update(name="改名后的律师事务所")
    make.pair(world.other_community, world.other_firm, date(2026, 1, 1))

    after = Bulletin.objects.get(pk=bulletin.pk)
    assert (after.table, after.summary, after.title, _snapshot(after)) == before
    xlsx_after = load_workbook(io.BytesIO(render.bulletin_xlsx(after)))["排名"]
    values = [[c.value for c in row] for row in xlsx_after.iter_rows()]
    assert values == [[c.value for c in row] for row in xlsx_before.iter_rows()]
    assert "改名后的律师事务所" not in render.bulletin_pdf(after).decode("latin-1")


def test_excel_has_the_table_and_a_chart(bulletin):
    wb = load_workbook(io.BytesIO(render.bulletin_xlsx(bulletin)))
    ws = wb["排名"]
    assert ws["A1"].value == bulletin.title
    header = [c.value for c in ws[3]]
    assert header[:3] == ["名次", "律所", "走访计划完成率"] and header[-1] == "总分"
    assert [ws.cell(row=4, column=2).value, ws.cell(row=4, column=len(header)).value] == [
        "浙江清波律师事务所",
        61.55,
    ]
    assert ws.cell(row=4, column=len(header) - 1).value == "—"  # G's duty: not scored
    assert len(ws._charts) == 1
    assert wb["说明"]["C5"].value.startswith("当月已确认的走访次数")


def test_pdf_uses_the_builtin_chinese_font(bulletin):
    pdf = render.bulletin_pdf(bulletin)
    assert pdf.startswith(b"%PDF")
    assert b"STSong-Light" in pdf and b"UniGB-UCS2-H" in pdf
