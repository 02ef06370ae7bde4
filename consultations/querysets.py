"""Scope of consultations: the only place it is decided.

Questions
- resident: the questions they asked (public answered ones of others only through the
  knowledge base, with personal details removed);
- community staff: their community's questions and those they filed;
  judicial office (street) staff: their street's; bureau admin: the district's;
- lawyer: the questions routed to anyone of their firm (so to them), and the duty pool
  (open questions routed to duty lawyers) of their district on a day they are on duty;
- firm admin: the questions routed to their firm.

Seeing a question is not reading it: a private question's text (and its title and
attachments) is shown only to the asker, the staff member who filed it, the bureau,
and a lawyer who was assigned it and confirmed there is no conflict of interest
(``can_read_text``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import BigIntegerField, Exists, OuterRef, Q, Subquery, Value
from django.db.models.functions import Cast
from django.utils import timezone

from accounts.roles import Role
from core.scope import (
    EVERYONE,
    Gate,
    Principal,
    RoleTable,
    Scope,
    ScopedQuerySet,
    always,
    bound,
    district,
    follows,
    get_principal,
    own,
    parent,
    together,
)
from firms.querysets import firm_ids


def lawyer_districts(p: Principal) -> set[int]:
    return {b.district_id for b in p.bindings if b.role == Role.LAWYER and b.district_id}


# Communities (regions.Community) a staff member files questions for on a resident's
# behalf: community staff their community, judicial office staff their street's
# (superusers only through such a binding).
ASSISTED_FILING = Scope(
    {Role.COMMUNITY_STAFF: "pk", Role.STREET_STAFF: "street_id"}, superuser=False
)
# Lawyers (firms.Lawyer) a lawyer may hand a question over to: those of their own firm
# (the views keep the active ones and leave out those already assigned).
HANDOVER_TARGETS = Scope({Role.LAWYER: parent("firm_id")}, superuser=False)
# The signed-in user's own lawyer record (firms.Lawyer), superusers included only
# through a binding: the duty pages are a lawyer's own.
OWN_LAWYER = Scope({Role.LAWYER: "pk"}, superuser=False)

# Everyone working in a district (every role but resident), by the district they work in.
WORKING_IN_DISTRICT: RoleTable = {
    role: district("district_id") for role in Role if role != Role.RESIDENT
}


def _duty_pool(p: Principal) -> Any:
    """Ids of the open questions routed to duty lawyers of the lawyer's districts, on a
    day the lawyer is on duty (checked once per query, not per row); None for a user who
    is no lawyer."""
    from consultations.choices import AssignmentReason, QuestionStatus
    from consultations.models import DutyShift, QuestionAssignment

    lawyers = p.ids(Role.LAWYER)
    if not lawyers:
        return None
    on_duty = Exists(DutyShift.objects.filter(lawyer_id__in=lawyers, date=timezone.localdate()))
    return (
        QuestionAssignment.objects.filter(
            on_duty,
            reason__in=[AssignmentReason.DUTY, AssignmentReason.ESCALATED],
            question__district_id__in=sorted(lawyer_districts(p)),
        )
        .exclude(question__status=QuestionStatus.CLOSED)
        .values("question_id")
    )


def _in_duty_pool(qs: ScopedQuerySet, p: Principal, user: Any) -> Any:
    return _duty_pool(p)


def _routed_to_firm(qs: ScopedQuerySet, p: Principal, user: Any) -> Any:
    """Ids of the questions routed to anyone of the firms the user works for."""
    from consultations.models import QuestionAssignment

    firms = firm_ids(p)
    if not firms:
        return None
    return QuestionAssignment.objects.filter(lawyer__firm_id__in=sorted(firms)).values(
        "question_id"
    )


class QuestionQuerySet(ScopedQuerySet):
    # The conditions on the question's own columns are one branch (PostgreSQL combines
    # their indexes); those through other tables are branches of their own, unioned.
    visible = Scope(
        also=(
            together(
                own("asker_id"),
                own("filed_by_id"),
                bound(Role.COMMUNITY_STAFF, "community_id"),
                bound(Role.BUREAU_ADMIN, "district_id"),
            ),
            _routed_to_firm,
            _in_duty_pool,
            bound(Role.STREET_STAFF, "community__street_id"),
        ),
        union=True,
    )
    # Only the asker (or the staff member who filed it) changes a question itself (close
    # and rate); lawyers act through their assignments.
    editable = Scope(also=(own("asker_id"), own("filed_by_id")))

    def assigned_to(self, user: Any, statuses: Iterable[str]) -> QuestionQuerySet:
        """The open questions routed to the user as a lawyer, by their own assignments in
        one of ``statuses``: a part of ``visible_to`` (a lawyer sees what is routed to
        their firm, so to them), read from the lawyer's own assignments (an index on
        (lawyer, status)) however many questions the firm or the district has."""
        from consultations.choices import QuestionStatus
        from consultations.models import QuestionAssignment

        lawyers = sorted(get_principal(user).ids(Role.LAWYER))
        if not lawyers:
            return self.none()
        mine = QuestionAssignment.objects.filter(lawyer_id__in=lawyers, status__in=list(statuses))
        return self.filter(pk__in=mine.values("question_id")).exclude(status=QuestionStatus.CLOSED)

    def duty_pool_of(self, user: Any) -> QuestionQuerySet:
        """The open questions routed to duty lawyers of the lawyer's districts, on a day
        the lawyer is on duty (the pool branch of ``visible_to``), none of them answered
        yet."""
        pool = _duty_pool(get_principal(user))
        if pool is None:
            return self.none()
        return self.filter(pk__in=pool, first_replied_at__isnull=True)

    def with_access(self, user: Any) -> QuestionQuerySet:
        """Annotate the user's own assignment (``my_status``, ``my_cleared_at``), so
        that ``can_read_text`` needs no query per row."""
        from consultations.models import QuestionAssignment

        lawyers = sorted(get_principal(user).ids(Role.LAWYER))
        mine = QuestionAssignment.objects.filter(question=OuterRef("pk"), lawyer_id__in=lawyers)
        return self.annotate(
            my_status=Subquery(mine.values("status")[:1]),
            my_cleared_at=Subquery(mine.values("conflict_confirmed_at")[:1]),
        )


_MISSING = object()


def can_read_text(user: Any, question: Any) -> bool:
    """Whether the user may read the question's title, text and attachments (the
    question must already be visible to them)."""
    from consultations.choices import AssignmentStatus
    from consultations.models import QuestionAssignment

    p = get_principal(user)
    if p.is_superuser or question.is_public:
        return True
    if p.user_id is not None and p.user_id in (question.asker_id, question.filed_by_id):
        return True
    if question.district_id in p.ids(Role.BUREAU_ADMIN):
        return True
    lawyers = p.ids(Role.LAWYER)
    if not lawyers:
        return False
    cleared = getattr(question, "my_cleared_at", _MISSING)
    status = getattr(question, "my_status", None)
    if cleared is _MISSING:
        row = (
            QuestionAssignment.objects.filter(question_id=question.pk, lawyer_id__in=lawyers)
            .values("status", "conflict_confirmed_at")
            .first()
        )
        cleared = row["conflict_confirmed_at"] if row else None
        status = row["status"] if row else None
    return cleared is not None and status != AssignmentStatus.DECLINED


class QuestionChildQuerySet(ScopedQuerySet):
    """Replies and attachments: scope follows the question."""

    visible = Scope(also=(follows("question"),))


class AssignmentQuerySet(QuestionChildQuerySet):
    # A lawyer acts on their own assignments only.
    editable = Scope({Role.LAWYER: "lawyer_id"})


class CategoryQuerySet(ScopedQuerySet):
    """The managed list is shared: everyone reads it, superusers edit it."""

    visible = EVERYONE


class NoticeQuerySet(ScopedQuerySet):
    # Their own notices only, superusers included.
    visible = Scope(also=(own("user_id"),), superuser=False)

    def unread(self) -> NoticeQuerySet:
        return self.filter(read_at__isnull=True)


class KnowledgeQuerySet(ScopedQuerySet):
    """The knowledge base is public (personal details are removed when it is built)."""

    # Active entries only, superusers included.
    visible = Scope(also=(always(Q(is_active=True)),), superuser=False)
    # The bureau may withdraw (hide) an entry of its district.
    editable = Scope({Role.BUREAU_ADMIN: "district_id"})

    def in_district(self, district_id: int | None) -> KnowledgeQuerySet:
        """One district's entries. The id is compared as a bigint, like the column: only
        then does PostgreSQL match it inside the (district, search vector) GIN index of
        migration 0007 (btree_gin has no int8 = int4 operator), instead of reading every
        district's matches (15 → 2.5 ms at province scale)."""
        return self.filter(district_id=Cast(Value(district_id), BigIntegerField()))


