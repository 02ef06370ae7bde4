"""Points and discounts (积分折扣): per-district rules, one account per user with an
append-only ledger, firms' discount offers and the single-use coupons residents redeem.

The ledger is the truth: an account's ``balance`` is a cache of the sum of its
entries, written in the same transaction as each entry under a row lock, and the
database refuses a negative balance. Entries are never edited or deleted (the model,
the admin and, on PostgreSQL, a trigger refuse it); corrections are new entries.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import AuditedModel
from firms.models import LawFirm
from points.choices import Action, CouponStatus, EntryKind, OfferScope, OfferStatus
from points.querysets import (
    AccountQuerySet,
    CouponQuerySet,
    EntryQuerySet,
    OfferQuerySet,
    PolicyQuerySet,
    RuleQuerySet,
)
from regions.models import District

DEFAULT_EXPIRY_YEARS = 1


class PointsPolicy(AuditedModel):
    """The district's points settings: when earned points expire, whether offers are
    reviewed before publication. A district without a row uses the defaults."""

    district = models.OneToOneField(
        District, verbose_name=_("区"), on_delete=models.CASCADE, related_name="points_policy"
    )
    expiry_years = models.PositiveSmallIntegerField(
        _("积分有效期（年）"),
        null=True,
        blank=True,
        default=DEFAULT_EXPIRY_YEARS,
        validators=[MaxValueValidator(10)],
        help_text=_("某年获得的积分在其后第 N 年年底过期；1 表示次年年底过期，留空表示不过期"),
    )
    offers_need_review = models.BooleanField(
        _("优惠须经司法局审核"),
        default=True,
        help_text=_("不勾选时，律所提交的优惠直接发布"),
    )

    objects = PolicyQuerySet.as_manager()

    class Meta:
        verbose_name = _("积分有效期设置")
        verbose_name_plural = _("积分有效期设置")

    def __str__(self) -> str:
        return f"{self.district}积分设置"

    def audit_district_id(self) -> int | None:
        return self.district_id


class EarningRule(AuditedModel):
    """How many points an action earns in a district, with caps per user (in points)."""

    district = models.ForeignKey(
        District, verbose_name=_("区"), on_delete=models.CASCADE, related_name="points_rules"
    )
    action = models.CharField(_("参与事项"), max_length=30, choices=Action.choices)
    points = models.PositiveIntegerField(
        _("每次积分"), validators=[MinValueValidator(1), MaxValueValidator(10000)]
    )
    daily_cap = models.PositiveIntegerField(_("每日上限（分）"), null=True, blank=True)
    monthly_cap = models.PositiveIntegerField(_("每月上限（分）"), null=True, blank=True)
    yearly_cap = models.PositiveIntegerField(_("每年上限（分）"), null=True, blank=True)
    is_active = models.BooleanField(_("计入积分"), default=True)

    objects = RuleQuerySet.as_manager()

    class Meta:
        verbose_name = _("积分规则")
        verbose_name_plural = _("积分规则")
        ordering = ["district_id", "action"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "action"], name="points_rule_one_per_action"
            ),
            models.CheckConstraint(condition=Q(points__gt=0), name="points_rule_points_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} +{self.points}"

    def clean(self) -> None:
        super().clean()
        caps = [c for c in (self.daily_cap, self.monthly_cap, self.yearly_cap) if c is not None]
        if any(c < 1 for c in caps):
            raise ValidationError(_("上限须为正整数，不限请留空"))
        if caps != sorted(caps):
            raise ValidationError(_("上限应满足：每日 ≤ 每月 ≤ 每年"))

    def audit_district_id(self) -> int | None:
        return self.district_id


class PointsAccount(models.Model):
    """A user's points account. ``balance`` caches the sum of the ledger entries."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.PROTECT,
        related_name="points_account",
    )
    district = models.ForeignKey(
        District, verbose_name=_("区"), on_delete=models.PROTECT, related_name="points_accounts"
    )
    balance = models.IntegerField(_("积分余额"), default=0)
    created_at = models.DateTimeField(_("开户时间"), auto_now_add=True)

    objects = AccountQuerySet.as_manager()

    class Meta:
        verbose_name = _("积分账户")
        verbose_name_plural = _("积分账户")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(balance__gte=0), name="points_account_balance_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}（{self.balance} 分）"


