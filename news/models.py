"""Publicity (宣传): news, announcements, typical cases and advanced examples, written
by the bureau, the 司法所 and the firms, reviewed and published by the bureau."""

from __future__ import annotations

import secrets
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import AuditedModel
from firms.models import LawFirm, Lawyer
from news.choices import LINKABLE_KINDS, ArticleKind, ArticleStatus
from news.querysets import ArticleQuerySet
from regions.models import District

LEAD_CHARS = 80


def cover_path(instance: Article, filename: str) -> str:
    """A random stored name: covers of unpublished articles are served only in scope."""
    suffix = PurePath(filename).suffix.lower() or ".jpg"
    return f"news/covers/{timezone.now():%Y/%m}/{secrets.token_hex(12)}{suffix}"


class Article(AuditedModel):
    """An article of a district's publicity: draft → pending review → published (or
    returned with a comment) → withdrawn. The body is plain text in paragraphs."""

    district = models.ForeignKey(
        District, verbose_name=_("区"), on_delete=models.PROTECT, related_name="articles"
    )
    kind = models.CharField(_("栏目"), max_length=10, choices=ArticleKind.choices)
    title = models.CharField(_("标题"), max_length=100)
    summary = models.CharField(
        _("摘要"), max_length=200, blank=True, help_text=_("列表中显示；不填则取正文开头")
    )
    body = models.TextField(_("正文"), max_length=20000)
    cover = models.ImageField(_("封面图片"), upload_to=cover_path, blank=True)
    source = models.CharField(_("来源"), max_length=100, blank=True)
    firm = models.ForeignKey(
        LawFirm,
        verbose_name=_("相关律所"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="articles",
    )
    lawyer = models.ForeignKey(
        Lawyer,
        verbose_name=_("相关律师"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="articles",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("作者"),
        on_delete=models.PROTECT,
        related_name="news_articles",
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT
    )
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    review_comment = models.CharField(_("审核意见"), max_length=500, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    pinned = models.BooleanField(_("置顶"), default=False)
    view_count = models.PositiveIntegerField(_("阅读次数"), default=0)

    objects = ArticleQuerySet.as_manager()
    audit_ignored_fields = ("view_count",)

    class Meta:
        verbose_name = _("宣传稿件")
        verbose_name_plural = _("宣传稿件")
        ordering = ["-published_at", "-id"]
        indexes = [
            models.Index(
                fields=["district", "status", "kind", "published_at"], name="news_article_list"
            ),
            models.Index(fields=["author", "status"], name="news_article_author"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="news_article_published_has_date",
                violation_error_message=_("已发布的稿件必须有发布时间"),
            ),
            models.CheckConstraint(
                condition=Q(firm__isnull=True, lawyer__isnull=True)
                | Q(kind__in=[k.value for k in LINKABLE_KINDS]),
                name="news_article_links_only_cases",
                violation_error_message=_("只有典型案例和先进典型可以关联律所或律师"),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        super().clean()
        errors: dict[str, Any] = {}
        if (self.firm_id or self.lawyer_id) and self.kind not in LINKABLE_KINDS:
            errors["firm"] = _("只有典型案例和先进典型可以关联律所或律师")
        if self.lawyer_id and not errors:
            row = Lawyer.objects.filter(pk=self.lawyer_id).values("firm_id", "firm__district_id")
            found = row.first()
            if found and self.firm_id and self.firm_id != found["firm_id"]:
                errors["lawyer"] = _("所选律师不在所选律所执业")
            elif found and found["firm__district_id"] != self.district_id:
                errors["lawyer"] = _("所选律师不属于本区律所")
        if self.firm_id and not errors:
            district_id = (
                LawFirm.objects.filter(pk=self.firm_id)
                .values_list("district_id", flat=True)
                .first()
            )
            if district_id is not None and district_id != self.district_id:
                errors["firm"] = _("所选律所不属于本区")
        if errors:
            raise ValidationError(errors)

    @property
    def lead(self) -> str:
        """The summary, or the start of the body."""
        if self.summary:
            return self.summary
        text = " ".join(self.body.split())
        return text if len(text) <= LEAD_CHARS else f"{text[:LEAD_CHARS]}…"

    @property
    def is_published(self) -> bool:
        return self.status == ArticleStatus.PUBLISHED

    def audit_district_id(self) -> int | None:
        return self.district_id
