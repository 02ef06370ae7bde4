"""Pages: who sees what (a firm its own detail only), appeals and publishing through
the pages, bulletins in public, subsidies, rules, dashboards, workspace panels."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from assessment import dashboards, services
from assessment.models import (
    Appeal,
    Commendation,
    MonthlyScore,
    RankingConfig,
    RankingMonth,
    SubsidyPeriod,
)
from assessment.tests.conftest import MARCH
from firms.models import LawFirm
from points import services as points_services
from points.tests.conftest import fund, make_offer


@pytest.fixture
def ranking(march):  # type: ignore[no-untyped-def]
    """March computed today: its appeal window is open."""
    w = march.world
    return services.compute_month(actor=None, district=w.district, month=MARCH)


def _score(ranking, firm):  # type: ignore[no-untyped-def]
    return MonthlyScore.objects.get(ranking=ranking, firm=firm)


def test_ranking_pages_by_role(ranking, world, client, client_for):
    f, g = _score(ranking, world.firm_f), _score(ranking, world.firm_g)
    month = reverse("assessment:month_detail", args=[ranking.pk])
    assert client.get(reverse("assessment:month_list")).status_code == 302  # sign in first
    for user in (world.resident, world.lawyer_f, world.community_staff_a1):
        c = client_for(user)
        assert c.get(reverse("assessment:month_list")).status_code == 404
        assert c.get(reverse("assessment:score_detail", args=[f.pk])).status_code == 404
    c = client_for(world.bureau_admin)
    page = c.get(month).content.decode()
    assert world.firm_f.name in page and world.firm_g.name in page and "47.37" in page

    c = client_for(world.firm_admin_f)
    page = c.get(month).content.decode()
    assert world.firm_f.name in page and world.firm_g.name not in page
    assert "提出申诉" in c.get(reverse("assessment:score_detail", args=[f.pk])).content.decode()
    assert c.get(reverse("assessment:score_detail", args=[g.pk])).status_code == 404
    assert c.get(reverse("assessment:metric_detail", args=[g.pk, "visits"])).status_code == 404
    detail = c.get(reverse("assessment:metric_detail", args=[f.pk, "visits"])).content.decode()
    assert "清波社区 入户走访" in detail and "3 月计划走访 4 次" in detail
    assert c.get(reverse("assessment:metric_detail", args=[f.pk, "nope"])).status_code == 404

    c = client_for(world.street_staff_a)  # F works in street A, G in street B
    assert c.get(reverse("assessment:score_detail", args=[f.pk])).status_code == 200
    assert c.get(reverse("assessment:score_detail", args=[g.pk])).status_code == 404
    assert client_for(world.outsider).get(month).status_code == 404


def test_appeal_and_decision_through_the_pages(ranking, world, client_for):
    f = _score(ranking, world.firm_f)
    url = reverse("assessment:score_detail", args=[f.pk])
    data = {"metric": "duty", "reason": "3 月 30 日值班已签退，请核实"}
    assert client_for(world.lawyer_f).post(url, data).status_code == 404
    g = _score(ranking, world.firm_g)
    other = reverse("assessment:score_detail", args=[g.pk])
    assert client_for(world.firm_admin_f).post(other, data).status_code == 404
    bad = client_for(world.firm_admin_f).post(url, {"reason": "低"})
    assert bad.status_code == 200 and "至少 5 个字" in bad.content.decode()
    assert not Appeal.objects.exists()
    response = client_for(world.firm_admin_f).post(url, data)
    assert response.status_code == 302
    appeal = Appeal.objects.get()
    decide = reverse("assessment:appeal_decide", args=[appeal.pk])
    decision = {"decision": "accept", "comment": "属实", "adjusted_value": "100"}
    assert client_for(world.firm_admin_f).post(decide, decision).status_code == 404
    assert "处理申诉" in client_for(world.bureau_admin).get(url).content.decode()
    client_for(world.bureau_admin).post(decide, decision)
    appeal.refresh_from_db()
    assert appeal.status == "accepted" and f.metrics.get(metric="duty").value == 100


def test_publish_from_the_page_then_public_bulletin(ranking, world, client, client_for):
    c = client_for(world.bureau_admin)
    publish = reverse("assessment:month_publish", args=[ranking.pk])
    response = c.post(publish, follow=True)
    assert "期满后才能发布" in response.content.decode()
    assert client_for(world.firm_admin_f).post(publish).status_code == 404
    RankingMonth.objects.filter(pk=ranking.pk).update(
        appeal_deadline=timezone.localdate() - timedelta(days=1)
    )
    response = client_for(world.bureau_admin).post(publish)
    bulletin = RankingMonth.objects.get(pk=ranking.pk).bulletin
    assert response.url == reverse("assessment:bulletin_detail", args=[bulletin.pk])
    page = client.get(response.url)  # anonymous: the bulletin is public
    assert page.status_code == 200 and "61.55" in page.content.decode()
    xlsx = client.get(reverse("assessment:bulletin_xlsx", args=[bulletin.pk]))
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxml")
    pdf = client.get(reverse("assessment:bulletin_pdf", args=[bulletin.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert bulletin.title in client.get(reverse("assessment:bulletin_list")).content.decode()


def test_rules_page_is_the_bureaus(world, client_for):
    url = reverse("assessment:rules")
    assert client_for(world.firm_admin_f).get(url).status_code == 404
    c = client_for(world.bureau_admin)
    assert c.get(url).status_code == 200
    weights = {f"r-weight_{m}": 0 for m in ("visits", "coverage", "replies", "satisfaction")}
    weights |= {f"r-weight_{m}": 0 for m in ("service_days", "mediation", "duty")}
    base = {"part": "ranking", "r-appeal_window_days": 7}
    base |= {"r-annual_platform_weight": 70, "r-annual_bureau_weight": 30}
    response = c.post(url, {**base, **weights})
    assert "至少要有一项指标" in response.content.decode()
    assert not RankingConfig.objects.exists()
    c.post(url, {**base, **weights, "r-weight_visits": 60, "r-weight_replies": 40})
    config = RankingConfig.objects.get(district=world.district)
    assert config.enabled() == {"visits": 60, "replies": 40} and config.appeal_window_days == 7
    c.post(url, {"part": "table", "t-rate_default_simple": "250", "t-rate_labor_complex": "900"})
    assert services.mediation_rates(world.district) == {
        ("", "simple"): 250,
        ("labor", "complex"): 900,
    }


def test_subsidy_pages(march, world, client_for):
    c = client_for(world.bureau_admin)
    c.post(
        reverse("assessment:period_list"),
        {"district": world.district.pk, "start": "2026-01", "end": "2026-06", "title": ""},
    )
    period = SubsidyPeriod.objects.get()
    assert period.end == date(2026, 6, 30)
    generate = reverse("assessment:period_generate", args=[period.pk])
    assert client_for(world.firm_admin_f).post(generate).status_code == 404
    c = client_for(world.bureau_admin)
    c.post(generate)
    page = c.get(reverse("assessment:period_detail", args=[period.pk])).content.decode()
    assert world.firm_g.name in page and "按律所汇总" in page
    assert c.get(reverse("assessment:period_xlsx", args=[period.pk])).status_code == 200
    firm = client_for(world.firm_admin_f)
    page = firm.get(reverse("assessment:period_detail", args=[period.pk])).content.decode()
    assert world.firm_f.name in page and world.firm_g.name not in page
    assert firm.get(reverse("assessment:period_xlsx", args=[period.pk])).status_code == 404
    assert (
        client_for(world.outsider)
        .get(reverse("assessment:period_detail", args=[period.pk]))
        .status_code
        == 404
    )


def test_commendation_pages(world, client, client_for):
    url = reverse("assessment:commendation_new")
    assert client_for(world.firm_admin_f).get(url).status_code == 404
    data = {
        "district": world.district.pk,
        "year": 2025,
        "kind": "lawyer",
        "lawyer": world.lawyer_l.pk,
        "title": "优秀社区法律顾问",
        "citation": "",
        "awarded_on": "2026-01-20",
    }
    assert client_for(world.bureau_admin).post(url, data).status_code == 302
    assert Commendation.objects.get().lawyer == world.lawyer_l
    page = client.get(reverse("assessment:commendation_list")).content.decode()
    assert "优秀社区法律顾问" in page and "张律师" in page


def test_dashboards_by_role(ranking, world, client_for):
    d = reverse("assessment:district_dashboard", args=[world.district.pk])
    sa = reverse("assessment:street_dashboard", args=[world.street_a.pk])
    sb = reverse("assessment:street_dashboard", args=[world.street_b.pk])
    ff = reverse("assessment:firm_dashboard", args=[world.firm_f.pk])
    fg = reverse("assessment:firm_dashboard", args=[world.firm_g.pk])
    expected = {
        world.bureau_admin: {d: 200, sa: 200, sb: 200, ff: 200, fg: 200},
        world.street_staff_a: {d: 404, sa: 200, sb: 404, ff: 200, fg: 404},
        world.firm_admin_f: {d: 404, sa: 404, sb: 404, ff: 200, fg: 404},
        world.outsider: {d: 404, sa: 404, sb: 404, ff: 404, fg: 404},
        world.lawyer_f: {d: 404, sa: 404, sb: 404, ff: 404, fg: 404},
    }
    for user, codes in expected.items():
        c = client_for(user)
        got = {url: c.get(f"{url}?year=2026").status_code for url in codes}
        assert got == codes, user
    c = client_for(world.firm_admin_f)
    assert c.get(reverse("assessment:dashboard")).url == ff
    page = c.get(f"{ff}?year=2026").content.decode()
    assert "住户覆盖率" in page and "调解结果" in page and "月度排名得分" in page
    assert client_for(world.resident).get(reverse("assessment:dashboard")).status_code == 404


def test_workspace_panels(ranking, world, client_for):
    for user, text in (
        (world.bureau_admin, "待处理申诉"),
        (world.street_staff_a, "辖区律所排名"),
        (world.firm_admin_f, "本所月度排名"),
    ):
        page = client_for(user).get(reverse("workspace"))
        assert page.status_code == 200 and text in page.content.decode()


def test_dashboard_visits_chart_counts_the_confirmed_visits_by_month(march):
    """The chart reads the roll-up (visits.VisitMonth): February 1 of F; March 3 of F
    (one submitted, not counted) and 3 of G; a street and a firm see their own."""
    w = march.world

    def confirmed(scope: dashboards.Scope) -> list[float]:
        chart = dashboards.visits(scope, 2026)
        return next(s["data"] for s in chart["series"] if s["name"] == "已确认走访（次）")

    assert confirmed(dashboards.Scope(w.district))[:4] == [0.0, 1.0, 6.0, 0.0]
    assert confirmed(dashboards.Scope(w.district, street=w.street_a))[:3] == [0.0, 1.0, 3.0]
    assert confirmed(dashboards.Scope(w.district, firm=w.firm_g))[:3] == [0.0, 0.0, 3.0]
    assert sum(confirmed(dashboards.Scope(w.other_district))) == 0


def test_dashboard_points_chart_reads_the_ledger_roll_up(world):  # type: ignore[no-untyped-def]
    offer = make_offer(world.firm_f)
    fund(world, world.resident, 100)
    points_services.redeem(user=world.resident, offer=offer, key="r1")
    month = timezone.localdate().month - 1
    year = timezone.localdate().year

    def series(scope: dashboards.Scope) -> dict[str, list[float]]:
        return {s["name"]: s["data"] for s in dashboards.points(scope, year)["series"]}

    district = series(dashboards.Scope(world.district))
    assert district["兑换积分"][month] == 60.0
    # 发放 counts what the points pages count as issued: the 100 added by hand too.
    issued = points_services.district_totals(world.district.pk)["issued"]
    assert district["发放积分"][month] == issued == 100
    assert series(dashboards.Scope(world.district, street=world.street_a))["兑换积分"][month] == 60
    assert sum(series(dashboards.Scope(world.district, street=world.street_b))["兑换积分"]) == 0
    assert series(dashboards.Scope(world.district, firm=world.firm_f)) == {
        "在本所兑换的积分": [60.0 if i == month else 0.0 for i in range(12)]
    }
    assert sum(series(dashboards.Scope(world.other_district))["兑换积分"]) == 0


def test_the_district_dashboard_explains_coverage_and_folds_its_firms(ranking, world, client_for):
    """On a phone the bureau's dashboard opens on its charts: the firms' dashboards are
    folded under one line, and the coverage chart says how its two figures differ."""
    page = (
        client_for(world.bureau_admin)
        .get(reverse("assessment:district_dashboard", args=[world.district.pk]), {"year": 2026})
        .content.decode()
    )
    firms = page.split("<details><summary>各律所看板（", 1)
    assert len(firms) == 2, "the firms' links are not folded"
    assert firms[1].startswith(f"{LawFirm.objects.filter(district=world.district).count()} 家）")
    assert reverse("assessment:firm_dashboard", args=[world.firm_f.pk]) in firms[1]
    assert "完成计划进度：已走访住户占截至上月计划走访户数的比例" in page
    assert page.index("覆盖率：已走访住户") < page.index("走访次数（按月）")
    # The charts are fitted to the phone and the care mode before they are drawn.
    assert 0 < page.index("js/chart-fit.js") < page.index("assessment/charts.js")
    coverage = client_for(world.bureau_admin).get(reverse("visits:coverage")).content.decode()
    assert 0 < coverage.index("js/chart-fit.js") < coverage.index("visits/coverage.js")
