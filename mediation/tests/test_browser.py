"""The case page on a phone (375 px): a party reads the case, writes in the room and
sees the agreement to confirm; nothing overflows sideways. Screenshots go to
test-artifacts/."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from core.testing import build_world
from mediation import services
from mediation.choices import CaseStatus
from mediation.tests.conftest import advance, applied, build_setup

pytestmark = [pytest.mark.browser]

from pathlib import Path  # noqa: E402

from playwright.sync_api import Browser, Page, expect, sync_playwright  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
MOBILE: Any = {"width": 375, "height": 812}


@dataclass
class Live:
    resident_session: str
    mediator_session: str
    case_id: int


def session_of(user: Any) -> str:
    """A signed-in session (staff sign-in has a second step by SMS; not tested here)."""
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


@pytest.fixture
def live(transactional_db: None, live_server: object) -> Live:
    world = build_world()
    setup = build_setup(world)
    case = advance(world, setup, applied(world, setup), CaseStatus.MEDIATING)
    services.post_message(actor=setup.m1.user, case=case, text="请双方周三下午到社区调解室。")
    services.draft_agreement(
        actor=setup.m1.user, case=case, terms="李四于十日内赔偿王居民维修费 3000 元。"
    )
    return Live(session_of(world.resident), session_of(setup.m1.user), case.pk)


@pytest.fixture
def browser(live_server: object) -> Iterator[Browser]:
    assert CHROMIUM.exists(), "需要 Debian 的 Chromium：apt-get install chromium fonts-noto-cjk"
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        yield chromium
        chromium.close()


def phone_page(browser: Browser, base: str, session: str) -> Page:
    context = browser.new_context(
        locale="zh-CN", viewport=MOBILE, device_scale_factor=2, is_mobile=True, has_touch=True
    )
    context.set_default_timeout(10_000)
    context.add_cookies([{"name": "sessionid", "value": session, "url": base}])
    page = context.new_page()
    page.goto(f"{base}/workspace/")
    expect(page.get_by_role("heading", name="我的工作台")).to_be_visible()
    return page


def test_party_uses_the_case_page_on_a_phone(live: Live, browser: Browser, live_server: object):
    page = phone_page(browser, str(live_server), live.resident_session)
    page.goto(f"{live_server}/mediation/cases/{live.case_id}/")
    expect(page.get_by_role("heading", name="调解室")).to_be_visible()
    expect(page.get_by_text("请双方周三下午到社区调解室。")).to_be_visible()
    expect(page.get_by_role("button", name="发送短信验证码")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= MOBILE["width"]
    page.screenshot(path=ARTIFACTS / "mediation-case-mobile.png", full_page=True)
    page.get_by_label("留言").fill("收到，我周三下午有空。")
    page.get_by_role("button", name="发送", exact=True).click()
    expect(page.get_by_text("收到，我周三下午有空。")).to_be_visible()


def test_mediator_sees_the_actions_on_a_phone(live: Live, browser: Browser, live_server: object):
    page = phone_page(browser, str(live_server), live.mediator_session)
    expect(page.get_by_text("调解案件").first).to_be_visible()
    page.goto(f"{live_server}/mediation/cases/{live.case_id}/")
    expect(page.get_by_role("heading", name="办理", exact=True)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= MOBILE["width"]
    page.screenshot(path=ARTIFACTS / "mediation-case-mediator-mobile.png", full_page=True)
    page.goto(f"{live_server}/mediation/apply/")
    assert page.evaluate("document.documentElement.scrollWidth") <= MOBILE["width"]
    page.screenshot(path=ARTIFACTS / "mediation-apply-mobile.png", full_page=True)
