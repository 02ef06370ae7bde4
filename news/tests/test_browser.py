"""The public news pages on a phone (375 px), in normal and care mode."""

from __future__ import annotations

from typing import Any

import pytest

from core.testing import PASSWORD, World, build_world
from core.tests import test_browser as core_browser
from core.tests.test_browser import ARTIFACTS, MOBILE, new_page, sign_in
from news.choices import ArticleKind
from news.tests.conftest import image_file, make_article

pytestmark = [pytest.mark.browser]
browser = core_browser.browser  # the fixture: Debian's Chromium

LONG_TITLE = "楼上漏水殃及楼下：联络员律师与人民调解员一次上门调解，邻里握手言和并当场签订协议"


@pytest.fixture
def news_live(transactional_db: None, live_server: object, settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = tmp_path / "media"
    world: World = build_world()
    make_article(
        world,
        title=LONG_TITLE,
        kind=ArticleKind.CASE,
        summary="律师与人民调解员上门，依据相邻关系规定促成双方签订调解协议。",
        body="\n\n".join(["居民张某家中天花板因楼上卫生间漏水多处受损。" * 4] * 4),
        cover=image_file(size=(1200, 600)),
        pinned=True,
    )
    for n in range(4):
        make_article(world, title=f"律师走进社区开展民法典宣讲（第{n + 1}场）")
    return world


def test_news_pages_fit_a_phone(news_live: Any, browser: Any, live_server: Any) -> None:
    page = new_page(browser, viewport=MOBILE, device_scale_factor=2, is_mobile=True, has_touch=True)
    page.goto(f"{live_server}/news/")
    assert page.get_by_role("heading", level=1).inner_text() == "宣传动态"
    assert page.get_by_role("link", name=LONG_TITLE).is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= MOBILE["width"]
    page.screenshot(path=ARTIFACTS / "news-list-mobile.png", full_page=True)

    page.get_by_role("link", name=LONG_TITLE).click()
    assert page.get_by_role("heading", level=1).inner_text() == LONG_TITLE
    assert page.evaluate("document.documentElement.scrollWidth") <= MOBILE["width"]
    assert page.locator(".news-body p").count() == 4
    page.screenshot(path=ARTIFACTS / "news-detail-mobile.png", full_page=True)

    page.get_by_role("button", name="展开菜单").click()
    page.get_by_role("button", name="关怀模式", exact=True).click()
    size = page.evaluate(
        "parseFloat(getComputedStyle(document.querySelector('.news-body')).fontSize)"
    )
    assert size >= 20
    assert page.evaluate("document.documentElement.scrollWidth") <= MOBILE["width"]
    page.screenshot(path=ARTIFACTS / "news-detail-care-mobile.png", full_page=True)


def test_street_staff_writes_and_submits_on_a_phone(
    news_live: Any,
    browser: Any,
    live_server: Any,
) -> None:
    page = new_page(browser, viewport=MOBILE, is_mobile=True, has_touch=True)
    sign_in(page, str(live_server), news_live.street_staff_a.phone, PASSWORD)
    page.goto(f"{live_server}/news/new/")
    page.get_by_label("标题").fill("清波街道开展防范养老诈骗宣传")
    page.get_by_role("button", name="保存并提交审核").click()
    assert page.get_by_role("alert").filter(has_text="该字段是必填项").count() == 1  # the body
    assert page.evaluate("document.documentElement.scrollWidth") <= MOBILE["width"]
    page.screenshot(path=ARTIFACTS / "news-editor-mobile.png", full_page=True)
    page.get_by_label("正文").fill("第一段。\n\n第二段。")
    page.get_by_role("button", name="保存并提交审核").click()
    assert page.get_by_role("heading", level=1).inner_text() == "清波街道开展防范养老诈骗宣传"
    assert "稿件已提交区司法局审核" in page.locator("main").inner_text()
    assert "本稿件待审核" in page.locator("main").inner_text()
