"""Posting, routing, the conflict check, hand-over, replies, deadlines, closing."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import User
from consultations import services
from consultations.choices import AssignmentReason, AssignmentStatus, QuestionStatus
from consultations.models import Notice, Question, QuestionAssignment, QuestionAttachment
from consultations.numbering import CASE_NUMBER_RE, next_case_number
from consultations.querysets import can_read_text
from firms.models import Lawyer
from regions.models import ResidentProfile
from regions.services import update_district_settings

from .conftest import T0, TEXT, TODAY, ask, category, duty, pair

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def statuses(question: Question) -> dict[str, tuple[str, str]]:
    return {
        a.lawyer.name: (a.reason, a.status)
        for a in question.assignments.select_related("lawyer").order_by("id")
    }


# --- posting ---------------------------------------------------------------------------


def test_posting_sets_number_deadline_and_reminders(world):
    pair(world)
    q = ask(world)
    assert CASE_NUMBER_RE.match(q.case_number)
    assert q.case_number == "ZX-330102-20260902-000001"
    assert q.reply_deadline == T0 + timedelta(hours=24)
    assert q.reminder1_due_at == T0 + timedelta(hours=12)
    assert q.reminder2_due_at == T0 + timedelta(hours=20)
    assert q.district == world.district
    assert q.status == QuestionStatus.OPEN
    assert q.first_replied_at is None and q.deadline_met is None


def test_deadline_follows_the_district_setting(world):
    update_district_settings(
        actor=world.bureau_admin, district=world.district, values={"reply_deadline_hours": 48}
    )
    q = ask(world)
    assert q.reply_deadline == T0 + timedelta(hours=48)
    assert q.reminder1_due_at == T0 + timedelta(hours=24)


def test_case_numbers_count_per_district_and_day(world):
    first = next_case_number("ZX", "330102", TODAY)
    second = next_case_number("ZX", "330102", TODAY)
    other_day = next_case_number("ZX", "330102", TODAY + timedelta(days=1))
    other_kind = next_case_number("FW", "330102", TODAY)
    assert (first, second) == ("ZX-330102-20260902-000001", "ZX-330102-20260902-000002")
    assert other_day.endswith("20260903-000001")
    assert other_kind == "FW-330102-20260902-000001"
    with pytest.raises(ValueError):
        next_case_number("zx", "330102", TODAY)


def test_same_text_twice_within_minutes_is_one_question(world):
    first = ask(world)
    again, created = services.post_question(
        actor=world.resident,
        draft=services.Draft(
            community=world.community_a1, category=category(), text=" " + TEXT.replace("，", "， ")
        ),
        now=T0 + timedelta(minutes=3),
    )
    assert (again.pk, created) == (first.pk, False)
    later = ask(world, now=T0 + timedelta(minutes=30))
    assert later.pk != first.pk
    assert Question.objects.count() == 2


def test_flood_of_questions_is_refused(world):
    for i in range(services.QUESTIONS_PER_HOUR):
        ask(
            world,
            text=f"第{i}个问题：房东不退押金怎么办，已经催了很多次",
            now=T0 + timedelta(minutes=i),
        )
    with pytest.raises(ValidationError, match="提问过于频繁"):
        ask(world, text="再问一个不同的问题：物业费能不能拒交呢", now=T0 + timedelta(minutes=20))
    assert Question.objects.count() == services.QUESTIONS_PER_HOUR
    # An hour later it works again.
    ask(world, text="再问一个不同的问题：物业费能不能拒交呢", now=T0 + timedelta(minutes=70))


@pytest.mark.parametrize(
    ("field", "changes", "message"),
    [
        ("text", {"text": "太短"}, "至少 10 个字"),
        ("category", {"category": "inactive"}, "类别已停用"),
        ("chosen_lawyer", {"chosen_lawyer": "other_district"}, "不在本区名录"),
    ],
)
def test_bad_drafts_change_nothing(world, field, changes, message):
    from core.testing import make_lawyer

    draft = {"community": world.community_a1, "category": category(), "text": TEXT}
    draft.update(changes)
    if draft.get("category") == "inactive":
        c = category("其他")
        c.is_active = False
        c.save()
        draft["category"] = c
    if draft.get("chosen_lawyer") == "other_district":
        draft["chosen_lawyer"] = make_lawyer(world.other_firm, "外区律师")
    with pytest.raises(ValidationError) as exc:
        services.post_question(actor=world.resident, draft=services.Draft(**draft), now=T0)
    assert message in str(exc.value.message_dict[field])
    assert Question.objects.count() == 0


def test_attachments_are_type_and_size_checked(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    good = SimpleUploadedFile("伤情.png", PNG, content_type="image/png")
    q = ask(world, attachments=[good])
    att = q.attachments.get()
    assert (att.original_name, att.content_type, att.size) == ("伤情.png", "image/png", len(PNG))
    assert "伤情" not in att.file.name  # stored under a random name
    fake = SimpleUploadedFile("病历.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    exe = SimpleUploadedFile("a.exe", b"MZ", content_type="application/octet-stream")
    big = SimpleUploadedFile("大图.jpg", b"\xff\xd8\xff" + b"0" * (5 * 1024 * 1024))
    for bad, message in ((fake, "内容与文件类型不符"), (exe, "类型不支持"), (big, "超过 5 MB")):
        with pytest.raises(ValidationError, match=message):
            ask(world, text=f"另一个问题，附件是{bad.name}，请律师看看", attachments=[bad])
    too_many = [SimpleUploadedFile(f"{i}.png", PNG) for i in range(6)]
    with pytest.raises(ValidationError, match="最多上传 5 个附件"):
        ask(world, text="附件太多的问题，请律师帮忙看看", attachments=too_many)
    assert Question.objects.count() == 1
    assert QuestionAttachment.objects.count() == 1


# --- routing ---------------------------------------------------------------------------


def test_routed_to_the_community_liaisons(world, team):
    pair(world, lawyers=[world.lawyer_l, team.colleague])
    q = ask(world)
    assert statuses(q) == {
        "张律师": (AssignmentReason.LIAISON, AssignmentStatus.PENDING),
        "赵律师": (AssignmentReason.LIAISON, AssignmentStatus.PENDING),
    }
    notice = Notice.objects.get(user=world.lawyer_f)
    assert q.case_number in notice.title


def test_routed_to_the_chosen_lawyer_first(world, team):
    pair(world)
    q = ask(world, chosen_lawyer=world.lawyer_other)
    assert statuses(q) == {"李律师": (AssignmentReason.CHOSEN, AssignmentStatus.PENDING)}


def test_routed_to_duty_lawyers_without_liaisons(world, team):
    duty(world, TODAY, team.duty_a, team.duty_b)
    q = ask(world, is_public=True)
    # A public question needs no conflict check.
    assert statuses(q) == {
        "钱律师": (AssignmentReason.DUTY, AssignmentStatus.ACTIVE),
        "孙律师": (AssignmentReason.DUTY, AssignmentStatus.ACTIVE),
    }


def test_nobody_to_route_to_tells_the_bureau(world):
    q = ask(world)
    assert not q.assignments.exists()
    assert Notice.objects.filter(user=world.bureau_admin, question=q).exists()


# --- the conflict check ----------------------------------------------------------------


def test_conflict_check_hides_the_text_until_confirmed(world):
    pair(world)
    q = ask(world, parties="李四", title="")
    row = (
        Question.objects.with_access(world.lawyer_f)
        .filter(pk__in=Question.objects.visible_to(world.lawyer_f))
        .get(pk=q.pk)
    )
    assert not can_read_text(world.lawyer_f, row)
    assert not can_read_text(world.lawyer_f, q)
    # The asker and the bureau read it; community staff who did not file it do not.
    assert can_read_text(world.resident, q)
    assert can_read_text(world.bureau_admin, q)
    assert not can_read_text(world.community_staff_a1, q)
    # A lawyer cannot reply before confirming.
    with pytest.raises(ValidationError, match="待确认利益冲突"):
        services.post_reply(actor=world.lawyer_f, question=q, text="先答复", now=T0)
    services.confirm_no_conflict(actor=world.lawyer_f, question=q, now=T0 + timedelta(minutes=5))
    row = (
        Question.objects.with_access(world.lawyer_f)
        .filter(pk__in=Question.objects.visible_to(world.lawyer_f))
        .get(pk=q.pk)
    )
    assert can_read_text(world.lawyer_f, row)
    a = QuestionAssignment.objects.get(question=q, lawyer=world.lawyer_l)
    assert a.conflict_confirmed_at == T0 + timedelta(minutes=5)


def test_declining_passes_it_on_to_the_duty_lawyers(world, team):
    pair(world)
    duty(world, TODAY, team.duty_a)
    q = ask(world)
    services.decline_for_conflict(
        actor=world.lawyer_f, question=q, note="对方是本所顾问单位", now=T0
    )
    assert statuses(q) == {
        "张律师": (AssignmentReason.LIAISON, AssignmentStatus.DECLINED),
        "钱律师": (AssignmentReason.DUTY, AssignmentStatus.PENDING),
    }
    assert not can_read_text(world.lawyer_f, q)
    # The decliner can neither confirm afterwards nor reply.
    with pytest.raises(ValidationError):
        services.confirm_no_conflict(actor=world.lawyer_f, question=q)


def test_declining_with_another_liaison_left_adds_nobody(world, team):
    pair(world, lawyers=[world.lawyer_l, team.colleague])
    duty(world, TODAY, team.duty_a)
    q = ask(world)
    assert services.decline_for_conflict(actor=world.lawyer_f, question=q, now=T0) == []
    assert set(statuses(q)) == {"张律师", "赵律师"}


def test_wrong_lawyer_cannot_act_on_a_question(world):
    pair(world)
    q = ask(world)
    for action in (services.confirm_no_conflict, services.decline_for_conflict):
        with pytest.raises(PermissionDenied):
            action(actor=world.lawyer_g, question=q)
    with pytest.raises(PermissionDenied):
        services.post_reply(actor=world.lawyer_g, question=q, text="我来答复", now=T0)


# --- hand-over -------------------------------------------------------------------------


def test_hand_over_to_a_colleague_with_a_reason(world, team):
    pair(world)
    q = ask(world)
    services.confirm_no_conflict(actor=world.lawyer_f, question=q)
    with pytest.raises(ValidationError, match="转交原因"):
        services.hand_over(actor=world.lawyer_f, question=q, to_lawyer=team.colleague, reason=" ")
    with pytest.raises(ValidationError, match="本所其他在职律师"):
        services.hand_over(
            actor=world.lawyer_f, question=q, to_lawyer=world.lawyer_other, reason="专业不对口"
        )
    services.hand_over(
        actor=world.lawyer_f, question=q, to_lawyer=team.colleague, reason="赵律师擅长侵权纠纷"
    )
    assert statuses(q) == {
        "张律师": (AssignmentReason.LIAISON, AssignmentStatus.HANDED_OVER),
        "赵律师": (AssignmentReason.HANDOVER, AssignmentStatus.PENDING),
    }
    mine = QuestionAssignment.objects.get(question=q, lawyer=world.lawyer_l)
    assert (mine.handed_to, mine.note) == (team.colleague, "赵律师擅长侵权纠纷")
    # The colleague still does the conflict check before reading.
    assert not can_read_text(team.colleague.user, q)


# --- replies and the deadline ------------------------------------------------------------


def _answer(world, q, when):
    services.confirm_no_conflict(actor=world.lawyer_f, question=q, now=when)
    return services.post_reply(
        actor=world.lawyer_f, question=q, text="可以要求狗的饲养人承担赔偿责任。", now=when
    )


def test_reply_in_time_records_deadline_met(world, sms_outbox, django_capture_on_commit_callbacks):
    pair(world)
    q = ask(world)
    with django_capture_on_commit_callbacks(execute=True):
        _answer(world, q, T0 + timedelta(hours=23, minutes=59))
    q.refresh_from_db()
    assert q.deadline_met is True
    assert q.status == QuestionStatus.ANSWERED
    assert q.first_reply_lawyer == world.lawyer_l
    assert q.first_replied_at == T0 + timedelta(hours=23, minutes=59)
    assert sms_outbox[-1][0] == world.resident.phone
    assert q.case_number in sms_outbox[-1][1]


def test_reply_after_deadline_records_deadline_missed(world):
    pair(world)
    q = ask(world)
    _answer(world, q, T0 + timedelta(hours=24, minutes=1))
    # A second reply does not change the record.
    services.post_reply(actor=world.lawyer_f, question=q, text="补充：保留好医疗票据。", now=T0)
    q.refresh_from_db()
    assert q.deadline_met is False
    assert q.first_replied_at == T0 + timedelta(hours=24, minutes=1)


def test_resident_follow_up_does_not_count_as_answer(world):
    pair(world)
    q = ask(world)
    services.post_reply(actor=world.resident, question=q, text="补充：是邻居家的大型犬。", now=T0)
    q.refresh_from_db()
    assert q.first_replied_at is None and q.status == QuestionStatus.OPEN


def test_close_and_rate(world):
    pair(world)
    q = ask(world)
    with pytest.raises(ValidationError, match="尚无律师答复"):
        services.close_question(actor=world.resident, question=q, rating=5)
    _answer(world, q, T0 + timedelta(hours=1))
    with pytest.raises(ValidationError, match="1–5"):
        services.close_question(actor=world.resident, question=q, rating=6)
    with pytest.raises(PermissionDenied):
        services.close_question(actor=world.lawyer_f, question=q, rating=5)
    services.close_question(actor=world.resident, question=q, rating=4, comment="很耐心")
    q.refresh_from_db()
    assert (q.status, q.rating, q.rating_comment) == (QuestionStatus.CLOSED, 4, "很耐心")
    with pytest.raises(ValidationError, match="已结束"):
        services.post_reply(actor=world.lawyer_f, question=q, text="再补充一句", now=T0)
    with pytest.raises(ValidationError, match="已结束"):
        services.close_question(actor=world.resident, question=q, rating=5)


def test_a_rating_is_kept_on_the_lawyer_who_answered(world):
    pair(world)
    lawyer = world.lawyer_l
    assert (lawyer.rating_count, lawyer.rating) == (0, None)
    for stars in (5, 4):
        q = ask(world, text=f"{TEXT}（第 {stars} 次）")
        _answer(world, q, T0 + timedelta(hours=1))
        services.close_question(actor=world.resident, question=q, rating=stars)
    lawyer.refresh_from_db()
    assert (lawyer.rating_total, lawyer.rating_count, lawyer.rating) == (9, 2, 4.5)
    # Closed without an answer: no rating, nothing changes.
    services.close_question(
        actor=world.resident, question=ask(world, text=f"{TEXT}（未答）"), rating=None
    )
    lawyer.refresh_from_db()
    assert (lawyer.rating_total, lawyer.rating_count) == (9, 2)
    # A recount from the questions gives the same, and zero for a lawyer never rated.
    Lawyer.objects.filter(pk=lawyer.pk).update(rating_total=0, rating_count=0)
    services.recount_ratings()
    lawyer.refresh_from_db()
    assert (lawyer.rating_total, lawyer.rating_count) == (9, 2)
    assert Lawyer.objects.get(pk=world.lawyer_other.pk).rating_count == 0


# --- assisted filing -------------------------------------------------------------------------


def test_assisted_filing_creates_the_resident_and_calls_back(
    world, sms_outbox, django_capture_on_commit_callbacks
):
    pair(world)
    draft = services.Draft(community=world.community_a1, category=category(), text=TEXT)
    with django_capture_on_commit_callbacks(execute=True):
        q, created = services.file_for_resident(
            actor=world.community_staff_a1,
            draft=draft,
            resident_name="陈阿婆",
            resident_phone="138 0013 8000",
            now=T0,
        )
    assert created
    resident = User.objects.get(phone="13800138000")
    assert (resident.name, resident.has_usable_password()) == ("陈阿婆", False)
    assert ResidentProfile.objects.get(user=resident).community == world.community_a1
    assert (q.asker, q.filed_by, q.contact_phone) == (
        resident,
        world.community_staff_a1,
        "13800138000",
    )
    assert sms_outbox[-1][0] == "13800138000" and q.case_number in sms_outbox[-1][1]
    # The resident and the filer both read it; the filer's colleagues see it, unread.
    assert can_read_text(resident, q) and can_read_text(world.community_staff_a1, q)
    assert Question.objects.visible_to(resident).filter(pk=q.pk).exists()


def test_assisted_filing_outside_own_community_is_refused(world):
    draft = services.Draft(community=world.community_b1, category=category(), text=TEXT)
    with pytest.raises(PermissionDenied):
        services.file_for_resident(
            actor=world.community_staff_a1,
            draft=draft,
            resident_name="陈阿婆",
            resident_phone="13800138000",
        )
    with pytest.raises(PermissionDenied):
        services.file_for_resident(
            actor=world.resident, draft=draft, resident_name="陈阿婆", resident_phone="13800138000"
        )
    draft = services.Draft(community=world.community_a1, category=category(), text=TEXT)
    with pytest.raises(ValidationError) as exc:
        services.file_for_resident(
            actor=world.community_staff_a1, draft=draft, resident_name="陈", resident_phone="123"
        )
    assert set(exc.value.message_dict) == {"resident_name", "resident_phone"}
    assert not Question.objects.exists()
    assert not User.objects.filter(phone="13800138000").exists()


def test_case_number_format_is_documented():
    from consultations import numbering

    assert re.search(r"ZX-330102-20261128-000123", numbering.__doc__ or "")


def test_rating_an_answer_earns_points_once(world):
    from points.models import EarningRule, LedgerEntry

    EarningRule.objects.create(district=world.district, action="answer_rating", points=5)
    pair(world)
    q = ask(world)
    _answer(world, q, T0 + timedelta(hours=1))
    services.close_question(actor=world.resident, question=q, rating=5, now=T0 + timedelta(hours=2))
    entries = LedgerEntry.objects.filter(account__user=world.resident)
    assert [(e.kind, e.amount) for e in entries] == [("earn", 5)]
    with pytest.raises(ValidationError, match="已结束"):
        services.close_question(actor=world.resident, question=q, rating=5)
    assert entries.count() == 1
