"""The declared scope of visits and assessment (visits.querysets, assessment.querysets):
the verbs beyond seeing, who has a superuser rule and who has not, the rows only the
services change, the subquery shapes chosen for speed, children that follow their
parent, and the helpers other modules import."""

from __future__ import annotations

from datetime import date

import pytest

from assessment.models import (
    Appeal,
    Bulletin,
    Commendation,
    MetricEvidence,
    MetricScore,
    MonthlyScore,
)
from assessment.querysets import scored_firms
from core.testing import World
from pairing.models import Pairing
from visits.models import Household, Notice, ServiceDay, Visit, VisitPhoto
from visits.querysets import coverage_communities, firm_ids
from visits.tests.factories import record

pytestmark = pytest.mark.django_db


def _pks(qs) -> set[int]:  # type: ignore[no-untyped-def]
    return set(qs.values_list("pk", flat=True))


def test_a_visit_per_verb_and_role(paired: World) -> None:
    w = paired
    visit = record(w, confirm=False, date=date(2026, 3, 3))
    verbs = {
        "visible_to": {
            "bureau_admin",
            "street_staff_a",
            "community_staff_a1",
            "firm_admin_f",
            "lawyer_f",
        },
        "editable_by": {"firm_admin_f", "lawyer_f"},
        "confirmable_by": {"community_staff_a1"},
    }
    for verb, allowed in verbs.items():
        admitted = {
            persona
            for persona, user in w.personas().items()
            if visit.pk in _pks(getattr(Visit.objects, verb)(user))
        }
        assert admitted == allowed, verb
        assert visit.pk in _pks(getattr(Visit.objects, verb)(w.superuser)), verb


def test_a_lawyers_visits_are_read_from_the_through_table(paired: World) -> None:
    """The lawyer branch is a key subquery on the visit-lawyer table (its lawyer
    index), and a lawyer also sees the visits they recorded."""
    w = paired
    sql = str(Visit.objects.visible_to(w.lawyer_f).query)
    assert "IN (SELECT" in sql and "visits_visit_lawyers" in sql, sql
    assert "recorded_by_id" in sql, sql
    visit = record(w, confirm=False, date=date(2026, 3, 4))
    assert visit.pk not in _pks(Visit.objects.visible_to(w.lawyer_g))
    # Rows set by hand: L no longer present (still the recorder), G's lawyer present.
    visit.lawyers.set([w.lawyer_other])
    for user in (w.lawyer_f, w.lawyer_g):
        assert visit.pk in _pks(Visit.objects.visible_to(user))
        assert visit.pk in _pks(Visit.objects.editable_by(user))


def test_a_firm_sees_the_households_it_visited_once_each(paired: World) -> None:
    w = paired
    record(w, addresses="3幢2单元301室", date=date(2026, 3, 1))
    record(w, addresses="3幢2单元301室", date=date(2026, 3, 2))
    household = Household.objects.get()
    for user in (w.firm_admin_f, w.lawyer_f, w.community_staff_a1, w.street_staff_a):
        assert list(Household.objects.visible_to(user).values_list("pk", flat=True)) == [
            household.pk
        ]
    assert not Household.objects.visible_to(w.lawyer_g).exists()


def test_photos_follow_their_visit(paired: World) -> None:
    w = paired
    for user in (w.lawyer_f, w.bureau_admin, w.lawyer_g):
        photos = str(VisitPhoto.objects.visible_to(user).query)
        assert 'visit_id" IN (SELECT' in photos, photos
    assert "WHERE" not in str(VisitPhoto.objects.visible_to(w.superuser).query)


def test_read_only_rows_are_edited_as_seen_and_appeals_are_the_firms(world: World) -> None:
    """Without an edit rule of their own, rows are "editable" by whoever sees them (the
    services decide what may change); appealing is for the firm's admin only,
    superusers included."""
    for model in (Household, Notice, MonthlyScore, MetricScore, MetricEvidence):
        for user in (world.bureau_admin, world.firm_admin_f, world.street_staff_a, world.superuser):
            assert str(model.objects.editable_by(user).query) == str(
                model.objects.visible_to(user).query
            ), (model, user)
    assert MonthlyScore.objects.appealable_by(world.superuser).query.is_empty()
    assert not MonthlyScore.objects.visible_to(world.superuser).query.is_empty()
    assert "firm_id" in str(MonthlyScore.objects.appealable_by(world.firm_admin_f).query)


def test_public_rows_and_the_bureaus_edits(world: World) -> None:
    for model in (ServiceDay, Bulletin, Commendation):
        for user in (None, world.resident, world.outsider):
            assert "WHERE" not in str(model.objects.visible_to(user).query), model
    assert Bulletin.objects.editable_by(world.resident).query.is_empty()
    assert "district_id" in str(Commendation.objects.editable_by(world.bureau_admin).query)


def test_evidence_follows_the_score_through_its_metric(world: World) -> None:
    sql = str(MetricEvidence.objects.visible_to(world.firm_admin_f).query)
    assert 'INNER JOIN "assessment_metricscore"' in sql, sql
    assert '"assessment_metricscore"."score_id" IN (SELECT' in sql, sql
    street = str(Appeal.objects.visible_to(world.street_staff_a).query)
    assert "pairing_pairing" in street, street


def test_the_helpers_other_modules_import(paired: World) -> None:
    w = paired
    a1, a2, b1 = w.community_a1, w.community_a2, w.community_b1
    assert _pks(coverage_communities(w.firm_admin_f)) == {a1.pk, a2.pk}
    assert _pks(coverage_communities(w.lawyer_g)) == {b1.pk}
    assert _pks(coverage_communities(w.community_staff_a1)) == {a1.pk}
    assert _pks(coverage_communities(w.resident)) == set()
    assert w.other_community.pk in _pks(coverage_communities(w.superuser))
    assert _pks(scored_firms(w.firm_admin_f)) == {w.firm_f.pk}
    assert _pks(scored_firms(w.street_staff_a)) == {w.firm_f.pk}
    assert w.firm_g.pk in _pks(scored_firms(w.bureau_admin))
    assert w.other_firm.pk not in _pks(scored_firms(w.bureau_admin))
    assert _pks(scored_firms(w.resident)) == set()
    from core.scope import get_principal

    assert firm_ids(get_principal(w.lawyer_f)) == {w.firm_f.pk}
    assert Pairing.objects.count() == 3
