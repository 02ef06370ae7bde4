# ruff: noqa: S311  (a simulated day picks pages at random; nothing secret)
"""A working day on 尚法云, for locust (run by ``make load``, see bench/load.py).

Mostly residents reading (home, their questions, the directory, the knowledge base,
points), now and then asking a question and rating an answer; lawyers on their queue,
confirming the conflict check and answering the questions of their communities;
community staff confirming visit records; firm admins, the 司法所 and the bureau on
their reports and dashboards.

The accounts and pages come from the plan bench/load.py writes (``SHANGFA_LOAD_PLAN``).
Only http://127.0.0.1 is accepted, and only a bounded headless run (users, spawn rate
and run time given).

Writes are checked by what the next page shows (the redirect is followed, as a browser
does): a write the server refused counts as a failure of the write.
"""

from __future__ import annotations

import itertools
import json
import logging
import os
import random
import re
import secrets
import sys
from collections import defaultdict, deque
from typing import Any
from urllib.parse import urlsplit

from locust import FastHttpUser, between, events, task
from locust.env import Environment

from bench.load import PLAN_ENV, check_bounds, check_host

logger = logging.getLogger(__name__)

ASK_PAGE = "/consultations/ask/"
QUESTION = "/consultations/questions/{pk}/"
QUESTION_RE = re.compile(r"/consultations/questions/(\d+)/$")
ASKS_PER_USER = 4  # under the 5 questions per hour a resident may ask
SAMPLE_QUESTIONS = (
    "公司已经拖欠工资三个月，老板一直说下个月发，应该怎么办？",
    "小区物业服务很差，电梯经常坏，业主能不能拒交物业费？",
    "装修公司签了合同收了定金，现在不想装了，定金能退回吗？",
    "朋友借了两万元没写借条，只有微信转账记录，能起诉吗？",
    "楼上卫生间漏水把我家天花板泡坏了，对方不肯维修怎么办？",
)
REPLY = "您好，建议先保留好相关证据，与对方协商；协商不成的可申请人民调解或向法院起诉。"


# --- the guard --------------------------------------------------------------------------------


@events.init.add_listener
def _guard(environment: Environment, **_kwargs: Any) -> None:
    """Refuse a host other than 127.0.0.1, and an unbounded run."""
    try:
        check_host(environment.host)
        options = environment.parsed_options
        if options is not None:
            if not options.headless or not options.run_time:
                raise ValueError("压测须以 --headless 运行并给出 --run-time")
            check_bounds(int(options.num_users or 0), float(options.spawn_rate), options.run_time)
    except ValueError as exc:
        logger.error("%s", exc)
        sys.exit(2)
    _load_plan()


# --- the plan and what the users share ------------------------------------------------------------

PLAN: dict[str, Any] = {}
# Questions asked in this run, by community, for its liaison lawyers to answer; then
# the answered ones, by asker, for the asker to rate. One locust process, so plain
# module state is shared by all users.
TO_ANSWER: dict[int, deque[int]] = defaultdict(deque)
TO_RATE: dict[int, deque[int]] = defaultdict(deque)
ASKERS: dict[int, int] = {}  # question -> the asker's user id
_next_account: dict[str, itertools.count[int]] = defaultdict(itertools.count)
_asked = itertools.count(1)


def _load_plan() -> None:
    path = os.environ.get(PLAN_ENV)
    if not path:
        logger.error("缺少 %s（由 bench/load.py 写出）", PLAN_ENV)
        sys.exit(2)
    with open(path, encoding="utf-8") as f:
        PLAN.clear()
        PLAN.update(json.load(f))


def _account(role: str) -> dict[str, Any]:
    """The role's accounts in turn (users beyond the accounts share them)."""
    accounts = PLAN[role]
    return dict(accounts[next(_next_account[role]) % len(accounts)])


# --- the users ---------------------------------------------------------------------------------


class Visitor(FastHttpUser):
    """A signed-in person: one account of ``role``, a browser's headers."""

    abstract = True
    role = ""  # the plan's accounts
    pages_role = ""  # the role of bench.run.endpoints() whose pages they open (else ``role``)
    wait_time = between(3, 10)

    def on_start(self) -> None:
        self.origin = urlsplit(check_host(self.host)).netloc
        self.account = _account(self.role)
        # Cookies by hand: the session of the plan and a CSRF secret of our own (the
        # double-submit check compares the cookie with the header).
        self.client.client.cookiejar = None
        self.csrf = secrets.token_hex(16)
        self.cookie = f"{self.account['cookie']}; csrftoken={self.csrf}"
        shared = PLAN["pages"].get(self.pages_role or self.role, [])
        self.pages = shared + self.account.get("own", [])

    def headers(self, referer: str = "") -> dict[str, str]:
        # As nginx forwards it (deploy/nginx.conf): the client came over HTTPS.
        headers = {"X-Forwarded-Proto": "https", "Cookie": self.cookie}
        if referer:
            # The CSRF check of an HTTPS request wants a same-origin Referer.
            headers["Referer"] = f"https://{self.origin}{referer}"
            headers["X-CSRFToken"] = self.csrf
        return headers

    def get(self, path: str, name: str) -> Any:
        with self.client.get(
            path, name=name, headers=self.headers(), allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"状态 {response.status_code}")
            return response

    def post(
        self, path: str, name: str, data: dict[str, Any], referer: str, check: Any
    ) -> str | None:
        """POST a form; success is a redirect whose page passes ``check(location, body)``.
        Returns the location."""
        with self.client.post(
            path,
            name=name,
            data=data,
            headers=self.headers(referer),
            allow_redirects=False,
            catch_response=True,
        ) as response:
            location = response.headers.get("Location", "") if response.headers else ""
            if response.status_code != 302 or not location:
                response.failure(f"状态 {response.status_code}，没有跳转（表单未通过？）")
                return None
            path_only = re.sub(r"^https?://[^/]+", "", location)
            page = self.get(path_only, name=f"{name} → 跳转页")
            if page.status_code == 200 and not check(path_only, page.text or ""):
                response.failure("写入未生效（跳转页不符）")
                return None
            return path_only

    def read(self) -> None:
        page = random.choice(self.pages)
        self.get(page["path"], page["name"])


