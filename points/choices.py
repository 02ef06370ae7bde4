"""Vocabularies of the points app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    """What a resident does to earn points (the caller names the action)."""

    SERVICE_DAY_CHECKIN = "service_day_checkin", _("服务日签到")
    LECTURE_ATTENDANCE = "lecture_attendance", _("参加法治讲座")
    ANSWER_RATING = "answer_rating", _("评价律师解答")
    MEDIATION_FOLLOWUP = "mediation_followup", _("完成调解回访")


class EntryKind(models.TextChoices):
    EARN = "earn", _("获得")
    REDEEM = "redeem", _("兑换")
    REFUND = "refund", _("退回")
    EXPIRE = "expire", _("过期")
    ADJUST = "adjust", _("调整")


class OfferScope(models.TextChoices):
    PAIRED = "paired", _("结对社区居民")
    DISTRICT = "district", _("全区居民")


class OfferStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PENDING = "pending", _("待审核")
    PUBLISHED = "published", _("已发布")
    REJECTED = "rejected", _("未通过")
    WITHDRAWN = "withdrawn", _("已下架")


class CouponStatus(models.TextChoices):
    ISSUED = "issued", _("未使用")
    USED = "used", _("已使用")
    CANCELLED = "cancelled", _("已取消")
    EXPIRED = "expired", _("已过期")
