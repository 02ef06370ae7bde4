from __future__ import annotations

from typing import Any

import pytest

from news.choices import ArticleStatus
from news.models import Article

pytestmark = pytest.mark.django_db

URL = "/admin/news/article/"


def test_admin_is_read_only_and_scoped(world: Any, client_for: Any, articles: Any) -> None:
    world.bureau_admin.is_staff = True
    world.bureau_admin.save(update_fields=["is_staff"])
    client = client_for(world.bureau_admin)
    changelist = client.get(URL)
    assert changelist.status_code == 200
    assert "清波街道稿件draft" in changelist.text and "其他区新闻" not in changelist.text
    assert client.get(f"{URL}add/").status_code == 403
    elsewhere = articles["elsewhere"]
    assert client.get(f"{URL}{elsewhere.pk}/change/").status_code == 302  # not found here
    draft = articles[ArticleStatus.DRAFT]
    detail = client.get(f"{URL}{draft.pk}/change/")
    assert detail.status_code == 200 and 'name="_save"' not in detail.text
    assert client.post(f"{URL}{draft.pk}/delete/").status_code == 403


def test_admin_actions_go_through_the_services(world: Any, client_for: Any, articles: Any) -> None:
    client = client_for(world.superuser)
    pending, draft = articles[ArticleStatus.PENDING], articles[ArticleStatus.DRAFT]
    response = client.post(
        URL,
        {"action": "publish", "_selected_action": [pending.pk, draft.pk], "index": 0},
        follow=True,
    )
    assert response.status_code == 200
    assert "已发布 1 篇" in response.text and "尚未提交审核" in response.text
    pending.refresh_from_db()
    draft.refresh_from_db()
    assert (pending.status, draft.status) == (ArticleStatus.PUBLISHED, ArticleStatus.DRAFT)
    client.post(URL, {"action": "pin", "_selected_action": [pending.pk], "index": 0})
    assert Article.objects.get(pk=pending.pk).pinned
