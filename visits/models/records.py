"""Visit records, the households they reach and their photos."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import AuditedModel, TimeStampedModel
from firms.models import LawFirm, Lawyer
from regions.models import Community, District, Street
from visits.choices import FollowUp, VisitKind, VisitStatus
from visits.querysets import HouseholdQuerySet, VisitChildQuerySet, VisitQuerySet


class Household(TimeStampedModel):
    """A household of a community, keyed by its normalised building / unit / room
    (visits.addresses), so that it counts once however its address was written."""

    community = models.ForeignKey(
        Community, verbose_name=_("社区"), on_delete=models.PROTECT, related_name="households_set"
    )
    building = models.CharField(_("幢"), max_length=60)
    unit = models.CharField(_("单元"), max_length=10, blank=True)
    room = models.CharField(_("室"), max_length=20)

    objects = HouseholdQuerySet.as_manager()

    class Meta:
        verbose_name = _("住户")
        verbose_name_plural = _("住户")
        ordering = ["community_id", "building", "unit", "room"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "building", "unit", "room"], name="visits_household_once"
            ),
        ]

    def __str__(self) -> str:
        unit = f"{self.unit}单元" if self.unit else ""
        return f"{self.building}幢{unit}{self.room}室"


def place_of(community_id: int) -> tuple[int, int]:
    """The street and the district of a community."""
    street_id, district_id = (
        Community.objects.filter(pk=community_id)
        .values_list("street_id", "street__district_id")
        .get()
    )
    return street_id, district_id


class Visit(AuditedModel):
    """A visit by lawyers of the paired firm, confirmed or disputed by community staff.
    Only confirmed visits count; a visit is locked once its month's report is confirmed."""

    firm = models.ForeignKey(
        LawFirm, verbose_name=_("律所"), on_delete=models.PROTECT, related_name="visits"
    )
    community = models.ForeignKey(
        Community, verbose_name=_("社区"), on_delete=models.PROTECT, related_name="visits"
    )
    # The community's street and district when the visit was recorded (as a question's
    # or a case's): a district's or a street's list reads its own index, however many
    # districts share the table. Set by save() from the community.
    # (db_index off: the indexes below lead with them)
    street = models.ForeignKey(
        Street,
        verbose_name=_("街道"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        db_index=False,
    )
    district = models.ForeignKey(
        District,
        verbose_name=_("区县"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        db_index=False,
    )
    date = models.DateField(_("走访日期"))
    kind = models.CharField(_("活动类型"), max_length=20, choices=VisitKind.choices)
    lawyers = models.ManyToManyField(Lawyer, verbose_name=_("参加律师"), related_name="visits")
    households: models.ManyToManyField = models.ManyToManyField(
        Household, verbose_name=_("走访住户"), through="VisitHousehold", related_name="visits"
    )
    participants = models.PositiveIntegerField(_("服务人数"), default=0)
    topics = models.TextField(_("服务内容"), blank=True)
    disputes_found = models.PositiveSmallIntegerField(_("发现纠纷数"), default=0)
    dispute_notes = models.TextField(_("纠纷情况"), blank=True)
    follow_up = models.CharField(
        _("跟进情况"), max_length=20, choices=FollowUp.choices, blank=True, default=""
    )
    follow_up_notes = models.TextField(_("跟进说明"), blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=VisitStatus.choices, default=VisitStatus.DRAFT
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("确认人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    dispute_reason = models.CharField(_("异议理由"), max_length=300, blank=True)
    locked = models.BooleanField(_("已锁定（月报已确认）"), default=False)

    objects = VisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("走访记录")
        verbose_name_plural = _("走访记录")
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["community", "status", "date"], name="visits_visit_community"),
            models.Index(fields=["firm", "date"], name="visits_visit_firm_date"),
            # The newest records first (the list's order): everyone's, a district's and a
            # street's, each read from its own index (a page is its first rows).
            models.Index(fields=["date", "id"], name="visits_visit_recent"),
            models.Index(fields=["district", "date", "id"], name="visits_visit_district"),
            models.Index(fields=["street", "date", "id"], name="visits_visit_street"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="disputed") | ~models.Q(dispute_reason=""),
                name="visits_disputed_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.community} {self.date:%Y-%m-%d} {self.get_kind_display()}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        fields = kwargs.get("update_fields")
        if self.community_id is not None and (fields is None or "community" in fields):
            self.street_id, self.district_id = place_of(self.community_id)
            if fields is not None:
                kwargs["update_fields"] = {*fields, "street", "district"}
        super().save(*args, **kwargs)

    def audit_district_id(self) -> int | None:
        return LawFirm.objects.filter(pk=self.firm_id).values_list("district_id", flat=True).first()

    @property
    def is_final(self) -> bool:
        return self.locked or self.status == VisitStatus.CONFIRMED


class VisitHousehold(models.Model):
    """A household reached by a visit."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="household_links")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="visit_links")

    class Meta:
        verbose_name = _("走访住户")
        verbose_name_plural = _("走访住户")
        constraints = [
            models.UniqueConstraint(fields=["visit", "household"], name="visits_household_link"),
        ]

    def __str__(self) -> str:
        return f"{self.visit_id} → {self.household_id}"


class HouseholdReach(models.Model):
    """A roll-up: the first confirmed visit of the year by a firm to a household.
    Maintained by visits.services.refresh_reach whenever a visit is confirmed (and
    rebuilt by rebuild_reach), so that the coverage of a firm's year to date is a
    count of these rows instead of a COUNT DISTINCT over every visit's households."""

    firm = models.ForeignKey(  # led by the two indexes below
        LawFirm, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="+")
    community = models.ForeignKey(  # led by visits_reach_community
        Community, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    year = models.PositiveSmallIntegerField()
    first_date = models.DateField()

    class Meta:
        verbose_name = _("住户年度首次走访")
        verbose_name_plural = _("住户年度首次走访")
        constraints = [
            models.UniqueConstraint(
                fields=["firm", "year", "household"], name="visits_reach_once_a_year"
            ),
        ]
        indexes = [
            # A firm's households reached by a date, per community.
            models.Index(
                fields=["firm", "year", "first_date", "community"], name="visits_reach_firm_year"
            ),
            # Coverage: the households of a community reached in a year, by any firm.
            models.Index(fields=["community", "year", "household"], name="visits_reach_community"),
        ]

    def __str__(self) -> str:
        return f"{self.firm_id} → {self.household_id} {self.year}: {self.first_date}"


class VisitMonth(models.Model):
    """A roll-up per firm, community and month: the confirmed visits of the month and
    the households first reached in it (their first confirmed visit of the year by
    the firm, HouseholdReach). Kept by confirm_visit, rebuilt by rebuild_reach; the
    ranking reads a province's month from these rows instead of the visits."""

    firm = models.ForeignKey(  # led by the unique constraint
        LawFirm, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()  # the first day
    visits = models.PositiveIntegerField(default=0)
    households = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("律所社区月度走访汇总")
        verbose_name_plural = _("律所社区月度走访汇总")
        constraints = [
            models.UniqueConstraint(
                fields=["firm", "community", "month"], name="visits_month_once"
            ),
        ]
        # The ranking's sums: every firm's month, every firm's months of a year.
        indexes = [models.Index(fields=["month", "firm"], name="visits_month_firm")]

    def __str__(self) -> str:
        return f"{self.firm_id} {self.community_id} {self.month:%Y-%m}: {self.visits}"


def photo_path(instance: VisitPhoto, filename: str) -> str:
    extension = "png" if filename.lower().endswith(".png") else "jpg"
    return f"visits/{instance.visit_id}/{instance.token}.{extension}"


class VisitPhoto(models.Model):
    visit = models.ForeignKey(
        Visit, verbose_name=_("走访记录"), on_delete=models.CASCADE, related_name="photos"
    )
    token = models.CharField(max_length=32, editable=False)
    image = models.ImageField(_("照片"), upload_to=photo_path)
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    objects = VisitChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("走访照片")
        verbose_name_plural = _("走访照片")
        ordering = ["visit_id", "id"]

    def __str__(self) -> str:
        return f"{self.visit} 照片"