class DutyShiftQuerySet(ScopedQuerySet):
    """The roster: read by everyone working in the district, written by its bureau."""

    visible = Scope(WORKING_IN_DISTRICT)
    editable = Scope({Role.BUREAU_ADMIN: "district_id"})


class LawyerChildQuerySet(ScopedQuerySet):
    """A lawyer's unavailable dates: the lawyer, their firm admin and the bureau."""

    visible = Scope(
        {
            Role.LAWYER: "lawyer_id",
            Role.FIRM_ADMIN: "lawyer__firm_id",
            Role.BUREAU_ADMIN: "lawyer__firm__district_id",
        }
    )
    editable = Scope({Role.LAWYER: "lawyer_id", Role.BUREAU_ADMIN: "lawyer__firm__district_id"})


class DutyChildQuerySet(ScopedQuerySet):
    """Swap requests: the two lawyers, the requester's firm admin, the bureau."""

    visible = Scope(
        {
            Role.LAWYER: ("requester_id", "to_lawyer_id"),
            Role.FIRM_ADMIN: "requester__firm_id",
            Role.BUREAU_ADMIN: "shift__district_id",
        }
    )
    editable = Scope({Role.BUREAU_ADMIN: "shift__district_id"})


class ServiceRequestQuerySet(ScopedQuerySet):
    visible = Scope(
        {
            Role.LAWYER: "lawyer_id",
            Role.FIRM_ADMIN: "lawyer__firm_id",
            Role.BUREAU_ADMIN: "district_id",
        },
        also=(own("resident_id"),),
    )
    # The two parties: the resident decides, the lawyer quotes.
    editable = Scope({Role.LAWYER: "lawyer_id"}, also=(own("resident_id"),))


# Page gates (core.scope.Gate): who reads an asker's contact details on a question
# (the place's staff, superusers only through a binding), who has a queue (lawyers), who
# opens the staff list of questions.
CONTACT_READERS = Gate(
    (Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.BUREAU_ADMIN), superuser=False
)
QUEUE_HOLDERS = Gate((Role.LAWYER,), superuser=False)
QUESTION_STAFF = Gate(
    (Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.BUREAU_ADMIN, Role.FIRM_ADMIN, Role.LAWYER)
)
