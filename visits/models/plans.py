"""The district goal and the firms' annual visit plans (with their revisions)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import AuditedModel
from firms.models import LawFirm
from regions.models import Community, District
from visits.querysets import DistrictGoalQuerySet, VisitPlanQuerySet

YEAR_VALIDATORS = [MinValueValidator(2000), MaxValueValidator(2100)]


class DistrictGoal(AuditedModel):
    """The bureau's goal for a year: 走千家、访万户, and full coverage of households."""

    district = models.ForeignKey(
        District, verbose_name=_("区"), on_delete=models.PROTECT, related_name="visit_goals"
    )
    year = models.PositiveSmallIntegerField(_("年度"), validators=YEAR_VALIDATORS)
    visits_target = models.PositiveIntegerField(_("走访次数目标（走千家）"), default=1000)
    households_target = models.PositiveIntegerField(_("走访户数目标（访万户）"), default=10000)
    coverage_target_percent = models.PositiveSmallIntegerField(
        _("户数覆盖率目标（%）"),
        default=100,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)

    objects = DistrictGoalQuerySet.as_manager()

    class Meta:
        verbose_name = _("全区走访目标")
        verbose_name_plural = _("全区走访目标")
        ordering = ["district_id", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["district", "year"], name="visits_goal_once_a_year"),
        ]

    def __str__(self) -> str:
        return f"{self.district} {self.year} 年走访目标"

    def audit_district_id(self) -> int | None:
        return self.district_id


class VisitPlan(AuditedModel):
    """A firm's plan for one paired community and year: monthly targets of visits and
    of households. A revision is a new row; the one it replaces stays, not current."""

    firm = models.ForeignKey(
        LawFirm, verbose_name=_("律所"), on_delete=models.PROTECT, related_name="visit_plans"
    )
    community = models.ForeignKey(
        Community, verbose_name=_("社区"), on_delete=models.PROTECT, related_name="visit_plans"
    )
    year = models.PositiveSmallIntegerField(_("年度"), validators=YEAR_VALIDATORS)
    revision = models.PositiveSmallIntegerField(_("版本"), default=1)
    is_current = models.BooleanField(_("现行版本"), default=True)
    reason = models.CharField(_("修订说明"), max_length=200, blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("填报人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    visits_total = models.PositiveIntegerField(_("全年走访次数"), default=0)
    households_total = models.PositiveIntegerField(_("全年走访户数"), default=0)

    objects = VisitPlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("年度走访计划")
        verbose_name_plural = _("年度走访计划")
        ordering = ["-year", "community_id", "-revision"]
        constraints = [
            models.UniqueConstraint(
                fields=["firm", "community", "year"],
                condition=Q(is_current=True),
                name="visits_plan_one_current",
            ),
            models.UniqueConstraint(
                fields=["firm", "community", "year", "revision"], name="visits_plan_revision"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.firm} · {self.community} · {self.year} 年（第 {self.revision} 版）"

    def audit_district_id(self) -> int | None:
        return LawFirm.objects.filter(pk=self.firm_id).values_list("district_id", flat=True).first()


class PlanMonth(models.Model):
    """One month of a plan: the visits and households targeted in that month."""

    plan = models.ForeignKey(
        VisitPlan, verbose_name=_("计划"), on_delete=models.CASCADE, related_name="months"
    )
    month = models.PositiveSmallIntegerField(
        _("月份"), validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    visits = models.PositiveIntegerField(_("走访次数"), default=0)
    households = models.PositiveIntegerField(_("走访户数"), default=0)

    class Meta:
        verbose_name = _("月度计划")
        verbose_name_plural = _("月度计划")
        ordering = ["plan_id", "month"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "month"], name="visits_plan_month_once"),
            models.CheckConstraint(
                condition=Q(month__gte=1, month__lte=12), name="visits_plan_month_1_12"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month} 月"
