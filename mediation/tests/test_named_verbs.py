"""Named scope verbs of mediation: the cases a user oversees (statistics, the full
choice of organizations when assigning) and the communities they may file for."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from mediation.models import Case
from mediation.querysets import FILING, oversees_cases
from mediation.tests.conftest import applied
from regions.models import Community


def _cases(world: Any, setup: Any) -> dict[str, Case]:
    return {
        "a1": applied(world, setup),
        "b1": applied(world, setup, community=world.community_b1),
        "other": applied(world, setup, community=world.other_community),
    }


def test_overseen_by_the_bureau_and_the_street_office(world: Any, setup: Any) -> None:
    cases = _cases(world, setup)
    ids = {key: case.pk for key, case in cases.items()}
    expected = {
        world.bureau_admin: {ids["a1"], ids["b1"]},
        world.street_staff_a: {ids["a1"]},
        world.outsider: {ids["other"]},  # the other district's bureau
        world.superuser: set(ids.values()),
        # Bound to the case otherwise (community, mediator, party): not overseers.
        world.community_staff_a1: set(),
        setup.m1.user: set(),
        world.resident: set(),
        world.firm_admin_f: set(),
        world.lawyer_f: set(),
    }
    for user, rows in expected.items():
        assert set(Case.objects.overseen_by(user).values_list("pk", flat=True)) == rows, user


def test_oversees_cases_even_without_a_case(world: Any, setup: Any) -> None:
    for user in (world.bureau_admin, world.street_staff_a, world.outsider, world.superuser):
        assert oversees_cases(user), user
    for user in (world.community_staff_a1, setup.m1.user, world.resident, world.lawyer_f):
        assert not oversees_cases(user), user


def test_statistics_answer_404_to_non_overseers(world: Any, setup: Any, client_for: Any) -> None:
    url = reverse("mediation:statistics")
    assert client_for(world.community_staff_a1).get(url).status_code == 404
    assert client_for(world.outsider).get(url).status_code == 200
    assert client_for(world.superuser).get(url).status_code == 200


def test_filing_communities(world: Any, setup: Any) -> None:
    a1, a2, b1 = world.community_a1.pk, world.community_a2.pk, world.community_b1.pk
    expected = {
        world.community_staff_a1: {a1},
        world.street_staff_a: {a1, a2},
        world.bureau_admin: {a1, a2, b1},
        setup.m1.user: {a1, a2, b1},  # a mediator: their organization's district
        setup.x.user: {world.other_community.pk},
        world.outsider: {world.other_community.pk},
        # Only people bound to the place file for a resident: not the superuser.
        world.superuser: set(),
        world.resident: set(),
        world.firm_admin_f: set(),
        world.lawyer_f: set(),
    }
    for user, rows in expected.items():
        found = FILING.apply(Community.objects.public(), user)
        assert set(found.values_list("pk", flat=True)) == rows, user


def test_filing_skips_inactive_communities(world: Any, setup: Any) -> None:
    Community.objects.filter(pk=world.community_a2.pk).update(is_active=False)
    found = FILING.apply(Community.objects.public(), world.street_staff_a)
    assert set(found.values_list("pk", flat=True)) == {world.community_a1.pk}


def test_file_page_answers_404_to_the_superuser(world: Any, setup: Any, client_for: Any) -> None:
    url = reverse("mediation:file")
    assert client_for(world.superuser).get(url).status_code == 404
    assert client_for(setup.m1.user).get(url).status_code == 200
