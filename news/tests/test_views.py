from __future__ import annotations

from typing import Any

import pytest
from django.template import Context, Template
from django.template.loader import render_to_string
from django.test import Client

from core.scope import get_principal
from core.workspace import panels_for
from news.choices import ArticleKind, ArticleStatus
from news.models import Article
from news.tests.conftest import image_file, make_article

pytestmark = pytest.mark.django_db


def _html(response: Any) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


# --- public pages ------------------------------------------------------------------


def test_anonymous_list_shows_published_only(world: Any, articles: Any) -> None:
    html = _html(Client().get("/news/"))
    assert "清波街道稿件published" in html and "其他区新闻" in html
    for status in ("draft", "pending", "returned", "withdrawn"):
        assert f"清波街道稿件{status}" not in html
    # The bureau sees drafts in its queue, not on the public list.
    bureau = Client()
    bureau.force_login(world.bureau_admin)
    assert "清波街道稿件draft" not in _html(bureau.get("/news/"))


def test_list_by_kind_and_district_with_pagination(world: Any) -> None:
    for n in range(12):
        make_article(world, title=f"典型案例{n:02d}", kind=ArticleKind.CASE)
    make_article(world, title="一则通知", kind=ArticleKind.NOTICE)
    make_article(
        world,
        district=world.other_district,
        author=world.outsider,
        title="外区案例",
        kind=ArticleKind.CASE,
    )
    client = Client()
    html = _html(client.get("/news/", {"kind": "notice"}))
    assert "一则通知" in html and "典型案例" not in html.split("<h1")[1].split("</nav>")[-1]
    page1 = _html(client.get("/news/", {"kind": "case", "district": world.district.pk}))
    assert "典型案例11" in page1 and "外区案例" not in page1 and "第 1 / 2 页" in page1
    page2 = _html(client.get("/news/", {"kind": "case", "district": world.district.pk, "page": 2}))
    assert "典型案例00" in page2
    assert _html(client.get("/news/", {"kind": "<script>", "district": "x"}))  # ignored


def test_detail_of_unpublished_is_404_unless_in_scope(world: Any, articles: Any) -> None:
    draft, pending = articles[ArticleStatus.DRAFT], articles[ArticleStatus.PENDING]
    assert Client().get(f"/news/{articles['published'].pk}/").status_code == 200
    for user in (None, world.outsider, world.firm_admin_f, world.resident):
        client = Client()
        if user:
            client.force_login(user)
        assert client.get(f"/news/{draft.pk}/").status_code == 404
    author = Client()
    author.force_login(world.street_staff_a)
    html = _html(author.get(f"/news/{draft.pk}/"))
    assert "预览" in html and "提交审核" in html and "审核通过并发布" not in html
    bureau = Client()
    bureau.force_login(world.bureau_admin)
    html = _html(bureau.get(f"/news/{pending.pk}/"))
    assert "审核通过并发布" in html and "退回修改" in html


def test_body_and_title_are_escaped(world: Any) -> None:
    article = make_article(
        world,
        title='<img src=x onerror="alert(1)">',
        body='<script>alert("xss")</script>\n\n<b>粗体</b>\n第二行',
    )
    html = _html(Client().get(f"/news/{article.pk}/"))
    assert "<script>alert" not in html and "&lt;script&gt;alert(&quot;xss&quot;)" in html
    assert "<b>粗体</b>" not in html and "<p>&lt;b&gt;粗体&lt;/b&gt;<br>第二行</p>" in html
    assert "<img src=x" not in html and "&lt;img src=x" in html
    listing = _html(Client().get("/news/"))
    assert "<img src=x" not in listing


def test_reading_counts_views(world: Any) -> None:
    article = make_article(world)
    Client().get(f"/news/{article.pk}/")
    html = _html(Client().get(f"/news/{article.pk}/"))
    assert "阅读 2" in html
    article.refresh_from_db()
    assert article.view_count == 2


def test_cover_is_served_in_scope_only(world: Any) -> None:
    published = make_article(world, cover=image_file())
    draft = make_article(world, status=ArticleStatus.DRAFT, cover=image_file())
    response = Client().get(f"/news/{published.pk}/cover/")
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert Client().get(f"/news/{draft.pk}/cover/").status_code == 404
    author = Client()
    author.force_login(world.street_staff_a)
    assert author.get(f"/news/{draft.pk}/cover/").status_code == 200
    assert Client().get(f"/news/{make_article(world).pk}/cover/").status_code == 404  # none


