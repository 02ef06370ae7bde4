"""Cloud mediation: applications (online, at a desk, by a grid worker, or from a
question), the case's state machine, the message room, sessions, the agreement and
its confirmation by SMS code, and the deadline work of the jobs.

The flow: applied → accepted (or declined) → assigned → mediating → agreed (all
parties confirmed the agreement) or failed (with guidance) → followed up → archived.
Each transition is one function below: it locks the case row, checks who may do it
(``RULES``), checks the state, writes, and appends a CaseEvent to the timeline.
"""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.db.models import Q, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from accounts.roles import Role
from accounts.sms import SmsError, send_sms
from consultations.models import Question
from consultations.numbering import next_case_number
from consultations.services import check_attachments
from core.scope import get_principal
from core.validators import normalize_phone, normalize_text, validate_phone
from firms.models import Lawyer
from mediation.choices import (
    ROOM_OPEN,
    CaseStatus,
    Channel,
    DisputeCategory,
    EventKind,
    Guidance,
    OrgLevel,
    Outcome,
    PartyRole,
    SessionKind,
    SessionStatus,
)
from mediation.models import (
    Agreement,
    Case,
    CaseEvent,
    CaseFile,
    Confirmation,
    MediationLawyer,
    Mediator,
    Message,
    Organization,
    Party,
    Session,
)
from mediation.validators import normalize_id_number, validate_id_number
from regions import services as region_services
from regions.models import Community

logger = logging.getLogger(__name__)

CASE_PREFIX = "TJ"  # 调解: see consultations.numbering for the one format
SMS_PREFIX = "【尚法云】"
MIN_FACTS, MAX_FACTS = 10, 5000
MAX_TEXT = 2000
MAX_AMOUNT = Decimal("999999999999.99")
APPLICATIONS_PER_HOUR = 5
FILINGS_PER_HOUR = 30
# The reminder goes this many days before the deadline (a third of it when shorter).
REMINDER_DAYS = 5

# The parts an actor can play in a case.
MANAGE = "manage"  # accept, decline, assign: bureau, 司法所, mediators of the organization
RUN = "run"  # sessions, agreement, outcome, follow-up, archive: the assigned mediators
PARTY = "party"  # a party of the case (by account or by the phone they sign in with)
PARTICIPANT = "participant"  # writes in the room: parties, assigned mediators, the lawyer

# action → (statuses it may start from, the part it needs)
RULES: dict[str, tuple[tuple[str, ...], str]] = {
    "accept": ((CaseStatus.APPLIED,), MANAGE),
    "decline": ((CaseStatus.APPLIED,), MANAGE),
    "assign": ((CaseStatus.ACCEPTED, CaseStatus.ASSIGNED, CaseStatus.MEDIATING), MANAGE),
    "start": ((CaseStatus.ASSIGNED,), RUN),
    "schedule": ((CaseStatus.MEDIATING,), RUN),
    "record_session": ((CaseStatus.MEDIATING,), RUN),
    "draft_agreement": ((CaseStatus.MEDIATING,), RUN),
    "send_code": ((CaseStatus.MEDIATING,), PARTICIPANT),
    "confirm": ((CaseStatus.MEDIATING,), PARTY),
    "fail": ((CaseStatus.MEDIATING,), RUN),
    "follow_up": ((CaseStatus.AGREED, CaseStatus.FAILED), RUN),
    "archive": ((CaseStatus.FOLLOWED_UP,), RUN),
    "message": (tuple(ROOM_OPEN), PARTICIPANT),
}
ACTION_LABELS = {
    "accept": gettext_lazy("受理"),
    "decline": gettext_lazy("不予受理"),
    "assign": gettext_lazy("分派"),
    "start": gettext_lazy("开始调解"),
    "schedule": gettext_lazy("安排调解"),
    "record_session": gettext_lazy("记录调解"),
    "draft_agreement": gettext_lazy("拟定调解协议"),
    "send_code": gettext_lazy("发送确认验证码"),
    "confirm": gettext_lazy("确认调解协议"),
    "fail": gettext_lazy("记录调解未成功"),
    "follow_up": gettext_lazy("回访"),
    "archive": gettext_lazy("归档"),
    "message": gettext_lazy("发送留言"),
}


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


