"""One case number (一案一编码): a question turned into a mediation case keeps its
number, and the case shows the question's thread before the mediation steps."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from consultations import services as consultation_services
from consultations.models import Category
from mediation import services
from mediation.choices import Channel, DisputeCategory, PartyRole
from mediation.models import Case
from mediation.tests.conftest import T0, advance
from mediation.timeline import timeline

QUESTION = "楼上邻居装修噪音每天持续到深夜，多次沟通无果，想请律师指点怎么维权。"


@pytest.fixture
def question(world):
    question, _created = consultation_services.post_question(
        actor=world.resident,
        draft=consultation_services.Draft(
            community=world.community_a1,
            category=Category.objects.get(name="邻里纠纷"),
            text=QUESTION,
            title="装修噪音扰民",
            parties="楼上住户赵某",
            chosen_lawyer=world.lawyer_l,
        ),
        now=T0,
    )
    later = T0 + timedelta(hours=2)
    consultation_services.confirm_no_conflict(actor=world.lawyer_f, question=question, now=later)
    consultation_services.post_reply(
        actor=world.lawyer_f,
        question=question,
        text="可以先申请人民调解，协商不成再起诉。",
        now=later,
    )
    return question


def convert(world, question, actor=None):
    return services.case_from_question(
        actor=actor or world.resident,
        question=question,
        respondent_name="赵某",
        respondent_phone="13700002222",
        now=T0 + timedelta(days=1),
    )


def test_the_case_keeps_the_number_and_copies_parties_and_facts(world, setup, question):
    case = convert(world, question)
    assert case.case_number == question.case_number
    assert case.case_number.startswith("ZX-330102-")
    assert case.question == question and case.channel == Channel.CONSULTATION
    assert case.category == DisputeCategory.NEIGHBOR
    assert QUESTION in case.facts
    applicant = case.parties.get(role=PartyRole.APPLICANT)
    assert applicant.user == world.resident and applicant.phone == world.resident.phone
    assert case.parties.get(role=PartyRole.RESPONDENT).name == "赵某"


def test_the_timeline_shows_the_question_first(world, setup, question):
    case = advance(world, setup, convert(world, question), "assigned", now=T0 + timedelta(days=2))
    entries = timeline(world.resident, case)
    sources = [e.origin for e in entries]
    assert sources[:2] == ["question", "question"]
    assert sources[2:] == ["mediation"] * (len(sources) - 2)
    assert entries[0].text == "装修噪音扰民"
    assert entries[1].text.startswith("可以先申请人民调解")
    assert entries[2].title == "咨询转为调解"


def test_the_mediator_sees_the_steps_but_not_the_private_text(world, setup, question):
    case = advance(world, setup, convert(world, question), "assigned", now=T0 + timedelta(days=2))
    entries = timeline(setup.m1.user, case)
    assert entries[0].origin == "question" and entries[0].text == ""
    assert entries[1].title == "律师答复" and entries[1].text == ""


def test_a_question_becomes_one_case_only(world, setup, question):
    convert(world, question)
    with pytest.raises(ValidationError, match="已转为调解案件"):
        convert(world, question)
    assert Case.objects.count() == 1


def test_who_may_turn_a_question_into_a_case(world, setup, question):
    for outsider in (world.outsider, world.lawyer_g, setup.m1.user):
        with pytest.raises(PermissionDenied):
            convert(world, question, actor=outsider)
    assert not Case.objects.exists()
    case = convert(world, question, actor=world.street_staff_a)  # staff of its street
    assert case.applied_by == world.street_staff_a
