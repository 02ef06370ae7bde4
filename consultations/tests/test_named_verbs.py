"""The named verbs and module-level scopes the consultation pages use instead of
reading roles themselves: who gets which rows, superusers and another district's
bureau included."""

from __future__ import annotations

import pytest

from consultations.querysets import ASSISTED_FILING, HANDOVER_TARGETS, OWN_LAWYER
from core.testing import World, make_community, make_lawyer, make_user
from firms.models import Lawyer
from regions.models import Community

pytestmark = pytest.mark.django_db

NEED = "需要律师帮忙起草一份房屋租赁合同，约定押金和维修责任。"


def _ids(qs) -> set[int]:  # type: ignore[no-untyped-def]
    return set(qs.values_list("pk", flat=True))


def _fresh(user):  # type: ignore[no-untyped-def]
    """The user as a new request loads them (role bindings read again)."""
    return type(user).objects.get(pk=user.pk)


def test_assisted_filing_is_the_staffs_own_communities(world: World) -> None:
    w = world
    closed = make_community(w.street_a)
    closed.is_active = False
    closed.save()

    def communities(user) -> set[int]:  # type: ignore[no-untyped-def]
        return _ids(ASSISTED_FILING.apply(Community.objects.filter(is_active=True), user))

    assert communities(w.community_staff_a1) == {w.community_a1.pk}
    # The 司法所: every active community of its street, none of street B.
    assert communities(w.street_staff_a) == {w.community_a1.pk, w.community_a2.pk}
    # Not the bureau (of either district), not a superuser, not firms or residents.
    for user in (
        w.bureau_admin,
        w.outsider,
        w.superuser,
        w.firm_admin_f,
        w.lawyer_f,
        w.resident,
        make_user(),
    ):
        assert communities(user) == set(), user


def test_handover_targets_are_the_lawyers_firm(world: World) -> None:
    w = world
    colleague = make_lawyer(w.firm_f, user=make_user())
    gone = make_lawyer(w.firm_f, is_active=False)
    active = Lawyer.objects.filter(is_active=True)

    def targets(user) -> set[int]:  # type: ignore[no-untyped-def]
        return _ids(HANDOVER_TARGETS.apply(active, user))

    assert targets(w.lawyer_f) == {w.lawyer_l.pk, colleague.pk}
    assert gone.pk not in targets(w.lawyer_f)
    assert targets(w.lawyer_g) == {w.lawyer_other.pk}
    # Only lawyers hand over: not their firm admin, the bureaus or a superuser.
    for user in (w.firm_admin_f, w.bureau_admin, w.outsider, w.superuser, w.resident):
        assert targets(user) == set(), user


def test_own_lawyer_is_the_users_own_record(world: World) -> None:
    w = world

    def own(user) -> set[int]:  # type: ignore[no-untyped-def]
        return _ids(OWN_LAWYER.apply(Lawyer.objects.all(), user))

    assert own(w.lawyer_f) == {w.lawyer_l.pk}
    assert own(w.lawyer_g) == {w.lawyer_other.pk}
    for user in (w.firm_admin_f, w.bureau_admin, w.outsider, w.superuser, w.resident):
        assert own(user) == set(), user
    # A lawyer who left (inactive) has no lawyer role, so no record of their own.
    w.lawyer_l.is_active = False
    w.lawyer_l.save()
    assert own(_fresh(w.lawyer_f)) == set()