_INVISIBLE = re.compile("[\u200b\u200c\u200d\ufeff\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(value: object) -> str:
    """Free text as written (Chinese punctuation kept): invisible characters removed,
    line ends unified, trimmed."""
    if value is None:
        return ""
    text = _INVISIBLE.sub("", str(value)).replace("\r\n", "\n").replace("\r", "\n")
    return re.sub(r"\n{3,}", "\n\n", text).strip()


# --- who is who ------------------------------------------------------------------------


def prefetch_people(case: Case) -> None:
    """Read the case's parties and mediators once, for a page that asks who the viewer
    is several times (``case_mediator``, ``my_party_rows``, ``parts``). Only after every
    change of the request: the rows are not read again."""
    models.prefetch_related_objects([case], "parties", "mediators")


def _prefetched(case: Case, relation: str) -> bool:
    return relation in getattr(case, "_prefetched_objects_cache", {})


def my_parties(actor: Any, case: Case) -> models.QuerySet[Party]:
    """The actor's own party rows in the case (by account or by phone)."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return Party.objects.none()
    mine = Q(user_id=actor.pk)
    if actor.phone:
        mine |= Q(phone=actor.phone)
    return case.parties.filter(mine)


def my_party_rows(actor: Any, case: Case) -> list[Party]:
    """``my_parties`` as a list, from the prefetched parties when there are some."""
    if not _prefetched(case, "parties"):
        return list(my_parties(actor, case))
    if actor is None or not getattr(actor, "is_authenticated", False):
        return []
    return [
        party
        for party in case.parties.all()
        if party.user_id == actor.pk or (actor.phone and party.phone == actor.phone)
    ]


def case_mediator(actor: Any, case: Case) -> Mediator | None:
    """The actor as one of the case's assigned (active) mediators."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None
    if _prefetched(case, "mediators"):
        mine = [m for m in case.mediators.all() if m.user_id == actor.pk and m.is_active]
        return min(mine, key=lambda m: m.pk, default=None)
    return case.mediators.filter(user_id=actor.pk, is_active=True).first()


def parts(actor: Any, case: Case) -> set[str]:
    """The parts the actor plays in the case (see MANAGE, RUN, PARTY, PARTICIPANT)."""
    p = get_principal(actor)
    found: set[str] = set()
    if p.user_id is None:
        return found
    if (
        p.is_superuser
        or case.district_id in p.ids(Role.BUREAU_ADMIN)
        or (case.street_id is not None and case.street_id in p.ids(Role.STREET_STAFF))
        or (case.organization_id is not None and case.organization_id in p.ids(Role.MEDIATOR))
    ):
        found.add(MANAGE)
    if case_mediator(actor, case) is not None:
        found |= {RUN, PARTICIPANT}
    if case.lawyer_id is not None and case.lawyer_id in p.ids(Role.LAWYER):
        found.add(PARTICIPANT)
    if my_party_rows(actor, case):
        found |= {PARTY, PARTICIPANT}
    return found


def sees_personal_data(actor: Any, case: Case) -> bool:
    """Only the case's own mediators see phones and ID numbers unmasked."""
    return case_mediator(actor, case) is not None


def allowed_actions(actor: Any, case: Case) -> set[str]:
    """The transitions the actor may start now (for buttons and the API)."""
    have = parts(actor, case)
    return {
        action
        for action, (statuses, part) in RULES.items()
        if part in have and case.status in statuses
    }


def actor_label(actor: Any, case: Case) -> str:
    """How the actor appears on the timeline and in the room."""
    if actor is None:
        return _("系统")
    mediator = case_mediator(actor, case)
    if mediator is not None:
        return _("调解员 %(name)s") % {"name": mediator.name}
    p = get_principal(actor)
    if case.district_id in p.ids(Role.BUREAU_ADMIN):
        return _("区司法局 %(name)s") % {"name": actor}
    if case.street_id in p.ids(Role.STREET_STAFF):
        return _("司法所 %(name)s") % {"name": actor}
    if case.community_id in p.ids(Role.COMMUNITY_STAFF):
        return _("社区工作人员 %(name)s") % {"name": actor}
    if case.organization_id in p.ids(Role.MEDIATOR):
        return _("调解组织 %(name)s") % {"name": actor}
    if case.lawyer_id is not None and case.lawyer_id in p.ids(Role.LAWYER):
        return _("律师 %(name)s") % {"name": actor}
    party = my_parties(actor, case).first()
    if party is not None:
        return f"{party.get_role_display()} {party.name}"
    return str(actor)


def _lock(case: Case) -> Case:
    """Lock the row and bring the instance up to date (concurrent transitions wait)."""
    fresh = Case.objects.select_for_update().get(pk=case.pk)
    for f in Case._meta.concrete_fields:
        setattr(case, f.attname, getattr(fresh, f.attname))
    return case


def _check(actor: Any, case: Case, action: str) -> None:
    """PermissionDenied when the actor has no such part in the case; ValidationError
    (in Chinese) when the case is not in a state the action may start from."""
    statuses, part = RULES[action]
    if part not in parts(actor, case):
        raise PermissionDenied
    if case.status not in statuses:
        raise ValidationError(
            _("案件当前状态为“%(status)s”，不能%(action)s")
            % {"status": case.get_status_display(), "action": ACTION_LABELS[action]},
            code="invalid_transition",
        )


def _event(case: Case, kind: str, actor: Any, text: str, now: datetime) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case,
        kind=kind,
        actor=actor if actor is not None and actor.pk else None,
        actor_label=actor_label(actor, case)[:100],
        text=text,
        created_at=now,
    )


def _save(case: Case, *fields: str) -> None:
    case.save(update_fields=[*fields, "updated_at"])


def _send(phone: str, message: str) -> None:
    try:
        send_sms(phone, SMS_PREFIX + message)
    except SmsError:
        logger.exception("SMS to %s failed", phone[:3])


def sms_after_commit(phones: Iterable[str], message: str) -> None:
    """Texts go out once the change is committed; a failing provider undoes nothing."""
    for phone in dict.fromkeys(p for p in phones if p):
        transaction.on_commit(partial(_send, phone, message))


def _party_phones(case: Case) -> list[str]:
    return list(case.parties.exclude(phone="").values_list("phone", flat=True))


def _mediator_phones(case: Case) -> list[str]:
    return list(case.mediators.filter(is_active=True).values_list("phone", flat=True))


def _local(value: datetime) -> str:
    return timezone.localtime(value).strftime("%Y年%m月%d日 %H:%M")


# --- applications ------------------------------------------------------------------------


@dataclass
class PartyDraft:
    role: str
    name: str
    phone: str
    id_number: str = ""
    id_consent: bool = False
    address: str = ""


@dataclass
class Application:
    """What an applicant (or staff for them) fills in."""

    community: Community
    category: str
    facts: str
    parties: list[PartyDraft]
    claims: str = ""
    amount: Decimal | None = None
    organization: Organization | None = None
    lawyer: Lawyer | None = None
    evidence: Sequence[UploadedFile] = field(default_factory=tuple)


