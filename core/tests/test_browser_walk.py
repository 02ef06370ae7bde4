"""Every page a role reaches from its workspace and the navigation, on a phone in 关怀模式
(the largest text on the smallest screen): none fails, none runs off the screen sideways.

The demo district is the data (what a new user sees); each role is one of the demo
accounts, signed in by a session made before the browser starts. Downloads (Excel, PDF),
the back office and the API are left out: they are not pages to read on a phone.
"""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from core.tests import test_browser as core_browser
from core.tests.test_browser import MOBILE, new_page

pytestmark = [pytest.mark.browser]
browser = core_browser.browser  # the fixture: Debian's Chromium

# One demo account per role (manage.py demo_logins).
ROLES = {
    "区司法局管理员": "13800000001",
    "司法所工作人员": "13800000002",
    "社区工作人员": "13800000011",
    "律所管理员": "13800000021",
    "律师": "13800000031",
    "居民": "13800000041",
    "调解员": "13800009001",
}
SKIPPED = ("/admin", "/static", "/media", "/api", "/accounts/logout")
DOWNLOADS = ("xlsx", "pdf", "export", "download", "qr")


@pytest.fixture
def demo_sessions(transactional_db: None, live_server: object) -> dict[str, str]:
    from accounts.models import User

    call_command("seed_demo", stdout=StringIO())
    sessions = {}
    for role, phone in ROLES.items():
        client = Client()
        client.force_login(User.objects.get(phone=phone))
        sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return sessions


def _links(page: Any) -> list[str]:
    hrefs = page.eval_on_selector_all(
        "main a[href^='/'], nav a[href^='/']",
        "els => [...new Set(els.map(e => e.getAttribute('href')))]",
    )
    return [
        h for h in hrefs if not h.startswith(SKIPPED) and not any(word in h for word in DOWNLOADS)
    ]


def test_every_role_reads_its_pages_on_a_phone_in_care_mode(
    demo_sessions: dict[str, str], browser: Any, live_server: Any
) -> None:
    base = str(live_server)
    problems: list[str] = []
    walked = 0
    for role, session in demo_sessions.items():
        page = new_page(browser, viewport=MOBILE, is_mobile=True, has_touch=True)
        page.context.add_cookies(
            [
                {"name": settings.SESSION_COOKIE_NAME, "value": session, "url": base},
                {"name": "care_mode", "value": "1", "url": base},
            ]
        )
        page.goto(f"{base}/workspace/")
        assert "care-mode" in (page.locator("body").get_attribute("class") or "")
        links = _links(page)
        assert len(links) >= 5, (role, links)
        for href in links:
            response = page.goto(base + href)
            walked += 1
            status = response.status if response else 0
            if status >= 400:
                problems.append(f"{role} {href}: {status}")
                continue
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > MOBILE["width"]:
                problems.append(f"{role} {href}: {width} px wide")
        page.context.close()
    assert walked >= 100
    assert not problems, "\n".join(problems)
