"""Named scopes of the pairing pages applied to regions' rows: the dashboard's districts
and streets, and the streets whose 司法所 the user may appoint an honorary deputy for."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from pairing.querysets import DASHBOARD_DISTRICTS, DASHBOARD_STREETS, OFFICE_POSTS
from regions.models import District, Street


def _ids(qs: Any) -> set[int]:
    return set(qs.values_list("pk", flat=True))


def test_dashboard_districts(world: Any) -> None:
    expected = {
        world.bureau_admin: {world.district.pk},
        world.outsider: {world.other_district.pk},
        world.superuser: {world.district.pk, world.other_district.pk},
        # A 司法所 sees its street, not its district as a whole.
        world.street_staff_a: set(),
        world.community_staff_a1: set(),
        world.firm_admin_f: set(),
        world.lawyer_f: set(),
        world.resident: set(),
    }
    for user, rows in expected.items():
        assert _ids(DASHBOARD_DISTRICTS.apply(District.objects.all(), user)) == rows, user


def test_dashboard_streets(world: Any) -> None:
    expected = {
        world.bureau_admin: {world.street_a.pk, world.street_b.pk},
        world.street_staff_a: {world.street_a.pk},
        world.outsider: {world.other_street.pk},
        world.superuser: {world.street_a.pk, world.street_b.pk, world.other_street.pk},
        world.community_staff_a1: set(),
        world.firm_admin_f: set(),
        world.lawyer_f: set(),
        world.resident: set(),
    }
    for user, rows in expected.items():
        assert _ids(DASHBOARD_STREETS.apply(Street.objects.all(), user)) == rows, user


def test_office_posts(world: Any) -> None:
    expected = {
        world.bureau_admin: {world.street_a.pk, world.street_b.pk},
        world.outsider: {world.other_street.pk},
        world.superuser: {world.street_a.pk, world.street_b.pk, world.other_street.pk},
        # The 司法所 itself does not appoint its deputy.
        world.street_staff_a: set(),
        world.community_staff_a1: set(),
        world.firm_admin_f: set(),
        world.resident: set(),
    }
    for user, rows in expected.items():
        assert _ids(OFFICE_POSTS.apply(Street.objects.all(), user)) == rows, user


def test_pages_answer_404_outside_the_scopes(world: Any, client_for: Any) -> None:
    dashboard = reverse("pairing:dashboard")
    assert client_for(world.community_staff_a1).get(dashboard).status_code == 404
    assert client_for(world.street_staff_a).get(dashboard).status_code == 200
    assert client_for(world.superuser).get(dashboard).status_code == 200
    post = reverse("pairing:add_office_post", args=[world.street_a.pk])
    assert client_for(world.outsider).get(post).status_code == 404
    assert client_for(world.street_staff_a).get(post).status_code == 404
    assert client_for(world.bureau_admin).get(post).status_code == 200
    assert client_for(world.superuser).get(post).status_code == 200