def _clean_party(index: int, party: PartyDraft, errors: list[str]) -> None:
    prefix = _("第 %(n)s 位当事人：") % {"n": index}
    party.name = normalize_text(party.name)[:100]
    party.address = normalize_text(party.address)[:200]
    party.phone = normalize_phone(party.phone)
    party.id_number = normalize_id_number(party.id_number)
    if party.role not in PartyRole.values:
        errors.append(prefix + _("身份应为申请人或被申请人"))
    if len(party.name) < 2:
        errors.append(prefix + _("请填写姓名或单位名称"))
    try:
        validate_phone(party.phone)
    except ValidationError as exc:
        errors.append(prefix + (exc.messages[0] if party.phone else _("请填写手机号")))
    if party.id_number:
        if not party.id_consent:
            errors.append(prefix + _("提供身份证号码须经当事人同意，请勾选同意或不填"))
        else:
            try:
                validate_id_number(party.id_number)
            except ValidationError as exc:
                errors.append(prefix + exc.messages[0])


def _clean_application(app: Application) -> dict[str, Any]:
    errors: dict[str, Any] = {}
    app.facts = clean_text(app.facts)
    app.claims = clean_text(app.claims)[:MAX_TEXT]
    if len(app.facts) < MIN_FACTS:
        errors["facts"] = _("请把纠纷经过写清楚（至少 %(n)s 个字）") % {"n": MIN_FACTS}
    elif len(app.facts) > MAX_FACTS:
        errors["facts"] = _("纠纷事实不能超过 %(n)s 个字") % {"n": MAX_FACTS}
    if app.category not in DisputeCategory.values:
        errors["category"] = _("请选择纠纷类别")
    community = app.community
    if not (community.is_active and community.street.is_active):
        errors["community"] = _("所选社区已停用")
    if app.amount is not None and not Decimal(0) <= app.amount <= MAX_AMOUNT:
        errors["amount"] = _("涉及金额应为不小于 0 的数")
    district_id = community.street.district_id
    org = app.organization
    if org is not None and (not org.is_active or org.district_id != district_id):
        errors["organization"] = _("所选调解组织不在本区名录中")
    if (
        app.lawyer is not None
        and not registered_lawyers(district_id).filter(lawyer=app.lawyer).exists()
    ):
        errors["lawyer"] = _("所选律师不在本区参与调解的律师名录中")
    party_errors: list[str] = []
    for i, party in enumerate(app.parties, start=1):
        _clean_party(i, party, party_errors)
    roles = {p.role for p in app.parties}
    if not {PartyRole.APPLICANT, PartyRole.RESPONDENT} <= roles:
        party_errors.append(_("至少需要一位申请人和一位被申请人"))
    phones = [p.phone for p in app.parties if p.phone]
    if len(phones) != len(set(phones)):
        party_errors.append(_("不同当事人的手机号不能相同"))
    if party_errors:
        errors["parties"] = party_errors
    return errors


def _create_case(
    *,
    actor: Any,
    app: Application,
    channel: str,
    now: datetime,
    question: Question | None = None,
    case_number: str = "",
    self_user: User | None = None,
) -> Case:
    errors = _clean_application(app)
    try:
        files = check_attachments(list(app.evidence))
    except ValidationError as exc:
        errors["evidence"] = exc.message_dict.get("attachments", exc.messages)
    if errors:
        raise ValidationError(errors)
    community = app.community
    district = community.street.district
    case = Case.objects.create(
        case_number=case_number
        or next_case_number(CASE_PREFIX, district.code, timezone.localdate(now)),
        district=district,
        street=community.street,
        community=community,
        question=question,
        channel=channel,
        applied_by=actor,
        category=app.category,
        amount=app.amount,
        facts=app.facts,
        claims=app.claims,
        requested_organization=app.organization,
        requested_lawyer=app.lawyer,
        organization=app.organization,
        applied_at=now,
        trips=1 if channel == Channel.DESK else 0,
    )
    users = {u.phone: u for u in User.objects.filter(phone__in=[p.phone for p in app.parties])}
    first_applicant = True
    rows = []
    for draft in app.parties:
        user = users.get(draft.phone)
        trips = 0
        if draft.role == PartyRole.APPLICANT and first_applicant:
            first_applicant = False
            user = self_user or user
            # At a desk the applicant came in person: that is their first trip.
            trips = 1 if channel == Channel.DESK else 0
        rows.append(
            Party(
                case=case,
                role=draft.role,
                name=draft.name,
                phone=draft.phone,
                user=user,
                id_number=draft.id_number if draft.id_consent else "",
                id_consent=bool(draft.id_number and draft.id_consent),
                id_consent_at=now if draft.id_number and draft.id_consent else None,
                address=draft.address,
                trips=trips,
            )
        )
    Party.objects.bulk_create(rows)
    for upload, content_type in files:
        CaseFile.objects.create(
            case=case,
            file=upload,
            original_name=(upload.name or "")[:200],
            size=upload.size or 0,
            content_type=content_type,
            uploaded_by=actor,
            created_at=now,
        )
    return case


def _throttle(actor: Any, limit: int, now: datetime) -> None:
    recent = Case.objects.filter(
        applied_by=actor, applied_at__gt=now - timedelta(hours=1), applied_at__lte=now
    )
    if recent.count() >= limit:
        raise ValidationError(_("提交过于频繁，请一小时后再试"), code="flood")


@transaction.atomic
def apply(*, actor: Any, application: Application, now: datetime | None = None) -> Case:
    """A resident applies online (线上调/掌上调). The first applicant is the resident
    themself (their account; their phone unless they give another)."""
    now = _now(now)
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied
    User.objects.select_for_update().filter(pk=actor.pk).first()
    _throttle(actor, APPLICATIONS_PER_HOUR, now)
    applicants = [p for p in application.parties if p.role == PartyRole.APPLICANT]
    if applicants and not applicants[0].phone:
        applicants[0].phone = actor.phone
    case = _create_case(
        actor=actor, app=application, channel=Channel.ONLINE, now=now, self_user=actor
    )
    _event(
        case,
        EventKind.APPLIED,
        actor,
        _("线上提交调解申请，纠纷类别：%(c)s") % {"c": case.get_category_display()},
        now,
    )
    return case


