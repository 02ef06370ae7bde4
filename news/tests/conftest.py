from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from news.choices import ArticleKind, ArticleStatus
from news.models import Article
from news.services import ArticleInput


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def image_file(
    name: str = "cover.jpg", kind: str = "JPEG", size: tuple[int, int] = (40, 30)
) -> Any:
    buffer = io.BytesIO()
    Image.new("RGB", size, "blue").save(buffer, kind)
    content_type = "image/png" if kind == "PNG" else "image/jpeg"
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=content_type)


def article_input(**extra: Any) -> ArticleInput:
    values: dict[str, Any] = {
        "kind": ArticleKind.NEWS,
        "title": "律师走进清波社区开展普法宣传",
        "body": "第一段。\n\n第二段。",
    }
    values.update(extra)
    return ArticleInput(**values)


def make_article(world: Any, *, author: Any = None, district: Any = None, **extra: Any) -> Article:
    """An article written straight to the database (tests of reading, not writing)."""
    status = extra.pop("status", ArticleStatus.PUBLISHED)
    values: dict[str, Any] = {
        "kind": ArticleKind.NEWS,
        "title": f"稿件（{ArticleStatus(status).label}）",
        "body": "正文第一段。\n\n正文第二段。",
        "status": status,
        "published_at": timezone.now() if status == ArticleStatus.PUBLISHED else None,
    }
    values.update(extra)
    return Article.objects.create(
        district=district or world.district,
        author=author or world.street_staff_a,
        **values,
    )


@pytest.fixture
def articles(world: Any) -> dict[str, Article]:
    """One article by street staff A in every state, and a published one of the other
    district (written by its bureau)."""
    rows = {
        status: make_article(world, status=status, title=f"清波街道稿件{status}")
        for status in ArticleStatus.values
    }
    rows["elsewhere"] = make_article(
        world, district=world.other_district, author=world.outsider, title="其他区新闻"
    )
    return rows
