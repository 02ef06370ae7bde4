"""Who sees which question, shift, quote and notice (querysets.py)."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from consultations import services
from consultations.choices import LIVE_ASSIGNMENT, AssignmentStatus
from consultations.models import (
    DutyShift,
    DutySwapRequest,
    KnowledgeEntry,
    Notice,
    Question,
    QuestionAssignment,
    ServiceRequest,
)
from core.testing import make_user
from regions.services import set_home_community

from .conftest import ask, duty, pair


def visible(model, user):
    return set(model.objects.visible_to(user).values_list("pk", flat=True))


def test_question_scope_matrix(world, team):
    pair(world)
    a1 = ask(world)  # community A1, routed to liaison L (firm F)
    neighbour = make_user("邻居")
    set_home_community(user=neighbour, community=world.community_b1)
    b1 = ask(
        world,
        user=neighbour,
        community=world.community_b1,
        text="B1 社区的问题：物业不修电梯怎么办？",
    )
    expected = {
        world.resident: {a1.pk},
        neighbour: {b1.pk},
        world.lawyer_f: {a1.pk},
        world.firm_admin_f: {a1.pk},
        team.colleague.user: {a1.pk},  # same firm
        world.lawyer_g: set(),
        world.community_staff_a1: {a1.pk},
        world.street_staff_a: {a1.pk},
        world.bureau_admin: {a1.pk, b1.pk},
        world.outsider: set(),
        world.superuser: {a1.pk, b1.pk},
    }
    for user, ids in expected.items():
        assert visible(Question, user) == ids, user
    assert Question.objects.visible_to(None).count() == 0
    assert set(Question.objects.editable_by(world.resident).values_list("pk", flat=True)) == {a1.pk}
    assert not Question.objects.editable_by(world.lawyer_f).exists()


def test_a_user_with_several_roles_sees_each_roles_questions_once(world, team):
    """Roles through other tables (a lawyer's firm) are branches of a UNION; the
    question's own columns (asker, district) are one indexed condition."""
    pair(world)
    routed = ask(world)  # asked by the resident, routed to the liaison's firm F
    # The liaison asks a question of their own in B1 (not routed to firm F).
    set_home_community(user=world.lawyer_f, community=world.community_b1)
    own = ask(
        world,
        user=world.lawyer_f,
        community=world.community_b1,
        text="B1 社区的电梯坏了一个月没人修怎么办",
    )
    rows = list(Question.objects.visible_to(world.lawyer_f).values_list("pk", flat=True))
    assert sorted(rows) == sorted({routed.pk, own.pk}) and len(rows) == 2
    lawyer_sql = str(Question.objects.visible_to(world.lawyer_f).query).upper()
    assert "UNION ALL" in lawyer_sql
    # A resident or a bureau: one condition on the question's columns, no UNION.
    for user in (world.resident, world.bureau_admin):
        assert "UNION" not in str(Question.objects.visible_to(user).query).upper()
    assert visible(Question, world.bureau_admin) == {routed.pk, own.pk}


def test_duty_pool_only_on_duty_days(world, team):
    DutyShift.objects.create(district=world.district, date=date(2020, 1, 1), lawyer=team.duty_a)
    q = ask(world)  # nobody to route to
    assert visible(Question, team.duty_a.user) == set()
    DutyShift.objects.create(district=world.district, date=timezone.localdate(), lawyer=team.duty_a)
    services.assign_next(q, now=timezone.now())
    assert visible(Question, team.duty_a.user) == {q.pk}


def assigned(user):
    return set(Question.objects.assigned_to(user, LIVE_ASSIGNMENT).values_list("pk", flat=True))


def test_assigned_to_is_the_lawyers_own_live_open_questions(world, team):
    """The queue's rows: the user's own live assignments on open questions, a part of
    what they may see (not the firm's, not closed ones, nothing for other roles)."""
    pair(world)
    q = ask(world)  # routed to the liaison L (user lawyer_f) of firm F
    other = ask(world, text="第二个问题：邻居装修噪音太大，晚上十点还在施工怎么办？")
    assert assigned(world.lawyer_f) == {q.pk, other.pk}
    assert assigned(world.lawyer_f) <= visible(Question, world.lawyer_f)
    # A colleague of the same firm sees the questions but has none of them to answer.
    assert visible(Question, team.colleague.user) == {q.pk, other.pk}
    for user in (team.colleague.user, world.firm_admin_f, world.resident, world.superuser):
        assert assigned(user) == set(), user
    services.close_question(actor=world.resident, question=other, rating=None)
    assert assigned(world.lawyer_f) == {q.pk}
    assignment = QuestionAssignment.objects.get(question=q, lawyer=world.lawyer_l)
    assignment.status = AssignmentStatus.DECLINED
    assignment.save(update_fields=["status"])
    assert assigned(world.lawyer_f) == set()


def test_duty_pool_of_is_open_unanswered_duty_questions_on_a_duty_day(world, team):
    now = timezone.now()
    today = timezone.localdate(now)
    duty(world, today, team.duty_a)
    q = ask(world, now=now)  # no pairing: routed to the duty lawyer A
    pool = Question.objects.duty_pool_of
    assert QuestionAssignment.objects.filter(question=q, lawyer=team.duty_a).exists()
    # B, of the same district, sees the pool only on a day B is on duty.
    assert set(pool(team.duty_b.user)) == set()
    duty(world, today, team.duty_b)
    assert set(pool(team.duty_b.user)) == {q}
    assert set(pool(team.duty_b.user)) <= set(Question.objects.visible_to(team.duty_b.user))
    for user in (world.resident, world.bureau_admin, world.superuser):
        assert set(pool(user)) == set(), user
    services.confirm_no_conflict(actor=team.duty_a.user, question=q)
    services.post_reply(actor=team.duty_a.user, question=q, text="您好，可以先和房东协商。")
    assert set(pool(team.duty_b.user)) == set()  # answered: out of the pool


def test_roster_quotes_notices_and_knowledge_scope(world, team):
    shift = DutyShift.objects.create(
        district=world.district, date=date(2026, 10, 1), lawyer=world.lawyer_l
    )
    swap = DutySwapRequest.objects.create(
        shift=shift, requester=world.lawyer_l, to_lawyer=team.duty_a, reason="出差"
    )
    for user in (world.bureau_admin, world.lawyer_f, world.street_staff_a, world.firm_admin_f):
        assert visible(DutyShift, user) == {shift.pk}
    for user in (world.resident, world.outsider):
        assert visible(DutyShift, user) == set()
    assert visible(DutySwapRequest, world.lawyer_f) == {swap.pk}
    assert visible(DutySwapRequest, team.duty_a.user) == {swap.pk}
    assert visible(DutySwapRequest, world.lawyer_g) == set()
    assert set(DutySwapRequest.objects.editable_by(world.lawyer_f)) == set()
    assert set(DutySwapRequest.objects.editable_by(world.bureau_admin)) == {swap}

    r = ServiceRequest.objects.create(
        case_number="FW-330102-20261001-000001",
        district=world.district,
        resident=world.resident,
        lawyer=world.lawyer_l,
        description="起草合同",
    )
    for user, seen in (
        (world.resident, True),
        (world.lawyer_f, True),
        (world.firm_admin_f, True),
        (world.bureau_admin, True),
        (world.lawyer_g, False),
        (world.outsider, False),
        (world.community_staff_a1, False),
    ):
        assert (r.pk in visible(ServiceRequest, user)) is seen, user

    n = Notice.objects.create(
        user=world.resident, kind="reply", title="t", created_at=timezone.now()
    )
    assert visible(Notice, world.resident) == {n.pk}
    assert visible(Notice, world.bureau_admin) == set()
    assert KnowledgeEntry.objects.visible_to(None).count() == 0
