"""Real-browser tests: Playwright drives Debian's Chromium against the live server.

Playwright's sync API runs an event loop in this thread, and Django refuses database
access while one runs; so the data is built before the browser starts (a test asks for
``world_live`` or ``demo_live`` before ``browser``: pytest sets up same-scope fixtures
in the order they are requested), and the browser is closed before the database is
flushed. Screenshots go to test-artifacts/ (not committed); the ones in
docs/screenshots/ were copied from there.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from core.testing import PASSWORD, World, build_world

pytestmark = [pytest.mark.browser]

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
MOBILE = {"width": 375, "height": 812}

from playwright.sync_api import Browser, Locator, Page, expect, sync_playwright  # noqa: E402

ROLES = [
    ("bureau_admin", "区司法局管理员"),
    ("street_staff_a", "司法所工作人员"),
    ("community_staff_a1", "社区工作人员"),
    ("firm_admin_f", "律所管理员"),
    ("lawyer_f", "律师"),
    ("resident", "居民"),
]


@pytest.fixture
def world_live(transactional_db: None, live_server: object) -> World:
    return build_world()


@pytest.fixture
def demo_live(transactional_db: None, live_server: object) -> None:
    call_command("seed_demo", stdout=StringIO())


@pytest.fixture
def browser(live_server: object) -> Iterator[Browser]:
    # No skip: without Chromium the test fails and says how to get it (.ci/run installs it).
    assert CHROMIUM.exists(), "需要 Debian 的 Chromium：apt-get install chromium fonts-noto-cjk"
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-background-networking",
                "--disable-gpu",
                "--no-first-run",
                "--disable-component-update",
            ],
        )
        yield chromium
        chromium.close()


def new_page(browser: Browser, **options: object) -> Page:
    context = browser.new_context(locale="zh-CN", **options)  # type: ignore[arg-type]
    context.set_default_timeout(10_000)
    return context.new_page()


def sign_in(page: Page, base: str, phone: str, password: str) -> None:
    from accounts.sms import LocmemSmsBackend

    page.goto(f"{base}/accounts/login/")
    page.get_by_label("手机号").fill(phone)
    page.get_by_label("密码").fill(password)
    with page.expect_navigation():
        page.locator("main").get_by_role("button", name="登录").click()
    if "/accounts/login/verify/" in page.url:
        # Staff pass a second factor: the live server runs in this process, so the
        # SMS code is in the in-memory outbox the test settings use.
        message = next(m for to, m in reversed(LocmemSmsBackend.outbox) if to == phone)
        code = re.search(r"\d{6}", message)
        assert code is not None
        page.get_by_label("验证码").fill(code.group(0))
        page.get_by_role("button", name="验证并登录").click()


def role_heading(page: Page, label: str) -> Locator:
    """A heading in the workspace that starts with the role label as a whole word
    ("律师 · …" but not "律所管理员" or "律师事务所")."""
    return page.locator("main").get_by_role("heading", name=re.compile(rf"^{label}(\s|·|$)"))


@pytest.mark.parametrize(("persona", "label"), ROLES, ids=[r[0] for r in ROLES])
def test_each_role_signs_in_and_sees_its_workspace(
    world_live: World, browser: Browser, live_server: object, persona: str, label: str
) -> None:
    user = world_live.personas()[persona]
    page = new_page(browser, viewport={"width": 1280, "height": 800})
    sign_in(page, str(live_server), user.phone, PASSWORD)
    expect(page).to_have_url(re.compile(r"/workspace/$"))
    expect(page.get_by_role("heading", name="我的工作台")).to_be_visible()
    expect(role_heading(page, label)).to_be_visible()


def test_demo_bureau_admin_signs_in_with_the_demo_password(
    demo_live: None, browser: Browser, live_server: object
) -> None:
    from regions.demo import DEMO_PASSWORD

    page = new_page(browser, viewport={"width": 1280, "height": 800})
    sign_in(page, str(live_server), "13800000001", DEMO_PASSWORD)
    expect(page).to_have_url(re.compile(r"/workspace/$"))
    expect(page.get_by_role("heading", name="我的工作台")).to_be_visible()
    expect(role_heading(page, "区司法局管理员")).to_be_visible()
    page.screenshot(path=ARTIFACTS / "workspace-bureau.png", full_page=True)


def test_wrong_password_and_anonymous_workspace(
    world_live: World, browser: Browser, live_server: object
) -> None:
    page = new_page(browser)
    page.goto(f"{live_server}/workspace/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/workspace/$"))
    sign_in(page, str(live_server), world_live.resident.phone, "not-the-password")
    expect(page.get_by_role("alert").filter(has_text="手机号或密码不正确")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    page.screenshot(path=ARTIFACTS / "login-error.png")


def test_mobile_portal_login_and_care_mode(
    demo_live: None, browser: Browser, live_server: object
) -> None:
    page = new_page(browser, viewport=MOBILE, device_scale_factor=2, is_mobile=True, has_touch=True)
    page.goto(f"{live_server}/")
    expect(page.get_by_role("heading", level=1).first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= MOBILE["width"]
    page.screenshot(path=ARTIFACTS / "portal-mobile.png")
    page.screenshot(path=ARTIFACTS / "portal-mobile-full.png", full_page=True)

    page.goto(f"{live_server}/accounts/login/")
    expect(page.get_by_role("heading", name="登录尚法云")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= MOBILE["width"]
    page.screenshot(path=ARTIFACTS / "login-mobile.png")

    # 关怀模式 sits in the collapsed menu on a phone: open the menu, then switch it on.
    page.goto(f"{live_server}/")
    expect(page.locator("body")).not_to_have_class(re.compile("care-mode"))
    page.get_by_role("button", name="展开菜单").click()
    page.get_by_role("button", name="关怀模式", exact=True).click()
    expect(page.locator("body")).to_have_class(re.compile("care-mode"))
    size = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert size >= 20  # larger text than the 16px default
    page.screenshot(path=ARTIFACTS / "care-mode-mobile.png")
    page.get_by_role("button", name="展开菜单").click()
    page.get_by_role("button", name="退出关怀模式").click()
    expect(page.locator("body")).not_to_have_class(re.compile("care-mode"))


def test_a_phone_taps_a_lawyer_card_to_the_lawyers_page(
    world_live: World, browser: Browser, live_server: object
) -> None:
    """律师名录 is no dead end: tapping anywhere on a lawyer's card opens the lawyer's
    page, where the resident asks a question or requests a service."""
    page = new_page(browser, viewport=MOBILE, device_scale_factor=2, is_mobile=True, has_touch=True)
    page.goto(f"{live_server}/firms/directory/")
    card = page.locator(".lawyer-card").filter(has_text=world_live.lawyer_l.name)
    expect(card).to_be_visible()
    page.screenshot(path=ARTIFACTS / "directory-mobile.png", full_page=True)
    with page.expect_navigation():
        card.click(position={"x": 20, "y": 60})  # below the name: the whole card is the link
    expect(page).to_have_url(re.compile(rf"/consultations/lawyers/{world_live.lawyer_l.pk}/$"))
    expect(page.get_by_role("heading", name=re.compile(world_live.lawyer_l.name))).to_be_visible()
    page.screenshot(path=ARTIFACTS / "lawyer-page-mobile.png", full_page=True)


def test_the_question_form_counts_what_is_typed(
    world_live: World, browser: Browser, live_server: object
) -> None:
    page = new_page(browser, viewport=MOBILE, device_scale_factor=2, is_mobile=True, has_touch=True)
    sign_in(page, str(live_server), world_live.resident.phone, PASSWORD)
    page.goto(f"{live_server}/consultations/ask/")
    counter = page.locator(".char-counter")
    expect(counter).to_have_text("已输入 0 / 3000 字")
    page.get_by_label("问题描述").fill("楼上的狗每天夜里叫，影响休息，怎么办？")
    expect(counter).to_have_text("已输入 19 / 3000 字")
    page.screenshot(path=ARTIFACTS / "ask-counter-mobile.png", full_page=True)


def test_a_phone_resets_a_forgotten_password(
    world_live: World, browser: Browser, live_server: object
) -> None:
    """忘记密码 on a phone: from the login page, a code to the phone, a new password,
    then back to the login page with the phone filled in."""
    from accounts.sms import LocmemSmsBackend

    phone = world_live.resident.phone
    page = new_page(browser, viewport=MOBILE, device_scale_factor=2, is_mobile=True, has_touch=True)
    page.goto(f"{live_server}/accounts/login/")
    with page.expect_navigation():
        page.get_by_role("link", name="忘记密码？").click()
    expect(page.get_by_role("heading", name="找回密码")).to_be_visible()
    page.get_by_label("手机号").fill(phone)
    with page.expect_navigation():
        page.get_by_role("button", name="获取验证码").click()
    expect(page.get_by_role("alert").filter(has_text="验证码已发送")).to_be_visible()
    message = next(m for to, m in reversed(LocmemSmsBackend.outbox) if to == phone)
    code = re.search(r"\d{6}", message)
    assert code is not None
    page.get_by_label("验证码").fill(code.group(0))
    page.get_by_label("新密码", exact=True).fill("Lighthouse-2046")
    page.get_by_label("再次输入新密码").fill("Lighthouse-2047")
    with page.expect_navigation():
        page.get_by_role("button", name="设置新密码").click()
    expect(page.get_by_text("两次输入的新密码不一致")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= MOBILE["width"]
    page.screenshot(path=ARTIFACTS / "password-reset-mobile.png", full_page=True)
    page.get_by_label("新密码", exact=True).fill("Lighthouse-2046")
    page.get_by_label("再次输入新密码").fill("Lighthouse-2046")
    with page.expect_navigation():
        page.get_by_role("button", name="设置新密码").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/\?phone=\d{11}$"))
    expect(page.get_by_role("alert").filter(has_text="密码已重新设置")).to_be_visible()
    expect(page.get_by_label("手机号")).to_have_value(phone)
    sign_in(page, str(live_server), phone, "Lighthouse-2046")
    expect(page).to_have_url(re.compile(r"/workspace/$"))
