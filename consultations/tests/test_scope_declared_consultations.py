"""The declared scopes of consultations and mediation (querysets.py) keep the rules they
had as code: children changed only by superusers, no superuser shortcut for notices and
the knowledge base, the roster read by everyone working in the district but residents,
and the union shapes of questions and cases (the question's or the case's own columns
one arm, each way through another table an arm of its own)."""

from __future__ import annotations

from datetime import date

from django.db.models import Q
from django.utils import timezone

from consultations.models import (
    Category,
    DutyShift,
    Notice,
    Question,
    QuestionAssignment,
    Reply,
)
from core.scope import Scope, bound, get_principal, own, together
from mediation.models import Case, Party
from mediation.querysets import CaseChildQuerySet

from .conftest import ask, duty, pair


def ids(qs) -> set[int]:
    return set(qs.values_list("pk", flat=True))


def test_replies_and_assignments_are_seen_with_the_question_changed_as_before(world):
    pair(world)
    question = ask(world)
    reply = Reply.objects.create(
        question=question, author=world.resident, text="补充说明", posted_at=timezone.now()
    )
    for user in (world.resident, world.lawyer_f, world.bureau_admin, world.superuser):
        assert ids(Reply.objects.visible_to(user)) == {reply.pk}, user
    assert ids(Reply.objects.visible_to(world.lawyer_g)) == set()
    # Without an edit rule of their own, replies are "editable" as seen (the services
    # decide what may change).
    for user in (world.resident, world.superuser, world.lawyer_g):
        assert ids(Reply.objects.editable_by(user)) == ids(Reply.objects.visible_to(user)), user
    # A lawyer changes their own assignments; their firm admin sees them, no more.
    mine = ids(QuestionAssignment.objects.filter(lawyer__user=world.lawyer_f))
    assert mine and ids(QuestionAssignment.objects.editable_by(world.lawyer_f)) == mine
    assert ids(QuestionAssignment.objects.visible_to(world.firm_admin_f)) == mine
    assert ids(QuestionAssignment.objects.editable_by(world.firm_admin_f)) == set()
    # Mediation's children likewise: edited as seen, with their case.
    assert CaseChildQuerySet.editable is None


def test_shared_lists_notices_and_knowledge(world):
    every = ids(Category.objects.all())
    assert ids(Category.objects.visible_to(None)) == every
    assert ids(Category.objects.editable_by(world.bureau_admin)) == every  # as seen
    now = timezone.now()
    mine = Notice.objects.create(user=world.resident, kind="reply", title="t", created_at=now)
    theirs = Notice.objects.create(user=world.superuser, kind="reply", title="t", created_at=now)
    # Everyone, a superuser included, reads and marks their own notices only.
    assert ids(Notice.objects.visible_to(world.superuser)) == {theirs.pk}
    assert ids(Notice.objects.visible_to(world.resident)) == {mine.pk}
    assert ids(Notice.objects.editable_by(world.resident)) == {mine.pk}
    assert ids(Notice.objects.editable_by(world.superuser)) == {theirs.pk}


def test_the_roster_is_read_by_everyone_working_in_the_district(world):
    shift = duty(world, date(2026, 3, 2), world.lawyer_l)[0]
    for user in (
        world.bureau_admin,
        world.street_staff_a,
        world.community_staff_a1,
        world.firm_admin_f,
        world.lawyer_f,
    ):
        assert ids(DutyShift.objects.visible_to(user)) == {shift.pk}, user
    for user in (world.resident, world.outsider, None):
        assert ids(DutyShift.objects.visible_to(user)) == set(), user
    assert ids(DutyShift.objects.editable_by(world.bureau_admin)) == {shift.pk}
    assert ids(DutyShift.objects.editable_by(world.lawyer_f)) == set()


def test_a_branch_of_several_parts_is_one_condition(world):
    """``together`` ORs its parts into one arm; ``bound`` keeps a role's place."""
    p = get_principal(world.community_staff_a1)
    columns = together(own("asker_id"), bound("community_staff", "community_id"))
    condition = columns(Question.objects.all(), p, world.community_staff_a1)
    assert condition == Q(asker_id=p.user_id) | Q(community_id__in=sorted(p.ids("community_staff")))
    assert together(bound("lawyer", "lawyer_id"))(Question.objects.all(), p, None) is None
    scope = Scope(also=(columns,), union=True)
    assert "UNION" not in str(scope.apply(Question.objects.all(), world.community_staff_a1).query)


def test_questions_and_cases_keep_their_union_shapes(world):
    pair(world)
    ask(world)

    def arms(qs) -> int:
        sql = str(qs.query).upper()
        return sql.count("UNION ALL") + 1 if "UNION ALL" in sql else 1

    # Own columns (asked, filed, community, district) are one arm; the firm's
    # assignments, the duty pool and the street are arms of their own.
    assert arms(Question.objects.visible_to(world.community_staff_a1)) == 1
    assert arms(Question.objects.visible_to(world.bureau_admin)) == 1
    assert arms(Question.objects.visible_to(world.street_staff_a)) == 2
    assert arms(Question.objects.visible_to(world.lawyer_f)) == 3
    assert Question.objects.visible_to(world.lawyer_f).count() == 1
    # Cases: the parties' table, then the case's own columns.
    assert arms(Case.objects.visible_to(world.bureau_admin)) == 2
    assert arms(Case.objects.visible_to(world.resident)) == 2
    assert ids(Case.objects.visible_to(None)) == set()
    assert ids(Party.objects.visible_to(None)) == set()
