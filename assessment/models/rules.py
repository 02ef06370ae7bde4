"""The bureau's rules, per district: the ranking's weights and appeal window, the
annual weights, and the subsidy rates (the liaison rate is DistrictSettings')."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from assessment.choices import Difficulty, Metric
from assessment.querysets import DistrictRuleQuerySet
from core.models import AuditedModel
from mediation.choices import DisputeCategory
from regions.models import District

PERCENT = [MinValueValidator(0), MaxValueValidator(100)]
MONEY = [MinValueValidator(Decimal("0"))]


def _weight(label: Any, default: int) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(
        label, default=default, validators=PERCENT, help_text=_("0 表示不计入排名")
    )


class RankingConfig(AuditedModel):
    """Which metrics count in the monthly ranking and how much (a metric with weight 0
    is not used), how long firms may appeal a draft, and the annual weights."""

    district = models.OneToOneField(
        District, verbose_name=_("区"), on_delete=models.CASCADE, related_name="ranking_config"
    )
    weight_visits = _weight(_("权重：走访计划完成率"), 25)
    weight_coverage = _weight(_("权重：住户覆盖进度"), 20)
    weight_replies = _weight(_("权重：咨询按时答复率"), 15)
    weight_satisfaction = _weight(_("权重：居民满意度"), 10)
    weight_service_days = _weight(_("权重：服务日举办率"), 10)
    weight_mediation = _weight(_("权重：调解成功"), 10)
    weight_duty = _weight(_("权重：值班出勤率"), 10)
    appeal_window_days = models.PositiveSmallIntegerField(
        _("申诉期（天）"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
        help_text=_("月度草稿生成后，律所可在此期限内提出申诉"),
    )
    annual_platform_weight = models.PositiveSmallIntegerField(
        _("年度考核：平台月度得分占比（%）"), default=70, validators=PERCENT
    )
    annual_bureau_weight = models.PositiveSmallIntegerField(
        _("年度考核：司法局评分占比（%）"), default=30, validators=PERCENT
    )

    objects = DistrictRuleQuerySet.as_manager()

    class Meta:
        verbose_name = _("排名规则")
        verbose_name_plural = _("排名规则")

    def __str__(self) -> str:
        return f"{self.district}排名规则"

    def clean(self) -> None:
        super().clean()
        if not any(self.weights().values()):
            raise ValidationError(_("至少要有一项指标的权重大于 0"))
        if self.annual_platform_weight + self.annual_bureau_weight != 100:
            raise ValidationError({"annual_bureau_weight": _("年度考核的两项占比之和应为 100%")})

    def weights(self) -> dict[str, int]:
        """Every metric with its weight, in the table's order."""
        return {m.value: getattr(self, f"weight_{m.value}") for m in Metric}

    def enabled(self) -> dict[str, int]:
        """The metrics that count (weight above 0)."""
        return {k: w for k, w in self.weights().items() if w > 0}

    def audit_district_id(self) -> int | None:
        return self.district_id


class SubsidyRates(AuditedModel):
    """The duty rate per confirmed shift, the share of paid mediation cases called
    back, and the amounts that make a case 一般 or 疑难复杂."""

    district = models.OneToOneField(
        District, verbose_name=_("区"), on_delete=models.CASCADE, related_name="subsidy_rates"
    )
    duty_rate_yuan = models.DecimalField(
        _("值班补贴（元/班次）"),
        max_digits=10,
        decimal_places=2,
        default=Decimal("200.00"),
        validators=MONEY,
    )
    sample_percent = models.PositiveSmallIntegerField(
        _("调解个案回访抽查比例（%）"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("至少抽取 1 件"),
    )
    ordinary_amount_yuan = models.DecimalField(
        _("“一般”案件涉及金额起点（元）"),
        max_digits=14,
        decimal_places=2,
        default=Decimal("10000.00"),
        validators=MONEY,
    )
    complex_amount_yuan = models.DecimalField(
        _("“疑难复杂”案件涉及金额起点（元）"),
        max_digits=14,
        decimal_places=2,
        default=Decimal("100000.00"),
        validators=MONEY,
    )

    objects = DistrictRuleQuerySet.as_manager()

    class Meta:
        verbose_name = _("补贴标准")
        verbose_name_plural = _("补贴标准")

    def __str__(self) -> str:
        return f"{self.district}补贴标准"

    def clean(self) -> None:
        super().clean()
        if (
            self.ordinary_amount_yuan is not None
            and self.complex_amount_yuan is not None
            and self.complex_amount_yuan < self.ordinary_amount_yuan
        ):
            raise ValidationError(
                {"complex_amount_yuan": _("“疑难复杂”的金额起点不能低于“一般”的起点")}
            )

    def difficulty_of(self, amount: Decimal | None) -> str:
        """A case's difficulty from the amount in dispute."""
        if amount is not None and amount >= self.complex_amount_yuan:
            return Difficulty.COMPLEX
        if amount is not None and amount >= self.ordinary_amount_yuan:
            return Difficulty.ORDINARY
        return Difficulty.SIMPLE

    def audit_district_id(self) -> int | None:
        return self.district_id


class MediationRate(AuditedModel):
    """One cell of the per-case rate table: a dispute category (blank: every category
    without its own row) and a difficulty."""

    district = models.ForeignKey(
        District, verbose_name=_("区"), on_delete=models.CASCADE, related_name="+"
    )
    category = models.CharField(
        _("纠纷类别"),
        max_length=12,
        choices=DisputeCategory.choices,
        blank=True,
        help_text=_("不填表示其他所有类别"),
    )
    difficulty = models.CharField(_("难度"), max_length=10, choices=Difficulty.choices)
    amount_yuan = models.DecimalField(
        _("补贴（元/件/律师）"), max_digits=10, decimal_places=2, validators=MONEY
    )

    objects = DistrictRuleQuerySet.as_manager()

    class Meta:
        verbose_name = _("调解个案补贴标准")
        verbose_name_plural = _("调解个案补贴标准")
        ordering = ["district_id", "category", "difficulty"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "category", "difficulty"], name="assessment_rate_once"
            ),
            models.CheckConstraint(
                condition=models.Q(amount_yuan__gte=0), name="assessment_rate_not_negative"
            ),
        ]

    def __str__(self) -> str:
        category = self.get_category_display() if self.category else _("其他类别")
        return f"{category} · {self.get_difficulty_display()}：{self.amount_yuan} 元"

    def audit_district_id(self) -> int | None:
        return self.district_id
