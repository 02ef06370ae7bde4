"""Every state change of an article: write, edit, submit for review, publish, return
with a comment, withdraw, pin, count a reading. Typed functions in transactions; pages,
the API, the admin and the demo call them. Bad input raises ValidationError (Chinese)
and writes nothing; a user who may not act gets PermissionDenied. Every change is in
the operation log (Article is an AuditedModel).

Who may do what is decided in one function, ``_check``: the services call it, and
``actions_for`` asks it which buttons a page should offer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image

from accounts.roles import Role
from core.scope import Principal, get_principal
from firms.models import LawFirm, Lawyer
from news.choices import EDITABLE_STATUSES, ArticleStatus
from news.models import Article
from news.querysets import writer_district_ids
from regions.models import District

MAX_COVER_BYTES = 5 * 1024 * 1024
COVER_FORMATS = {"JPEG": "jpg", "PNG": "png"}
MAX_BODY_CHARS = 20000
MAX_COMMENT_CHARS = 500
ACTIONS = ("edit", "submit", "publish", "return", "withdraw", "pin")
# The label a writer's articles carry as their source, by the writer's role.
SOURCE_ROLES = (Role.BUREAU_ADMIN, Role.STREET_STAFF, Role.FIRM_ADMIN)


@dataclass
class ArticleInput:
    kind: str
    title: str
    body: str
    summary: str = ""
    firm: LawFirm | None = None
    lawyer: Lawyer | None = None
    cover: UploadedFile | None = None
    remove_cover: bool = False


# --- who may write, and who may do what --------------------------------------------


def writable_districts(user: Any) -> QuerySet[District]:
    """The districts the user may write articles for."""
    p = get_principal(user)
    if p.is_superuser:
        return District.objects.all()
    return District.objects.filter(pk__in=writer_district_ids(p))


def can_write(user: Any) -> bool:
    p = get_principal(user)
    return p.is_superuser or bool(writer_district_ids(p))


def can_review(user: Any) -> bool:
    p = get_principal(user)
    return p.is_superuser or p.has(Role.BUREAU_ADMIN)


def _source(p: Principal, district_id: int) -> str:
    """Who the article comes from: the bureau, a 司法所 or a firm, by the writer's role."""
    for role in SOURCE_ROLES:
        for b in p.bindings:
            if b.role == role and b.district_id == district_id:
                return b.label[:100]
    return ""


def _check(p: Principal, article: Article, action: str) -> None:
    """Raise unless the principal may do ``action`` to the article now:
    PermissionDenied for the wrong user, ValidationError for the wrong state."""
    status = article.status
    bureau = p.is_superuser or article.district_id in p.ids(Role.BUREAU_ADMIN)
    author = p.user_id is not None and article.author_id == p.user_id
    writer = author and (p.is_superuser or article.district_id in writer_district_ids(p))
    if not (bureau or author or status == ArticleStatus.PUBLISHED):
        raise PermissionDenied(_("该稿件不存在或不在您的权限范围内"))
    if action == "edit":
        if status in EDITABLE_STATUSES and writer:
            return
        if status == ArticleStatus.PENDING and bureau:
            return
        if status == ArticleStatus.PENDING and author:
            raise ValidationError(_("稿件正在审核中，不能修改；如需修改请先撤回"))
        if status == ArticleStatus.PUBLISHED and (author or bureau):
            raise ValidationError(_("已发布的稿件不能修改，请先撤回"))
        raise PermissionDenied(_("只能修改自己撰写的稿件"))
    if action == "submit":
        if not writer:
            raise PermissionDenied(_("只能提交自己撰写的稿件"))
        if status not in EDITABLE_STATUSES:
            raise ValidationError(_("只有草稿、已退回或已撤回的稿件才能提交审核"))
        return
    if action == "withdraw":
        if status == ArticleStatus.PUBLISHED and bureau:
            return
        if status == ArticleStatus.PUBLISHED:
            raise PermissionDenied(_("已发布的稿件只能由区司法局撤回"))
        if status == ArticleStatus.PENDING and author:
            return
        if status == ArticleStatus.PENDING:
            raise ValidationError(_("待审核的稿件请退回作者修改"))
        raise ValidationError(_("只有已发布或待审核的稿件才能撤回"))
    if action not in ("publish", "return", "pin"):
        raise ValueError(action)
    if not bureau:
        raise PermissionDenied(_("只有区司法局可以审核、发布稿件"))
    if action == "publish":
        # The bureau's own writing needs no review; others' must be submitted first.
        if status == ArticleStatus.PENDING or (status in EDITABLE_STATUSES and writer):
            return
        if status == ArticleStatus.PUBLISHED:
            raise ValidationError(_("稿件已发布"))
        raise ValidationError(_("该稿件尚未提交审核，不能发布"))
    if action == "return" and status != ArticleStatus.PENDING:
        raise ValidationError(_("只有待审核的稿件才能退回"))


