"""Monthly reports (月报) per firm and street, and the notices jobs raise."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import AuditedModel
from firms.models import LawFirm
from regions.models import Community, District, Street
from visits.choices import NoticeKind, ReportStatus
from visits.querysets import MonthlyReportQuerySet, NoticeQuerySet


class MonthlyReport(AuditedModel):
    """A firm's report of one month to the 司法所 of one street, compiled from its
    confirmed visits in that street. The totals are refreshed on compile, submit and
    confirm; confirming locks the month's visits."""

    firm = models.ForeignKey(
        LawFirm, verbose_name=_("律所"), on_delete=models.PROTECT, related_name="monthly_reports"
    )
    street = models.ForeignKey(
        Street, verbose_name=_("街道"), on_delete=models.PROTECT, related_name="monthly_reports"
    )
    month = models.DateField(_("月份"), help_text=_("该月 1 日"))
    status = models.CharField(
        _("状态"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    due_date = models.DateField(_("报送截止日期"))
    compiled_at = models.DateTimeField(_("汇总时间"))
    visit_count = models.PositiveIntegerField(_("走访次数"), default=0)
    household_count = models.PositiveIntegerField(_("走访户数"), default=0)
    participant_count = models.PositiveIntegerField(_("服务人数"), default=0)
    dispute_count = models.PositiveIntegerField(_("发现纠纷数"), default=0)
    summary = models.TextField(_("工作小结"), blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提交人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    review_comment = models.TextField(_("审核意见"), blank=True)
    is_late = models.BooleanField(_("逾期"), default=False)

    objects = MonthlyReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("月报")
        verbose_name_plural = _("月报")
        ordering = ["-month", "street_id", "firm_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["firm", "street", "month"], name="visits_report_once_a_month"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="returned") | ~models.Q(review_comment=""),
                name="visits_returned_report_has_comment",
            ),
        ]
        indexes = [models.Index(fields=["status", "due_date"], name="visits_report_due")]

    def __str__(self) -> str:
        return f"{self.firm} · {self.street} · {self.month:%Y年%m月}月报"

    def audit_district_id(self) -> int | None:
        return LawFirm.objects.filter(pk=self.firm_id).values_list("district_id", flat=True).first()

    @property
    def is_open(self) -> bool:
        """Still with the firm (not yet submitted, or returned to it)."""
        return self.status in (ReportStatus.DRAFT, ReportStatus.RETURNED)


class Notice(models.Model):
    """A flag raised by a job (a late report, a community behind plan), shown on the
    workspaces of the firm, the street's 司法所 and the bureau. ``key`` makes raising
    it twice a no-op."""

    kind = models.CharField(_("类型"), max_length=20, choices=NoticeKind.choices)
    key = models.CharField(_("去重键"), max_length=100, unique=True)
    district = models.ForeignKey(
        District, verbose_name=_("区"), on_delete=models.CASCADE, related_name="+"
    )
    street = models.ForeignKey(
        Street, verbose_name=_("街道"), null=True, blank=True, on_delete=models.CASCADE
    )
    firm = models.ForeignKey(
        LawFirm, verbose_name=_("律所"), null=True, blank=True, on_delete=models.CASCADE
    )
    community = models.ForeignKey(
        Community, verbose_name=_("社区"), null=True, blank=True, on_delete=models.CASCADE
    )
    message = models.CharField(_("内容"), max_length=300)
    link = models.CharField(_("链接"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("提醒")
        verbose_name_plural = _("提醒")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.message
