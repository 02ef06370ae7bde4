"""The monthly service day (主题党日, the 15th by default) and residents taking part."""

from __future__ import annotations

from datetime import time

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import AuditedModel
from firms.models import LawFirm
from regions.models import Community
from visits.choices import ServiceDayStatus
from visits.querysets import AttendanceQuerySet, ServiceDayQuerySet


class ServiceDay(AuditedModel):
    """One community's service day of one month (scheduled ahead by a job; community
    staff may move it within the month, change its time and place, or cancel it)."""

    community = models.ForeignKey(
        Community, verbose_name=_("社区"), on_delete=models.PROTECT, related_name="service_days"
    )
    firm = models.ForeignKey(
        LawFirm,
        verbose_name=_("服务律所"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="service_days",
    )
    month = models.DateField(_("月份"), help_text=_("该月 1 日"))
    date = models.DateField(_("日期"))
    start_time = models.TimeField(_("开始时间"), default=time(9, 0))
    end_time = models.TimeField(_("结束时间"), default=time(11, 30))
    place = models.CharField(_("地点"), max_length=200, blank=True)
    topic = models.CharField(_("主题"), max_length=200, blank=True)
    status = models.CharField(
        _("状态"),
        max_length=10,
        choices=ServiceDayStatus.choices,
        default=ServiceDayStatus.SCHEDULED,
    )

    objects = ServiceDayQuerySet.as_manager()

    class Meta:
        verbose_name = _("服务日")
        verbose_name_plural = _("服务日")
        ordering = ["date", "community_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "month"], name="visits_service_day_once_a_month"
            ),
            models.CheckConstraint(
                condition=models.Q(end_time__gt=models.F("start_time")),
                name="visits_service_day_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["date", "status"], name="visits_service_day_date")]

    def __str__(self) -> str:
        return f"{self.community} {self.date:%Y-%m-%d} 服务日"

    def audit_district_id(self) -> int | None:
        return (
            Community.objects.filter(pk=self.community_id)
            .values_list("street__district_id", flat=True)
            .first()
        )


class ServiceDaySignup(models.Model):
    """A resident signed up for a service day (once)."""

    service_day = models.ForeignKey(
        ServiceDay, verbose_name=_("服务日"), on_delete=models.CASCADE, related_name="signups"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("居民"),
        on_delete=models.PROTECT,
        related_name="service_day_signups",
    )
    created_at = models.DateTimeField(_("报名时间"), auto_now_add=True)

    objects = AttendanceQuerySet.as_manager()

    class Meta:
        verbose_name = _("服务日报名")
        verbose_name_plural = _("服务日报名")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["service_day", "user"], name="visits_signup_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user} 报名 {self.service_day}"


class ServiceDayCheckin(models.Model):
    """A resident checked in on the day by scanning the community's QR code (once);
    the check-in earns points."""

    service_day = models.ForeignKey(
        ServiceDay, verbose_name=_("服务日"), on_delete=models.CASCADE, related_name="checkins"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("居民"),
        on_delete=models.PROTECT,
        related_name="service_day_checkins",
    )
    checked_in_at = models.DateTimeField(_("签到时间"))

    objects = AttendanceQuerySet.as_manager()

    class Meta:
        verbose_name = _("服务日签到")
        verbose_name_plural = _("服务日签到")
        ordering = ["-checked_in_at"]
        constraints = [
            models.UniqueConstraint(fields=["service_day", "user"], name="visits_checkin_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user} 签到 {self.service_day}"
