"""The demo data: the register at three levels and of three kinds, cases in every
state, pages that render it, and a second run that creates nothing."""

from __future__ import annotations

import random

from django.db.models import Count
from django.test import Client
from django.utils import timezone

from accounts.models import User
from mediation import demo
from mediation.choices import CaseStatus, OrgKind, OrgLevel, Outcome
from mediation.models import Agreement, Case, Mediator, Organization
from regions.demo import SEED, seed_demo
from regions.models import District


def test_seed_builds_the_register_and_cases_once(db):
    seed_demo()  # builds the demo district and calls every app's seed, this one too
    district = District.objects.get(code="330102")
    orgs = Organization.objects.filter(district=district)
    assert set(orgs.values_list("kind", flat=True)) == set(OrgKind.values)
    assert set(orgs.values_list("level", flat=True)) == set(OrgLevel.values)
    accounts = Mediator.objects.filter(user__phone__in=demo.ACCOUNT_PHONES)
    assert accounts.count() == 9
    assert all(u.is_demo for u in User.objects.filter(phone__in=demo.ACCOUNT_PHONES))
    cases = Case.objects.filter(district=district)
    states = dict(cases.values_list("status").annotate(n=Count("pk")))
    assert set(states) == set(CaseStatus.values) and sum(states.values()) >= 60
    assert cases.overdue(timezone.now()).count() >= 3
    assert Agreement.objects.filter(case__outcome=Outcome.SUCCESS, confirmed_at__isnull=False)
    assert all(c.guidance for c in cases.filter(outcome=Outcome.FAILURE))
    again = demo.seed(district, random.Random(f"{SEED}:mediation"))
    assert again == {"organizations": 0, "mediators": 0, "users": 0, "lawyers": 0, "cases": 0}

    # The demo sign-ins see their part of it, and the pages render it.
    busy = accounts.filter(cases__isnull=False).first()
    assert busy is not None
    mediator = busy.user
    client = Client()
    client.force_login(mediator)
    assert client.get("/mediation/?mine=true").status_code == 200
    for case in Case.objects.visible_to(mediator)[:5]:
        assert client.get(f"/mediation/cases/{case.pk}/").status_code == 200
    bureau = User.objects.get(phone="13800000001")
    client.force_login(bureau)
    assert client.get("/mediation/stats/").status_code == 200
    assert client.get("/workspace/").status_code == 200
    agreed = cases.filter(status=CaseStatus.AGREED).first()
    assert agreed is not None
    assert client.get(f"/mediation/cases/{agreed.pk}/agreement.pdf").status_code == 200


def test_the_first_demo_mediator_has_cases(db):
    """The mediator a visitor signs in as first (13800009001) has cases to work on."""
    from mediation.models import Case
    from regions.demo import seed_demo

    seed_demo()
    mediator = Mediator.objects.get(user__phone=demo.ACCOUNT_PHONES[0])
    assert Case.objects.filter(organization=mediator.organization).exists()
