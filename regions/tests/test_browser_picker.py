"""The community picker in a real browser: choosing another district brings that
district's communities into the select (htmx), on a phone-sized screen."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, expect

from core.testing import PASSWORD, World
from core.tests.test_browser import ARTIFACTS, MOBILE, browser, new_page, sign_in, world_live

pytestmark = [pytest.mark.browser]
__all__ = ["browser", "world_live"]  # fixtures used by name


def test_resident_moves_home_to_another_districts_community(
    world_live: World, browser: Browser, live_server: object
) -> None:
    page = new_page(browser, viewport=MOBILE, is_mobile=True, has_touch=True)
    sign_in(page, str(live_server), world_live.resident.phone, PASSWORD)
    page.goto(f"{live_server}/regions/home-community/")
    community = page.get_by_label("我所在的社区")
    expect(community.locator("option", has_text="清波社区")).to_have_count(1)
    expect(community.locator("option", has_text="其他社区")).to_have_count(0)
    page.get_by_label("所在区县").select_option(label="其他区")
    # htmx swaps in the other district's communities.
    expect(community.locator("option", has_text="其他社区")).to_have_count(1)
    expect(community.locator("option", has_text="清波社区")).to_have_count(0)
    community.select_option(label="其他社区")
    page.screenshot(path=ARTIFACTS / "home-community-picker.png", full_page=True)
    with page.expect_navigation():
        page.get_by_role("button", name="保存").click()
    expect(page).to_have_url(re.compile(r"/workspace/$"))
    expect(page.get_by_text("已设置所在社区")).to_be_visible()
    # The workspace reads the saved profile (no database access here: the browser's
    # event loop is running).
    expect(page.locator("main")).to_contain_text("您所在的社区：其他街道 · 其他社区")
