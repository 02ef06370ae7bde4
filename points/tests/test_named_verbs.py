"""Named scopes of the firm pages: the offers of the firms a user works for, those firms
themselves (who opens the firm pages) and the firms a firm admin publishes offers for."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from core.testing import make_user
from firms.models import FirmAdmin, LawFirm
from points.models import Offer
from points.querysets import OFFERING_FIRMS, STAFFED_FIRMS
from points.services import adjust
from points.tests.conftest import make_offer


def _ids(qs: Any) -> set[int]:
    return set(qs.values_list("pk", flat=True))


def _other_firm_admin(world: Any) -> Any:
    """The firm admin of the other district's firm."""
    user = make_user("外区律所主任")
    FirmAdmin.objects.create(firm=world.other_firm, user=user)
    return user


def test_offered_by_the_people_of_the_firm(world: Any) -> None:
    f = {make_offer(world.firm_f).pk, make_offer(world.firm_f, status="draft").pk}
    g = {make_offer(world.firm_g).pk}
    other = {make_offer(world.other_firm).pk}
    expected = {
        world.firm_admin_f: f,
        world.lawyer_f: f,
        world.lawyer_g: g,
        _other_firm_admin(world): other,
        # The district's people see the firms' offers elsewhere, not as their firm's.
        world.bureau_admin: set(),
        world.outsider: set(),
        world.street_staff_a: set(),
        world.resident: set(),
        world.superuser: set(),
    }
    for user, rows in expected.items():
        assert _ids(Offer.objects.offered_by(user)) == rows, user


def test_staffed_and_offering_firms(world: Any) -> None:
    f, g, other = world.firm_f.pk, world.firm_g.pk, world.other_firm.pk
    staffed = {
        world.firm_admin_f: {f},
        world.lawyer_f: {f},
        world.lawyer_g: {g},
        _other_firm_admin(world): {other},
        world.bureau_admin: set(),
        world.outsider: set(),
        world.resident: set(),
        world.superuser: set(),
    }
    for user, rows in staffed.items():
        assert _ids(STAFFED_FIRMS.apply(LawFirm.objects.all(), user)) == rows, user
        # Firm admins publish offers; lawyers do not.
        offering = rows if user not in (world.lawyer_f, world.lawyer_g) else set()
        assert _ids(OFFERING_FIRMS.apply(LawFirm.objects.all(), user)) == offering, user


def test_firm_pages_answer_404_to_others(world: Any, client_for: Any) -> None:
    pages = [reverse("points:firm_offers"), reverse("points:verify")]
    for url in pages:
        assert client_for(world.lawyer_g).get(url).status_code == 200, url
        assert client_for(world.superuser).get(url).status_code == 404, url
        assert client_for(world.outsider).get(url).status_code == 404, url
    add = reverse("points:offer_add")
    assert client_for(world.lawyer_f).get(add).status_code == 404
    assert client_for(world.superuser).get(add).status_code == 404
    assert client_for(world.firm_admin_f).get(add).status_code == 200


def test_firm_offers_page_lists_only_the_firms_offers(world: Any, client_for: Any) -> None:
    mine = make_offer(world.firm_g, title="李律师所的优惠")
    make_offer(world.firm_f, title="尚法所的优惠")
    response = client_for(world.lawyer_g).get(reverse("points:firm_offers"))
    assert [o.pk for o in response.context["page_obj"]] == [mine.pk]
    assert response.context["can_add"] is False
    response = client_for(world.firm_admin_f).get(reverse("points:firm_offers"))
    assert response.context["can_add"] is True


def test_owned_by_is_the_users_own_account_and_entries_only(world: Any, rules: Any) -> None:
    from points.models import LedgerEntry, PointsAccount
    from points.services import get_account

    mine = get_account(world.resident)
    assert mine is not None
    adjust(actor=world.bureau_admin, user=world.resident, amount=5, reason="补录")
    assert list(PointsAccount.objects.owned_by(world.resident)) == [mine]
    assert LedgerEntry.objects.owned_by(world.resident).count() == 1
    # Nobody else's, the bureau and superusers included (they read it through visible_to).
    for other in (world.superuser, world.bureau_admin, world.lawyer_f):
        assert not PointsAccount.objects.owned_by(other).exists()
        assert not LedgerEntry.objects.owned_by(other).exists()
    assert PointsAccount.objects.visible_to(world.bureau_admin).filter(pk=mine.pk).exists()
    assert not PointsAccount.objects.owned_by(None).exists()
