"""Paid services (有偿服务): the resident asks, the lawyer quotes a fee and a scope in
writing, the resident accepts or declines. The record keeps the fee standard the
lawyer had published when asked, the quote and the decision (公开、透明、自愿)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from consultations.choices import ServiceStatus
from consultations.models.questions import Question
from consultations.querysets import ServiceRequestQuerySet
from core.models import AuditedModel
from firms.models import Lawyer
from regions.models import District


class ServiceRequest(AuditedModel):
    case_number = models.CharField(_("案件编号"), max_length=32, db_index=True)
    district = models.ForeignKey(
        District, verbose_name=_("区"), on_delete=models.PROTECT, related_name="+"
    )
    resident = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        on_delete=models.PROTECT,
        related_name="service_requests",
    )
    lawyer = models.ForeignKey(
        Lawyer, verbose_name=_("律师"), on_delete=models.PROTECT, related_name="service_requests"
    )
    question = models.ForeignKey(
        Question,
        verbose_name=_("来源咨询"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="service_requests",
    )
    description = models.TextField(_("服务需求"))
    fee_standard_snapshot = models.TextField(_("申请时公开的收费标准"), blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=ServiceStatus.choices, default=ServiceStatus.REQUESTED
    )
    quote_fee = models.DecimalField(
        _("报价（元）"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    quote_scope = models.TextField(_("服务范围"), blank=True)
    quoted_at = models.DateTimeField(_("报价时间"), null=True, blank=True)
    decided_at = models.DateTimeField(_("居民决定时间"), null=True, blank=True)
    decision_note = models.CharField(_("居民说明"), max_length=200, blank=True)

    objects = ServiceRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("有偿服务申请")
        verbose_name_plural = _("有偿服务申请")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quote_fee__isnull=True) | Q(quote_fee__gte=0),
                name="consult_quote_fee_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(status="requested")
                | Q(quote_fee__isnull=False, quoted_at__isnull=False),
                name="consult_quote_before_decision",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_number} {self.lawyer}"

    def audit_district_id(self) -> int | None:
        return self.district_id
