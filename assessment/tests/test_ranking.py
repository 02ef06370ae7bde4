"""The monthly ranking computed by hand on the March data set (conftest.build_march)
equals the platform's; weights are district settings; recomputing and the job."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from assessment import jobs, services
from assessment.models import MetricEvidence, MetricScore, MonthlyScore, RankingConfig, RankingMonth
from assessment.tests import factories as make
from assessment.tests.conftest import APRIL_1, MARCH
from core.services import insert_rows
from core.testing import make_lawyer
from firms.models import LawFirm

D = Decimal
AFTER_WINDOW = make.at(date(2026, 4, 7))

# Worked out from the records of conftest.build_march, one metric at a time:
# visits: F 3 confirmed of 4 + 2 planned → 50; G 3 of 2 → capped at 100.
# coverage: F reached 101, 102, 103 (March), 104 (February), 201 → 5 households of
#   2000 × 3/12 = 500 → 1.00; G 3 of 1000 × 3/12 = 250 → 1.20.
# replies: F q1 on time, q2 late, q3 unanswered (q4 answered in time by G is not
#   F's miss; q5 is due in April) → 1/3 = 33.33; G q4 → 100.
# satisfaction: F (5 + 3) / 10 → 80; G 2 / 5 → 40.
# service days: F 1 held of 2 → 50; G's only day was cancelled → not scored.
# mediation: F 2 successes, G 1 (its failure does not count); most: 2 → 100, 50.
# duty: F 2 shifts checked in and out of 3 → 66.67; G no shift → not scored.
EXPECTED = {
    "F": {
        "visits": (D(3), D(6), D("50.00")),
        "coverage": (D(5), D(2000), D("1.00")),
        "replies": (D(1), D(3), D("33.33")),
        "satisfaction": (D(8), D(10), D("80.00")),
        "service_days": (D(1), D(2), D("50.00")),
        "mediation": (D(2), D(2), D("100.00")),
        "duty": (D(2), D(3), D("66.67")),
    },
    "G": {
        "visits": (D(3), D(2), D("100.00")),
        "coverage": (D(3), D(1000), D("1.20")),
        "replies": (D(1), D(1), D("100.00")),
        "satisfaction": (D(2), D(5), D("40.00")),
        "service_days": (D(0), D(0), None),
        "mediation": (D(1), D(2), D("50.00")),
        "duty": (D(0), D(0), None),
    },
}
# Default weights 25, 20, 15, 10, 10, 10, 10.
# F: (25×50 + 20×1 + 15×33.33 + 10×80 + 10×50 + 10×100 + 10×66.67) / 100 = 47.3665
# G: (25×100 + 20×1.2 + 15×100 + 10×40 + 10×50) / 80 (two metrics not scored) = 61.55
TOTALS = {"F": (D("47.37"), 2), "G": (D("61.55"), 1)}


def _scores(ranking: RankingMonth, world) -> dict[str, MonthlyScore]:  # type: ignore[no-untyped-def]
    by_firm = {s.firm_id: s for s in MonthlyScore.objects.filter(ranking=ranking)}
    return {"F": by_firm[world.firm_f.pk], "G": by_firm[world.firm_g.pk]}


def test_ranking_computed_by_hand_equals_the_platform(march):
    w = march.world
    ranking = services.compute_month(
        actor=w.bureau_admin, district=w.district, month=MARCH, now=APRIL_1
    )
    scores = _scores(ranking, w)
    assert set(scores) == {"F", "G"} and ranking.scores.count() == 2  # no other firm paired
    for firm, score in scores.items():
        assert (score.total, score.rank) == TOTALS[firm]
        got = {
            m.metric: (m.numerator, m.denominator, m.value)
            for m in MetricScore.objects.filter(score=score)
        }
        assert got == EXPECTED[firm]
    assert ranking.appeal_deadline == date(2026, 4, 6)  # 5 days by default


def test_metric_rows_are_inserted_as_given_with_the_other_fields_defaulted(march):
    w = march.world
    ranking = services.compute_month(actor=None, district=w.district, month=MARCH, now=APRIL_1)
    score = _scores(ranking, w)["F"]
    MetricScore.objects.filter(score=score).delete()
    fields = ("score_id", "metric", "weight", "numerator", "denominator", "raw_value", "value")
    rows = [(score.pk, "visits", 25, D("1.25"), D(3), None, None)]
    assert insert_rows(MetricScore, fields, []) == 0
    assert insert_rows(MetricScore, fields, rows) == 1
    row = MetricScore.objects.get(score=score)
    assert (row.metric, row.weight, row.numerator, row.denominator) == ("visits", 25, D("1.25"), 3)
    assert (row.raw_value, row.value, row.adjusted, row.adjust_note) == (None, None, False, "")


def test_every_metric_drills_down_to_records_that_add_up(march):
    w = march.world
    ranking = services.compute_month(actor=None, district=w.district, month=MARCH, now=APRIL_1)
    rows = MetricScore.objects.filter(score__ranking=ranking)
    assert rows.count() == 14
    for row in rows.select_related("score__ranking"):
        evidence = services.evidence_of(row)
        assert sum(e.numerator for e in evidence) == row.numerator, row.metric
        assert sum(e.denominator for e in evidence) == row.denominator, row.metric
    f_visits = [
        e
        for e in services.evidence_of(rows.select_related("score__ranking").get(
            score__firm=w.firm_f, metric="visits"
        ))
        if e.kind == "visit"
    ]  # fmt: skip
    assert len(f_visits) == 3  # the submitted one and February's are not behind it
    # Publication writes the same rows down.
    services.publish_month(actor=w.bureau_admin, ranking=ranking, now=AFTER_WINDOW)
    for row in rows.select_related("score__ranking"):
        stored = MetricEvidence.objects.filter(metric_score=row)
        assert sum(e.numerator for e in stored) == row.numerator, row.metric
        assert sum(e.denominator for e in stored) == row.denominator, row.metric
    assert not MetricEvidence.objects.filter(kind="changed").exists()
    assert MetricEvidence.objects.filter(
        metric_score__score__firm=w.firm_f, metric_score__metric="visits", kind="visit"
    ).count() == 3  # fmt: skip


def test_records_changed_after_computing_show_as_one_row_of_difference(march):
    w = march.world
    ranking = services.compute_month(actor=None, district=w.district, month=MARCH, now=APRIL_1)
    # A visit of March confirmed after the month was computed, and a plan month cut.
    make.visit(w.firm_f, w.community_a1, date(2026, 3, 28), ["106"], lawyer=w.lawyer_l)
    row = MetricScore.objects.select_related("score__ranking").get(
        score__firm=w.firm_f, metric="visits"
    )
    assert (row.numerator, row.denominator) == (D(3), D(6))  # as computed
    evidence = services.evidence_of(row)
    assert sum(e.kind == "visit" for e in evidence) == 4  # the records as they stand
    changed = [e for e in evidence if e.kind == "changed"]
    assert len(changed) == 1 and evidence[-1] is changed[0]
    assert (changed[0].numerator, changed[0].denominator) == (D(-1), D(0))
    assert "计算后记录有变化" in changed[0].label
    assert sum(e.numerator for e in evidence) == row.numerator
    assert sum(e.denominator for e in evidence) == row.denominator
    # Published as computed, with the difference written down beside the records.
    services.publish_month(actor=w.bureau_admin, ranking=ranking, now=AFTER_WINDOW)
    row.refresh_from_db()
    assert row.numerator == D(3)
    stored = MetricEvidence.objects.filter(metric_score=row)
    assert stored.filter(kind="changed").count() == 1
    assert sum(e.numerator for e in stored) == D(3)
    # Records changed after publication do not touch what was written.
    make.visit(w.firm_f, w.community_a1, date(2026, 3, 29), ["107"], lawyer=w.lawyer_l)
    assert [e.pk for e in services.evidence_of(row)] == list(
        stored.order_by("day", "pk").values_list("pk", flat=True)
    )
    other = MetricScore.objects.get(score__firm=w.firm_g, metric="visits")
    assert not MetricEvidence.objects.filter(metric_score=other, kind="changed").exists()


def _visits_and_replies_only(district) -> RankingConfig:  # type: ignore[no-untyped-def]
    return RankingConfig.objects.create(
        district=district,
        weight_visits=50,
        weight_coverage=0,
        weight_replies=50,
        weight_satisfaction=0,
        weight_service_days=0,
        weight_mediation=0,
        weight_duty=0,
    )


def test_weights_and_metrics_are_district_settings(march):
    w = march.world
    _visits_and_replies_only(w.district)
    ranking = services.compute_month(actor=None, district=w.district, month=MARCH, now=APRIL_1)
    assert ranking.weights == {"visits": 50, "replies": 50}
    scores = _scores(ranking, w)
    # F: (50×50 + 50×33.33) / 100; G: (50×100 + 50×100) / 100.
    assert scores["F"].total == D("41.67") and scores["G"].total == D("100.00")
    assert set(scores["F"].metrics.values_list("metric", flat=True)) == {"visits", "replies"}


def test_recompute_after_the_weights_change_keeps_updates_adds_and_drops_rows(march):
    w = march.world
    config = _visits_and_replies_only(w.district)
    ranking = services.compute_month(actor=None, district=w.district, month=MARCH, now=APRIL_1)
    f = _scores(ranking, w)["F"]
    visits = f.metrics.get(metric="visits")
    config.weight_replies, config.weight_duty = 0, 50
    config.save()
    make.visit(w.firm_f, w.community_a2, date(2026, 3, 28), ["202"])
    services.compute_month(actor=None, district=w.district, month=MARCH, now=APRIL_1)
    rows = {m.metric: m for m in f.metrics.all()}
    assert set(rows) == {"visits", "duty"}
    assert rows["visits"].pk == visits.pk  # kept and set again, not replaced
    assert (rows["visits"].numerator, rows["visits"].value) == (D(4), D("66.67"))
    assert (rows["duty"].numerator, rows["duty"].denominator, rows["duty"].value) == (
        D(2),
        D(3),
        D("66.67"),
    )
    f.refresh_from_db()
    assert f.total == D("66.67")  # (50×66.67 + 50×66.67) / 100


def test_recompute_follows_records_keeps_adjustments_and_opens_a_new_window(march):
    w = march.world
    ranking = services.compute_month(actor=None, district=w.district, month=MARCH, now=APRIL_1)
    f = _scores(ranking, w)["F"]
    MetricScore.objects.filter(score=f, metric="duty").update(
        value=D("90.00"), adjusted=True, adjust_note="申诉采纳"
    )
    make.visit(w.firm_f, w.community_a2, date(2026, 3, 28), ["202"])
    later = make.at(date(2026, 4, 3))
    again = services.compute_month(actor=None, district=w.district, month=MARCH, now=later)
    assert again.pk == ranking.pk and again.appeal_deadline == date(2026, 4, 8)
    f = _scores(again, w)["F"]
    visits = f.metrics.get(metric="visits")
    assert (visits.numerator, visits.value) == (D(4), D("66.67"))
    duty = f.metrics.get(metric="duty")
    assert (duty.raw_value, duty.value) == (D("66.67"), D("90.00"))
    assert MonthlyScore.objects.filter(ranking=again).count() == 2


def _other_district(w):  # type: ignore[no-untyped-def]
    """The other district's firm: three mediation successes and a visit in March, its
    ranking on visits and mediation only."""
    e = w.other_district
    h = LawFirm.objects.get(district=e)
    lawyer = make_lawyer(h)
    make.pair(w.other_community, h, date(2025, 1, 1))
    make.visit(h, w.other_community, date(2026, 3, 5), ["1"], lawyer=lawyer)
    for day in (3, 4, 5):
        make.case(e, lawyer, make.at(date(2026, 3, day)), applied_by=w.resident)
    RankingConfig.objects.create(
        district=e,
        weight_visits=50,
        weight_coverage=0,
        weight_replies=0,
        weight_satisfaction=0,
        weight_service_days=0,
        weight_mediation=50,
        weight_duty=0,
    )
    return h


def test_several_districts_at_once_equal_each_computed_alone(march):
    w = march.world
    h = _other_district(w)
    both = services.compute_months(
        actor=None, districts=[w.district, w.other_district], month=MARCH, now=APRIL_1
    )
    assert [r.district_id for r in both] == [w.district.pk, w.other_district.pk]
    scores = _scores(both[0], w)
    assert set(scores) == {"F", "G"} and both[0].scores.count() == 2
    for firm, score in scores.items():
        assert (score.total, score.rank) == TOTALS[firm]
        got = {
            m.metric: (m.numerator, m.denominator, m.value)
            for m in MetricScore.objects.filter(score=score)
        }
        assert got == EXPECTED[firm]  # mediation against F's 2, not the other district's 3
    other = MonthlyScore.objects.get(ranking=both[1])
    assert other.firm_id == h.pk and (other.total, other.rank) == (D("100.00"), 1)
    got = {
        m.metric: (m.numerator, m.denominator, m.value)
        for m in MetricScore.objects.filter(score=other)
    }
    assert got == {
        "visits": (D(1), D(0), D("100.00")),  # no plan filed, visited: 100
        "mediation": (D(3), D(3), D("100.00")),
    }
    assert both[1].weights == {"visits": 50, "mediation": 50}
    # Each alone gives the same rows.
    alone = services.compute_month(actor=None, district=w.other_district, month=MARCH, now=APRIL_1)
    assert alone.pk == both[1].pk
    assert {
        m.metric: (m.numerator, m.denominator, m.value)
        for m in MetricScore.objects.filter(score__ranking=alone)
    } == got


def test_several_districts_change_nothing_if_one_month_is_published(march):
    w = march.world
    _other_district(w)
    draft = services.compute_month(actor=None, district=w.other_district, month=MARCH, now=APRIL_1)
    RankingMonth.objects.filter(pk=draft.pk).update(status="published", published_at=APRIL_1)
    with pytest.raises(ValidationError, match="已发布"):
        services.compute_months(
            actor=None, districts=[w.district, w.other_district], month=MARCH, now=APRIL_1
        )
    assert not RankingMonth.objects.filter(district=w.district).exists()
    # A bureau computes its own district only.
    with pytest.raises(PermissionDenied):
        services.compute_months(
            actor=w.bureau_admin, districts=[w.district, w.other_district], month=MARCH,
            now=APRIL_1,
        )  # fmt: skip
    assert not RankingMonth.objects.filter(district=w.district).exists()


def test_compute_refuses_wrong_months_and_wrong_users(march):
    w = march.world
    with pytest.raises(ValidationError, match="已经结束"):
        services.compute_month(actor=None, district=w.district, month=date(2026, 4, 1), now=APRIL_1)
    for user in (w.firm_admin_f, w.street_staff_a, w.outsider, w.lawyer_f):
        with pytest.raises(PermissionDenied):
            services.compute_month(actor=user, district=w.district, month=MARCH, now=APRIL_1)
    assert not RankingMonth.objects.exists()


def test_the_job_computes_last_month_once(march):
    w = march.world
    assert jobs.compute_drafts(now=APRIL_1) == 1
    assert jobs.compute_drafts(now=APRIL_1) == 0
    ranking = RankingMonth.objects.get()
    assert (ranking.district, ranking.month, ranking.status) == (w.district, MARCH, "draft")
    assert not RankingMonth.objects.filter(district=w.other_district).exists()  # no pairings


def test_the_job_computes_every_district_in_one_go(march):
    w = march.world
    _other_district(w)
    assert jobs.compute_drafts(now=APRIL_1) == 2
    assert jobs.compute_drafts(now=APRIL_1) == 0
    assert set(RankingMonth.objects.values_list("district_id", "month", "status")) == {
        (w.district.pk, MARCH, "draft"),
        (w.other_district.pk, MARCH, "draft"),
    }