def can_file_for(actor: Any, community: Community) -> bool:
    """Who files at a desk or as a grid worker: community staff of the community, the
    street's 司法所, the district's bureau, and mediators of the district."""
    p = get_principal(actor)
    district_id = community.street.district_id
    mediator_districts = {b.district_id for b in p.bindings if b.role == Role.MEDIATOR}
    return (
        community.pk in p.ids(Role.COMMUNITY_STAFF)
        or community.street_id in p.ids(Role.STREET_STAFF)
        or district_id in p.ids(Role.BUREAU_ADMIN)
        or district_id in mediator_districts
    )


@transaction.atomic
def file_for_party(
    *,
    actor: Any,
    application: Application,
    channel: str = Channel.DESK,
    now: datetime | None = None,
) -> Case:
    """Assisted filing (窗口受理 or 网格员代为申请) for a resident who cannot apply
    online. A mediator filing at their organization's desk files to that
    organization. The applicant is told by SMS and sees the case once they sign in
    with that phone."""
    now = _now(now)
    if channel not in (Channel.DESK, Channel.GRID):
        raise ValidationError({"channel": _("请选择窗口受理或网格员代为申请")})
    if not can_file_for(actor, application.community):
        raise PermissionDenied
    User.objects.select_for_update().filter(pk=actor.pk).first()
    _throttle(actor, FILINGS_PER_HOUR, now)
    mediator = (
        Mediator.objects.filter(user=actor, is_active=True, organization__is_active=True)
        .select_related("organization")
        .first()
    )
    if (
        application.organization is None
        and mediator is not None
        and mediator.organization.district_id == application.community.street.district_id
    ):
        application.organization = mediator.organization
    case = _create_case(actor=actor, app=application, channel=channel, now=now)
    _event(
        case,
        EventKind.APPLIED,
        actor,
        _("%(channel)s，纠纷类别：%(c)s")
        % {"channel": case.get_channel_display(), "c": case.get_category_display()},
        now,
    )
    sms_after_commit(
        case.parties.filter(role=PartyRole.APPLICANT).values_list("phone", flat=True),
        _("已为您提交人民调解申请（编号 %(no)s），受理后会通知您；登录尚法云可查看进度。")
        % {"no": case.case_number},
    )
    return case


def category_from_question(question: Question) -> str:
    by_label = {str(label): value for value, label in DisputeCategory.choices}
    aliases = {
        "房产物业": DisputeCategory.PROPERTY,
        "借贷": DisputeCategory.LOAN,
        "消费维权": DisputeCategory.CONSUMER,
    }
    name = question.category.name
    return by_label.get(name) or aliases.get(name) or DisputeCategory.OTHER


@transaction.atomic
def case_from_question(
    *,
    actor: Any,
    question: Question,
    respondent_name: str,
    respondent_phone: str,
    category: str = "",
    claims: str = "",
    now: datetime | None = None,
) -> Case:
    """Turn a question into a mediation application that keeps the question's case
    number (一案一编码): the asker is the applicant, the question's text the facts;
    the case page shows the question's thread before the mediation steps. Anyone
    who sees the question may do it (the asker, staff in scope, its lawyers)."""
    now = _now(now)
    found = (
        Question.objects.visible_to(actor)
        .select_related("asker", "category", "community__street__district")
        .filter(pk=question.pk)
        .first()
    )
    if found is None:
        raise PermissionDenied
    question = found
    if Case.objects.filter(Q(question=question) | Q(case_number=question.case_number)).exists():
        raise ValidationError(_("该咨询已转为调解案件"), code="converted")
    asker = question.asker
    app = Application(
        community=question.community,
        category=category or category_from_question(question),
        facts=f"{question.title}\n{question.text}" if question.title else question.text,
        claims=claims,
        parties=[
            PartyDraft(
                PartyRole.APPLICANT,
                question.contact_name or asker.name or "",
                question.contact_phone or asker.phone,
            ),
            PartyDraft(PartyRole.RESPONDENT, respondent_name, respondent_phone),
        ],
    )
    case = _create_case(
        actor=actor,
        app=app,
        channel=Channel.CONSULTATION,
        now=now,
        question=question,
        case_number=question.case_number,
        self_user=asker,
    )
    _event(
        case,
        EventKind.FROM_QUESTION,
        actor,
        _("法律咨询 %(no)s 转为调解申请，编号不变") % {"no": question.case_number},
        now,
    )
    return case


# --- suggestions -------------------------------------------------------------------------


def registered_lawyers(district_id: int) -> models.QuerySet[MediationLawyer]:
    return MediationLawyer.objects.filter(
        district_id=district_id,
        is_active=True,
        lawyer__is_active=True,
        lawyer__firm__is_active=True,
    )


def suggest_organizations(community: Community, category: str) -> list[Organization]:
    """Organizations that fit: of this category (or general), at the case's community,
    its street or the district; the category's own committee first, then the nearest."""
    return list(
        Organization.objects.filter(district_id=community.street.district_id, is_active=True)
        .filter(Q(category="") | Q(category=category))
        .filter(
            Q(level=OrgLevel.DISTRICT)
            | Q(level=OrgLevel.STREET, street_id=community.street_id)
            | Q(level=OrgLevel.COMMUNITY, community_id=community.pk)
        )
        .annotate(
            fit=models.Case(When(category=category, then=0), default=1),
            near=models.Case(
                When(level=OrgLevel.COMMUNITY, then=0),
                When(level=OrgLevel.STREET, then=1),
                default=2,
            ),
        )
        .order_by("fit", "near", "name")
    )


