"""The grouped metric queries on the edges the March data set does not reach: a
question routed to two lawyers of one firm, answered by a firm it was not routed to,
routed but declined; households visited again, visits to a community the firm is
no longer paired with or never was. Worked out by hand on top of conftest.build_march."""

from datetime import date
from decimal import Decimal

from assessment import services
from assessment.metrics import Month, measure
from assessment.models import MetricEvidence, MetricScore
from assessment.tests import factories as make
from assessment.tests.conftest import APRIL_1, MARCH
from core.testing import make_community, make_lawyer

D = Decimal


def _edges(march) -> None:  # type: ignore[no-untyped-def]
    w = march.world
    d, a1, asker = w.district, w.community_a1, w.resident
    lawyer, lawyer2, other = w.lawyer_l, make_lawyer(w.firm_f), w.lawyer_other
    deadline = make.at(date(2026, 3, 20), 18)
    early, late = make.at(date(2026, 3, 20), 9), make.at(date(2026, 3, 21), 9)
    # q6: two of F's lawyers, unanswered: one question for F.
    make.question(d, a1, asker, deadline, assigned=[lawyer, lawyer2], status="active")
    # q7: routed to G only, F answered late: due for F (late) and for G.
    make.question(
        d, a1, asker, deadline, assigned=[other], status="active", replied_by=lawyer,
        replied_at=late,
    )  # fmt: skip
    # q8: routed to G only, F answered in time: F on time, not G's miss.
    make.question(
        d, a1, asker, deadline, assigned=[other], status="active", replied_by=lawyer,
        replied_at=early,
    )  # fmt: skip
    # q9: routed to F but declined, unanswered: nobody's.
    make.question(d, a1, asker, deadline, assigned=[lawyer], status="declined")
    # q10: routed to F but declined, F answered in time anyway: F on time.
    make.question(
        d, a1, asker, deadline, assigned=[lawyer], status="declined", replied_by=lawyer,
        replied_at=early,
    )  # fmt: skip
    # q11: routed to L, answered in time by L2 of the same firm: F on time.
    make.question(
        d, a1, asker, deadline, assigned=[lawyer], status="active", replied_by=lawyer2,
        replied_at=early,
    )  # fmt: skip
    # Coverage: F again at 101 (already reached) and at 106 (new).
    make.visit(w.firm_f, a1, date(2026, 3, 27), ["101", "106"], lawyer=lawyer)
    # F's pairing with C ended in February: its January visit there does not count.
    c = make_community(w.street_b, households=700)
    make.pair(c, w.firm_f, date(2025, 1, 1), date(2026, 2, 28))
    make.visit(w.firm_f, c, date(2026, 1, 15), ["501", "502"], lawyer=lawyer)
    # G visits A1, which it is not paired with: a visit, not coverage.
    make.visit(w.firm_g, a1, date(2026, 3, 5), ["107"], lawyer=other)


def test_grouped_numbers_on_the_edges(march):
    _edges(march)
    w = march.world
    numbers = measure(Month(w.district.pk, MARCH), ["visits", "coverage", "replies"])
    assert set(numbers) == {w.firm_f.pk, w.firm_g.pk}
    f, g = numbers[w.firm_f.pk], numbers[w.firm_g.pk]
    # F: q1 + q8 + q10 + q11 on time; due q1, q2, q3, q6, q7, q8, q10, q11.
    assert f["replies"] == (D(4), D(8))
    # G: q4 on time; due q4, q7 (F's late answer left it waiting).
    assert g["replies"] == (D(1), D(2))
    # F: 101, 102, 103, 104, 201 and 106 of A1 + A2 (C is no longer paired).
    assert f["coverage"] == (D(6), D(2000))
    assert g["coverage"] == (D(3), D(1000))
    assert f["visits"] == (D(4), D(6)) and g["visits"] == (D(4), D(2))


def test_evidence_adds_up_on_the_edges(march):
    _edges(march)
    w = march.world
    ranking = services.compute_month(actor=None, district=w.district, month=MARCH, now=APRIL_1)
    rows = MetricScore.objects.filter(score__ranking=ranking)
    assert rows.count() == 14
    for row in rows.select_related("score__ranking"):
        evidence = services.evidence_of(row)
        assert not any(e.kind == "changed" for e in evidence), row.metric
        assert sum(e.numerator for e in evidence) == row.numerator, row.metric
        assert sum(e.denominator for e in evidence) == row.denominator, row.metric


def test_recompute_replaces_rows_and_keeps_the_appeal(march):
    w = march.world
    services.compute_month(actor=None, district=w.district, month=MARCH, now=APRIL_1)
    # A draft's evidence is not written down: computing is the grouped queries only.
    assert not MetricEvidence.objects.exists()
    MetricScore.objects.filter(score__firm=w.firm_f, metric="visits").update(
        value=D("70.00"), adjusted=True, adjust_note="申诉采纳"
    )
    again = services.compute_month(actor=None, district=w.district, month=MARCH, now=APRIL_1)
    assert MetricScore.objects.filter(score__ranking=again).count() == 14
    row = MetricScore.objects.get(score__firm=w.firm_f, metric="visits")
    assert (row.raw_value, row.value, row.adjusted, row.adjust_note) == (
        D("50.00"),
        D("70.00"),
        True,
        "申诉采纳",
    )
    assert not MetricEvidence.objects.exclude(metric_score__score__ranking=again).exists()
