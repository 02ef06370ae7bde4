"""Questions, their routing, replies and attachments; the case-number counter; the
in-site notices and the knowledge base built from answered public questions."""

from __future__ import annotations

import secrets
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consultations.choices import (
    AssignmentReason,
    AssignmentStatus,
    NoticeKind,
    QuestionStatus,
)
from consultations.querysets import (
    AssignmentQuerySet,
    CategoryQuerySet,
    KnowledgeQuerySet,
    NoticeQuerySet,
    QuestionChildQuerySet,
    QuestionQuerySet,
)
from core.masking import mask_phone
from core.models import AuditedModel, TimeStampedModel
from firms.models import Lawyer
from regions.models import Community, District


class Category(AuditedModel):
    """A question category from the managed list (婚姻家庭, 劳动争议 ...)."""

    name = models.CharField(_("名称"), max_length=30, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    objects = CategoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("咨询类别")
        verbose_name_plural = _("咨询类别")
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class CaseCounter(models.Model):
    """The last case number handed out per kind, district and day (see numbering.py)."""

    prefix = models.CharField(_("类别前缀"), max_length=4)
    district_code = models.CharField(_("区划代码"), max_length=12)
    day = models.DateField(_("日期"))
    last = models.PositiveIntegerField(_("已用序号"), default=0)

    class Meta:
        verbose_name = _("案件编号计数")
        verbose_name_plural = _("案件编号计数")
        constraints = [
            models.UniqueConstraint(
                fields=["prefix", "district_code", "day"], name="consult_case_counter_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.prefix}-{self.district_code}-{self.day:%Y%m%d}: {self.last}"


class Question(TimeStampedModel):
    """A resident's question with its service level: the reply deadline, the two
    reminders and the escalation are columns set when it is posted, so jobs find
    what is due with an index and claim it with a conditional update.

    Not an AuditedModel on purpose: the operation log must not copy private text."""

    case_number = models.CharField(_("案件编号"), max_length=32, unique=True)
    district = models.ForeignKey(
        District, verbose_name=_("区"), on_delete=models.PROTECT, related_name="+"
    )
    community = models.ForeignKey(
        Community, verbose_name=_("社区"), on_delete=models.PROTECT, related_name="questions"
    )
    category = models.ForeignKey(
        Category, verbose_name=_("类别"), on_delete=models.PROTECT, related_name="questions"
    )
    asker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提问人"),
        on_delete=models.PROTECT,
        related_name="consultation_questions",
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("代为提交人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    contact_name = models.CharField(_("回访联系人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("回访电话"), max_length=11, blank=True)
    title = models.CharField(_("标题"), max_length=80)
    text = models.TextField(_("问题描述"))
    parties = models.CharField(
        _("涉及的当事人"),
        max_length=200,
        blank=True,
        help_text=_("对方当事人的姓名或单位名称，律师据此先确认有无利益冲突"),
    )
    is_public = models.BooleanField(_("公开"), default=False)
    chosen_lawyer = models.ForeignKey(
        Lawyer,
        verbose_name=_("指定律师"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=QuestionStatus.choices, default=QuestionStatus.OPEN
    )
    text_hash = models.CharField(max_length=64, editable=False)
    posted_at = models.DateTimeField(_("提问时间"))
    reply_deadline = models.DateTimeField(_("答复时限"))
    reminder1_due_at = models.DateTimeField(_("第一次提醒时间"))
    reminder2_due_at = models.DateTimeField(_("第二次提醒时间"))
    reminder1_sent_at = models.DateTimeField(_("第一次提醒已发"), null=True, blank=True)
    reminder2_sent_at = models.DateTimeField(_("第二次提醒已发"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("升级时间"), null=True, blank=True)
    first_replied_at = models.DateTimeField(_("首次答复时间"), null=True, blank=True)
    first_reply_lawyer = models.ForeignKey(
        Lawyer,
        verbose_name=_("首次答复律师"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="first_replies",
    )
    deadline_met = models.BooleanField(_("按时答复"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(_("评分"), null=True, blank=True)
    rating_comment = models.CharField(_("评价"), max_length=500, blank=True)

    objects = QuestionQuerySet.as_manager()

    class Meta:
        verbose_name = _("法律咨询")
        verbose_name_plural = _("法律咨询")
        ordering = ["-posted_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="consult_question_rating_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(first_replied_at__isnull=True, deadline_met__isnull=True)
                | Q(first_replied_at__isnull=False, deadline_met__isnull=False),
                name="consult_question_deadline_met_with_reply",
            ),
            models.CheckConstraint(
                condition=Q(reply_deadline__gt=models.F("posted_at")),
                name="consult_question_deadline_after_post",
            ),
        ]
        indexes = [
            models.Index(fields=["district", "status", "reply_deadline"], name="consult_q_board"),
            models.Index(fields=["asker", "posted_at"], name="consult_q_asker"),
            # The ranking: the questions due in a month, and those rated in it, with the
            # columns it counts (PostgreSQL reads them from the index alone).
            models.Index(
                fields=["district", "reply_deadline"],
                include=["first_reply_lawyer", "deadline_met", "id"],
                name="consult_q_due",
            ),
            models.Index(
                fields=["district", "closed_at"],
                include=["rating", "first_reply_lawyer", "id"],
                condition=Q(rating__isnull=False),
                name="consult_q_rated",
            ),
            models.Index(
                fields=["reminder1_due_at"],
                condition=Q(reminder1_sent_at__isnull=True, first_replied_at__isnull=True),
                name="consult_q_reminder1_due",
            ),
            models.Index(
                fields=["reminder2_due_at"],
                condition=Q(reminder2_sent_at__isnull=True, first_replied_at__isnull=True),
                name="consult_q_reminder2_due",
            ),
            models.Index(
                fields=["reply_deadline"],
                condition=Q(escalated_at__isnull=True, first_replied_at__isnull=True),
                name="consult_q_escalation_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_number} {self.title}"

    @property
    def masked_contact_phone(self) -> str:
        return mask_phone(self.contact_phone)

    @property
    def is_overdue_open(self) -> bool:
        return self.first_replied_at is None and self.reply_deadline < timezone.now()


def attachment_path(instance: QuestionAttachment, filename: str) -> str:
    """A random stored name: the original one (it may name people) stays in the row."""
    suffix = PurePath(filename).suffix.lower()
    return f"consultations/{timezone.now():%Y/%m}/{secrets.token_hex(12)}{suffix}"


class QuestionAttachment(TimeStampedModel):
    """A photo or document of a question: served only through the scoped view."""

    question = models.ForeignKey(
        Question, verbose_name=_("咨询"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("文件"), upload_to=attachment_path)
    original_name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveIntegerField(_("大小（字节）"))
    content_type = models.CharField(_("类型"), max_length=100)

    objects = QuestionChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("咨询附件")
        verbose_name_plural = _("咨询附件")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name


class QuestionAssignment(AuditedModel):
    """A lawyer a question was routed to, why, and where it stands. A private
    question's text stays hidden until the lawyer confirms no conflict of interest."""

    question = models.ForeignKey(
        Question, verbose_name=_("咨询"), on_delete=models.CASCADE, related_name="assignments"
    )
    lawyer = models.ForeignKey(
        Lawyer, verbose_name=_("律师"), on_delete=models.PROTECT, related_name="assignments"
    )
    reason = models.CharField(_("分派原因"), max_length=10, choices=AssignmentReason.choices)
    status = models.CharField(_("状态"), max_length=12, choices=AssignmentStatus.choices)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    conflict_confirmed_at = models.DateTimeField(_("确认无利益冲突时间"), null=True, blank=True)
    ended_at = models.DateTimeField(_("回避或转交时间"), null=True, blank=True)
    handed_to = models.ForeignKey(
        Lawyer,
        verbose_name=_("转交给"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("咨询分派")
        verbose_name_plural = _("咨询分派")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["question", "lawyer"], name="consult_assignment_once_per_lawyer"
            ),
        ]
        indexes = [
            models.Index(fields=["lawyer", "status"], name="consult_assign_lawyer"),
            # The ranking: the live assignments (LIVE_ASSIGNMENT) of the questions due in
            # a month. An OR rather than IN: PostgreSQL gives its text back unchanged
            # (bench.indexes rebuilds indexes from that text after a load).
            models.Index(
                fields=["question"],
                include=["lawyer"],
                condition=Q(status=AssignmentStatus.PENDING) | Q(status=AssignmentStatus.ACTIVE),
                name="consult_assign_live",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question.case_number} → {self.lawyer}"

    def audit_district_id(self) -> int | None:
        return (
            Question.objects.filter(pk=self.question_id)
            .values_list("district_id", flat=True)
            .first()
        )


class Reply(TimeStampedModel):
    """One message of a question's thread, by a lawyer or by the resident."""

    question = models.ForeignKey(
        Question, verbose_name=_("咨询"), on_delete=models.CASCADE, related_name="replies"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("作者"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    lawyer = models.ForeignKey(
        Lawyer,
        verbose_name=_("律师"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replies",
    )
    text = models.TextField(_("内容"))
    posted_at = models.DateTimeField(_("时间"))

    objects = QuestionChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("咨询回复")
        verbose_name_plural = _("咨询回复")
        ordering = ["posted_at", "id"]

    def __str__(self) -> str:
        return f"{self.question.case_number} #{self.pk}"


class Notice(models.Model):
    """An in-site notification for one user (reminders, escalations, new replies)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收人"),
        on_delete=models.CASCADE,
        related_name="consultation_notices",
    )
    kind = models.CharField(_("类型"), max_length=10, choices=NoticeKind.choices)
    title = models.CharField(_("标题"), max_length=100)
    body = models.CharField(_("内容"), max_length=500, blank=True)
    url = models.CharField(_("链接"), max_length=200, blank=True)
    question = models.ForeignKey(
        Question,
        verbose_name=_("咨询"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notices",
    )
    created_at = models.DateTimeField(_("时间"))
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("站内通知")
        verbose_name_plural = _("站内通知")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"], name="consult_notice_unread")]

    def __str__(self) -> str:
        return self.title


class KnowledgeEntry(TimeStampedModel):
    """An answered public question with personal details removed, and its text
    segmented into words (``tokens``, space-joined) for Chinese full-text search."""

    question = models.OneToOneField(
        Question, verbose_name=_("咨询"), on_delete=models.CASCADE, related_name="knowledge"
    )
    district = models.ForeignKey(
        District, verbose_name=_("区"), on_delete=models.PROTECT, related_name="+"
    )
    category = models.ForeignKey(
        Category, verbose_name=_("类别"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("标题"), max_length=80)
    question_text = models.TextField(_("问题"))
    answer_text = models.TextField(_("解答"))
    tokens = models.TextField(_("分词"), editable=False)
    published_at = models.DateTimeField(_("发布时间"))
    is_active = models.BooleanField(_("展示"), default=True)

    objects = KnowledgeQuerySet.as_manager()

    class Meta:
        verbose_name = _("知识库条目")
        verbose_name_plural = _("知识库")
        ordering = ["-published_at", "-id"]

    def __str__(self) -> str:
        return self.title