def actions_for(user: Any, article: Article) -> set[str]:
    """The actions the user may take on the article now (for pages and the API)."""
    p = get_principal(user)
    allowed = set()
    for action in ACTIONS:
        try:
            _check(p, article, action)
        except (PermissionDenied, ValidationError):
            continue
        allowed.add(action)
    return allowed


def _locked(actor: Any, article: Article, action: str) -> Article:
    locked = Article.objects.select_for_update().get(pk=article.pk)
    _check(get_principal(actor), locked, action)
    return locked


# --- content -----------------------------------------------------------------------


def check_cover(upload: Any) -> str:
    """A JPEG or PNG of at most 5 MB, judged by its content, not its name; returns
    the file extension to store it under."""
    if (upload.size or 0) > MAX_COVER_BYTES:
        raise ValidationError(_("封面图片超过 5 MB，请压缩后再上传"))
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            kind = image.format
            image.verify()
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise ValidationError(_("封面不是有效的图片文件")) from exc
    finally:
        upload.seek(0)
    if kind not in COVER_FORMATS:
        raise ValidationError(_("封面图片只支持 JPG 或 PNG 格式"))
    return COVER_FORMATS[kind]


def normalize_body(text: str) -> str:
    """Plain text in paragraphs: one kind of line break, no trailing spaces, at most
    one empty line between paragraphs."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    lines = [line.rstrip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _apply(article: Article, data: ArticleInput) -> tuple[list[str], str | None]:
    """Put the input on the article and validate it; returns the changed field names
    and the cover's extension (None: no new cover). Writes nothing."""
    errors: dict[str, list[str]] = {}
    article.kind = data.kind
    article.title = " ".join((data.title or "").split())
    article.summary = " ".join((data.summary or "").split())
    article.body = normalize_body(data.body)
    article.firm = data.firm
    article.lawyer = data.lawyer
    if article.lawyer is not None and article.firm is None:
        article.firm = article.lawyer.firm
    if not article.title:
        errors["title"] = [_("请填写标题")]
    if not article.body:
        errors["body"] = [_("请填写正文")]
    elif len(article.body) > MAX_BODY_CHARS:
        errors["body"] = [_("正文不能超过 %(n)s 字") % {"n": MAX_BODY_CHARS}]
    extension = None
    if data.cover is not None:
        try:
            extension = check_cover(data.cover)
        except ValidationError as exc:
            errors["cover"] = exc.messages
    try:
        article.full_clean(exclude=["cover", *errors])
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    return ["kind", "title", "summary", "body", "firm", "lawyer"], extension


def _store_cover(article: Article, data: ArticleInput, extension: str | None) -> bool:
    """Save a new cover or remove the old one (deleted from storage after commit)."""
    old = article.cover.name
    if extension is not None and data.cover is not None:
        article.cover.save(f"cover.{extension}", data.cover, save=False)
    elif data.remove_cover and old:
        article.cover = ""  # type: ignore[assignment]
    else:
        return False
    if old:
        storage = article.cover.storage
        transaction.on_commit(lambda: storage.delete(old))
    return True