class LedgerEntry(models.Model):
    """One append-only movement of points. Credits are positive, debits negative.

    ``idempotency_key`` is unique: writing the same key again returns this entry and
    changes nothing. ``source`` is the record that caused an earning (a check-in, a
    rating ...). ``balance_after`` is the account's balance right after this entry.
    """

    account = models.ForeignKey(
        PointsAccount, verbose_name=_("账户"), on_delete=models.PROTECT, related_name="entries"
    )
    kind = models.CharField(_("类型"), max_length=10, choices=EntryKind.choices)
    amount = models.IntegerField(_("积分"))
    balance_after = models.IntegerField(_("变动后余额"))
    action = models.CharField(
        _("参与事项"), max_length=30, choices=Action.choices, blank=True, default=""
    )
    source_type = models.ForeignKey(
        ContentType,
        verbose_name=_("来源类型"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    source_id = models.PositiveBigIntegerField(_("来源编号"), null=True, blank=True)
    source = GenericForeignKey("source_type", "source_id")
    coupon = models.ForeignKey(
        "Coupon",
        verbose_name=_("优惠券"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="entries",
    )
    reason = models.CharField(_("说明"), max_length=200, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经办人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    idempotency_key = models.CharField(_("幂等键"), max_length=150, unique=True)
    occurred_at = models.DateTimeField(_("发生时间"), default=timezone.now, db_index=True)
    created_at = models.DateTimeField(_("记账时间"), auto_now_add=True)

    objects = EntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("积分流水")
        verbose_name_plural = _("积分流水")
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["account", "kind", "occurred_at"], name="points_entry_account"),
            models.Index(fields=["source_type", "source_id"], name="points_entry_source"),
        ]
        constraints = [
            models.CheckConstraint(
                name="points_entry_sign_matches_kind",
                condition=(
                    Q(kind__in=[EntryKind.EARN, EntryKind.REFUND], amount__gt=0)
                    | Q(kind__in=[EntryKind.REDEEM, EntryKind.EXPIRE], amount__lt=0)
                    | (Q(kind=EntryKind.ADJUST) & ~Q(amount=0))
                ),
            ),
            models.CheckConstraint(
                condition=Q(balance_after__gte=0), name="points_entry_balance_not_negative"
            ),
            models.CheckConstraint(
                name="points_entry_adjust_has_reason_and_actor",
                condition=~Q(kind=EntryKind.ADJUST) | (Q(actor__isnull=False) & ~Q(reason="")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount:+d}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValueError("ledger entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValueError("ledger entries are append-only")

    @property
    def label(self) -> str:
        """What the resident reads in their history."""
        if self.kind == EntryKind.EARN and self.action:
            return str(self.get_action_display())
        if self.reason:
            return f"{self.get_kind_display()}：{self.reason}"
        return str(self.get_kind_display())


class Offer(AuditedModel):
    """A firm's discount on its paid services, bought with points."""

    firm = models.ForeignKey(
        LawFirm, verbose_name=_("律所"), on_delete=models.PROTECT, related_name="points_offers"
    )
    title = models.CharField(_("优惠名称"), max_length=100)
    services = models.CharField(
        _("适用服务"), max_length=300, help_text=_("例如：合同审查、律师函、代理诉讼")
    )
    description = models.TextField(_("说明"), blank=True)
    discount_percent = models.PositiveSmallIntegerField(
        _("优惠比例（%）"),
        validators=[MinValueValidator(1), MaxValueValidator(90)],
        help_text=_("减免服务费的百分比，例如 20 表示打 8 折"),
    )
    max_discount_yuan = models.DecimalField(
        _("最高减免（元）"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(0)],
    )
    points_cost = models.PositiveIntegerField(
        _("所需积分"), validators=[MinValueValidator(1), MaxValueValidator(100000)]
    )
    scope = models.CharField(
        _("适用范围"), max_length=10, choices=OfferScope.choices, default=OfferScope.PAIRED
    )
    valid_from = models.DateField(_("开始日期"))
    valid_until = models.DateField(_("截止日期"))
    coupon_valid_days = models.PositiveSmallIntegerField(
        _("优惠券有效天数"), default=30, validators=[MinValueValidator(1), MaxValueValidator(365)]
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=OfferStatus.choices, default=OfferStatus.DRAFT
    )
    review_note = models.CharField(_("审核意见"), max_length=200, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)

    objects = OfferQuerySet.as_manager()

    class Meta:
        verbose_name = _("积分优惠")
        verbose_name_plural = _("积分优惠")
        ordering = ["-valid_from", "-id"]
        indexes = [models.Index(fields=["firm", "status"], name="points_offer_firm_status")]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gte=models.F("valid_from")),
                name="points_offer_until_after_from",
            ),
            models.CheckConstraint(
                condition=Q(discount_percent__gte=1, discount_percent__lte=90),
                name="points_offer_discount_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.firm} · {self.title}"

    def clean(self) -> None:
        super().clean()
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            raise ValidationError({"valid_until": _("截止日期不能早于开始日期")})

    def audit_district_id(self) -> int | None:
        return LawFirm.objects.filter(pk=self.firm_id).values_list("district_id", flat=True).first()

    @property
    def discount_label(self) -> str:
        """The discount as Chinese shoppers read it: 20 % off → 8折, 25 % off → 7.5折."""
        return f"{(100 - self.discount_percent) / 10:g}折"


class Coupon(models.Model):
    """A single-use coupon bought with points. ``code`` is short, unguessable and
    easy to read aloud (no 0/O, 1/I/L)."""

    offer = models.ForeignKey(
        Offer, verbose_name=_("优惠"), on_delete=models.PROTECT, related_name="coupons"
    )
    firm = models.ForeignKey(
        LawFirm, verbose_name=_("律所"), on_delete=models.PROTECT, related_name="points_coupons"
    )
    account = models.ForeignKey(
        PointsAccount, verbose_name=_("账户"), on_delete=models.PROTECT, related_name="coupons"
    )
    code = models.CharField(_("券码"), max_length=16, unique=True)
    points = models.PositiveIntegerField(_("使用积分"))
    status = models.CharField(
        _("状态"), max_length=10, choices=CouponStatus.choices, default=CouponStatus.ISSUED
    )
    issued_at = models.DateTimeField(_("兑换时间"))
    expires_at = models.DateTimeField(_("有效期至"), db_index=True)
    used_at = models.DateTimeField(_("核销时间"), null=True, blank=True)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("核销人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True)

    objects = CouponQuerySet.as_manager()

    class Meta:
        verbose_name = _("优惠券")
        verbose_name_plural = _("优惠券")
        ordering = ["-issued_at", "-id"]
        indexes = [
            models.Index(fields=["account", "status"], name="points_coupon_account"),
            models.Index(fields=["firm", "status"], name="points_coupon_firm"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=CouponStatus.USED) | Q(used_at__isnull=False),
                name="points_coupon_used_has_time",
            ),
        ]

    def __str__(self) -> str:
        return self.code


class LedgerMonth(models.Model):
    """A roll-up of the ledger: the points and entries per district, the resident's
    street when the entry was written, the firm of the coupon, month and kind — the
    sums the dashboards chart. Kept by points.services (every entry is written by
    ``_append``), rebuilt by ``rebuild_ledger_months``. Plain ids, 0 for "none" (no
    street, no coupon), so that one unique key matches every row of a group."""

    district_id = models.BigIntegerField()
    street_id = models.BigIntegerField(default=0)
    firm_id = models.BigIntegerField(default=0)
    month = models.DateField()  # the first day, local time
    kind = models.CharField(max_length=10, choices=EntryKind.choices)
    amount = models.BigIntegerField(default=0)
    entries = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("积分月度汇总")
        verbose_name_plural = _("积分月度汇总")
        constraints = [
            models.UniqueConstraint(
                fields=["district_id", "month", "kind", "street_id", "firm_id"],
                name="points_month_once",
            ),
        ]
        indexes = [
            models.Index(fields=["street_id", "month"], name="points_month_street"),
            models.Index(fields=["firm_id", "month"], name="points_month_firm"),
        ]

    def __str__(self) -> str:
        return f"{self.district_id} {self.month:%Y-%m} {self.kind}: {self.amount}"
