"""The annual assessment from the published months and the bureau's marks; the
commendations and the portal's tag."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.template import Context, Template

from assessment import services
from assessment.models import AnnualScore, Commendation, MonthlyScore, RankingConfig
from assessment.tests import factories as make
from assessment.tests.conftest import APRIL_1, MARCH

D = Decimal


@pytest.fixture
def published(march):  # type: ignore[no-untyped-def]
    """March 2026 published (F 47.37, G 61.55) and February 2026 published."""
    w = march.world
    for month, computed in ((date(2026, 2, 1), make.at(date(2026, 3, 1))), (MARCH, APRIL_1)):
        ranking = services.compute_month(actor=None, district=w.district, month=month, now=computed)
        services.publish_month(actor=None, ranking=ranking, now=make.at(date(2026, 4, 20)))
    return w


def test_year_score_combines_published_months_and_bureau_marks(published):
    w = published
    RankingConfig.objects.create(
        district=w.district, annual_platform_weight=60, annual_bureau_weight=40
    )
    assessment = services.compute_annual(actor=w.bureau_admin, district=w.district, year=2026)
    rows = {s.firm_id: s for s in AnnualScore.objects.filter(assessment=assessment)}
    f, g = rows[w.firm_f.pk], rows[w.firm_g.pk]
    feb = {s.firm_id: s.total for s in MonthlyScore.objects.filter(ranking__month__month=2)}
    assert f.months == 2 and f.platform_score == ((D("47.37") + feb[w.firm_f.pk]) / 2).quantize(
        D("0.01")
    )
    assert f.total is None and f.rank is None  # no mark yet
    with pytest.raises(ValidationError, match="2 家律所未评分"):
        services.publish_annual(actor=w.bureau_admin, assessment=assessment)
    services.set_bureau_mark(actor=w.bureau_admin, score=f, mark="95")
    g = services.set_bureau_mark(actor=w.bureau_admin, score=g, mark="60", note="走访不足")
    f.refresh_from_db()
    assert f.total == (f.platform_score * 60 / 100 + D(95) * 40 / 100).quantize(D("0.01"))
    assert g.total == (g.platform_score * 60 / 100 + D(60) * 40 / 100).quantize(D("0.01"))
    assert f.total is not None and g.total is not None
    assert {f.rank, g.rank} == {1, 2} and (f.rank == 1) == (f.total > g.total)
    with pytest.raises(ValidationError, match="0–100"):
        services.set_bureau_mark(actor=w.bureau_admin, score=f, mark="101")
    for user in (w.firm_admin_f, w.outsider):
        with pytest.raises(PermissionDenied):
            services.set_bureau_mark(actor=user, score=f, mark="100")
    services.publish_annual(actor=w.bureau_admin, assessment=assessment)
    with pytest.raises(ValidationError, match="已公布"):
        services.set_bureau_mark(actor=w.bureau_admin, score=f, mark="99")
    with pytest.raises(ValidationError, match="已公布"):
        services.compute_annual(actor=w.bureau_admin, district=w.district, year=2026)


def test_no_published_month_no_assessment(world):
    with pytest.raises(ValidationError, match="尚无已发布"):
        services.compute_annual(actor=world.bureau_admin, district=world.district, year=2025)


def test_commendations_of_firms_and_lawyers_on_the_portal(world):
    w = world
    services.commend(
        actor=w.bureau_admin, district=w.district, year=2025, title="优秀社区律所", firm=w.firm_f
    )
    services.commend(
        actor=w.bureau_admin,
        district=w.district,
        year=2025,
        title="优秀社区法律顾问",
        lawyer=w.lawyer_l,
        citation="坚持入户走访",
    )
    with pytest.raises(ValidationError, match="不属于本区"):
        services.commend(
            actor=w.bureau_admin, district=w.district, year=2025, title="优秀", firm=w.other_firm
        )
    with pytest.raises(ValidationError, match="二选一"):
        services.commend(actor=w.bureau_admin, district=w.district, year=2025, title="优秀")
    with pytest.raises(PermissionDenied):
        services.commend(
            actor=w.firm_admin_f, district=w.district, year=2025, title="自评", firm=w.firm_f
        )
    assert Commendation.objects.count() == 2
    html = Template("{% load assessment_tags %}{% commendations district %}").render(
        Context({"district": w.district})
    )
    assert "2025 年度表彰" in html and w.firm_f.name in html and "张律师" in html
    other = Template("{% load assessment_tags %}{% commendations district %}").render(
        Context({"district": w.other_district})
    )
    assert other.strip() == ""