def test_latest_articles_tag(world: Any) -> None:
    for n in range(7):
        make_article(world, title=f"新闻{n}")
    make_article(world, title="置顶通知", kind=ArticleKind.NOTICE, pinned=True)
    make_article(world, title="草稿不显示", status=ArticleStatus.DRAFT)
    make_article(world, district=world.other_district, author=world.outsider, title="外区新闻")
    template = Template("{% load news_tags %}{% latest_articles district 5 %}")
    html = template.render(Context({"district": world.district}))
    assert html.count('href="/news/') - html.count('href="/news/?') == 5
    assert html.index("置顶通知") < html.index("新闻6")
    assert "草稿不显示" not in html and "外区新闻" not in html and "新闻0" not in html
    assert f"/news/?district={world.district.pk}" in html
    assert "暂无宣传动态" in template.render(Context({"district": None}))


# --- writers and the bureau --------------------------------------------------------


def test_editor_is_for_writers(world: Any, client_for: Any) -> None:
    assert Client().get("/news/new/").status_code == 302  # to sign in
    for persona in ("resident", "lawyer_f", "community_staff_a1"):
        assert client_for(getattr(world, persona)).get("/news/new/").status_code == 404
    html = _html(client_for(world.firm_admin_f).get("/news/new/"))
    assert "保存并提交审核" in html and "保存并发布" not in html
    assert 'name="district"' not in html  # one district: not asked
    assert "保存并发布" in _html(client_for(world.bureau_admin).get("/news/new/"))


def test_editor_errors_are_chinese_and_write_nothing(world: Any, client_for: Any) -> None:
    client = client_for(world.street_staff_a)
    html = _html(client.post("/news/new/", {"kind": "news", "title": "", "body": ""}))
    assert "该字段是必填项" in html
    html = _html(
        client.post(
            "/news/new/",
            {"kind": "news", "title": "标题", "body": "正文", "cover": image_file("a.gif", "GIF")},
        )
    )
    assert "封面图片只支持 JPG 或 PNG 格式" in html
    html = _html(
        client.post(
            "/news/new/",
            {"kind": "news", "title": "标题", "body": "正文", "lawyer": world.lawyer_l.pk},
        )
    )
    assert "只有典型案例和先进典型可以关联律所或律师" in html
    assert not Article.objects.exists()


def test_write_submit_and_publish_through_pages(world: Any, client_for: Any) -> None:
    client = client_for(world.street_staff_a)
    response = client.post(
        "/news/new/",
        {"kind": "case", "title": "邻里纠纷调解", "body": "正文", "cover": image_file()},
    )
    article = Article.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/news/{article.pk}/"
    assert article.status == ArticleStatus.DRAFT and article.cover
    response = client.post(
        f"/news/{article.pk}/edit/",
        {"kind": "case", "title": "邻里漏水纠纷调解", "body": "正文", "then": "submit"},
    )
    article.refresh_from_db()
    assert article.title == "邻里漏水纠纷调解" and article.status == ArticleStatus.PENDING
    assert article.cover  # kept
    assert client.get(f"/news/{article.pk}/edit/").status_code == 404  # pending
    assert client.post(f"/news/{article.pk}/publish/").status_code == 404
    article.refresh_from_db()
    assert article.status == ArticleStatus.PENDING
    bureau = client_for(world.bureau_admin)
    response = bureau.post(f"/news/{article.pk}/return/", {"comment": ""}, follow=True)
    assert "退回稿件时请填写修改意见" in _html(response)
    bureau.post(f"/news/{article.pk}/return/", {"comment": "请删去当事人姓名"})
    article.refresh_from_db()
    assert article.status == ArticleStatus.RETURNED
    author = client_for(world.street_staff_a)
    assert "请删去当事人姓名" in _html(author.get(f"/news/{article.pk}/edit/"))
    author.post(f"/news/{article.pk}/submit/")
    bureau = client_for(world.bureau_admin)
    bureau.post(f"/news/{article.pk}/publish/")
    bureau.post(f"/news/{article.pk}/pin/", {"pinned": "1"})
    article.refresh_from_db()
    assert article.status == ArticleStatus.PUBLISHED and article.pinned
    bureau.post(f"/news/{article.pk}/withdraw/", {"comment": "重新核实"})
    article.refresh_from_db()
    assert article.status == ArticleStatus.WITHDRAWN
    assert Client().get(f"/news/{article.pk}/").status_code == 404
    assert bureau.get(f"/news/{article.pk}/publish/").status_code == 405


def test_bureau_saves_and_publishes_at_once(world: Any, client_for: Any) -> None:
    client = client_for(world.bureau_admin)
    client.post(
        "/news/new/",
        {"kind": "notice", "title": "关于服务日的通知", "body": "正文", "then": "publish"},
    )
    assert Article.objects.get().status == ArticleStatus.PUBLISHED


