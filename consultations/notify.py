"""Notices in the site and by SMS. Notices are rows written in the caller's
transaction; text messages go through the pluggable SMS backend after it commits, so
a rolled-back change never sends one, and a failing provider never undoes a change."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime
from functools import partial
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from accounts.sms import SmsError, send_sms
from consultations.models import Notice, Question
from firms.models import Lawyer

logger = logging.getLogger(__name__)
SMS_PREFIX = "【尚法云】"


def _send(phone: str, message: str) -> None:
    try:
        send_sms(phone, SMS_PREFIX + message)
    except SmsError:
        logger.exception("SMS to %s failed", phone[:3])


def sms_after_commit(phone: str, message: str) -> None:
    if phone:
        transaction.on_commit(partial(_send, phone, message))


def question_url(question: Question) -> str:
    return reverse("consultations:question_detail", args=[question.pk])


def notify_users(
    users: Iterable[User],
    *,
    kind: str,
    title: str,
    now: datetime,
    body: str = "",
    url: str = "",
    question: Question | None = None,
    sms: str = "",
) -> int:
    """A notice to each user (once each); ``sms`` also goes to their phones."""
    rows: dict[int, Notice] = {}
    for user in users:
        if user.pk in rows:
            continue
        rows[user.pk] = Notice(
            user=user,
            kind=kind,
            title=title[:100],
            body=body[:500],
            url=url,
            question=question,
            created_at=now,
        )
        if sms:
            sms_after_commit(user.phone, sms)
    Notice.objects.bulk_create(rows.values())
    return len(rows)


def notify_lawyers(lawyers: Iterable[Lawyer], **kwargs: Any) -> int:
    """Notices to lawyers with an account; SMS to every lawyer with a phone (the
    lawyer's own number, else their account's)."""
    sms = kwargs.pop("sms", "")
    users = []
    for lawyer in lawyers:
        if lawyer.user is not None:
            users.append(lawyer.user)
        if sms:
            sms_after_commit(lawyer.phone or (lawyer.user.phone if lawyer.user else ""), sms)
    return notify_users(users, **kwargs)


def bureau_users(district_id: int) -> list[User]:
    return list(
        User.objects.filter(
            is_active=True,
            region_roles__role=Role.BUREAU_ADMIN,
            region_roles__district_id=district_id,
            region_roles__is_active=True,
        ).distinct()
    )


def local_time(value: datetime) -> str:
    return timezone.localtime(value).strftime("%m月%d日 %H:%M")
