from __future__ import annotations

import random
from typing import Any

import pytest

from news import demo
from news.choices import ArticleKind, ArticleStatus
from news.models import Article

pytestmark = pytest.mark.django_db


def test_seed_is_complete_and_idempotent(world: Any) -> None:
    first = demo.seed(world.district, random.Random(1))
    assert first == {"published": 12, "pending": 2, "returned": 1}
    published = Article.objects.filter(district=world.district, status=ArticleStatus.PUBLISHED)
    kinds = {kind: published.filter(kind=kind).count() for kind in ArticleKind.values}
    assert kinds == {"news": 4, "notice": 3, "case": 3, "exemplar": 2}
    assert published.filter(pinned=True).count() == 1
    assert len(set(published.values_list("published_at", flat=True))) == 12
    assert all(a.body.startswith(demo.MARK) for a in Article.objects.all())
    pending = Article.objects.filter(status=ArticleStatus.PENDING)
    assert {a.author for a in pending} == {world.street_staff_a, world.firm_admin_f}
    returned = Article.objects.get(status=ArticleStatus.RETURNED)
    assert returned.author == world.firm_admin_f and "个人信息" in returned.review_comment
    exemplars = published.filter(kind=ArticleKind.EXEMPLAR)
    assert all(a.firm is not None for a in exemplars)
    assert exemplars.filter(lawyer__isnull=False).count() == 1
    again = demo.seed(world.district, random.Random(1))
    assert again == {"published": 0, "pending": 0, "returned": 0}
    assert Article.objects.count() == 15


def test_seed_without_a_bureau_writes_nothing(world: Any) -> None:
    from core.testing import make_district

    assert demo.seed(make_district("空区"), random.Random(1)) == {
        "published": 0,
        "pending": 0,
        "returned": 0,
    }
    # The other district has only its bureau: it writes everything itself.
    created = demo.seed(world.other_district, random.Random(1))
    assert created == {"published": 12, "pending": 2, "returned": 1}
    assert set(Article.objects.values_list("author", flat=True)) == {world.outsider.pk}


def test_seed_on_the_demo_district(db: Any, monkeypatch: Any) -> None:
    from accounts.roles import Role
    from core.scope import get_principal
    from regions import demo as region_demo

    monkeypatch.setattr(region_demo, "seed_apps", lambda district: {})
    region_demo.seed_demo()
    district = region_demo.demo_district()
    assert district is not None
    assert demo.seed(district, random.Random(2)) == {"published": 12, "pending": 2, "returned": 1}
    pending = Article.objects.filter(status=ArticleStatus.PENDING).select_related("author")
    roles = {get_principal(a.author).roles[0] for a in pending}
    assert roles == {Role.STREET_STAFF, Role.FIRM_ADMIN}
    titles = set(Article.objects.values_list("title", flat=True))
    assert any(title.startswith(district.name) for title in titles)
