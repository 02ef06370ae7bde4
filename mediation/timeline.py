"""One timeline (一案一编码): a case that came from a question shows the question's
thread first, then the mediation steps. The question's text shows only to those who
may read it (consultations' rule); the others see that the step happened."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _

from consultations.models import Question, Reply
from consultations.querysets import can_read_text
from mediation.models import Case


@dataclass(frozen=True)
class Entry:
    at: datetime
    title: str
    text: str
    actor: str
    origin: str  # "question" or "mediation"


def _question_entries(user: Any, case: Case) -> list[Entry]:
    question: Any = Question.objects.get(pk=case.question_id or 0)
    readable = Question.objects.visible_to(user).filter(pk=question.pk).exists() and can_read_text(
        user, question
    )
    entries = [
        Entry(
            question.posted_at,
            _("提交法律咨询 %(no)s") % {"no": question.case_number},
            question.title if readable else "",
            _("咨询人"),
            "question",
        )
    ]
    replies = Reply.objects.filter(question=question).select_related("lawyer")
    for reply in replies.order_by("posted_at", "id"):
        lawyer = reply.lawyer
        entries.append(
            Entry(
                reply.posted_at,
                _("律师答复") if lawyer else _("咨询人追问"),
                reply.text if readable else "",
                _("律师 %(name)s") % {"name": lawyer.name} if lawyer else _("咨询人"),
                "question",
            )
        )
    if question.closed_at:
        entries.append(Entry(question.closed_at, _("咨询结束"), "", _("咨询人"), "question"))
    return entries


def timeline(user: Any, case: Case) -> list[Entry]:
    entries = _question_entries(user, case) if case.question_id else []
    entries.extend(
        Entry(e.created_at, e.get_kind_display(), e.text, e.actor_label, "mediation")
        for e in case.events.all()
    )
    return entries