GRADE_ORDER = ("chief", "first", "second", "third")


def suggest_mediators(organization: Organization, category: str) -> list[Mediator]:
    """The organization's active mediators: specialists in the category first, then by
    grade; those with an account (who can work online) before those without."""
    mediators = list(organization.mediators.filter(is_active=True))
    return sorted(
        mediators,
        key=lambda m: (
            category not in m.specialties,
            m.user_id is None,
            GRADE_ORDER.index(m.grade) if m.grade in GRADE_ORDER else 9,
            m.name,
        ),
    )


def suggest_lawyers(case: Case, organization: Organization | None = None) -> list[MediationLawyer]:
    """Registered lawyers for the case: the applicant's choice first, then those of
    the organization, then specialists in the category."""
    org_id = organization.pk if organization else case.organization_id
    rows = list(registered_lawyers(case.district_id).select_related("lawyer__firm"))
    return sorted(
        rows,
        key=lambda r: (
            r.lawyer_id != case.requested_lawyer_id,
            r.organization_id != org_id or org_id is None,
            case.category not in r.specialties,
            r.lawyer.name,
        ),
    )


# --- transitions -------------------------------------------------------------------------


@transaction.atomic
def accept(*, actor: Any, case: Case, note: str = "", now: datetime | None = None) -> Case:
    """Accept the application: the deadline (district setting, 30 days by default)
    runs from now."""
    now = _now(now)
    _check(actor, _lock(case), "accept")
    days = region_services.settings_for(case.district_id).mediation_deadline_days
    lead = min(REMINDER_DAYS, max(1, days // 3))
    case.status = CaseStatus.ACCEPTED
    case.accepted_at = now
    case.due_at = now + timedelta(days=days)
    case.reminder_due_at = case.due_at - timedelta(days=lead)
    _save(case, "status", "accepted_at", "due_at", "reminder_due_at")
    note = clean_text(note)[:500]
    text = _("已受理，办理期限 %(d)s 天，至 %(due)s") % {"d": days, "due": _local(case.due_at)}
    _event(case, EventKind.ACCEPTED, actor, f"{text}。{note}" if note else text, now)
    sms_after_commit(
        _party_phones(case),
        _("调解案件（编号 %(no)s）已受理，调解组织将与您联系。") % {"no": case.case_number},
    )
    return case


@transaction.atomic
def decline(*, actor: Any, case: Case, reason: str, now: datetime | None = None) -> Case:
    """Decline the application with a reason the applicant sees."""
    now = _now(now)
    _check(actor, _lock(case), "decline")
    reason = clean_text(reason)[:MAX_TEXT]
    if len(reason) < 4:
        raise ValidationError({"reason": _("请写明不予受理的理由（至少 4 个字）")})
    case.status = CaseStatus.DECLINED
    case.decline_reason = reason
    case.closed_at = now
    _save(case, "status", "decline_reason", "closed_at")
    _event(case, EventKind.DECLINED, actor, _("不予受理。理由：%(r)s") % {"r": reason}, now)
    sms_after_commit(
        case.parties.filter(role=PartyRole.APPLICANT).values_list("phone", flat=True),
        _("您的调解申请（编号 %(no)s）未予受理，理由可登录尚法云查看。") % {"no": case.case_number},
    )
    return case


@transaction.atomic
def assign(
    *,
    actor: Any,
    case: Case,
    organization: Organization,
    mediators: Sequence[Mediator],
    lawyer: Lawyer | None = None,
    now: datetime | None = None,
) -> Case:
    """Assign (or reassign) the organization, its mediator(s) and optionally a
    registered lawyer. Mediators of the organization assign within it only."""
    now = _now(now)
    _check(actor, _lock(case), "assign")
    p = get_principal(actor)
    staff = (
        p.is_superuser
        or case.district_id in p.ids(Role.BUREAU_ADMIN)
        or case.street_id in p.ids(Role.STREET_STAFF)
    )
    errors: dict[str, str] = {}
    if not organization.is_active or organization.district_id != case.district_id:
        errors["organization"] = _("所选调解组织不在本区名录中")
    elif not staff and organization.pk != case.organization_id:
        errors["organization"] = _("调解组织只能在本组织内分派调解员，转其他组织请联系司法所")
    chosen = list(dict.fromkeys(mediators))
    if not chosen:
        errors["mediators"] = _("请至少选择一位调解员")
    elif any(m.organization_id != organization.pk or not m.is_active for m in chosen):
        errors["mediators"] = _("调解员须是所选调解组织的在任调解员")
    elif all(m.user_id is None for m in chosen):
        errors["mediators"] = _("请至少选择一位已开通账号的调解员，以便在线办理")
    if (
        lawyer is not None
        and not registered_lawyers(case.district_id).filter(lawyer=lawyer).exists()
    ):
        errors["lawyer"] = _("所选律师不在本区参与调解的律师名录中")
    if errors:
        raise ValidationError(errors)
    case.organization = organization
    case.lawyer = lawyer
    case.assigned_at = now
    if case.status != CaseStatus.MEDIATING:
        case.status = CaseStatus.ASSIGNED
    _save(case, "organization", "lawyer", "assigned_at", "status")
    case.mediators.set(chosen)
    names = "、".join(m.name for m in chosen)
    text = _("分派至%(org)s，调解员：%(names)s") % {"org": organization.name, "names": names}
    if lawyer is not None:
        text += _("；参与调解的律师：%(name)s（%(firm)s）") % {
            "name": lawyer.name,
            "firm": lawyer.firm.name,
        }
    _event(case, EventKind.ASSIGNED, actor, text, now)
    notice = _("新的调解案件（编号 %(no)s）已分派给您，请登录尚法云办理。") % {
        "no": case.case_number
    }
    sms_after_commit([m.phone for m in chosen] + [lawyer.phone if lawyer else ""], notice)
    return case


@transaction.atomic
def start(*, actor: Any, case: Case, now: datetime | None = None) -> Case:
    now = _now(now)
    _check(actor, _lock(case), "start")
    case.status = CaseStatus.MEDIATING
    case.started_at = now
    _save(case, "status", "started_at")
    _event(case, EventKind.STARTED, actor, _("开始调解，调解室已开放"), now)
    return case


@transaction.atomic
def schedule_session(
    *,
    actor: Any,
    case: Case,
    kind: str,
    starts_at: datetime,
    place: str = "",
    now: datetime | None = None,
) -> Session:
    """Schedule a session online or at a place; the parties are told by SMS."""
    now = _now(now)
    _check(actor, _lock(case), "schedule")
    place = clean_text(place)[:200]
    if kind not in SessionKind.values:
        raise ValidationError({"kind": _("请选择线上调解或现场调解")})
    if kind == SessionKind.IN_PERSON and len(place) < 2:
        raise ValidationError({"place": _("现场调解请填写地点")})
    if case.accepted_at and starts_at < case.accepted_at:
        raise ValidationError({"starts_at": _("调解时间不能早于受理时间")})
    session = Session.objects.create(
        case=case, kind=kind, starts_at=starts_at, place=place, scheduled_by=actor, created_at=now
    )
    where = place if kind == SessionKind.IN_PERSON else _("线上调解室")
    _event(
        case,
        EventKind.SESSION_SCHEDULED,
        actor,
        _("%(kind)s：%(at)s，%(where)s")
        % {"kind": session.get_kind_display(), "at": _local(starts_at), "where": where},
        now,
    )
    sms_after_commit(
        _party_phones(case),
        _("调解案件（编号 %(no)s）定于 %(at)s 进行%(kind)s，地点：%(where)s。")
        % {
            "no": case.case_number,
            "at": _local(starts_at),
            "kind": session.get_kind_display(),
            "where": where,
        },
    )
    return session


@transaction.atomic
def record_session(
    *,
    actor: Any,
    session: Session,
    record: str,
    attendees: Sequence[Party] = (),
    now: datetime | None = None,
) -> Session:
    """Record what happened at a session. Parties present at a session held at a
    place made a trip (最多跑一次: counted per party and per case)."""
    now = _now(now)
    case = _lock(session.case)
    _check(actor, case, "record_session")
    session = Session.objects.select_for_update().get(pk=session.pk)
    if session.status != SessionStatus.SCHEDULED:
        raise ValidationError(_("该场次已记录或已取消"))
    record = clean_text(record)[:MAX_FACTS]
    if len(record) < 4:
        raise ValidationError({"record": _("请填写调解记录（至少 4 个字）")})
    present = list(dict.fromkeys(attendees))
    if any(p.case_id != case.pk for p in present):
        raise ValidationError({"attendees": _("到场人员须是本案当事人")})
    session.record = record
    session.status = SessionStatus.HELD
    session.held_at = now
    session.recorded_by = actor
    session.save(update_fields=["record", "status", "held_at", "recorded_by"])
    session.attendees.set(present)
    if session.kind == SessionKind.IN_PERSON and present:
        Party.objects.filter(pk__in=[p.pk for p in present]).update(trips=models.F("trips") + 1)
        Case.objects.filter(pk=case.pk).update(trips=models.F("trips") + len(present))
        case.trips += len(present)
    names = "、".join(p.name for p in present) or _("无")
    _event(
        case,
        EventKind.SESSION_HELD,
        actor,
        _("%(kind)s（%(at)s）已记录，到场当事人：%(names)s")
        % {"kind": session.get_kind_display(), "at": _local(session.starts_at), "names": names},
        now,
    )
    return session


@transaction.atomic
def post_message(
    *,
    actor: Any,
    case: Case,
    text: str,
    files: Sequence[UploadedFile] = (),
    now: datetime | None = None,
) -> Message:
    """A message (text and/or files) in the case's room."""
    now = _now(now)
    _check(actor, _lock(case), "message")
    text = clean_text(text)
    if len(text) > MAX_TEXT:
        raise ValidationError({"text": _("留言不能超过 %(n)s 个字") % {"n": MAX_TEXT}})
    checked = check_attachments(list(files))
    if not text and not checked:
        raise ValidationError({"text": _("请输入留言内容或上传文件")})
    message = Message.objects.create(
        case=case,
        author=actor,
        author_label=actor_label(actor, case)[:100],
        text=text,
        created_at=now,
    )
    for upload, content_type in checked:
        CaseFile.objects.create(
            case=case,
            message=message,
            file=upload,
            original_name=(upload.name or "")[:200],
            size=upload.size or 0,
            content_type=content_type,
            uploaded_by=actor,
            created_at=now,
        )
    return message


# --- the agreement --------------------------------------------------------------------------


@transaction.atomic
def draft_agreement(
    *,
    actor: Any,
    case: Case,
    terms: str,
    performance: str = "",
    now: datetime | None = None,
) -> Agreement:
    """Draft (or redraft) the 调解协议书. A redraft is a new version: every party
    confirms again."""
    now = _now(now)
    _check(actor, _lock(case), "draft_agreement")
    terms = clean_text(terms)[:MAX_FACTS]
    performance = clean_text(performance)[:MAX_TEXT]
    if len(terms) < 10:
        raise ValidationError({"terms": _("请写明协议内容（至少 10 个字）")})
    agreement = Agreement.objects.select_for_update().filter(case=case).first()
    if agreement is None:
        agreement = Agreement.objects.create(
            case=case, terms=terms, performance=performance, drafted_at=now, drafted_by=actor
        )
    else:
        agreement.terms = terms
        agreement.performance = performance
        agreement.version += 1
        agreement.drafted_at = now
        agreement.drafted_by = actor
        agreement.save(
            update_fields=["terms", "performance", "version", "drafted_at", "drafted_by"]
        )
        agreement.confirmations.all().delete()
    Confirmation.objects.bulk_create(
        Confirmation(agreement=agreement, party=party, version=agreement.version)
        for party in case.parties.all()
    )
    _event(
        case,
        EventKind.AGREEMENT_DRAFTED,
        actor,
        _("拟定调解协议书（第 %(v)s 版），请各方当事人在线确认") % {"v": agreement.version},
        now,
    )
    sms_after_commit(
        _party_phones(case),
        _("调解案件（编号 %(no)s）的调解协议书已拟定，请登录尚法云查看并确认。")
        % {"no": case.case_number},
    )
    return agreement


@transaction.atomic
def send_confirmation_code(*, actor: Any, party: Party, now: datetime | None = None) -> None:
    """Send a one-time code to the party's phone for confirming the agreement. The
    party asks for it themself, or one of the case's mediators sends it."""
    now = _now(now)
    case = _lock(party.case)
    _check(actor, case, "send_code")
    if not (
        case_mediator(actor, case) is not None
        or my_parties(actor, case).filter(pk=party.pk).exists()
    ):
        raise PermissionDenied
    row = Confirmation.objects.select_for_update().filter(agreement__case=case, party=party).first()
    if row is None:
        raise ValidationError(_("调解协议尚未拟定"))
    if row.confirmed_at is not None:
        raise ValidationError(_("该当事人已确认调解协议"))
    if not party.phone:
        raise ValidationError(_("该当事人没有手机号，无法发送验证码"))
    wait = settings.SMS_CODE_RESEND_SECONDS
    if row.code_sent_at and (now - row.code_sent_at).total_seconds() < wait:
        left = wait - int((now - row.code_sent_at).total_seconds())
        raise ValidationError(_("验证码已发送，请 %(s)s 秒后再试") % {"s": left}, code="too_soon")
    code = f"{secrets.randbelow(10**6):06d}"
    row.code_hash = make_password(code)
    row.code_sent_at = now
    row.code_expires_at = now + timedelta(seconds=settings.SMS_CODE_TTL_SECONDS)
    row.attempts = 0
    row.save(update_fields=["code_hash", "code_sent_at", "code_expires_at", "attempts"])
    minutes = settings.SMS_CODE_TTL_SECONDS // 60
    try:
        send_sms(
            party.phone,
            SMS_PREFIX
            + _(
                "您正在确认调解协议书（编号 %(no)s），验证码 %(code)s，%(m)s 分钟内有效。"
                "请勿告诉他人。"
            )
            % {"no": case.case_number, "code": code, "m": minutes},
        )
    except SmsError as exc:
        raise ValidationError(_("短信发送失败，请稍后再试"), code="sms_failed") from exc


def confirm_agreement(
    *, actor: Any, case: Case, code: str, now: datetime | None = None
) -> Confirmation:
    """A party confirms the agreement with the code sent to their phone. A code works
    once, within its time; wrong tries are counted (and kept) until the code dies.
    When the last party confirms, the mediation has succeeded."""
    now = _now(now)
    code = (code or "").strip()
    error: ValidationError | None = None
    with transaction.atomic():
        case = _lock(case)
        _check(actor, case, "confirm")
        row = (
            Confirmation.objects.select_for_update()
            .filter(agreement__case=case, party__in=my_parties(actor, case), confirmed_at=None)
            .select_related("party", "agreement")
            .first()
        )
        if row is None:
            raise ValidationError(_("您已确认调解协议，或协议尚未拟定"))
        if not row.code_hash or row.code_expires_at is None or row.code_expires_at <= now:
            error = ValidationError(_("验证码已失效，请重新获取"), code="expired")
        elif row.attempts >= settings.SMS_CODE_MAX_ATTEMPTS:
            error = ValidationError(_("验证码错误次数过多，请重新获取"), code="locked")
        elif not check_password(code, row.code_hash):
            Confirmation.objects.filter(pk=row.pk).update(attempts=row.attempts + 1)
            error = ValidationError(_("验证码不正确"), code="wrong")
        else:
            _confirmed(actor, case, row, now)
    if error is not None:
        raise error
    return row


def _confirmed(actor: Any, case: Case, row: Confirmation, now: datetime) -> None:
    row.confirmed_at = now
    row.code_hash = ""
    row.save(update_fields=["confirmed_at", "code_hash"])
    party = row.party
    _event(
        case,
        EventKind.PARTY_CONFIRMED,
        actor,
        _("%(role)s %(name)s 通过短信验证码在线确认调解协议书（第 %(v)s 版）")
        % {"role": party.get_role_display(), "name": party.name, "v": row.version},
        now,
    )
    agreement = row.agreement
    if agreement.confirmations.filter(confirmed_at=None).exists():
        return
    agreement.confirmed_at = now
    agreement.save(update_fields=["confirmed_at"])
    case.status = CaseStatus.AGREED
    case.outcome = Outcome.SUCCESS
    _close(case, now)
    _save(case, "status", "outcome", "closed_at", "duration_days", "deadline_met")
    _event(case, EventKind.AGREED, None, _("各方当事人均已确认，调解协议书生效，调解成功"), now)
    sms_after_commit(
        _party_phones(case),
        _("调解协议书（编号 %(no)s）已经各方确认生效，可登录尚法云下载。")
        % {"no": case.case_number},
    )


def _close(case: Case, now: datetime) -> None:
    case.closed_at = now
    if case.accepted_at is not None:
        case.duration_days = (timezone.localdate(now) - timezone.localdate(case.accepted_at)).days
    if case.due_at is not None:
        case.deadline_met = now <= case.due_at


@transaction.atomic
def record_failure(
    *,
    actor: Any,
    case: Case,
    reason: str,
    guidance: Sequence[str],
    note: str = "",
    now: datetime | None = None,
) -> Case:
    """No agreement: record why, and the guidance given to the parties (litigation,
    arbitration, legal aid …)."""
    now = _now(now)
    _check(actor, _lock(case), "fail")
    reason = clean_text(reason)[:MAX_TEXT]
    note = clean_text(note)[:MAX_TEXT]
    errors = {}
    if len(reason) < 4:
        errors["reason"] = _("请写明未达成协议的原因（至少 4 个字）")
    if not guidance or any(g not in Guidance.values for g in guidance):
        errors["guidance"] = _("请选择给当事人的引导途径")
    chosen = [g for g in Guidance.values if g in set(guidance)]  # in the list's order
    if errors:
        raise ValidationError(errors)
    case.status = CaseStatus.FAILED
    case.outcome = Outcome.FAILURE
    case.failure_reason = reason
    case.guidance = chosen
    case.guidance_note = note
    _close(case, now)
    _save(
        case,
        "status",
        "outcome",
        "failure_reason",
        "guidance",
        "guidance_note",
        "closed_at",
        "duration_days",
        "deadline_met",
    )
    labels = dict(Guidance.choices)
    text = _("未达成调解协议。原因：%(r)s。已引导当事人：%(g)s") % {
        "r": reason,
        "g": "、".join(str(labels[g]) for g in chosen),
    }
    _event(case, EventKind.FAILED, actor, f"{text}。{note}" if note else text, now)
    return case


@transaction.atomic
def follow_up(
    *,
    actor: Any,
    case: Case,
    note: str,
    satisfied: bool | None = None,
    now: datetime | None = None,
) -> Case:
    """The 回访: how the agreement is being performed, or what the parties did next."""
    now = _now(now)
    _check(actor, _lock(case), "follow_up")
    note = clean_text(note)[:MAX_TEXT]
    if len(note) < 2:
        raise ValidationError({"note": _("请填写回访情况")})
    case.status = CaseStatus.FOLLOWED_UP
    case.followed_up_at = now
    case.follow_up_note = note
    case.satisfied = satisfied
    _save(case, "status", "followed_up_at", "follow_up_note", "satisfied")
    mood = {True: _("当事人满意"), False: _("当事人不满意"), None: ""}[satisfied]
    _event(case, EventKind.FOLLOWED_UP, actor, "；".join(x for x in (note, mood) if x), now)
    return case


@transaction.atomic
def archive(*, actor: Any, case: Case, now: datetime | None = None) -> Case:
    now = _now(now)
    _check(actor, _lock(case), "archive")
    case.status = CaseStatus.ARCHIVED
    case.archived_at = now
    _save(case, "status", "archived_at")
    _event(case, EventKind.ARCHIVED, actor, _("案件已归档"), now)
    return case


# --- the deadline (run by the jobs) ---------------------------------------------------------


def send_deadline_reminders(*, now: datetime | None = None, batch: int = 500) -> int:
    """Remind the mediators of open cases whose reminder time has come; each case
    once (claimed with a conditional update), however often this runs."""
    now = _now(now)
    pending = {"closed_at__isnull": True, "reminded_at__isnull": True}
    due = (
        Case.objects.filter(**pending, reminder_due_at__lte=now, due_at__gt=now)
        .order_by("reminder_due_at")
        .values_list("pk", flat=True)[:batch]
    )
    sent = 0
    for pk in list(due):
        with transaction.atomic():
            if not Case.objects.filter(pk=pk, **pending).update(reminded_at=now):
                continue  # claimed by another run
            case = Case.objects.get(pk=pk)
            assert case.due_at is not None  # noqa: S101  (filtered above)
            days = max(0, (timezone.localdate(case.due_at) - timezone.localdate(now)).days)
            _event(
                case,
                EventKind.REMINDER,
                None,
                _("距办理期限还有 %(d)s 天（%(due)s）") % {"d": days, "due": _local(case.due_at)},
                now,
            )
            sms_after_commit(
                _mediator_phones(case),
                _("调解案件（编号 %(no)s）距办理期限还有 %(d)s 天，请抓紧办理。")
                % {"no": case.case_number, "d": days},
            )
            sent += 1
    return sent


def flag_overdue(*, now: datetime | None = None, batch: int = 500) -> int:
    """Flag open cases past their deadline, once each: a timeline entry, and an SMS to
    the mediators (the 司法所 and bureau see the flag on their workspace)."""
    now = _now(now)
    pending = {"closed_at__isnull": True, "overdue_at__isnull": True}
    due = (
        Case.objects.filter(**pending, due_at__lte=now)
        .order_by("due_at")
        .values_list("pk", flat=True)[:batch]
    )
    flagged = 0
    for pk in list(due):
        with transaction.atomic():
            if not Case.objects.filter(pk=pk, **pending).update(overdue_at=now):
                continue
            case = Case.objects.get(pk=pk)
            _event(case, EventKind.OVERDUE, None, _("已超过办理期限，请尽快办结"), now)
            sms_after_commit(
                _mediator_phones(case),
                _("调解案件（编号 %(no)s）已超过办理期限，请尽快办结。") % {"no": case.case_number},
            )
            flagged += 1
    return flagged
