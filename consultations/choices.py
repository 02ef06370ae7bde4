"""The vocabularies of consultations."""

from django.db import models
from django.utils.translation import gettext_lazy as _

# The managed list of question categories, seeded by migration 0002.
DEFAULT_CATEGORIES = (
    "婚姻家庭",
    "劳动争议",
    "房产物业",
    "合同纠纷",
    "借贷",
    "交通事故",
    "邻里纠纷",
    "消费维权",
    "公司经营",
    "刑事",
    "行政",
    "其他",
)


class QuestionStatus(models.TextChoices):
    OPEN = "open", _("待答复")
    ANSWERED = "answered", _("已答复")
    CLOSED = "closed", _("已结束")


class AssignmentReason(models.TextChoices):
    CHOSEN = "chosen", _("居民指定")
    LIAISON = "liaison", _("社区联络律师")
    DUTY = "duty", _("值班律师")
    ESCALATED = "escalated", _("超时升级")
    HANDOVER = "handover", _("同事转交")


class AssignmentStatus(models.TextChoices):
    PENDING = "pending", _("待确认利益冲突")
    ACTIVE = "active", _("处理中")
    DECLINED = "declined", _("利益冲突回避")
    HANDED_OVER = "handed_over", _("已转交")


LIVE_ASSIGNMENT = (AssignmentStatus.PENDING, AssignmentStatus.ACTIVE)


class ShiftStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("已排班")
    CHECKED_IN = "checked_in", _("已签到")
    DONE = "done", _("已签退")


class SwapStatus(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("已驳回")


class ServiceStatus(models.TextChoices):
    REQUESTED = "requested", _("待报价")
    QUOTED = "quoted", _("已报价")
    ACCEPTED = "accepted", _("已接受")
    DECLINED = "declined", _("已谢绝")


class NoticeKind(models.TextChoices):
    ASSIGNED = "assigned", _("新咨询")
    REMINDER = "reminder", _("答复提醒")
    ESCALATED = "escalated", _("超时升级")
    OVERDUE = "overdue", _("超时未答复")
    REPLY = "reply", _("新回复")
    QUOTE = "quote", _("有偿服务")
    ROSTER = "roster", _("值班排班")
