"""The data pages on a phone in 关怀模式: nothing runs off the screen sideways."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from core.testing import PASSWORD, World, build_world
from core.tests import test_browser as core_browser
from core.tests.test_browser import ARTIFACTS, MOBILE, new_page, sign_in

pytestmark = [pytest.mark.browser]
browser = core_browser.browser  # the fixture: Debian's Chromium

# How far the widest table of the page scrolls sideways inside its box, in pixels.
TABLE_OVERFLOW = (
    "Math.max(0, ...[...document.querySelectorAll('.table-responsive')]"
    ".map(e => e.scrollWidth - e.clientWidth))"
)


@pytest.fixture
def world_live(transactional_db: None, live_server: object) -> World:
    from datetime import date

    from pairing.models import Pairing

    world = build_world()
    # A paired firm: the district dashboard links the dashboards of paired firms.
    Pairing.objects.create(
        community=world.community_a1, firm=world.firm_f, start_date=date(2026, 1, 1)
    )
    return world


def test_coverage_and_dashboard_fit_a_phone_in_care_mode(
    world_live: World, browser: Any, live_server: Any
) -> None:
    page = new_page(browser, viewport=MOBILE, device_scale_factor=2, is_mobile=True, has_touch=True)
    sign_in(page, str(live_server), world_live.bureau_admin.phone, PASSWORD)
    page.goto(f"{live_server}/visits/coverage/")
    page.get_by_role("button", name="展开菜单").click()
    with page.expect_navigation():
        page.get_by_role("button", name="关怀模式", exact=True).click()
    expect(page.locator("body")).to_have_class("care-mode")
    expect(page.get_by_role("heading", name="各社区")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= MOBILE["width"]
    assert page.evaluate(TABLE_OVERFLOW) == 0
    page.screenshot(path=ARTIFACTS / "coverage-care-mobile.png", full_page=True)

    page.goto(f"{live_server}/assessment/dashboard/district/{world_live.district.pk}/")
    folded = page.get_by_text("各律所看板（")
    expect(folded).to_be_visible()
    expect(page.get_by_role("link", name=world_live.firm_f.name)).to_be_hidden()
    folded.click()
    expect(page.get_by_role("link", name=world_live.firm_f.name)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= MOBILE["width"]
    page.screenshot(path=ARTIFACTS / "dashboard-care-mobile.png", full_page=True)
