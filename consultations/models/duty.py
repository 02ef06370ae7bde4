"""The duty roster of the 金融法律服务中心: shifts, unavailable dates, swap requests."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from consultations.choices import ShiftStatus, SwapStatus
from consultations.querysets import DutyChildQuerySet, DutyShiftQuerySet, LawyerChildQuerySet
from core.models import AuditedModel
from firms.models import Lawyer
from regions.models import District


class DutyShift(AuditedModel):
    """One lawyer on duty on one day. Who may be on duty (an active volunteer with
    enough years of practice) is checked by consultations.duty before any write."""

    district = models.ForeignKey(
        District, verbose_name=_("区"), on_delete=models.PROTECT, related_name="+"
    )
    date = models.DateField(_("值班日期"))
    lawyer = models.ForeignKey(
        Lawyer, verbose_name=_("值班律师"), on_delete=models.PROTECT, related_name="duty_shifts"
    )
    status = models.CharField(
        _("状态"), max_length=12, choices=ShiftStatus.choices, default=ShiftStatus.SCHEDULED
    )
    checked_in_at = models.DateTimeField(_("签到时间"), null=True, blank=True)
    checked_out_at = models.DateTimeField(_("签退时间"), null=True, blank=True)

    objects = DutyShiftQuerySet.as_manager()

    class Meta:
        verbose_name = _("值班")
        verbose_name_plural = _("值班表")
        ordering = ["date", "lawyer__name"]
        constraints = [
            models.UniqueConstraint(fields=["date", "lawyer"], name="consult_duty_once_a_day"),
            models.CheckConstraint(
                condition=Q(checked_out_at__isnull=True)
                | Q(checked_in_at__isnull=False, checked_out_at__gte=models.F("checked_in_at")),
                name="consult_duty_out_after_in",
            ),
        ]
        indexes = [models.Index(fields=["district", "date"], name="consult_duty_day")]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.lawyer}"

    def audit_district_id(self) -> int | None:
        return self.district_id


class DutyUnavailability(AuditedModel):
    """A day a volunteer cannot be on duty; the roster generator skips it."""

    lawyer = models.ForeignKey(
        Lawyer, verbose_name=_("律师"), on_delete=models.CASCADE, related_name="duty_unavailable"
    )
    date = models.DateField(_("日期"))
    reason = models.CharField(_("原因"), max_length=100, blank=True)

    objects = LawyerChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("不能值班日期")
        verbose_name_plural = _("不能值班日期")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["lawyer", "date"], name="consult_unavailable_once"),
        ]

    def __str__(self) -> str:
        return f"{self.lawyer} {self.date:%Y-%m-%d}"


class DutySwapRequest(AuditedModel):
    """A lawyer asks to give their shift to a colleague (or to exchange it for the
    colleague's shift); the bureau approves or rejects."""

    shift = models.ForeignKey(
        DutyShift, verbose_name=_("本人值班"), on_delete=models.CASCADE, related_name="swaps"
    )
    requester = models.ForeignKey(
        Lawyer, verbose_name=_("申请人"), on_delete=models.PROTECT, related_name="+"
    )
    to_lawyer = models.ForeignKey(
        Lawyer, verbose_name=_("换班律师"), on_delete=models.PROTECT, related_name="+"
    )
    to_shift = models.ForeignKey(
        DutyShift,
        verbose_name=_("交换的值班"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    reason = models.CharField(_("原因"), max_length=200)
    status = models.CharField(
        _("状态"), max_length=10, choices=SwapStatus.choices, default=SwapStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审批人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_note = models.CharField(_("审批意见"), max_length=200, blank=True)

    objects = DutyChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("换班申请")
        verbose_name_plural = _("换班申请")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["shift"],
                condition=Q(status="pending"),
                name="consult_swap_one_pending_per_shift",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.shift} → {self.to_lawyer}"

    def audit_district_id(self) -> int | None:
        return (
            DutyShift.objects.filter(pk=self.shift_id).values_list("district_id", flat=True).first()
        )
