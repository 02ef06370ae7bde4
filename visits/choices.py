"""Choices of the visits app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class VisitKind(models.TextChoices):
    DOOR_TO_DOOR = "door_to_door", _("入户走访")
    PARTY_DAY = "party_day", _("主题党日服务日")
    LECTURE = "lecture", _("法治讲座")
    CONSULTATION = "consultation", _("法律咨询")
    DISPUTE_SCREENING = "dispute_screening", _("矛盾纠纷排查")
    BUSINESS_CHECKUP = "business_checkup", _("企业法律体检")
    OTHER = "other", _("其他")


class VisitStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待社区确认")
    CONFIRMED = "confirmed", _("已确认")
    DISPUTED = "disputed", _("有异议")


class FollowUp(models.TextChoices):
    NONE = "", _("无")
    IN_PROGRESS = "in_progress", _("跟进中")
    RESOLVED = "resolved", _("已化解")
    REFERRED = "referred", _("已转调解")


class ServiceDayStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("已排期")
    HELD = "held", _("已举行")
    CANCELLED = "cancelled", _("已取消")


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("待提交")
    SUBMITTED = "submitted", _("已提交")
    CONFIRMED = "confirmed", _("已确认")
    RETURNED = "returned", _("已退回")


class NoticeKind(models.TextChoices):
    REPORT_LATE = "report_late", _("月报逾期")
    BEHIND_PLAN = "behind_plan", _("走访进度落后")