class Resident(Visitor):
    """Reads most of the time; sometimes asks, and rates the answers."""

    role = "residents"
    pages_role = "resident"
    weight = 70

    def on_start(self) -> None:
        super().on_start()
        self.asked = 0

    @task(20)
    def browse(self) -> None:
        self.read()

    @task(2)
    def ask(self) -> None:
        if self.asked >= ASKS_PER_USER:
            self.read()
            return
        self.get(ASK_PAGE, "提问页")
        n = next(_asked)
        text = (
            f"{PLAN['mark']}{PLAN['run']}-{n} "
            f"{SAMPLE_QUESTIONS[n % len(SAMPLE_QUESTIONS)]}请律师帮忙看看。"
        )
        location = self.post(
            ASK_PAGE,
            "提问（POST）",
            {
                "category": random.choice(PLAN["categories"]),
                "district": PLAN["district"],
                "community": self.account["community"],
                "text": text,
                "parties": f"对方{n}",
            },
            ASK_PAGE,
            lambda path, body: QUESTION_RE.search(path) is not None,
        )
        self.asked += 1
        match = QUESTION_RE.search(location or "")
        if match:
            ASKERS[int(match.group(1))] = self.account["user_id"]
            TO_ANSWER[self.account["community"]].append(int(match.group(1)))

    @task(3)
    def rate(self) -> None:
        waiting = TO_RATE[self.account["user_id"]]
        if not waiting:
            self.read()
            return
        pk = waiting.popleft()
        detail = QUESTION.format(pk=pk)
        self.get(detail, "咨询详情（居民，待评分）")
        self.post(
            f"{detail}close/",
            "评分并结束咨询（POST）",
            {"rating": random.choice("2345"), "comment": "解答清楚，谢谢律师"},
            detail,
            lambda path, body: f"{detail}close/" not in body,
        )


class Lawyer(Visitor):
    """The queue; the questions of their communities: conflict check, then a reply."""

    role = "lawyers"
    pages_role = "lawyer"
    weight = 12
    wait_time = between(5, 15)

    @task(3)
    def browse(self) -> None:
        self.read()

    @task(2)
    def answer(self) -> None:
        pk = next(
            (TO_ANSWER[c].popleft() for c in self.account["communities"] if TO_ANSWER[c]), None
        )
        if pk is None:
            self.read()
            return
        detail = QUESTION.format(pk=pk)
        self.get(detail, "咨询详情（律师，待答复）")
        confirmed = self.post(
            f"{detail}conflict/",
            "确认无利益冲突（POST）",
            {"decision": "confirm"},
            detail,
            lambda path, body: f"{detail}reply/" in body,
        )
        if confirmed is None:
            return
        text = f"{REPLY}（{PLAN['run']}-{pk}）"
        replied = self.post(
            f"{detail}reply/",
            "律师答复（POST）",
            {"text": text},
            detail,
            lambda path, body: f"{PLAN['run']}-{pk}" in body,
        )
        if replied is not None:
            asker = ASKERS.get(pk)
            if asker is not None:
                TO_RATE[asker].append(pk)


class CommunityStaff(Visitor):
    """Visit records of the community: open one awaiting confirmation, confirm it."""

    role = "community_staff"
    weight = 6
    wait_time = between(5, 15)

    def on_start(self) -> None:
        super().on_start()
        self.waiting = deque(self.account.get("visits", []))

    @task(3)
    def browse(self) -> None:
        self.read()

    @task(1)
    def confirm(self) -> None:
        if not self.waiting:
            self.read()
            return
        pk = self.waiting.popleft()
        detail = f"/visits/{pk}/"
        self.get(detail, "走访记录详情")
        self.post(
            f"{detail}confirm/",
            "确认走访记录（POST）",
            {},
            detail,
            lambda path, body: f"{detail}confirm/" not in body,
        )


class FirmAdmin(Visitor):
    role = "firm_admin"
    weight = 3
    wait_time = between(5, 15)

    @task
    def browse(self) -> None:
        self.read()


class StreetStaff(Visitor):
    role = "street_staff"
    weight = 3
    wait_time = between(5, 15)

    @task
    def browse(self) -> None:
        self.read()


class BureauStaff(Visitor):
    """Dashboards, coverage, the ranking and its bulletin (now and then its files)."""

    role = "bureau_admin"
    weight = 6
    wait_time = between(5, 15)

    @task
    def browse(self) -> None:
        self.read()
