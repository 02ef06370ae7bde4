"""Demo data: realistic, fast and idempotent."""

from __future__ import annotations

import random

from django.utils import timezone

from consultations import demo
from consultations.models import DutyShift, KnowledgeEntry, Question, ServiceRequest
from core.testing import make_lawyer

from .conftest import pair


def test_seed_is_realistic_and_idempotent(world, django_assert_max_num_queries):
    pair(world)
    for i in range(3):
        make_lawyer(
            world.firm_g, f"志愿{i}", is_volunteer=True, year=2012, fee_standard="咨询 300 元/小时"
        )
    now = timezone.now()
    with django_assert_max_num_queries(1200):  # ~3 per case number, the rest in bulk
        created = demo.seed(world.district, random.Random(1), now=now)
    assert created["questions"] == demo.QUESTIONS
    assert created["residents"] == demo.RESIDENTS
    qs = Question.objects.filter(district=world.district)
    assert qs.filter(deadline_met=True).count() > qs.filter(deadline_met=False).count() > 0
    assert qs.filter(first_replied_at__isnull=True, reply_deadline__gt=now).count() == 8
    assert qs.filter(escalated_at__isnull=False, first_replied_at__isnull=True).count() == 4
    assert qs.filter(rating__isnull=False).exists()
    entries = KnowledgeEntry.objects.filter(district=world.district)
    assert entries.exists()
    # Each demo text once in the knowledge base, however many residents asked it.
    titles = list(entries.values_list("title", flat=True))
    assert len(titles) == len(set(titles))
    assert DutyShift.objects.filter(district=world.district).exists()
    assert set(ServiceRequest.objects.values_list("status", flat=True)) >= {"accepted", "declined"}
    assert len(set(qs.values_list("case_number", flat=True))) == demo.QUESTIONS
    again = demo.seed(world.district, random.Random(1), now=now)
    assert sum(again.values()) == 0
    assert Question.objects.count() == demo.QUESTIONS


def test_the_demo_lawyer_finds_questions_waiting(db):
    """Signing in as the first demo lawyer (demo_logins), a visitor sees the lawyer's
    side: questions routed to them and not yet answered."""
    from consultations.models import QuestionAssignment
    from firms.models import Lawyer
    from regions.demo import seed_demo

    seed_demo()
    lawyer = Lawyer.objects.get(user__phone="13800000031")
    waiting = QuestionAssignment.objects.filter(
        lawyer=lawyer, question__first_replied_at__isnull=True
    )
    assert waiting.exists()
