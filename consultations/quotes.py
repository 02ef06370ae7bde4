"""Paid services (有偿服务), 公开、透明、自愿: only from a lawyer who has published a
fee standard (it is shown before asking and kept on the record); the lawyer quotes a
fee and a scope in writing; the resident accepts or declines, freely."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import Role
from consultations.choices import NoticeKind, ServiceStatus
from consultations.models import Question, ServiceRequest
from consultations.notify import notify_lawyers, notify_users
from consultations.numbering import SERVICE_PREFIX, next_case_number
from consultations.text import clean_text
from core.scope import get_principal
from firms.models import Lawyer

MAX_FEE = Decimal("10000000")


def _url(request: ServiceRequest) -> str:
    return reverse("consultations:service_detail", args=[request.pk])


@transaction.atomic
def request_service(
    *,
    actor: User,
    lawyer: Lawyer,
    description: str,
    question: Question | None = None,
    now: datetime | None = None,
) -> ServiceRequest:
    now = now or timezone.now()
    description = clean_text(description)
    if not (lawyer.is_active and lawyer.firm.is_active):
        raise ValidationError({"lawyer": _("该律师已不在名录中")})
    if not lawyer.fee_standard.strip():
        raise ValidationError(
            {"lawyer": _("该律师尚未公开收费标准，暂不能申请有偿服务，可先免费咨询")}
        )
    if lawyer.user_id is not None and lawyer.user_id == actor.pk:
        raise ValidationError({"lawyer": _("不能向自己申请服务")})
    if len(description) < 10:
        raise ValidationError({"description": _("请说明需要的服务（至少 10 个字）")})
    if (
        question is not None
        and not Question.objects.editable_by(actor).filter(pk=question.pk).exists()
    ):
        raise PermissionDenied
    district = lawyer.firm.district
    request = ServiceRequest(
        case_number=question.case_number
        if question is not None
        else next_case_number(SERVICE_PREFIX, district.code, timezone.localdate(now)),
        district=district,
        resident=actor,
        lawyer=lawyer,
        question=question,
        description=description[:3000],
        fee_standard_snapshot=lawyer.fee_standard,
    )
    request.full_clean()
    request.save()
    notify_lawyers(
        [lawyer],
        kind=NoticeKind.QUOTE,
        title=_("新的有偿服务申请 %(no)s") % {"no": request.case_number},
        body=_("请按公开的收费标准书面报价（费用和服务范围）。"),
        url=_url(request),
        now=now,
        sms=_("您有一条有偿服务申请（编号 %(no)s），请登录书面报价。")
        % {"no": request.case_number},
    )
    return request


def _parse_fee(value: Any) -> Decimal:
    try:
        fee = Decimal(str(value).strip().replace(",", "").replace("，", ""))
    except (InvalidOperation, ValueError):
        raise ValidationError({"quote_fee": _("报价应为金额（元），如 3000 或 3000.50")}) from None
    if not fee.is_finite() or fee < 0 or fee > MAX_FEE or fee != fee.quantize(Decimal("0.01")):
        raise ValidationError({"quote_fee": _("报价应为 0 至 1000 万元之间、最多两位小数的金额")})
    return fee


@transaction.atomic
def quote(
    *, actor: User, request: ServiceRequest, fee: Any, scope: str, now: datetime | None = None
) -> ServiceRequest:
    """The lawyer's written quote: the fee and what it covers."""
    now = now or timezone.now()
    if request.lawyer_id not in get_principal(actor).ids(Role.LAWYER):
        raise PermissionDenied
    request = ServiceRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != ServiceStatus.REQUESTED:
        raise ValidationError(_("已经报过价，不能修改"))
    amount = _parse_fee(fee)
    scope = clean_text(scope)
    if len(scope) < 5:
        raise ValidationError({"quote_scope": _("请写明服务范围（至少 5 个字）")})
    request.quote_fee = amount
    request.quote_scope = scope[:3000]
    request.quoted_at = now
    request.status = ServiceStatus.QUOTED
    request.save(update_fields=["quote_fee", "quote_scope", "quoted_at", "status", "updated_at"])
    notify_users(
        [request.resident],
        kind=NoticeKind.QUOTE,
        title=_("律师已报价：%(fee)s 元（%(no)s）") % {"fee": amount, "no": request.case_number},
        body=_("请查看服务范围后决定接受或谢绝。"),
        url=_url(request),
        now=now,
        sms=_("律师已就您的有偿服务申请（编号 %(no)s）报价，请登录查看并决定是否接受。")
        % {"no": request.case_number},
    )
    return request


@transaction.atomic
def decide(
    *,
    actor: User,
    request: ServiceRequest,
    accept: bool,
    note: str = "",
    now: datetime | None = None,
) -> ServiceRequest:
    """The resident accepts or declines the quote (自愿); the record keeps both."""
    now = now or timezone.now()
    if request.resident_id != actor.pk:
        raise PermissionDenied
    request = ServiceRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != ServiceStatus.QUOTED:
        raise ValidationError(
            _("律师尚未报价") if request.status == ServiceStatus.REQUESTED else _("已经作出过决定")
        )
    request.status = ServiceStatus.ACCEPTED if accept else ServiceStatus.DECLINED
    request.decided_at = now
    request.decision_note = clean_text(note)[:200]
    request.save(update_fields=["status", "decided_at", "decision_note", "updated_at"])
    notify_lawyers(
        Lawyer.objects.filter(pk=request.lawyer_id).select_related("user"),
        kind=NoticeKind.QUOTE,
        title=_("居民%(d)s了您的报价（%(no)s）")
        % {"d": _("接受") if accept else _("谢绝"), "no": request.case_number},
        body=request.decision_note,
        url=_url(request),
        now=now,
    )
    return request
