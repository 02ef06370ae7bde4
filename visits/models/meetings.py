"""Regular meetings (定期会议) of a firm or of a street's 司法所."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import AuditedModel
from firms.models import LawFirm
from regions.models import District, Street
from visits.querysets import MeetingChildQuerySet, MeetingQuerySet


class Meeting(AuditedModel):
    district = models.ForeignKey(
        District, verbose_name=_("区"), on_delete=models.PROTECT, related_name="+"
    )
    firm = models.ForeignKey(
        LawFirm,
        verbose_name=_("律所"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meetings",
    )
    street = models.ForeignKey(
        Street,
        verbose_name=_("街道"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meetings",
    )
    date = models.DateField(_("会议日期"))
    title = models.CharField(_("会议名称"), max_length=100)
    place = models.CharField(_("地点"), max_length=200, blank=True)
    attendees = models.TextField(_("参会人员"))
    minutes = models.TextField(_("会议纪要"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("定期会议")
        verbose_name_plural = _("定期会议")
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(firm__isnull=False) | Q(street__isnull=False),
                name="visits_meeting_of_firm_or_street",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.title}"

    def audit_district_id(self) -> int | None:
        return self.district_id


def attachment_path(instance: MeetingAttachment, filename: str) -> str:
    extension = filename.rsplit(".", 1)[-1].lower()[:5]
    return f"meetings/{instance.meeting_id}/{instance.token}.{extension}"


class MeetingAttachment(models.Model):
    meeting = models.ForeignKey(
        Meeting, verbose_name=_("会议"), on_delete=models.CASCADE, related_name="attachments"
    )
    token = models.CharField(max_length=32, editable=False)
    name = models.CharField(_("文件名"), max_length=200)
    file = models.FileField(_("附件"), upload_to=attachment_path)
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    objects = MeetingChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("会议附件")
        verbose_name_plural = _("会议附件")
        ordering = ["meeting_id", "id"]

    def __str__(self) -> str:
        return self.name
