"""The vocabularies of assessment: metrics, statuses, subsidy kinds."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Metric(models.TextChoices):
    """The monthly metrics, in the order the ranking table shows them."""

    VISITS = "visits", _("走访计划完成率")
    COVERAGE = "coverage", _("住户覆盖进度")
    REPLIES = "replies", _("咨询按时答复率")
    SATISFACTION = "satisfaction", _("居民满意度")
    SERVICE_DAYS = "service_days", _("服务日举办率")
    MEDIATION = "mediation", _("调解成功")
    DUTY = "duty", _("值班出勤率")


class RankingStatus(models.TextChoices):
    DRAFT = "draft", _("草稿（可申诉）")
    PUBLISHED = "published", _("已发布")


class ScoreStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    APPEALED = "appealed", _("申诉中")
    PUBLISHED = "published", _("已发布")


class AppealStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    ACCEPTED = "accepted", _("已采纳")
    REJECTED = "rejected", _("已驳回")


class AnnualStatus(models.TextChoices):
    DRAFT = "draft", _("评定中")
    PUBLISHED = "published", _("已公布")


class CommendationKind(models.TextChoices):
    FIRM = "firm", _("律所")
    LAWYER = "lawyer", _("律师")


class SubsidyKind(models.TextChoices):
    LIAISON = "liaison", _("联络员工作补贴")
    DUTY = "duty", _("值班补贴")
    MEDIATION = "mediation", _("调解个案补贴")


class ItemStatus(models.TextChoices):
    PAYABLE = "payable", _("待发放")
    HELD = "held", _("暂缓（材料不全）")
    PAID = "paid", _("已发放")


class PeriodStatus(models.TextChoices):
    OPEN = "open", _("核算中")
    CLOSED = "closed", _("已结束")


class Difficulty(models.TextChoices):
    """How hard a mediated case was: by default from the amount in dispute (the
    thresholds are district settings); the bureau may set it per case."""

    SIMPLE = "simple", _("简易")
    ORDINARY = "ordinary", _("一般")
    COMPLEX = "complex", _("疑难复杂")
