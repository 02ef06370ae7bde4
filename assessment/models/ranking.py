"""The monthly ranking: a month per district, a score per firm with its metrics and
the records behind each metric, the firms' appeals, and the published bulletin.

Scores are computed data, not typed in: they are TimeStampedModels, and their state
changes (compute, appeal, decide, publish) are logged by the services."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from assessment.choices import AppealStatus, Metric, RankingStatus, ScoreStatus
from assessment.querysets import (
    AppealQuerySet,
    BulletinQuerySet,
    EvidenceQuerySet,
    MetricScoreQuerySet,
    MonthlyScoreQuerySet,
    RankingMonthQuerySet,
)
from core.models import TimeStampedModel
from firms.models import LawFirm
from regions.models import District

USER = settings.AUTH_USER_MODEL


class RankingMonth(TimeStampedModel):
    """One district's ranking of one month: a draft firms may appeal until
    ``appeal_deadline``, then published (and frozen)."""

    district = models.ForeignKey(
        District, verbose_name=_("区"), on_delete=models.PROTECT, related_name="+"
    )
    month = models.DateField(_("月份"), help_text=_("该月 1 日"))
    status = models.CharField(
        _("状态"), max_length=10, choices=RankingStatus.choices, default=RankingStatus.DRAFT
    )
    weights = models.JSONField(_("计算时的指标权重"), default=dict)
    computed_at = models.DateTimeField(_("计算时间"))
    appeal_deadline = models.DateField(_("申诉截止日期"))
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        USER,
        verbose_name=_("发布人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = RankingMonthQuerySet.as_manager()

    class Meta:
        verbose_name = _("月度排名")
        verbose_name_plural = _("月度排名")
        ordering = ["-month", "district_id"]
        constraints = [
            models.UniqueConstraint(fields=["district", "month"], name="assessment_month_once"),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_at__isnull=False),
                name="assessment_month_published_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.district} {self.month:%Y年%m月}排名"

    @property
    def is_draft(self) -> bool:
        return self.status == RankingStatus.DRAFT

    @property
    def label(self) -> str:
        return f"{self.month.year}年{self.month.month}月"


class MonthlyScore(TimeStampedModel):
    """A firm's score of a month: the weighted mean of its metrics (0–100) and rank."""

    ranking = models.ForeignKey(
        RankingMonth, verbose_name=_("月度排名"), on_delete=models.CASCADE, related_name="scores"
    )
    firm = models.ForeignKey(
        LawFirm, verbose_name=_("律所"), on_delete=models.PROTECT, related_name="monthly_scores"
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=ScoreStatus.choices, default=ScoreStatus.DRAFT
    )
    total = models.DecimalField(_("总分"), max_digits=5, decimal_places=2)
    rank = models.PositiveSmallIntegerField(_("名次"))

    objects = MonthlyScoreQuerySet.as_manager()

    class Meta:
        verbose_name = _("律所月度得分")
        verbose_name_plural = _("律所月度得分")
        ordering = ["ranking_id", "rank", "firm__name"]
        constraints = [
            models.UniqueConstraint(fields=["ranking", "firm"], name="assessment_score_once"),
            models.CheckConstraint(
                condition=Q(total__gte=0, total__lte=100), name="assessment_score_0_100"
            ),
        ]
        indexes = [models.Index(fields=["firm", "ranking"], name="assessment_score_firm")]

    def __str__(self) -> str:
        return f"{self.firm} {self.ranking.label} {self.total} 分"


