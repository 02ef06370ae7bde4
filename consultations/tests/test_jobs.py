"""Reminders and escalation: due at the right time, sent once, safe to run twice."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

from consultations import jobs, services
from consultations.choices import AssignmentReason, AssignmentStatus, NoticeKind
from consultations.models import Notice, Question, QuestionAssignment
from core.jobs import registered

from .conftest import T0, TODAY, ask, duty, pair


def reminders(user):
    return Notice.objects.filter(user=user, kind=NoticeKind.REMINDER).count()


def test_jobs_are_registered_every_minute():
    jobs_ = registered()
    assert jobs_["consultations.remind"].every_seconds == 60
    assert jobs_["consultations.escalate"].every_seconds == 60


def test_reminders_at_12_and_20_hours_once_each(
    world, sms_outbox, django_capture_on_commit_callbacks
):
    pair(world)
    world.lawyer_l.phone = "13700001111"
    world.lawyer_l.save()
    q = ask(world)
    assert services.send_due_reminders(now=T0 + timedelta(hours=11, minutes=59)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_due_reminders(now=T0 + timedelta(hours=12)) == 1
        assert services.send_due_reminders(now=T0 + timedelta(hours=12, minutes=1)) == 0
    assert reminders(world.lawyer_f) == 1
    assert [phone for phone, _ in sms_outbox] == ["13700001111"]
    assert "还剩约 12 小时" in sms_outbox[0][1]
    assert services.send_due_reminders(now=T0 + timedelta(hours=20)) == 1
    assert services.send_due_reminders(now=T0 + timedelta(hours=21)) == 0
    q.refresh_from_db()
    assert q.reminder1_sent_at == T0 + timedelta(hours=12)
    assert q.reminder2_sent_at == T0 + timedelta(hours=20)
    assert reminders(world.lawyer_f) == 2


def test_no_reminder_after_a_reply_or_past_the_deadline(world):
    pair(world)
    answered = ask(world)
    services.confirm_no_conflict(actor=world.lawyer_f, question=answered, now=T0)
    services.post_reply(actor=world.lawyer_f, question=answered, text="答复内容在此。", now=T0)
    ask(world, text="另一个问题：装修噪音扰民可以投诉到哪里？")
    # The scheduler was down for two days: no stale reminders, escalation instead.
    assert services.send_due_reminders(now=T0 + timedelta(hours=48)) == 0
    assert reminders(world.lawyer_f) == 0


def test_escalation_fires_exactly_once_after_the_deadline(world, team):
    pair(world)
    q = ask(world)
    day2 = TODAY + timedelta(days=1)
    duty(world, day2, team.duty_a, team.duty_b)
    assert services.escalate_overdue(now=T0 + timedelta(hours=23, minutes=59)) == 0
    at = T0 + timedelta(hours=24, minutes=1)
    assert services.escalate_overdue(now=at) == 1
    assert services.escalate_overdue(now=at + timedelta(minutes=1)) == 0
    assert services.escalate_overdue(now=at + timedelta(hours=5)) == 0
    q.refresh_from_db()
    assert q.escalated_at == at
    escalated = QuestionAssignment.objects.filter(question=q, reason=AssignmentReason.ESCALATED)
    assert {a.lawyer for a in escalated} == {team.duty_a, team.duty_b}
    assert {a.status for a in escalated} == {AssignmentStatus.PENDING}
    # The liaison keeps the question too; the bureau is told once.
    assert QuestionAssignment.objects.filter(question=q, lawyer=world.lawyer_l).exists()
    overdue = Notice.objects.filter(user=world.bureau_admin, kind=NoticeKind.OVERDUE)
    assert overdue.count() == 1
    # The bureau's board lists it as overdue.
    assert list(Question.objects.filter(services.overdue_q(at))) == [q]


def test_answered_or_closed_questions_are_not_escalated(world):
    pair(world)
    q = ask(world)
    services.confirm_no_conflict(actor=world.lawyer_f, question=q, now=T0)
    services.post_reply(actor=world.lawyer_f, question=q, text="答复内容在此。", now=T0)
    withdrawn = ask(world, text="第二个问题：借条丢了还能要回借款吗？")
    services.close_question(actor=world.resident, question=withdrawn, rating=None)
    assert services.escalate_overdue(now=T0 + timedelta(days=3)) == 0


def test_job_functions_are_idempotent_with_the_real_clock(world, team):
    pair(world)
    ask(world)
    later = T0 + timedelta(hours=30)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert jobs.escalate() == 1
        assert jobs.escalate() == 0
        assert jobs.remind() == 0
    assert Notice.objects.filter(kind=NoticeKind.OVERDUE).count() == 1


def test_idle_jobs_are_cheap(db, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        assert services.send_due_reminders() == 0
        assert services.escalate_overdue() == 0
