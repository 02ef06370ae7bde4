"""Mediation cases: parties, the timeline, files, the message room, sessions, the
agreement and each party's confirmation of it.

Not AuditedModels on purpose (like consultations' questions): the operation log must
not copy facts, phones or ID numbers. Every state change is a CaseEvent instead."""

from __future__ import annotations

import secrets
from pathlib import PurePath

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.masking import mask_id_number, mask_phone
from core.models import TimeStampedModel
from firms.models import Lawyer
from mediation.choices import (
    OPEN_STATUSES,
    CaseStatus,
    Channel,
    DisputeCategory,
    EventKind,
    Outcome,
    PartyRole,
    SessionKind,
    SessionStatus,
)
from mediation.models.register import Mediator, Organization
from mediation.querysets import CaseChildQuerySet, CaseQuerySet
from regions.models import Community, District, Street

USER = settings.AUTH_USER_MODEL


class Case(TimeStampedModel):
    """A mediation case (调解案件). Its deadline (``due_at``), reminder time and
    closing facts (duration, deadline met, trips) are columns, so lists, jobs and
    statistics read them with indexes and SQL aggregates."""

    case_number = models.CharField(_("案件编号"), max_length=32, unique=True)
    district = models.ForeignKey(
        District, verbose_name=_("区"), on_delete=models.PROTECT, related_name="+"
    )
    street = models.ForeignKey(
        Street,
        verbose_name=_("街道"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    community = models.ForeignKey(
        Community,
        verbose_name=_("社区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    question = models.OneToOneField(
        "consultations.Question",
        verbose_name=_("来源咨询"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="mediation_case",
    )
    channel = models.CharField(_("申请方式"), max_length=12, choices=Channel.choices)
    applied_by = models.ForeignKey(
        USER, verbose_name=_("提交人"), on_delete=models.PROTECT, related_name="+"
    )
    category = models.CharField(_("纠纷类别"), max_length=12, choices=DisputeCategory.choices)
    amount = models.DecimalField(
        _("涉及金额（元）"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    facts = models.TextField(_("纠纷事实"))
    claims = models.TextField(_("申请事项"), blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=CaseStatus.choices, default=CaseStatus.APPLIED
    )
    outcome = models.CharField(_("调解结果"), max_length=10, choices=Outcome.choices, blank=True)
    requested_organization = models.ForeignKey(
        Organization,
        verbose_name=_("申请人选择的调解组织"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_lawyer = models.ForeignKey(
        Lawyer,
        verbose_name=_("申请人选择的律师"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("调解组织"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    mediators = models.ManyToManyField(
        Mediator, verbose_name=_("调解员"), blank=True, related_name="cases"
    )
    lawyer = models.ForeignKey(
        Lawyer,
        verbose_name=_("参与调解的律师"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="mediation_cases",
    )
    applied_at = models.DateTimeField(_("申请时间"))
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    due_at = models.DateTimeField(_("办理期限"), null=True, blank=True)
    reminder_due_at = models.DateTimeField(_("期限提醒时间"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("期限提醒已发"), null=True, blank=True)
    overdue_at = models.DateTimeField(_("超期通知时间"), null=True, blank=True)
    assigned_at = models.DateTimeField(_("分派时间"), null=True, blank=True)
    started_at = models.DateTimeField(_("开始调解时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    duration_days = models.PositiveIntegerField(_("办理天数"), null=True, blank=True)
    deadline_met = models.BooleanField(_("期限内办结"), null=True, blank=True)
    decline_reason = models.TextField(_("不予受理理由"), blank=True)
    failure_reason = models.TextField(_("未达成协议的原因"), blank=True)
    guidance = models.JSONField(_("引导途径"), default=list, blank=True)
    guidance_note = models.TextField(_("引导说明"), blank=True)
    followed_up_at = models.DateTimeField(_("回访时间"), null=True, blank=True)
    follow_up_note = models.TextField(_("回访情况"), blank=True)
    satisfied = models.BooleanField(_("当事人满意"), null=True, blank=True)
    archived_at = models.DateTimeField(_("归档时间"), null=True, blank=True)
    trips = models.PositiveIntegerField(_("当事人现场跑动次数"), default=0)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("调解案件")
        verbose_name_plural = _("调解案件")
        ordering = ["-applied_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="mediation_case_due_with_acceptance",
                condition=Q(accepted_at__isnull=True, due_at__isnull=True)
                | Q(accepted_at__isnull=False, due_at__isnull=False),
            ),
            models.CheckConstraint(
                name="mediation_case_outcome_when_closed",
                condition=Q(outcome="")
                | Q(
                    closed_at__isnull=False,
                    status__in=["agreed", "failed", "followed_up", "archived"],
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["district", "status"], name="mediation_case_board"),
            models.Index(fields=["organization", "status"], name="mediation_case_org"),
            models.Index(
                fields=["due_at"], condition=Q(closed_at__isnull=True), name="mediation_case_due"
            ),
            models.Index(
                fields=["reminder_due_at"],
                condition=Q(closed_at__isnull=True, reminded_at__isnull=True),
                name="mediation_case_reminder",
            ),
        ]

    def __str__(self) -> str:
        return self.case_number

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_overdue(self) -> bool:
        return (
            self.closed_at is None
            and self.status != CaseStatus.DECLINED
            and self.due_at is not None
            and self.due_at < timezone.now()
        )

    @property
    def days_left(self) -> int | None:
        if self.due_at is None or self.closed_at is not None:
            return None
        return (timezone.localdate(self.due_at) - timezone.localdate()).days


class Party(TimeStampedModel):
    """A party (当事人). The ID number is kept only with the party's consent, and is
    shown unmasked to the case's mediators only; so is the phone."""

    case = models.ForeignKey(
        Case, verbose_name=_("案件"), on_delete=models.CASCADE, related_name="parties"
    )
    role = models.CharField(_("身份"), max_length=12, choices=PartyRole.choices)
    name = models.CharField(_("姓名或名称"), max_length=100)
    phone = models.CharField(_("手机号"), max_length=11, blank=True)
    user = models.ForeignKey(
        USER,
        verbose_name=_("账号"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    id_number = models.CharField(_("身份证号码"), max_length=18, blank=True)
    id_consent = models.BooleanField(_("同意提供身份证号码"), default=False)
    id_consent_at = models.DateTimeField(_("同意时间"), null=True, blank=True)
    address = models.CharField(_("住址"), max_length=200, blank=True)
    trips = models.PositiveSmallIntegerField(_("现场跑动次数"), default=0)

    objects = CaseChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("当事人")
        verbose_name_plural = _("当事人")
        ordering = ["case_id", "role", "id"]
        constraints = [
            models.CheckConstraint(
                name="mediation_party_id_only_with_consent",
                condition=Q(id_number="") | Q(id_consent=True, id_consent_at__isnull=False),
            ),
        ]
        indexes = [models.Index(fields=["phone"], name="mediation_party_phone")]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.name}"

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)


class CaseEvent(models.Model):
    """One step on the case's timeline, seen by everyone who sees the case (so its
    text never carries phones or ID numbers)."""

    case = models.ForeignKey(
        Case, verbose_name=_("案件"), on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("类型"), max_length=20, choices=EventKind.choices)
    actor = models.ForeignKey(
        USER,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField(_("操作人"), max_length=100, blank=True)
    text = models.TextField(_("说明"), blank=True)
    created_at = models.DateTimeField(_("时间"), db_index=True)

    objects = CaseChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("案件进程")
        verbose_name_plural = _("案件进程")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d %H:%M}"


def file_path(instance: CaseFile, filename: str) -> str:
    """A random stored name: the original one (it may name people) stays in the row."""
    suffix = PurePath(filename).suffix.lower()
    return f"mediation/{timezone.now():%Y/%m}/{secrets.token_hex(12)}{suffix}"


class Message(models.Model):
    """A message in the case's room (parties, mediators, the lawyer)."""

    case = models.ForeignKey(
        Case, verbose_name=_("案件"), on_delete=models.CASCADE, related_name="messages"
    )
    author = models.ForeignKey(
        USER, verbose_name=_("发言人"), on_delete=models.PROTECT, related_name="+"
    )
    author_label = models.CharField(_("身份"), max_length=100)
    text = models.TextField(_("内容"), blank=True)
    created_at = models.DateTimeField(_("时间"))

    objects = CaseChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("调解留言")
        verbose_name_plural = _("调解留言")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.author_label} {self.created_at:%Y-%m-%d %H:%M}"


class CaseFile(models.Model):
    """Evidence given with the application, or a file sent in the message room."""

    case = models.ForeignKey(
        Case, verbose_name=_("案件"), on_delete=models.CASCADE, related_name="files"
    )
    message = models.ForeignKey(
        Message,
        verbose_name=_("留言"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="files",
    )
    file = models.FileField(_("文件"), upload_to=file_path)
    original_name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveIntegerField(_("大小（字节）"))
    content_type = models.CharField(_("类型"), max_length=100)
    uploaded_by = models.ForeignKey(
        USER, verbose_name=_("上传人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("上传时间"))

    objects = CaseChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("案件材料")
        verbose_name_plural = _("案件材料")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name


class Session(models.Model):
    """A scheduled mediation session, online or at a place, and its record."""

    case = models.ForeignKey(
        Case, verbose_name=_("案件"), on_delete=models.CASCADE, related_name="sessions"
    )
    kind = models.CharField(_("方式"), max_length=10, choices=SessionKind.choices)
    starts_at = models.DateTimeField(_("时间"))
    place = models.CharField(_("地点"), max_length=200, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=SessionStatus.choices, default=SessionStatus.SCHEDULED
    )
    scheduled_by = models.ForeignKey(
        USER, verbose_name=_("安排人"), on_delete=models.PROTECT, related_name="+"
    )
    record = models.TextField(_("调解记录"), blank=True)
    attendees = models.ManyToManyField(
        Party, verbose_name=_("到场当事人"), blank=True, related_name="sessions"
    )
    held_at = models.DateTimeField(_("记录时间"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        USER,
        verbose_name=_("记录人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"))

    objects = CaseChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("调解场次")
        verbose_name_plural = _("调解场次")
        ordering = ["starts_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}"


class Agreement(models.Model):
    """The 调解协议书 of a case: the terms the mediator drafted; the parties' block is
    filled from the parties at print time. Redrafting starts a new version and the
    parties confirm again."""

    case = models.OneToOneField(
        Case, verbose_name=_("案件"), on_delete=models.CASCADE, related_name="agreement"
    )
    terms = models.TextField(_("协议内容"))
    performance = models.TextField(_("履行方式和期限"), blank=True)
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    drafted_at = models.DateTimeField(_("拟定时间"))
    drafted_by = models.ForeignKey(
        USER, verbose_name=_("拟定人"), on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("全部确认时间"), null=True, blank=True)

    objects = CaseChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("调解协议书")
        verbose_name_plural = _("调解协议书")

    def __str__(self) -> str:
        return f"{self.case.case_number} 调解协议书（第 {self.version} 版）"


class Confirmation(models.Model):
    """A party's online confirmation of the current agreement version: a one-time SMS
    code (only its hash is kept), then the time of confirmation."""

    agreement = models.ForeignKey(
        Agreement,
        verbose_name=_("调解协议"),
        on_delete=models.CASCADE,
        related_name="confirmations",
    )
    party = models.ForeignKey(
        Party, verbose_name=_("当事人"), on_delete=models.CASCADE, related_name="confirmations"
    )
    version = models.PositiveSmallIntegerField(_("协议版本"))
    code_hash = models.CharField(max_length=128, blank=True)
    code_sent_at = models.DateTimeField(_("验证码发送时间"), null=True, blank=True)
    code_expires_at = models.DateTimeField(_("验证码过期时间"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("协议确认")
        verbose_name_plural = _("协议确认")
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "party"], name="mediation_confirmation_once_per_party"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.party} 第 {self.version} 版"
