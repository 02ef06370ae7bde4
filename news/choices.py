"""Vocabularies of the news app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ArticleKind(models.TextChoices):
    NEWS = "news", _("新闻动态")
    NOTICE = "notice", _("通知公告")
    CASE = "case", _("典型案例")
    EXEMPLAR = "exemplar", _("先进典型")


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PENDING = "pending", _("待审核")
    PUBLISHED = "published", _("已发布")
    RETURNED = "returned", _("已退回")
    WITHDRAWN = "withdrawn", _("已撤回")


# States in which the author may change and (re)submit an article.
EDITABLE_STATUSES = (ArticleStatus.DRAFT, ArticleStatus.RETURNED, ArticleStatus.WITHDRAWN)
# Kinds that may name the firm or lawyer they are about.
LINKABLE_KINDS = (ArticleKind.CASE, ArticleKind.EXEMPLAR)
