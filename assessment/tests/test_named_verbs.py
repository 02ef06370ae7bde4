"""The named verbs and module-level scopes the assessment pages use instead of reading
roles themselves: who gets which rows, superusers and another district's bureau
included."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from assessment.models import MonthlyScore, RankingMonth
from assessment.querysets import OWN_DISTRICTS, OWN_FIRMS, OWN_STREETS
from core.testing import World, make_user
from firms.models import FirmAdmin, LawFirm
from pairing.querysets import DASHBOARD_STREETS
from regions.models import District, Street

pytestmark = pytest.mark.django_db


def _streets(user) -> set[int]:  # type: ignore[no-untyped-def]
    return set(DASHBOARD_STREETS.apply(Street.objects.all(), user).values_list("pk", flat=True))


def test_dashboard_streets_bureau_district_street_own_superuser_all(world: World) -> None:
    w = world
    assert _streets(w.bureau_admin) == {w.street_a.pk, w.street_b.pk}
    assert _streets(w.street_staff_a) == {w.street_a.pk}
    assert _streets(w.outsider) == {w.other_street.pk}
    assert _streets(w.superuser) == set(Street.objects.values_list("pk", flat=True))
    for nobody in (w.community_staff_a1, w.firm_admin_f, w.lawyer_f, w.resident, make_user()):
        assert _streets(nobody) == set()


def _score(world: World, district, firm) -> MonthlyScore:  # type: ignore[no-untyped-def]
    ranking, _ = RankingMonth.objects.get_or_create(
        district=district,
        month=date(2026, 3, 1),
        defaults={"computed_at": timezone.now(), "appeal_deadline": date(2026, 4, 10)},
    )
    return MonthlyScore.objects.create(ranking=ranking, firm=firm, total=Decimal("80"), rank=1)


def test_owned_scores_are_the_firm_admins_own_firms_only(world: World) -> None:
    w = world
    f = _score(w, w.district, w.firm_f)
    g = _score(w, w.district, w.firm_g)
    other = _score(w, w.other_district, w.other_firm)

    def owned(user) -> set[int]:  # type: ignore[no-untyped-def]
        return set(MonthlyScore.objects.owned_by(user).values_list("pk", flat=True))

    assert owned(w.firm_admin_f) == {f.pk}
    # An admin of two firms owns both firms' scores.
    FirmAdmin.objects.create(firm=w.other_firm, user=w.firm_admin_f)
    assert owned(w.firm_admin_f) == {f.pk}  # the bindings are cached for the request
    fresh = type(w.firm_admin_f).objects.get(pk=w.firm_admin_f.pk)
    assert owned(fresh) == {f.pk, other.pk}
    # Nobody else owns a score: not the bureau, not a superuser, not the lawyers.
    for user in (
        w.bureau_admin,
        w.outsider,
        w.superuser,
        w.street_staff_a,
        w.lawyer_f,
        w.lawyer_g,
        w.resident,
    ):
        assert owned(user) == set(), user
    assert g.pk not in owned(fresh)


def test_own_dashboards_are_the_places_the_user_is_bound_to(world: World) -> None:
    w = world

    def own(scope, rows, user) -> set[int]:  # type: ignore[no-untyped-def]
        return set(scope.apply(rows, user).values_list("pk", flat=True))

    districts, streets, firms = District.objects.all(), Street.objects.all(), LawFirm.objects.all()
    assert own(OWN_DISTRICTS, districts, w.bureau_admin) == {w.district.pk}
    assert own(OWN_DISTRICTS, districts, w.outsider) == {w.other_district.pk}
    assert own(OWN_STREETS, streets, w.street_staff_a) == {w.street_a.pk}
    assert own(OWN_FIRMS, firms, w.firm_admin_f) == {w.firm_f.pk}
    # Each table is its own role's: the bureau owns no street, the 司法所 no district.
    assert own(OWN_STREETS, streets, w.bureau_admin) == set()
    assert own(OWN_DISTRICTS, districts, w.street_staff_a) == set()
    assert own(OWN_FIRMS, firms, w.lawyer_f) == set()
    # A superuser owns none of them (the dashboard link sends them to the first district).
    for scope, rows in ((OWN_DISTRICTS, districts), (OWN_STREETS, streets), (OWN_FIRMS, firms)):
        assert own(scope, rows, w.superuser) == set()
        assert own(scope, rows, w.resident) == set()


@pytest.mark.parametrize(
    ("persona", "target"),
    [
        ("bureau_admin", lambda w: ("district", w.district.pk)),
        ("outsider", lambda w: ("district", w.other_district.pk)),
        ("street_staff_a", lambda w: ("street", w.street_a.pk)),
        ("firm_admin_f", lambda w: ("firm", w.firm_f.pk)),
        ("superuser", lambda w: ("district", District.objects.order_by("code")[0].pk)),
        ("resident", lambda w: None),
        ("lawyer_f", lambda w: None),
    ],
)
def test_the_dashboard_link_goes_to_the_users_own(world, client_for, persona, target) -> None:  # type: ignore[no-untyped-def]
    response = client_for(getattr(world, persona)).get(reverse("assessment:dashboard"))
    expected = target(world)
    if expected is None:
        assert response.status_code == 404
    else:
        kind, pk = expected
        assert response.status_code == 302
        assert response["Location"] == reverse(f"assessment:{kind}_dashboard", args=[pk])
