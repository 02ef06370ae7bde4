"""The database itself refuses what the services refuse (direct ORM writes bypass
the services): a second active firm, a third liaison, a liaison of another firm."""

from datetime import date

import pytest
from django.db import IntegrityError, transaction

from core.testing import make_lawyer
from pairing.models import Liaison, Pairing
from pairing.tests.conftest import START


def refused(write) -> bool:
    try:
        with transaction.atomic():
            write()
    except IntegrityError:
        return True
    return False


def test_a_community_has_one_active_firm(world, paired):
    assert refused(
        lambda: Pairing.objects.create(
            community=world.community_a1, firm=world.firm_g, start_date=START
        )
    )
    # an ended pairing beside the active one is history, and allowed
    Pairing.objects.create(
        community=world.community_a1,
        firm=world.firm_g,
        start_date=date(2020, 1, 1),
        end_date=date(2020, 12, 31),
    )
    assert Pairing.objects.filter(community=world.community_a1).count() == 2


def test_a_pairing_ends_after_it_starts(world):
    assert refused(
        lambda: Pairing.objects.create(
            community=world.community_a2,
            firm=world.firm_f,
            start_date=START,
            end_date=date(2024, 1, 1),
        )
    )


def test_no_third_liaison(world, paired):
    Liaison.objects.create(pairing=paired.a1, lawyer=paired.party_f, slot=2, start_date=START)
    for slot in (1, 2, 3):
        assert refused(
            lambda slot=slot: Liaison.objects.create(
                pairing=paired.a1, lawyer=paired.director_f, slot=slot, start_date=START
            )
        )
    assert Liaison.objects.filter(pairing=paired.a1, end_date__isnull=True).count() == 2


def test_no_liaison_twice(world, paired):
    assert refused(
        lambda: Liaison.objects.create(
            pairing=paired.a1, lawyer=world.lawyer_l, slot=2, start_date=START
        )
    )


def test_no_liaison_from_another_firm(world, paired):
    assert refused(
        lambda: Liaison.objects.create(
            pairing=paired.a1, lawyer=world.lawyer_other, slot=2, start_date=START
        )
    )
    # nor by changing the lawyer of an existing liaison
    paired.liaison_a1.lawyer = world.lawyer_other
    assert refused(lambda: paired.liaison_a1.save())
    assert Liaison.objects.get(pk=paired.liaison_a1.pk).lawyer == world.lawyer_l


def test_no_change_of_firm_under_active_liaisons(world, paired):
    assert refused(lambda: Pairing.objects.filter(pk=paired.a1.pk).update(firm=world.firm_g))
    assert Pairing.objects.get(pk=paired.a1.pk).firm == world.firm_f


def test_ended_liaisons_are_history_and_not_checked(world, paired):
    """A lawyer who has since moved to another firm keeps their past liaison posts."""
    Liaison.objects.create(
        pairing=paired.a1,
        lawyer=make_lawyer(world.firm_g),
        slot=2,
        start_date=START,
        end_date=date(2024, 6, 1),
    )
    assert Liaison.objects.filter(pairing=paired.a1).count() == 2


@pytest.mark.parametrize("field", ["pairing", "lawyer"])
def test_liaison_trigger_checks_updates_of_either_side(world, paired, field):
    other_pairing = paired.b1
    liaison = paired.liaison_a1
    if field == "pairing":
        Liaison.objects.filter(pk=paired.liaison_b1.pk).update(end_date=START)
        assert refused(lambda: Liaison.objects.filter(pk=liaison.pk).update(pairing=other_pairing))
    else:
        assert refused(
            lambda: Liaison.objects.filter(pk=liaison.pk).update(lawyer=world.lawyer_other)
        )