def test_edit_is_for_the_author_only(world: Any, client_for: Any, articles: Any) -> None:
    draft = articles[ArticleStatus.DRAFT]
    for persona in ("firm_admin_f", "bureau_admin", "outsider"):
        response = client_for(getattr(world, persona)).post(
            f"/news/{draft.pk}/edit/", {"kind": "news", "title": "别人改", "body": "x"}
        )
        assert response.status_code == 404
    draft.refresh_from_db()
    assert draft.title != "别人改"
    assert (
        client_for(world.street_staff_a).get(f"/news/{articles['published'].pk}/edit/").status_code
        == 404
    )


def test_my_articles_and_review_queue(world: Any, client_for: Any, articles: Any) -> None:
    make_article(world, author=world.firm_admin_f, status=ArticleStatus.PENDING, title="律所的稿件")
    html = _html(client_for(world.street_staff_a).get("/news/mine/"))
    assert "清波街道稿件draft" in html and "律所的稿件" not in html
    html = _html(client_for(world.firm_admin_f).get("/news/mine/", {"status": "pending"}))
    assert "律所的稿件" in html and "清波街道稿件" not in html
    assert client_for(world.street_staff_a).get("/news/review/").status_code == 404
    html = _html(client_for(world.bureau_admin).get("/news/review/"))
    assert "清波街道稿件pending" in html and "律所的稿件" in html
    assert "清波街道稿件draft" not in html  # the queue shows pending by default
    assert "其他区新闻" not in _html(client_for(world.bureau_admin).get("/news/review/?status=all"))
    outsider = _html(client_for(world.outsider).get("/news/review/?status=all"))
    assert "其他区新闻" in outsider and "清波街道稿件" not in outsider
    assert Client().get("/news/mine/").status_code == 302


def _panels(world: Any, rf: Any, user: Any) -> str:
    """The news panels of the user's workspace cards, as /workspace/ renders them
    (other apps' panels left out)."""
    request = rf.get("/workspace/")
    request.user = user
    html = []
    for binding in get_principal(user).bindings:
        for template, context in panels_for(request, binding):
            if template.startswith("news/"):
                html.append(render_to_string(template, context, request=request))
    return "".join(html)


def test_workspace_panels(world: Any, rf: Any, articles: Any) -> None:
    html = _panels(world, rf, world.bureau_admin)
    assert "宣传稿件审核" in html and "清波街道稿件pending" in html
    html = _panels(world, rf, world.street_staff_a)
    assert "我的宣传稿件" in html and "清波街道稿件returned" in html
    html = _panels(world, rf, world.firm_admin_f)
    assert "我的宣传稿件" in html and "清波街道稿件" not in html
    assert _panels(world, rf, world.lawyer_f) == ""


# --- query budgets -----------------------------------------------------------------


def _rows(world: Any, n: int) -> None:
    for i in range(n):
        make_article(world, title=f"公开{i}", cover=image_file() if i % 3 == 0 else "")
        make_article(world, title=f"待审{i}", status=ArticleStatus.PENDING)
        make_article(world, title=f"草稿{i}", status=ArticleStatus.DRAFT)


@pytest.mark.parametrize(
    ("persona", "url", "budget"),
    [
        # Signed in, about 7 queries go to the session, the user and the role bindings.
        (None, "/news/", 3),
        ("bureau_admin", "/news/", 10),
        ("street_staff_a", "/news/mine/", 10),
        ("bureau_admin", "/news/review/?status=all", 10),
    ],
)
def test_query_counts_do_not_grow(
    world: Any,
    client_for: Any,
    django_assert_max_num_queries: Any,
    persona: Any,
    url: str,
    budget: int,
) -> None:
    client = client_for(getattr(world, persona)) if persona else Client()
    _rows(world, 2)
    with django_assert_max_num_queries(budget):
        assert client.get(url).status_code == 200
    _rows(world, 25)
    with django_assert_max_num_queries(budget):
        assert client.get(url).status_code == 200


def test_panel_query_counts_do_not_grow(
    world: Any, rf: Any, django_assert_max_num_queries: Any
) -> None:
    from news import panels

    request = rf.get("/workspace/")
    request.user = world.bureau_admin
    binding = get_principal(world.bureau_admin).bindings[0]
    for n in (2, 25):
        _rows(world, n)
        with django_assert_max_num_queries(4):
            context = panels.bureau_panel(request, binding)
        assert (
            context is not None
            and context["pending_count"]
            == Article.objects.filter(status=ArticleStatus.PENDING).count()
        )
        assert len(context["pending"]) == min(context["pending_count"], panels.ROWS)
