from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from news.choices import ArticleStatus
from news.models import Article
from news.tests.conftest import make_article

pytestmark = pytest.mark.django_db

UNPUBLISHED = {"draft", "pending", "returned", "withdrawn"}


def _visible(user: Any, articles: dict[str, Article]) -> set[str]:
    ids = set(Article.objects.visible_to(user).values_list("pk", flat=True))
    return {key for key, a in articles.items() if a.pk in ids}


def test_published_articles_are_public(world: Any, articles: Any) -> None:
    public = {"published", "elsewhere"}
    for user in (AnonymousUser(), world.resident, world.lawyer_f, world.community_staff_a1):
        assert _visible(user, articles) == public
    # A firm admin of the same district sees no one else's drafts either.
    assert _visible(world.firm_admin_f, articles) == public


def test_author_and_bureau_see_every_state(world: Any, articles: Any) -> None:
    everything = set(articles)
    assert _visible(world.street_staff_a, articles) == everything  # the author
    assert _visible(world.bureau_admin, articles) == everything
    assert _visible(world.superuser, articles) == everything
    # The other district's bureau sees its own and what is published here.
    assert _visible(world.outsider, articles) == {"published", "elsewhere"}


def test_editable_and_reviewable(world: Any, articles: Any) -> None:
    def keys(qs: Any) -> set[str]:
        ids = set(qs.values_list("pk", flat=True))
        return {key for key, a in articles.items() if a.pk in ids}

    assert keys(Article.objects.editable_by(world.street_staff_a)) == {
        "draft",
        "returned",
        "withdrawn",
    }
    assert keys(Article.objects.editable_by(world.bureau_admin)) == {"pending"}
    assert keys(Article.objects.editable_by(world.firm_admin_f)) == set()
    assert keys(Article.objects.editable_by(AnonymousUser())) == set()
    assert keys(Article.objects.reviewable_by(world.bureau_admin)) == set(articles) - {"elsewhere"}
    assert keys(Article.objects.reviewable_by(world.outsider)) == {"elsewhere"}
    assert keys(Article.objects.reviewable_by(world.street_staff_a)) == set()


def test_author_without_a_writer_role_can_no_longer_edit(world: Any) -> None:
    draft = make_article(world, author=world.resident, status=ArticleStatus.DRAFT)
    assert Article.objects.visible_to(world.resident).filter(pk=draft.pk).exists()
    assert not Article.objects.editable_by(world.resident).filter(pk=draft.pk).exists()


def test_published_orders_pinned_first(world: Any) -> None:
    old = make_article(world, title="旧的置顶", pinned=True)
    new = make_article(world, title="新的")
    make_article(world, status=ArticleStatus.DRAFT)
    assert list(Article.objects.published()) == [old, new]
