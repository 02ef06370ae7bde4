"""Pairing (结对): each community has one exclusive firm at a time, with 1–2 liaison
lawyers of that firm; honorary posts. History is kept: rows end, never vanish."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import AuditedModel
from firms.models import LawFirm, Lawyer
from pairing.querysets import HonoraryPostQuerySet, LiaisonQuerySet, PairingQuerySet
from regions.models import MAX_LIAISONS, Community, Street

# The liaison slots of a pairing: one active liaison per slot (a database rule).
SLOTS = range(1, MAX_LIAISONS + 1)


class Pairing(AuditedModel):
    """A community paired with its exclusive firm (专属社区律所) from start to end."""

    community = models.ForeignKey(
        Community, verbose_name=_("社区"), on_delete=models.PROTECT, related_name="pairings"
    )
    firm = models.ForeignKey(
        LawFirm, verbose_name=_("律所"), on_delete=models.PROTECT, related_name="pairings"
    )
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"), null=True, blank=True)
    end_reason = models.CharField(_("结束原因"), max_length=200, blank=True)

    objects = PairingQuerySet.as_manager()

    class Meta:
        verbose_name = _("社区结对")
        verbose_name_plural = _("社区结对")
        ordering = ["-start_date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["community"],
                condition=Q(end_date__isnull=True),
                name="pairing_one_active_firm_per_community",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="pairing_end_after_start",
            ),
        ]
        indexes = [models.Index(fields=["firm", "end_date"], name="pairing_firm_active")]

    def __str__(self) -> str:
        return f"{self.community} ↔ {self.firm}"

    @property
    def is_active(self) -> bool:
        return self.end_date is None

    def audit_district_id(self) -> int | None:
        return (
            Community.objects.filter(pk=self.community_id)
            .values_list("street__district_id", flat=True)
            .first()
        )


class Liaison(AuditedModel):
    """A liaison lawyer (联络员) of the paired firm. ``slot`` (1 … MAX_LIAISONS) makes
    "at most MAX_LIAISONS active liaisons per pairing" a database rule; a trigger
    (migration 0002) makes "the lawyer belongs to the pairing's firm" one too."""

    pairing = models.ForeignKey(
        Pairing, verbose_name=_("结对"), on_delete=models.PROTECT, related_name="liaisons"
    )
    lawyer = models.ForeignKey(
        Lawyer, verbose_name=_("律师"), on_delete=models.PROTECT, related_name="liaison_posts"
    )
    slot = models.PositiveSmallIntegerField(_("序号"), choices=[(n, str(n)) for n in SLOTS])
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"), null=True, blank=True)

    objects = LiaisonQuerySet.as_manager()

    class Meta:
        verbose_name = _("联络员")
        verbose_name_plural = _("联络员")
        ordering = ["pairing_id", "slot"]
        constraints = [
            models.CheckConstraint(
                condition=Q(slot__in=list(SLOTS)), name="pairing_liaison_slot_1_or_2"
            ),
            models.UniqueConstraint(
                fields=["pairing", "slot"],
                condition=Q(end_date__isnull=True),
                name="pairing_at_most_two_liaisons",
            ),
            models.UniqueConstraint(
                fields=["pairing", "lawyer"],
                condition=Q(end_date__isnull=True),
                name="pairing_liaison_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.lawyer}（{self.pairing.community}联络员）"

    @property
    def is_active(self) -> bool:
        return self.end_date is None

    def audit_district_id(self) -> int | None:
        return (
            Pairing.objects.filter(pk=self.pairing_id)
            .values_list("community__street__district_id", flat=True)
            .first()
        )


class HonoraryPost(AuditedModel):
    """名誉法治副主任 of a community, or 名誉法治副所长 of a street's 司法所."""

    class Kind(models.TextChoices):
        COMMUNITY_DEPUTY = "community_deputy", _("名誉法治副主任")
        OFFICE_DEPUTY = "office_deputy", _("名誉法治副所长")

    kind = models.CharField(_("职务"), max_length=20, choices=Kind.choices)
    community = models.ForeignKey(
        Community,
        verbose_name=_("社区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="honorary_posts",
    )
    street = models.ForeignKey(
        Street,
        verbose_name=_("街道（司法所）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="honorary_posts",
    )
    lawyer = models.ForeignKey(
        Lawyer, verbose_name=_("律师"), on_delete=models.PROTECT, related_name="honorary_posts"
    )
    start_date = models.DateField(_("任职日期"))
    term_end = models.DateField(_("任期届满"), null=True, blank=True)
    end_date = models.DateField(_("卸任日期"), null=True, blank=True)

    objects = HonoraryPostQuerySet.as_manager()

    class Meta:
        verbose_name = _("名誉职务")
        verbose_name_plural = _("名誉职务")
        ordering = ["-start_date", "-id"]
        constraints = [
            models.CheckConstraint(
                name="pairing_post_binds_its_level",
                condition=(
                    Q(kind="community_deputy", community__isnull=False, street__isnull=True)
                    | Q(kind="office_deputy", community__isnull=True, street__isnull=False)
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.lawyer} · {self.get_kind_display()}"

    @property
    def is_active(self) -> bool:
        return self.end_date is None

    @property
    def place(self) -> Community | Street | None:
        return self.community or self.street

    def audit_district_id(self) -> int | None:
        if self.street_id is not None:
            return (
                Street.objects.filter(pk=self.street_id)
                .values_list("district_id", flat=True)
                .first()
            )
        if self.community_id is not None:
            return (
                Community.objects.filter(pk=self.community_id)
                .values_list("street__district_id", flat=True)
                .first()
            )
        return None