class MetricScore(models.Model):
    """One metric of a score: the numbers it came from, the value (0–100, empty when
    the firm had nothing to count), and the weight used. An accepted appeal may set
    ``value`` apart from ``raw_value``; recomputing keeps that adjustment."""

    score = models.ForeignKey(
        MonthlyScore, verbose_name=_("得分"), on_delete=models.CASCADE, related_name="metrics"
    )
    metric = models.CharField(_("指标"), max_length=20, choices=Metric.choices)
    weight = models.PositiveSmallIntegerField(_("权重"))
    numerator = models.DecimalField(_("分子"), max_digits=12, decimal_places=2)
    denominator = models.DecimalField(_("分母"), max_digits=12, decimal_places=2)
    raw_value = models.DecimalField(
        _("计算得分"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    value = models.DecimalField(_("得分"), max_digits=5, decimal_places=2, null=True, blank=True)
    adjusted = models.BooleanField(_("经申诉调整"), default=False)
    adjust_note = models.CharField(_("调整说明"), max_length=300, blank=True)

    objects = MetricScoreQuerySet.as_manager()

    class Meta:
        verbose_name = _("指标得分")
        verbose_name_plural = _("指标得分")
        ordering = ["score_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["score", "metric"], name="assessment_metric_once"),
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(value__gte=0, value__lte=100),
                name="assessment_metric_0_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_metric_display()} {self.value}"


class MetricEvidence(models.Model):
    """A record behind a metric (a visit, a plan month, a question, a shift ...) and
    what it adds to the numerator and the denominator: the rows of a metric add up
    to its numbers. Written when the month is published, so a published month keeps
    the records it was computed from; a draft's are read from the records when looked
    at (assessment.services.evidence_of)."""

    class Kind(models.TextChoices):
        VISIT = "visit", _("走访记录")
        PLAN = "plan", _("月度计划")
        COMMUNITY = "community", _("结对社区")
        QUESTION = "question", _("法律咨询")
        SERVICE_DAY = "service_day", _("服务日")
        CASE = "case", _("调解案件")
        BENCHMARK = "benchmark", _("全区最高")
        SHIFT = "shift", _("值班")
        CHANGED = "changed", _("记录变化")

    metric_score = models.ForeignKey(
        MetricScore, verbose_name=_("指标得分"), on_delete=models.CASCADE, related_name="evidence"
    )
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField(_("记录编号"), null=True, blank=True)
    day = models.DateField(_("日期"), null=True, blank=True)
    label = models.CharField(_("记录"), max_length=200)
    note = models.CharField(_("说明"), max_length=100, blank=True)
    numerator = models.DecimalField(_("计入分子"), max_digits=12, decimal_places=2)
    denominator = models.DecimalField(_("计入分母"), max_digits=12, decimal_places=2)

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("指标依据")
        verbose_name_plural = _("指标依据")
        ordering = ["metric_score_id", "day", "id"]

    def __str__(self) -> str:
        return self.label


class Appeal(TimeStampedModel):
    """A firm's appeal against its draft score (one metric, or the whole score),
    decided by the bureau before the month is published."""

    score = models.ForeignKey(
        MonthlyScore, verbose_name=_("得分"), on_delete=models.CASCADE, related_name="appeals"
    )
    metric = models.CharField(
        _("申诉指标"),
        max_length=20,
        choices=Metric.choices,
        blank=True,
        help_text=_("不选表示对总分有异议"),
    )
    reason = models.TextField(_("申诉理由"))
    filed_by = models.ForeignKey(
        USER, verbose_name=_("申诉人"), on_delete=models.PROTECT, related_name="+"
    )
    filed_at = models.DateTimeField(_("申诉时间"))
    status = models.CharField(
        _("状态"), max_length=10, choices=AppealStatus.choices, default=AppealStatus.OPEN
    )
    decided_by = models.ForeignKey(
        USER,
        verbose_name=_("处理人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    decision_comment = models.TextField(_("处理意见"), blank=True)
    adjusted_value = models.DecimalField(
        _("调整后的指标得分"), max_digits=5, decimal_places=2, null=True, blank=True
    )

    objects = AppealQuerySet.as_manager()

    class Meta:
        verbose_name = _("排名申诉")
        verbose_name_plural = _("排名申诉")
        ordering = ["-filed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["score"],
                condition=Q(status="open"),
                name="assessment_one_open_appeal_per_score",
            ),
            models.CheckConstraint(
                condition=Q(status="open")
                | (Q(decided_at__isnull=False) & ~Q(decision_comment="")),
                name="assessment_decided_appeal_has_comment",
            ),
            models.CheckConstraint(
                condition=Q(adjusted_value__isnull=True)
                | Q(status="accepted", adjusted_value__gte=0, adjusted_value__lte=100),
                name="assessment_adjustment_when_accepted",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.score.firm} {self.score.ranking.label} 申诉"


class Bulletin(TimeStampedModel):
    """The published month (通报): its own copy of the ranking table, so that a later
    change to any record leaves it as it was published."""

    district = models.ForeignKey(
        District, verbose_name=_("区"), on_delete=models.PROTECT, related_name="+"
    )
    ranking = models.OneToOneField(
        RankingMonth, verbose_name=_("月度排名"), on_delete=models.PROTECT, related_name="bulletin"
    )
    month = models.DateField(_("月份"))
    year = models.PositiveSmallIntegerField(_("年度"))
    number = models.PositiveSmallIntegerField(_("期号"))
    title = models.CharField(_("标题"), max_length=200)
    summary = models.TextField(_("通报内容"))
    table = models.JSONField(_("排名表"))
    published_at = models.DateTimeField(_("发布时间"))

    objects = BulletinQuerySet.as_manager()

    class Meta:
        verbose_name = _("排名通报")
        verbose_name_plural = _("排名通报")
        ordering = ["-month", "district_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "year", "number"], name="assessment_bulletin_number_once"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def number_label(self) -> str:
        return f"{self.year}年第{self.number}期"
