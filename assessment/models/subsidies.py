"""Subsidies (经费): a period per district and its payable items. The database refuses
a second item for the same source (the same duty shift, the same mediation case and
lawyer, the same firm and month of liaison work), whatever the period."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from assessment.choices import Difficulty, ItemStatus, PeriodStatus, SubsidyKind
from assessment.querysets import SubsidyItemQuerySet, SubsidyPeriodQuerySet
from consultations.models import DutyShift
from core.models import AuditedModel, TimeStampedModel
from firms.models import LawFirm, Lawyer
from mediation.models import Case
from regions.models import District

USER = settings.AUTH_USER_MODEL


class SubsidyPeriod(AuditedModel):
    """A settlement period (whole months) of one district."""

    district = models.ForeignKey(
        District, verbose_name=_("区"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("名称"), max_length=100)
    start = models.DateField(_("开始日期"), help_text=_("某月 1 日"))
    end = models.DateField(_("结束日期"), help_text=_("某月最后一天"))
    status = models.CharField(
        _("状态"), max_length=10, choices=PeriodStatus.choices, default=PeriodStatus.OPEN
    )
    generated_at = models.DateTimeField(_("最近核算时间"), null=True, blank=True)
    sample_drawn_at = models.DateTimeField(_("回访抽查时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    objects = SubsidyPeriodQuerySet.as_manager()

    class Meta:
        verbose_name = _("经费核算期")
        verbose_name_plural = _("经费核算期")
        ordering = ["-start", "district_id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gte=models.F("start")), name="assessment_period_end_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == PeriodStatus.OPEN

    def audit_district_id(self) -> int | None:
        return self.district_id


class SubsidyItem(TimeStampedModel):
    """One payable amount to a firm (and lawyer), from one source record."""

    period = models.ForeignKey(
        SubsidyPeriod, verbose_name=_("核算期"), on_delete=models.PROTECT, related_name="items"
    )
    kind = models.CharField(_("类型"), max_length=10, choices=SubsidyKind.choices)
    firm = models.ForeignKey(
        LawFirm, verbose_name=_("律所"), on_delete=models.PROTECT, related_name="subsidy_items"
    )
    lawyer = models.ForeignKey(
        Lawyer,
        verbose_name=_("律师"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="subsidy_items",
    )
    month = models.DateField(_("联络月份"), null=True, blank=True, help_text=_("该月 1 日"))
    duty_shift = models.ForeignKey(
        DutyShift,
        verbose_name=_("值班"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    mediation_case = models.ForeignKey(
        Case,
        verbose_name=_("调解案件"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    difficulty = models.CharField(_("难度"), max_length=10, choices=Difficulty.choices, blank=True)
    difficulty_set_by = models.ForeignKey(
        USER,
        verbose_name=_("难度认定人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    description = models.CharField(_("事由"), max_length=200)
    amount = models.DecimalField(_("金额（元）"), max_digits=10, decimal_places=2)
    status = models.CharField(_("状态"), max_length=10, choices=ItemStatus.choices)
    hold_reason = models.CharField(_("暂缓原因"), max_length=200, blank=True)
    paid_at = models.DateTimeField(_("发放时间"), null=True, blank=True)
    paid_by = models.ForeignKey(
        USER,
        verbose_name=_("发放经办人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    sampled = models.BooleanField(_("抽中回访"), default=False)
    follow_up_note = models.CharField(_("回访情况"), max_length=300, blank=True)
    followed_up_at = models.DateTimeField(_("回访时间"), null=True, blank=True)

    objects = SubsidyItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("经费明细")
        verbose_name_plural = _("经费明细")
        ordering = ["period_id", "kind", "firm_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["duty_shift"],
                condition=Q(kind="duty"),
                name="assessment_subsidy_shift_once",
            ),
            models.UniqueConstraint(
                fields=["mediation_case", "lawyer"],
                condition=Q(kind="mediation"),
                name="assessment_subsidy_case_lawyer_once",
            ),
            models.UniqueConstraint(
                fields=["firm", "month"],
                condition=Q(kind="liaison"),
                name="assessment_subsidy_liaison_month_once",
            ),
            models.CheckConstraint(
                name="assessment_subsidy_source_matches_kind",
                condition=Q(
                    kind="liaison",
                    month__isnull=False,
                    duty_shift__isnull=True,
                    mediation_case__isnull=True,
                )
                | Q(
                    kind="duty",
                    duty_shift__isnull=False,
                    lawyer__isnull=False,
                    mediation_case__isnull=True,
                )
                | Q(
                    kind="mediation",
                    mediation_case__isnull=False,
                    lawyer__isnull=False,
                    duty_shift__isnull=True,
                ),
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="assessment_subsidy_not_negative"
            ),
            models.CheckConstraint(
                condition=~Q(status="held") | ~Q(hold_reason=""),
                name="assessment_subsidy_held_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status="paid") | Q(paid_at__isnull=False),
                name="assessment_subsidy_paid_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["period", "status"], name="assessment_item_status"),
            models.Index(fields=["firm", "status"], name="assessment_item_firm"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.firm} · {self.amount} 元"