@transaction.atomic
def create_article(*, actor: Any, district: District, data: ArticleInput) -> Article:
    """A writer starts a draft for a district they work in."""
    p = get_principal(actor)
    if not can_write(actor):
        raise PermissionDenied(_("您没有撰写宣传稿件的权限"))
    if not p.is_superuser and district.pk not in writer_district_ids(p):
        raise ValidationError({"district": _("您不能为该区撰写稿件")})
    article = Article(district=district, author=actor, source=_source(p, district.pk))
    _fields, extension = _apply(article, data)
    _store_cover(article, data, extension)
    article.save()
    return article


@transaction.atomic
def update_article(*, actor: Any, article: Article, data: ArticleInput) -> Article:
    """The author changes a draft (returned, withdrawn); the bureau may also correct
    an article pending its review."""
    article = _locked(actor, article, "edit")
    fields, extension = _apply(article, data)
    if _store_cover(article, data, extension):
        fields.append("cover")
    article.save(update_fields=[*fields, "updated_at"])
    return article


@transaction.atomic
def submit_article(*, actor: Any, article: Article, now: datetime | None = None) -> Article:
    """The author sends the article to the bureau for review."""
    article = _locked(actor, article, "submit")
    article.status = ArticleStatus.PENDING
    article.submitted_at = now or timezone.now()
    article.save(update_fields=["status", "submitted_at", "updated_at"])
    return article


@transaction.atomic
def publish_article(*, actor: Any, article: Article, now: datetime | None = None) -> Article:
    """The bureau publishes an article pending review, or one it wrote itself."""
    article = _locked(actor, article, "publish")
    now = now or timezone.now()
    article.status = ArticleStatus.PUBLISHED
    article.published_at = now
    article.reviewed_by = actor
    article.reviewed_at = now
    article.review_comment = ""
    article.save(
        update_fields=[
            "status",
            "published_at",
            "reviewed_by",
            "reviewed_at",
            "review_comment",
            "updated_at",
        ]
    )
    return article


def _comment(comment: str, *, required: bool, message: str) -> str:
    text = (comment or "").strip()
    if required and not text:
        raise ValidationError({"comment": message})
    if len(text) > MAX_COMMENT_CHARS:
        raise ValidationError({"comment": _("意见不能超过 %(n)s 字") % {"n": MAX_COMMENT_CHARS}})
    return text


@transaction.atomic
def return_article(
    *, actor: Any, article: Article, comment: str, now: datetime | None = None
) -> Article:
    """The bureau returns an article pending review to its author, with a comment."""
    article = _locked(actor, article, "return")
    article.review_comment = _comment(comment, required=True, message=_("退回稿件时请填写修改意见"))
    article.status = ArticleStatus.RETURNED
    article.reviewed_by = actor
    article.reviewed_at = now or timezone.now()
    article.save(
        update_fields=["status", "review_comment", "reviewed_by", "reviewed_at", "updated_at"]
    )
    return article


@transaction.atomic
def withdraw_article(
    *, actor: Any, article: Article, comment: str = "", now: datetime | None = None
) -> Article:
    """The bureau takes a published article down; an author takes back an article
    pending review. Either way the author may edit and submit it again."""
    article = _locked(actor, article, "withdraw")
    text = _comment(comment, required=False, message="")
    fields = ["status", "updated_at"]
    if article.status == ArticleStatus.PUBLISHED:
        article.review_comment = text
        article.reviewed_by = actor
        article.reviewed_at = now or timezone.now()
        fields += ["review_comment", "reviewed_by", "reviewed_at"]
    article.status = ArticleStatus.WITHDRAWN
    article.save(update_fields=fields)
    return article


@transaction.atomic
def set_pinned(*, actor: Any, article: Article, pinned: bool) -> Article:
    """The bureau pins an article to the top of the lists (or unpins it)."""
    article = _locked(actor, article, "pin")
    if article.pinned != pinned:
        article.pinned = pinned
        article.save(update_fields=["pinned", "updated_at"])
    return article


def count_view(article: Article) -> None:
    """One more reading of a published article (not logged: it is not a change of
    content, and a log entry per reading would drown the real ones)."""
    Article.objects.filter(pk=article.pk, status=ArticleStatus.PUBLISHED).update(
        view_count=F("view_count") + 1
    )
