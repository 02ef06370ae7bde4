"""The scopes the visits pages and forms apply to the rows of lower apps
(visits.querysets: PLANNING, PLANS_OWED, VISIT_LAWYERS, MEETING_FIRMS,
MEETING_STREETS): who gets which rows, superusers and another district's users
included, and the pages and forms that use them."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.urls import reverse

from accounts.models import User
from core.testing import World, make_lawyer, make_user
from firms.models import FirmAdmin, LawFirm, Lawyer
from pairing.models import Pairing
from regions.models import Street
from visits.forms import MeetingForm, VisitForm
from visits.querysets import (
    MEETING_FIRMS,
    MEETING_STREETS,
    PLANNING,
    PLANS_OWED,
    VISIT_LAWYERS,
)
from visits.tests.factories import record

pytestmark = pytest.mark.django_db


def _pks(qs: Any) -> set[int]:
    return set(qs.values_list("pk", flat=True))


def _admin_of(firm: LawFirm, name: str, **extra: Any) -> User:
    user = make_user(name, **extra)
    FirmAdmin.objects.create(firm=firm, user=user)
    return user


@pytest.fixture
def pairings(paired: World) -> dict[str, Pairing]:
    """The ``paired`` pairings, one in the other district (its firm with an admin of
    its own) and an ended one of firm F."""
    w = paired
    Pairing.objects.create(
        community=w.community_b1,
        firm=w.firm_f,
        start_date=date(2024, 1, 1),
        end_date=date(2024, 12, 31),
    )
    Pairing.objects.create(
        community=w.other_community, firm=w.other_firm, start_date=date(2025, 1, 1)
    )
    active = Pairing.objects.active()
    return {
        "a1": active.get(community=w.community_a1),
        "a2": active.get(community=w.community_a2),
        "b1": active.get(community=w.community_b1),
        "other": active.get(community=w.other_community),
    }


def test_planning_is_the_firm_admins_and_every_pairing_for_superusers(
    paired: World, pairings: dict[str, Pairing]
) -> None:
    w = paired
    other_admin = _admin_of(w.other_firm, "外区律所主任")
    expected = {
        w.firm_admin_f: {pairings["a1"].pk, pairings["a2"].pk},
        other_admin: {pairings["other"].pk},
        w.superuser: {p.pk for p in pairings.values()},
    }
    for user in (w.bureau_admin, w.street_staff_a, w.community_staff_a1, w.outsider):
        expected[user] = set()
    for user in (w.lawyer_f, w.lawyer_g, w.resident):  # lawyers do not file plans
        expected[user] = set()
    for user, rows in expected.items():
        assert _pks(PLANNING.apply(Pairing.objects.active(), user)) == rows, user


def test_plans_owed_are_the_users_own_firms_superusers_included(
    paired: World, pairings: dict[str, Pairing]
) -> None:
    w = paired
    admin_superuser = _admin_of(w.firm_g, "兼任主任的超级管理员", is_superuser=True)
    expected = {
        w.firm_admin_f: {pairings["a1"].pk, pairings["a2"].pk},
        w.superuser: set(),  # no reminders of every firm's plans
        admin_superuser: {pairings["b1"].pk},  # only through a firm of their own
        w.outsider: set(),
        w.bureau_admin: set(),
        w.lawyer_f: set(),
    }
    for user, rows in expected.items():
        assert _pks(PLANS_OWED.apply(Pairing.objects.active(), user)) == rows, user


def test_plan_pages_apply_planning(paired: World, pairings: dict[str, Pairing], client_for):  # type: ignore[no-untyped-def]
    w = paired

    def missing(user: User) -> set[int]:
        response = client_for(user).get(reverse("visits:plan_list"))
        return {p.pk for p in response.context["missing"]}

    assert missing(w.firm_admin_f) == {pairings["a1"].pk, pairings["a2"].pk}
    assert missing(w.superuser) == set()
    assert missing(w.outsider) == set()

    def status(user: User, community: Any) -> int:
        url = reverse("visits:plan_file", args=[community.pk])
        return int(client_for(user).get(url).status_code)

    assert status(w.firm_admin_f, w.community_a1) == 200
    assert status(w.firm_admin_f, w.other_community) == 404
    assert status(w.superuser, w.other_community) == 200
    assert status(w.outsider, w.other_community) == 404
    assert status(w.bureau_admin, w.community_a1) == 404


def test_visit_lawyers_are_those_of_the_users_firms(paired: World) -> None:
    w = paired
    colleague = make_lawyer(w.firm_f, "王律师")
    inactive = make_lawyer(w.firm_f, "停用律师", is_active=False)
    make_lawyer(w.other_firm, "外区律师")
    firm_f = {w.lawyer_l.pk, colleague.pk, inactive.pk}
    expected = {
        w.firm_admin_f: firm_f,
        w.lawyer_f: firm_f,
        w.lawyer_g: {w.lawyer_other.pk},
        w.superuser: set(),  # a superuser names lawyers only through a firm of theirs
        w.bureau_admin: set(),
        w.outsider: set(),
        w.resident: set(),
    }
    for user, rows in expected.items():
        assert _pks(VISIT_LAWYERS.apply(Lawyer.objects.all(), user)) == rows, user
    # The new-visit form offers the active ones.
    offered = VisitForm(user=w.firm_admin_f).fields["lawyers"].queryset  # type: ignore[attr-defined]
    assert _pks(offered) == {w.lawyer_l.pk, colleague.pk}
    assert not VisitForm(user=w.superuser).fields["lawyers"].queryset.exists()  # type: ignore[attr-defined]


def test_an_existing_visit_offers_the_lawyers_of_its_firm_to_anyone(paired: World) -> None:
    w = paired
    visit = record(w, confirm=False)
    for user in (w.lawyer_f, w.firm_admin_f, w.superuser):
        form = VisitForm(user=user, visit=visit)
        assert _pks(form.fields["lawyers"].queryset) == {w.lawyer_l.pk}, user  # type: ignore[attr-defined]


def test_own_lawyer_is_the_users_record_ticked_on_a_new_visit(paired: World) -> None:
    w = paired
    expected = {
        w.lawyer_f: [w.lawyer_l.pk],
        w.lawyer_g: [w.lawyer_other.pk],
        w.firm_admin_f: [],
        w.superuser: [],
        w.outsider: [],
    }
    for user, rows in expected.items():
        assert VisitForm(user=user).initial["lawyers"] == rows, user


def test_meeting_firms_and_streets(world: World) -> None:
    w = world
    firms = {
        w.bureau_admin: {w.firm_f.pk, w.firm_g.pk},
        w.firm_admin_f: {w.firm_f.pk},
        w.outsider: {w.other_firm.pk},
        w.superuser: _pks(LawFirm.objects.all()),
        w.street_staff_a: set(),
        w.lawyer_f: set(),
        w.community_staff_a1: set(),
    }
    streets = {
        w.bureau_admin: {w.street_a.pk, w.street_b.pk},
        w.street_staff_a: {w.street_a.pk},
        w.outsider: {w.other_street.pk},
        w.superuser: _pks(Street.objects.all()),
        w.firm_admin_f: set(),
        w.lawyer_f: set(),
        w.community_staff_a1: set(),
    }
    for user, rows in firms.items():
        assert _pks(MEETING_FIRMS.apply(LawFirm.objects.all(), user)) == rows, user
        form = MeetingForm(user=user)
        assert _pks(form.fields["firm"].queryset) == rows, user  # type: ignore[attr-defined]
    for user, rows in streets.items():
        assert _pks(MEETING_STREETS.apply(Street.objects.all(), user)) == rows, user
        form = MeetingForm(user=user)
        assert _pks(form.fields["street"].queryset) == rows, user  # type: ignore[attr-defined]
