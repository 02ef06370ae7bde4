"""The annual assessment (the year's published monthly scores with the bureau's own
marks) and the commendations (表彰) of firms and lawyers."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from assessment.choices import AnnualStatus, CommendationKind
from assessment.querysets import (
    AnnualAssessmentQuerySet,
    AnnualScoreQuerySet,
    CommendationQuerySet,
)
from core.models import AuditedModel, TimeStampedModel
from firms.models import LawFirm, Lawyer
from regions.models import District

USER = settings.AUTH_USER_MODEL
YEAR = [MinValueValidator(2000), MaxValueValidator(2100)]


class AnnualAssessment(TimeStampedModel):
    """One district's assessment of one year, with the weights it used."""

    district = models.ForeignKey(
        District, verbose_name=_("区"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"), validators=YEAR)
    status = models.CharField(
        _("状态"), max_length=10, choices=AnnualStatus.choices, default=AnnualStatus.DRAFT
    )
    platform_weight = models.PositiveSmallIntegerField(_("平台月度得分占比（%）"))
    bureau_weight = models.PositiveSmallIntegerField(_("司法局评分占比（%）"))
    computed_at = models.DateTimeField(_("计算时间"))
    published_at = models.DateTimeField(_("公布时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        USER,
        verbose_name=_("公布人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = AnnualAssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("年度考核")
        verbose_name_plural = _("年度考核")
        ordering = ["-year", "district_id"]
        constraints = [
            models.UniqueConstraint(fields=["district", "year"], name="assessment_annual_once"),
        ]

    def __str__(self) -> str:
        return f"{self.district} {self.year} 年度考核"

    @property
    def is_draft(self) -> bool:
        return self.status == AnnualStatus.DRAFT


class AnnualScore(TimeStampedModel):
    """A firm's year: the mean of its published monthly totals, the bureau's mark,
    and the weighted total and rank (once the mark is given)."""

    assessment = models.ForeignKey(
        AnnualAssessment,
        verbose_name=_("年度考核"),
        on_delete=models.CASCADE,
        related_name="scores",
    )
    firm = models.ForeignKey(
        LawFirm, verbose_name=_("律所"), on_delete=models.PROTECT, related_name="annual_scores"
    )
    months = models.PositiveSmallIntegerField(_("参与排名月数"))
    platform_score = models.DecimalField(_("月度平均得分"), max_digits=5, decimal_places=2)
    bureau_mark = models.DecimalField(
        _("司法局评分"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    bureau_note = models.CharField(_("评分说明"), max_length=300, blank=True)
    total = models.DecimalField(_("年度总分"), max_digits=5, decimal_places=2, null=True)
    rank = models.PositiveSmallIntegerField(_("名次"), null=True, blank=True)

    objects = AnnualScoreQuerySet.as_manager()

    class Meta:
        verbose_name = _("律所年度得分")
        verbose_name_plural = _("律所年度得分")
        ordering = ["assessment_id", "rank", "firm__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "firm"], name="assessment_annual_score_once"
            ),
            models.CheckConstraint(
                condition=Q(bureau_mark__isnull=True) | Q(bureau_mark__gte=0, bureau_mark__lte=100),
                name="assessment_bureau_mark_0_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.firm} {self.assessment.year} 年度"


class Commendation(AuditedModel):
    """A commendation (表彰) of a firm or a lawyer for a year, shown on the portal."""

    district = models.ForeignKey(
        District, verbose_name=_("区"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"), validators=YEAR)
    kind = models.CharField(_("对象"), max_length=10, choices=CommendationKind.choices)
    firm = models.ForeignKey(
        LawFirm,
        verbose_name=_("律所"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="commendations",
    )
    lawyer = models.ForeignKey(
        Lawyer,
        verbose_name=_("律师"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="commendations",
    )
    title = models.CharField(_("荣誉称号"), max_length=50)
    citation = models.TextField(_("事迹简介"), blank=True)
    awarded_on = models.DateField(_("表彰日期"))

    objects = CommendationQuerySet.as_manager()

    class Meta:
        verbose_name = _("表彰")
        verbose_name_plural = _("表彰")
        ordering = ["-year", "kind", "title", "id"]
        constraints = [
            models.CheckConstraint(
                name="assessment_commendation_names_one",
                condition=Q(kind="firm", firm__isnull=False, lawyer__isnull=True)
                | Q(kind="lawyer", lawyer__isnull=False, firm__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} 年度{self.title}：{self.honoree}"

    @property
    def honoree(self) -> str:
        return str(self.firm or self.lawyer or "")

    def clean(self) -> None:
        super().clean()
        if self.kind == CommendationKind.FIRM:
            self.lawyer = None
            if not self.firm_id:
                raise ValidationError({"firm": _("请选择受表彰的律所")})
            district = (
                LawFirm.objects.filter(pk=self.firm_id)
                .values_list("district_id", flat=True)
                .first()
            )
        else:
            self.firm = None
            if not self.lawyer_id:
                raise ValidationError({"lawyer": _("请选择受表彰的律师")})
            district = (
                Lawyer.objects.filter(pk=self.lawyer_id)
                .values_list("firm__district_id", flat=True)
                .first()
            )
        if self.district_id and district != self.district_id:
            raise ValidationError(_("受表彰的律所或律师不属于本区"))

    def audit_district_id(self) -> int | None:
        return self.district_id
