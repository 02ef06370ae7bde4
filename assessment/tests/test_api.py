"""The API: anonymous 401 (bulletins are public), out of scope 404, allowed 200; the
schema; appeals and subsidy periods written through the services."""

from datetime import date

import pytest
from drf_spectacular.generators import SchemaGenerator

from api.testing import api_client, result_ids
from assessment import services
from assessment.models import Appeal, MonthlyScore, SubsidyPeriod
from assessment.tests import factories as make
from assessment.tests.conftest import MARCH

pytestmark = pytest.mark.urls("assessment.tests.urls")
PRIVATE = ["monthly-scores", "appeals", "subsidy-periods", "subsidy-items"]


@pytest.fixture
def ranking(march):  # type: ignore[no-untyped-def]
    w = march.world
    return services.compute_month(actor=None, district=w.district, month=MARCH)


def test_anonymous_gets_401_except_public_bulletins(ranking):
    client = api_client()
    for route in PRIVATE:
        response = client.get(f"/api/{route}/")
        assert response.status_code == 401, route
        assert response.json()["message"] == "请先登录"
    assert client.get("/api/bulletins/").status_code == 200


def test_scores_in_scope_only(ranking, world):
    f = MonthlyScore.objects.get(ranking=ranking, firm=world.firm_f)
    g = MonthlyScore.objects.get(ranking=ranking, firm=world.firm_g)
    assert result_ids(api_client(world.bureau_admin).get("/api/monthly-scores/")) == {f.pk, g.pk}
    assert result_ids(api_client(world.firm_admin_f).get("/api/monthly-scores/")) == {f.pk}
    assert result_ids(api_client(world.street_staff_a).get("/api/monthly-scores/")) == {f.pk}
    assert result_ids(api_client(world.outsider).get("/api/monthly-scores/")) == set()
    assert result_ids(api_client(world.lawyer_f).get("/api/monthly-scores/")) == set()
    client = api_client(world.firm_admin_f)
    assert client.get(f"/api/monthly-scores/{g.pk}/").status_code == 404
    body = client.get(f"/api/monthly-scores/{f.pk}/").json()
    assert body["total"] == "47.37" and body["rank"] == 2 and len(body["metrics"]) == 7
    assert api_client(world.outsider).get(f"/api/monthly-scores/{f.pk}/").status_code == 404


def test_appeal_and_decision(ranking, world):
    f = MonthlyScore.objects.get(ranking=ranking, firm=world.firm_f)
    g = MonthlyScore.objects.get(ranking=ranking, firm=world.firm_g)
    data = {"score": f.pk, "metric": "duty", "reason": "3 月 30 日值班已签退"}
    assert api_client(world.lawyer_f).post("/api/appeals/", data).status_code == 403
    wrong = api_client(world.firm_admin_f).post("/api/appeals/", {**data, "score": g.pk})
    assert wrong.status_code == 400 and "得分" in wrong.json()["message"]
    short = api_client(world.firm_admin_f).post("/api/appeals/", {**data, "reason": "低"})
    assert short.status_code == 400 and "5 个字" in short.json()["message"]
    created = api_client(world.firm_admin_f).post("/api/appeals/", data)
    assert created.status_code == 201 and created.json()["status"] == "open"
    pk = created.json()["id"]
    decision = {"accept": True, "comment": "属实", "adjusted_value": "95.5"}
    assert (
        api_client(world.firm_admin_f).post(f"/api/appeals/{pk}/decide/", decision).status_code
        == 404
    )
    assert (
        api_client(world.outsider).post(f"/api/appeals/{pk}/decide/", decision).status_code == 404
    )
    decided = api_client(world.bureau_admin).post(f"/api/appeals/{pk}/decide/", decision)
    assert decided.status_code == 200 and decided.json()["adjusted_value"] == "95.50"
    assert Appeal.objects.get(pk=pk).status == "accepted"
    assert result_ids(api_client(world.firm_admin_f).get("/api/appeals/")) == {pk}
    assert result_ids(api_client(world.street_staff_a).get("/api/appeals/")) == {pk}
    assert result_ids(api_client(world.outsider).get("/api/appeals/")) == set()


def test_bulletins_are_public(ranking, world):
    services.publish_month(actor=None, ranking=ranking, now=make.at(date(2026, 12, 31)))
    body = api_client().get("/api/bulletins/").json()["results"][0]
    assert body["number_label"] == "2026年第1期" and body["table"]["rows"][0]["total"] == "61.55"
    assert body["pdf_url"].endswith("/pdf/")
    assert api_client().get(f"/api/bulletins/{body['id']}/").status_code == 200
    assert api_client().get("/api/bulletins/999999/").status_code == 404


def test_subsidy_periods_and_items(march, world):
    data = {"district": world.district.pk, "start": "2026-01-01", "end": "2026-06-30"}
    assert api_client(world.firm_admin_f).post("/api/subsidy-periods/", data).status_code == 403
    outsider = api_client(world.outsider).post("/api/subsidy-periods/", data)
    assert outsider.status_code == 400  # the district is not theirs
    created = api_client(world.bureau_admin).post("/api/subsidy-periods/", data)
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    assert (
        api_client(world.firm_admin_f).post(f"/api/subsidy-periods/{pk}/generate/").status_code
        == 404
    )
    counts = api_client(world.bureau_admin).post(f"/api/subsidy-periods/{pk}/generate/").json()
    assert counts["created"] > 0
    bad = api_client(world.bureau_admin).post("/api/subsidy-periods/", data)
    assert bad.status_code == 400 and "时间重叠" in bad.json()["message"]
    items = api_client(world.bureau_admin).get(f"/api/subsidy-items/?period={pk}").json()
    firms = {row["firm"] for row in items["results"]}
    assert firms == {world.firm_f.pk, world.firm_g.pk}
    own = api_client(world.firm_admin_f).get("/api/subsidy-items/").json()["results"]
    assert own and {row["firm"] for row in own} == {world.firm_f.pk}
    assert result_ids(api_client(world.firm_admin_f).get("/api/subsidy-periods/")) == {pk}
    assert result_ids(api_client(world.outsider).get("/api/subsidy-periods/")) == set()
    paid = api_client(world.bureau_admin).post(f"/api/subsidy-periods/{pk}/pay/")
    assert paid.status_code == 200 and paid.json()["paid"] > 0
    again = api_client(world.bureau_admin).post(f"/api/subsidy-periods/{pk}/pay/")
    assert again.status_code == 400 and again.json()["message"] == "没有待发放的明细"
    assert SubsidyPeriod.objects.get(pk=pk).items.filter(status="payable").count() == 0


def test_schema_describes_the_endpoints(settings):
    schema = SchemaGenerator(urlconf="assessment.tests.urls").get_schema(request=None, public=True)
    paths = schema["paths"]
    for route in ["monthly-scores", "appeals", "bulletins", "subsidy-periods", "subsidy-items"]:
        assert f"/api/{route}/" in paths
    assert "/api/appeals/{id}/decide/" in paths
    assert paths["/api/monthly-scores/"]["get"]["summary"] == "律所月度得分列表"
