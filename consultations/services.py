"""Questions: posting (also on a resident's behalf), routing, the conflict check,
hand-over, replies, closing and rating, the knowledge base, and the service-level
work of the jobs (reminders, escalation). Every state change is here."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import Role
from consultations import knowledge
from consultations.choices import (
    LIVE_ASSIGNMENT,
    AssignmentReason,
    AssignmentStatus,
    NoticeKind,
    QuestionStatus,
)
from consultations.models import (
    Category,
    KnowledgeEntry,
    Question,
    QuestionAssignment,
    QuestionAttachment,
    Reply,
)
from consultations.notify import (
    bureau_users,
    local_time,
    notify_lawyers,
    notify_users,
    question_url,
    sms_after_commit,
)
from consultations.numbering import QUESTION_PREFIX, next_case_number
from consultations.text import clean_text
from core.scope import get_principal
from core.validators import normalize_phone, normalize_text, validate_phone
from firms import services as firm_services
from firms.models import Lawyer
from pairing.models import Liaison
from points import services as points_services
from points.choices import Action as PointsAction
from regions import services as region_services
from regions.models import Community

# Limits (overridable in settings for a district that needs others).
QUESTIONS_PER_HOUR = getattr(settings, "CONSULTATION_QUESTIONS_PER_HOUR", 5)
FILINGS_PER_HOUR = getattr(settings, "CONSULTATION_FILINGS_PER_HOUR", 30)
DUPLICATE_MINUTES = 10
MIN_TEXT, MAX_TEXT = 10, 3000
MAX_ATTACHMENTS = 5
MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
# Allowed attachments: extension → the first bytes every such file starts with.
ATTACHMENT_TYPES: dict[str, tuple[str, tuple[bytes, ...]]] = {
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (b"PK\x03\x04",),
    ),
}
# Reminders at these fractions of the reply window: 12 h and 20 h of 24 h.
REMINDER_FRACTIONS = (0.5, 20 / 24)


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


def text_hash(text: str) -> str:
    """The same question typed twice (spaces and width aside) hashes the same."""
    compact = "".join(normalize_text(text).split())
    return hashlib.sha256(compact.encode()).hexdigest()


# --- attachments ------------------------------------------------------------------


def check_attachments(files: Sequence[UploadedFile]) -> list[tuple[UploadedFile, str]]:
    """(file, content type) of each upload, or a ValidationError saying what is wrong."""
    if len(files) > MAX_ATTACHMENTS:
        raise ValidationError({"attachments": _("最多上传 %(n)s 个附件") % {"n": MAX_ATTACHMENTS}})
    checked = []
    for upload in files:
        name = upload.name or ""
        suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
        kind = ATTACHMENT_TYPES.get(suffix)
        if kind is None:
            raise ValidationError(
                {
                    "attachments": _("附件“%(name)s”的类型不支持，只能上传 JPG、PNG、PDF 或 DOCX")
                    % {"name": name}
                }
            )
        if upload.size is None or upload.size > MAX_ATTACHMENT_BYTES:
            raise ValidationError({"attachments": _("附件“%(name)s”超过 5 MB") % {"name": name}})
        head = upload.read(16)
        upload.seek(0)
        if not any(head.startswith(magic) for magic in kind[1]):
            raise ValidationError(
                {"attachments": _("附件“%(name)s”的内容与文件类型不符") % {"name": name}}
            )
        checked.append((upload, kind[0]))
    return checked


# --- posting -----------------------------------------------------------------------


@dataclass
class Draft:
    """What a resident (or staff on their behalf) writes."""

    community: Community
    category: Category
    text: str
    is_public: bool = False
    title: str = ""
    parties: str = ""
    chosen_lawyer: Lawyer | None = None
    attachments: Sequence[UploadedFile] = ()


def _clean_draft(draft: Draft) -> None:
    draft.text = clean_text(draft.text)
    draft.title = clean_text(draft.title)[:80]
    draft.parties = clean_text(draft.parties)[:200]
    errors: dict[str, Any] = {}
    if len(draft.text) < MIN_TEXT:
        errors["text"] = _("请把问题描述清楚（至少 %(n)s 个字）") % {"n": MIN_TEXT}
    elif len(draft.text) > MAX_TEXT:
        errors["text"] = _("问题描述不能超过 %(n)s 个字") % {"n": MAX_TEXT}
    if not draft.category.is_active:
        errors["category"] = _("所选类别已停用")
    community = draft.community
    if not (community.is_active and community.street.is_active):
        errors["community"] = _("所选社区已停用")
    lawyer = draft.chosen_lawyer
    if lawyer is not None and (
        not lawyer.is_active
        or not lawyer.firm.is_active
        or lawyer.firm.district_id != community.street.district_id
    ):
        errors["chosen_lawyer"] = _("所选律师不在本区名录中")
    if errors:
        raise ValidationError(errors)
    if not draft.title:
        draft.title = draft.text.splitlines()[0][:30]


@transaction.atomic
def post_question(
    *,
    actor: User,
    draft: Draft,
    now: datetime | None = None,
    filed_for: User | None = None,
    contact_name: str = "",
    contact_phone: str = "",
) -> tuple[Question, bool]:
    """Post a question; returns (question, created). The same text from the same
    person within DUPLICATE_MINUTES is the earlier question (created is False); more
    than QUESTIONS_PER_HOUR in an hour is refused. The question gets its case number
    and deadlines and is routed at once."""
    now = _now(now)
    _clean_draft(draft)
    files = check_attachments(draft.attachments)
    asker = filed_for or actor
    # Serialize one person's posts, so that two quick submits cannot both pass.
    User.objects.select_for_update().filter(pk=asker.pk).first()
    digest = text_hash(draft.text)
    duplicate = (
        Question.objects.filter(
            asker=asker,
            text_hash=digest,
            posted_at__range=(now - timedelta(minutes=DUPLICATE_MINUTES), now),
        )
        .order_by("-posted_at")
        .first()
    )
    if duplicate is not None:
        return duplicate, False
    last_hour = (now - timedelta(hours=1), now)
    if (
        Question.objects.filter(asker=asker, posted_at__range=last_hour).count()
        >= QUESTIONS_PER_HOUR
    ):
        raise ValidationError(_("提问过于频繁，请一小时后再试"), code="flood")
    if (
        filed_for is not None
        and Question.objects.filter(filed_by=actor, posted_at__range=last_hour).count()
        >= FILINGS_PER_HOUR
    ):
        raise ValidationError(_("代为提交过于频繁，请稍后再试"), code="flood")

    district = draft.community.street.district
    hours = region_services.settings_for(district).reply_deadline_hours
    window = timedelta(hours=hours)
    question = Question.objects.create(
        case_number=next_case_number(QUESTION_PREFIX, district.code, timezone.localdate(now)),
        district=district,
        community=draft.community,
        category=draft.category,
        asker=asker,
        filed_by=actor if filed_for is not None else None,
        contact_name=contact_name,
        contact_phone=contact_phone,
        title=draft.title,
        text=draft.text,
        parties=draft.parties,
        is_public=draft.is_public,
        chosen_lawyer=draft.chosen_lawyer,
        text_hash=digest,
        posted_at=now,
        reply_deadline=now + window,
        reminder1_due_at=now + window * REMINDER_FRACTIONS[0],
        reminder2_due_at=now + window * REMINDER_FRACTIONS[1],
    )
    for upload, content_type in files:
        QuestionAttachment.objects.create(
            question=question,
            file=upload,
            original_name=(upload.name or "")[:200],
            size=upload.size or 0,
            content_type=content_type,
        )
    if not assign_next(question, now=now):
        notify_users(
            bureau_users(district.pk),
            kind=NoticeKind.OVERDUE,
            title=_("咨询 %(no)s 暂无可分派的律师") % {"no": question.case_number},
            body=_("该社区没有联络律师，今日也没有值班律师，请及时安排。"),
            url=question_url(question),
            question=question,
            now=now,
        )
    return question, True


def can_file_for(actor: User, community: Community) -> bool:
    """Community staff of the community (and its street's 司法所) file for residents."""
    p = get_principal(actor)
    return community.pk in p.ids(Role.COMMUNITY_STAFF) or community.street_id in p.ids(
        Role.STREET_STAFF
    )


@transaction.atomic
def file_for_resident(
    *,
    actor: User,
    draft: Draft,
    resident_name: str,
    resident_phone: str,
    now: datetime | None = None,
) -> tuple[Question, bool]:
    """Assisted filing: staff post for a resident who cannot. The question belongs to
    the resident's phone (an account is created for a new phone, with no password:
    the resident can later sign in by SMS code) and the resident is called back."""
    if not can_file_for(actor, draft.community):
        raise PermissionDenied
    name = normalize_text(resident_name)[:50]
    phone = normalize_phone(resident_phone)
    errors = {}
    if len(name) < 2:
        errors["resident_name"] = _("请填写居民姓名")
    try:
        validate_phone(phone)
    except ValidationError as exc:
        errors["resident_phone"] = exc.messages[0]
    if errors:
        raise ValidationError(errors)
    resident = User.objects.filter(phone=phone).first()
    if resident is None:
        resident = User.objects.create_user(phone, name=name)
        region_services.set_home_community(user=resident, community=draft.community)
    elif resident.pk == actor.pk:
        raise ValidationError({"resident_phone": _("请填写居民本人的手机号")})
    question, created = post_question(
        actor=actor,
        draft=draft,
        now=now,
        filed_for=resident,
        contact_name=name,
        contact_phone=phone,
    )
    if created:
        sms_after_commit(
            phone,
            _("社区工作人员已代您提交法律咨询（编号 %(no)s），律师答复后社区会与您联系。")
            % {"no": question.case_number},
        )
    return question, created


# --- routing ------------------------------------------------------------------------


def duty_lawyers(district_id: int, day: Any) -> list[Lawyer]:
    return list(
        Lawyer.objects.filter(
            duty_shifts__district_id=district_id, duty_shifts__date=day, is_active=True
        )
        .select_related("user")
        .order_by("duty_shifts__id")
    )


def _route_groups(question: Question, day: Any) -> list[tuple[str, list[Lawyer]]]:
    """Who may answer, in order: the lawyer the resident picked, the liaison lawyers
    of the community, the day's duty lawyers."""
    groups: list[tuple[str, list[Lawyer]]] = []
    if question.chosen_lawyer_id:
        chosen = Lawyer.objects.select_related("user").filter(
            pk=question.chosen_lawyer_id, is_active=True
        )
        groups.append((AssignmentReason.CHOSEN, list(chosen)))
    liaisons = Lawyer.objects.filter(
        pk__in=Liaison.objects.active()
        .filter(pairing__community_id=question.community_id)
        .values("lawyer_id"),
        is_active=True,
    ).select_related("user")
    groups.append((AssignmentReason.LIAISON, list(liaisons.order_by("pk"))))
    groups.append((AssignmentReason.DUTY, duty_lawyers(question.district_id, day)))
    return groups


def _assign(
    question: Question, lawyers: Sequence[Lawyer], reason: str, now: datetime, note: str = ""
) -> list[QuestionAssignment]:
    status = AssignmentStatus.ACTIVE if question.is_public else AssignmentStatus.PENDING
    rows = [
        QuestionAssignment.objects.create(
            question=question, lawyer=lawyer, reason=reason, status=status, note=note
        )
        for lawyer in lawyers
    ]
    if rows:
        deadline = local_time(question.reply_deadline)
        notify_lawyers(
            lawyers,
            kind=NoticeKind.ASSIGNED,
            title=_("新的法律咨询 %(no)s") % {"no": question.case_number},
            body=_("请于 %(t)s 前答复。") % {"t": deadline},
            url=question_url(question),
            question=question,
            now=now,
            sms=_("您有一条新的法律咨询（编号 %(no)s），请于 %(t)s 前登录答复。")
            % {"no": question.case_number, "t": deadline},
        )
    return rows


def assign_next(question: Question, *, now: datetime) -> list[QuestionAssignment]:
    """Route to the first group in order that has lawyers not yet assigned."""
    taken = set(question.assignments.values_list("lawyer_id", flat=True))
    for reason, lawyers in _route_groups(question, timezone.localdate(now)):
        fresh = [lawyer for lawyer in lawyers if lawyer.pk not in taken]
        if fresh:
            return _assign(question, fresh, reason, now)
    return []


def _my_assignment(actor: User, question: Question, *statuses: str) -> QuestionAssignment:
    lawyers = get_principal(actor).ids(Role.LAWYER)
    row = (
        QuestionAssignment.objects.select_for_update(of=("self",))
        .filter(question=question, lawyer_id__in=lawyers)
        .select_related("lawyer")
        .first()
    )
    if row is None:
        raise PermissionDenied
    if statuses and row.status not in statuses:
        raise ValidationError(
            _("该咨询当前为“%(s)s”状态，不能执行此操作") % {"s": row.get_status_display()}
        )
    return row


@transaction.atomic
def confirm_no_conflict(
    *, actor: User, question: Question, now: datetime | None = None
) -> QuestionAssignment:
    """The lawyer saw the parties' names and confirms no conflict of interest: from
    now on they read the text."""
    row = _my_assignment(actor, question, AssignmentStatus.PENDING, AssignmentStatus.ACTIVE)
    if row.status == AssignmentStatus.ACTIVE:
        return row  # a public question, or confirmed before
    row.status = AssignmentStatus.ACTIVE
    row.conflict_confirmed_at = _now(now)
    row.save(update_fields=["status", "conflict_confirmed_at", "updated_at"])
    return row


@transaction.atomic
def decline_for_conflict(
    *, actor: User, question: Question, note: str = "", now: datetime | None = None
) -> list[QuestionAssignment]:
    """The lawyer has a conflict of interest: they withdraw before reading, and the
    question passes on (another liaison who still holds it, else the next in order)."""
    if question.status == QuestionStatus.CLOSED:
        raise ValidationError(_("咨询已结束"))
    now = _now(now)
    row = _my_assignment(actor, question, AssignmentStatus.PENDING)
    row.status = AssignmentStatus.DECLINED
    row.ended_at = now
    row.note = clean_text(note)[:200] or _("存在利益冲突")
    row.save(update_fields=["status", "ended_at", "note", "updated_at"])
    if question.assignments.filter(status__in=LIVE_ASSIGNMENT).exists():
        return []
    return assign_next(question, now=now)


@transaction.atomic
def hand_over(
    *,
    actor: User,
    question: Question,
    to_lawyer: Lawyer,
    reason: str,
    now: datetime | None = None,
) -> QuestionAssignment:
    """Hand the question to a colleague of the same firm, with a reason."""
    now = _now(now)
    row = _my_assignment(actor, question, AssignmentStatus.ACTIVE)
    reason = clean_text(reason)
    if question.status == QuestionStatus.CLOSED:
        raise ValidationError(_("咨询已结束"))
    if len(reason) < 2:
        raise ValidationError({"reason": _("请填写转交原因")})
    if (
        to_lawyer.pk == row.lawyer_id
        or to_lawyer.firm_id != row.lawyer.firm_id
        or not to_lawyer.is_active
    ):
        raise ValidationError({"to_lawyer": _("只能转交给本所其他在职律师")})
    if question.assignments.filter(lawyer=to_lawyer).exists():
        raise ValidationError({"to_lawyer": _("该律师已处理过此咨询，不能再转交给他")})
    row.status = AssignmentStatus.HANDED_OVER
    row.handed_to = to_lawyer
    row.note = reason[:200]
    row.ended_at = now
    row.save(update_fields=["status", "handed_to", "note", "ended_at", "updated_at"])
    return _assign(question, [to_lawyer], AssignmentReason.HANDOVER, now, note=reason[:200])[0]


@transaction.atomic
def take_from_pool(
    *, actor: User, question: Question, now: datetime | None = None
) -> QuestionAssignment:
    """A duty lawyer takes a question of the duty pool that is not yet theirs."""
    from consultations.models import DutyShift

    now = _now(now)
    p = get_principal(actor)
    lawyer = Lawyer.objects.filter(pk__in=p.ids(Role.LAWYER), is_active=True).first()
    if (
        lawyer is None
        or not DutyShift.objects.filter(
            lawyer=lawyer, date=timezone.localdate(now), district_id=question.district_id
        ).exists()
    ):
        raise PermissionDenied
    if question.status == QuestionStatus.CLOSED:
        raise ValidationError(_("咨询已结束"))
    if question.assignments.filter(lawyer=lawyer).exists():
        raise ValidationError(_("您已在处理此咨询"))
    return _assign(question, [lawyer], AssignmentReason.DUTY, now)[0]


# --- the thread ------------------------------------------------------------------------


def _visible(actor: User, question: Question) -> Question:
    found = (
        Question.objects.visible_to(actor)
        .filter(pk=question.pk)
        .select_for_update(of=("self",))
        .first()
    )
    if found is None:
        raise PermissionDenied
    return found


@transaction.atomic
def post_reply(*, actor: User, question: Question, text: str, now: datetime | None = None) -> Reply:
    """A reply by the resident (or who filed for them) or by an assigned lawyer who
    has cleared the conflict check. The first lawyer reply records whether the
    deadline was met."""
    now = _now(now)
    question = _visible(actor, question)
    text = clean_text(text)
    if question.status == QuestionStatus.CLOSED:
        raise ValidationError(_("咨询已结束，不能再回复"))
    if not 2 <= len(text) <= MAX_TEXT:
        raise ValidationError({"text": _("回复内容应为 2–%(n)s 个字") % {"n": MAX_TEXT}})
    own = actor.pk in (question.asker_id, question.filed_by_id)
    lawyer = None
    if not own:
        lawyer = _my_assignment(actor, question, AssignmentStatus.ACTIVE).lawyer
    reply = Reply.objects.create(
        question=question, author=actor, lawyer=lawyer, text=text, posted_at=now
    )
    if lawyer is None:
        notify_lawyers(
            Lawyer.objects.filter(
                assignments__question=question, assignments__status=AssignmentStatus.ACTIVE
            ).select_related("user"),
            kind=NoticeKind.REPLY,
            title=_("咨询 %(no)s 有新的追问") % {"no": question.case_number},
            url=question_url(question),
            question=question,
            now=now,
        )
        return reply
    first = Question.objects.filter(pk=question.pk, first_replied_at__isnull=True).update(
        first_replied_at=now,
        first_reply_lawyer=lawyer,
        deadline_met=now <= question.reply_deadline,
        status=QuestionStatus.ANSWERED,
    )
    if not first and question.status == QuestionStatus.OPEN:
        Question.objects.filter(pk=question.pk).update(status=QuestionStatus.ANSWERED)
    question.refresh_from_db()
    people = [question.asker] + ([question.filed_by] if question.filed_by else [])
    notify_users(
        people,
        kind=NoticeKind.REPLY,
        title=_("您的咨询 %(no)s 已有律师答复") % {"no": question.case_number},
        url=question_url(question),
        question=question,
        now=now,
    )
    phone = question.contact_phone or question.asker.phone
    sms_after_commit(
        phone,
        _("您的法律咨询（编号 %(no)s）已有律师答复，请登录查看。") % {"no": question.case_number}
        if not question.filed_by_id
        else _("您的法律咨询（编号 %(no)s）已有律师答复，社区工作人员会与您联系。")
        % {"no": question.case_number},
    )
    refresh_knowledge(question, now=now)
    return reply


@transaction.atomic
def close_question(
    *,
    actor: User,
    question: Question,
    rating: int | None,
    comment: str = "",
    now: datetime | None = None,
) -> Question:
    """The resident closes the thread; an answered question is rated 1–5."""
    now = _now(now)
    if not Question.objects.editable_by(actor).filter(pk=question.pk).exists():
        raise PermissionDenied
    question = Question.objects.select_for_update().get(pk=question.pk)
    if question.status == QuestionStatus.CLOSED:
        raise ValidationError(_("咨询已结束"))
    answered = question.first_replied_at is not None
    if answered and rating not in (1, 2, 3, 4, 5):
        raise ValidationError({"rating": _("请为律师的解答打分（1–5 分）")})
    if not answered and rating is not None:
        raise ValidationError({"rating": _("尚无律师答复，不能评分")})
    question.status = QuestionStatus.CLOSED
    question.closed_at = now
    question.rating = rating
    question.rating_comment = clean_text(comment)[:500]
    question.save(update_fields=["status", "closed_at", "rating", "rating_comment", "updated_at"])
    refresh_knowledge(question, now=now)
    if rating is not None:
        if question.first_reply_lawyer_id:
            recount_ratings([question.first_reply_lawyer_id])
        # Rating an answer is taking part: the asker earns points once per question.
        points_services.earn(
            user=question.asker, action=PointsAction.ANSWER_RATING, source=question, now=now
        )
    return question


def recount_ratings(lawyer_ids: Sequence[int] | None = None) -> int:
    """Count again the ratings of the answers of these lawyers (all when None) and keep
    them on the lawyer (firms.services.store_ratings): a rating belongs to the lawyer
    who replied first. One grouped query, bounded by these lawyers' questions."""
    rated = Question.objects.filter(rating__isnull=False, first_reply_lawyer__isnull=False)
    if lawyer_ids is not None:
        rated = rated.filter(first_reply_lawyer_id__in=sorted(set(lawyer_ids)))
    counted = {
        row["first_reply_lawyer"]: (row["total"] or 0, row["count"])
        for row in rated.order_by()
        .values("first_reply_lawyer")
        .annotate(total=Sum("rating"), count=Count("pk"))
    }
    ids = lawyer_ids if lawyer_ids is not None else Lawyer.objects.values_list("pk", flat=True)
    return firm_services.store_ratings({pk: counted.get(pk, (0, 0)) for pk in ids})


# --- the knowledge base ---------------------------------------------------------------------


def refresh_knowledge(question: Question, *, now: datetime) -> KnowledgeEntry | None:
    """(Re)build the knowledge entry of an answered public question."""
    if not question.is_public or question.first_replied_at is None:
        return None
    answers = list(
        question.replies.filter(lawyer__isnull=False)
        .order_by("posted_at", "id")
        .values_list("text", flat=True)
    )
    names = knowledge.party_names(question.asker.name, question.contact_name, question.parties)
    title = knowledge.scrub(question.title, names)
    text = knowledge.scrub(question.text, names)
    answer = knowledge.scrub("\n\n".join(answers), names)
    entry, _created = KnowledgeEntry.objects.update_or_create(
        question=question,
        defaults={
            "district_id": question.district_id,
            "category_id": question.category_id,
            "title": title,
            "question_text": text,
            "answer_text": answer,
            "tokens": " ".join(knowledge.segment(f"{title}\n{text}\n{answer}")),
            "published_at": question.first_replied_at,
        },
    )
    return entry


# --- service level (run by the jobs) -----------------------------------------------------


def _live_lawyers(question: Question) -> list[Lawyer]:
    return list(
        Lawyer.objects.filter(
            assignments__question=question, assignments__status__in=LIVE_ASSIGNMENT
        ).select_related("user")
    )


def send_due_reminders(*, now: datetime | None = None, batch: int = 500) -> int:
    """Remind the assigned lawyers of open questions whose reminder time has come
    (12 h and 20 h into a 24 h window). Each reminder is claimed with a conditional
    update, so it goes out once however often (and however many times at once) this
    runs."""
    now = _now(now)
    sent = 0
    stages = (("reminder1_due_at", "reminder1_sent_at"), ("reminder2_due_at", "reminder2_sent_at"))
    for due_field, sent_field in stages:
        unanswered = {"first_replied_at__isnull": True, f"{sent_field}__isnull": True}
        due = (
            Question.objects.filter(
                **unanswered, **{f"{due_field}__lte": now}, reply_deadline__gt=now
            )
            .exclude(status=QuestionStatus.CLOSED)
            .order_by(due_field)
            .values_list("pk", flat=True)[:batch]
        )
        for pk in list(due):
            with transaction.atomic():
                if not Question.objects.filter(pk=pk, **unanswered).update(**{sent_field: now}):
                    continue  # claimed by another run
                question = Question.objects.get(pk=pk)
                hours = max(1, round((question.reply_deadline - now).total_seconds() / 3600))
                notify_lawyers(
                    _live_lawyers(question),
                    kind=NoticeKind.REMINDER,
                    title=_("咨询 %(no)s 距答复时限还剩约 %(h)s 小时")
                    % {"no": question.case_number, "h": hours},
                    url=question_url(question),
                    question=question,
                    now=now,
                    sms=_("法律咨询（编号 %(no)s）距答复时限还剩约 %(h)s 小时，请尽快答复。")
                    % {"no": question.case_number, "h": hours},
                )
                sent += 1
    return sent


def escalate_overdue(*, now: datetime | None = None, batch: int = 500) -> int:
    """Questions past their deadline without a lawyer's reply go to the day's duty
    lawyers and are reported to the bureau, once each (claimed by ``escalated_at``)."""
    now = _now(now)
    pending = {"first_replied_at__isnull": True, "escalated_at__isnull": True}
    due = (
        Question.objects.filter(**pending, reply_deadline__lte=now)
        .exclude(status=QuestionStatus.CLOSED)
        .order_by("reply_deadline")
        .values_list("pk", flat=True)[:batch]
    )
    escalated = 0
    for pk in list(due):
        with transaction.atomic():
            if not Question.objects.filter(pk=pk, **pending).update(escalated_at=now):
                continue
            question = Question.objects.get(pk=pk)
            taken = set(question.assignments.values_list("lawyer_id", flat=True))
            fresh = [
                lawyer
                for lawyer in duty_lawyers(question.district_id, timezone.localdate(now))
                if lawyer.pk not in taken
            ]
            _assign(question, fresh, AssignmentReason.ESCALATED, now)
            notify_users(
                bureau_users(question.district_id),
                kind=NoticeKind.OVERDUE,
                title=_("咨询 %(no)s 已超过答复时限") % {"no": question.case_number},
                body=_("已转交今日值班律师（%(n)s 名）。") % {"n": len(fresh)},
                url=question_url(question),
                question=question,
                now=now,
            )
            escalated += 1
    return escalated


def overdue_q(now: datetime) -> Q:
    """Questions past their deadline with no lawyer's reply."""
    return Q(first_replied_at__isnull=True, reply_deadline__lt=now) & ~Q(
        status=QuestionStatus.CLOSED
    )
