"""Template tags for pages outside the app: the portal's publicity block."""

from __future__ import annotations

from typing import Any

from django import template

from news.choices import ArticleKind
from news.models import Article

register = template.Library()


@register.inclusion_tag("news/includes/latest_articles.html")
def latest_articles(district: Any, count: int = 5) -> dict[str, Any]:
    """The district's latest published articles (pinned first), for the portal."""
    articles = (
        Article.objects.published()
        .filter(district=district)
        .only("pk", "kind", "title", "published_at", "pinned", "source")[: max(int(count), 0)]
        if district is not None
        else []
    )
    return {"articles": articles, "district": district, "kinds": ArticleKind.choices}
