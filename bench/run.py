"""`make bench SCALE=district`: every role's main pages and API endpoints, measured on
generated data (``seed_scale``) through the production server, against the framework
floor (``/healthz``).

Runs on PostgreSQL only: the database ``shangfa_bench_<scale>`` is created if missing
and seeded once (reused while it holds the scale's data). gunicorn serves it with 2 sync
workers, DEBUG off and persistent connections; each endpoint gets warm-up requests, then
sequential timed requests on one keep-alive connection. The SQL queries per request come
from the X-Query-Count header (bench.middleware). Results are printed and written to
``bench/results/<date>-<scale>.md``.

    python -m bench.run --scale district [--requests 200] [--warmup 20]
"""

from __future__ import annotations

import argparse
import http.client
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

from core.env import env_bool

BASE_DIR = Path(__file__).resolve().parent.parent
RESULTS_DIR = BASE_DIR / "bench" / "results"
SERVER_URL = os.environ.get("BENCH_SERVER_URL", "postgres://postgres@127.0.0.1:5432")
# As in production (deploy/env.example): the cache, the role bindings and the sessions in
# Redis. BENCH_REDIS_URL="" measures without Redis (in-process cache, sessions in the
# database only).
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
KNOWLEDGE_QUERY = "离婚时婚前的房子怎么分"


@dataclass
class Endpoint:
    label: str
    role: str  # a key of Seeder.logins(), or "" for anonymous
    path: str
    requests: int | None = None  # None: the run's --requests
    warmup: int | None = None


@dataclass
class Result:
    endpoint: Endpoint
    times_ms: list[float] = field(default_factory=list)
    statuses: set[int] = field(default_factory=set)
    queries: list[int] = field(default_factory=list)
    size: int = 0

    @property
    def median(self) -> float:
        return statistics.median(self.times_ms)

    @property
    def p95(self) -> float:
        ordered = sorted(self.times_ms)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


# --- the database ------------------------------------------------------------------------


def ensure_database(name: str) -> None:
    import psycopg

    with psycopg.connect(f"{SERVER_URL}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            print(f"创建数据库 {name}")
            conn.execute(f'CREATE DATABASE "{name}"')


def require_redis(url: str) -> None:
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=3).ping()
    except redis.RedisError as exc:
        raise SystemExit(
            f"Redis 不可达（{url}：{exc}）。请启动 redis-server，"
            "或设 BENCH_REDIS_URL= （空）在没有 Redis 的情况下测量"
        ) from None


def cache_note() -> str:
    if REDIS_URL:
        return (
            "cache and sessions in Redis (REDIS_URL, as in production): the user's role "
            "bindings are read once per sign-in, the session from Redis"
        )
    return (
        "no Redis (BENCH_REDIS_URL empty): each worker keeps the user's role bindings in "
        "its own cache and reads them once; sessions from the database"
    )


def configure(database_url: str) -> dict[str, str]:
    """The environment of the benchmark: this process and the server alike."""
    if REDIS_URL:
        require_redis(REDIS_URL)
    env = {
        "REDIS_URL": REDIS_URL,
        "DATABASE_URL": database_url,
        "DEBUG": "false",
        "DEMO_MODE": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    os.environ.update(env)
    return dict(os.environ)


def prepare(scale: str, seed: int) -> None:
    """Migrate, and seed unless the database already holds this scale's data."""
    import django
    from django.core.management import call_command

    django.setup()
    from bench.seed import Plan, holds_only_generated_data
    from consultations.models import Question
    from regions.models import Community

    call_command("migrate", verbosity=0)
    plan = Plan.for_scale(scale)
    if (
        holds_only_generated_data()
        and Community.objects.count() == plan.communities
        and Question.objects.count() == plan.questions
    ):
        print(f"沿用已生成的 {scale} 数据")
    else:
        call_command("seed_scale", scale=scale, seed=seed)
    call_command("collectstatic", interactive=False, verbosity=0)


# --- what is measured ----------------------------------------------------------------------


def endpoints(scale: str, seed: int) -> tuple[list[Endpoint], dict[str, int]]:
    """Each role's main pages and API endpoints, for the known accounts of district 1."""
    from django.urls import reverse

    from assessment.models import Bulletin, RankingMonth
    from bench.seed import Plan, Seeder
    from consultations.models import Question
    from mediation.models import Case
    from regions.models import RegionRole
    from visits.models import MonthlyReport

    logins = Seeder(Plan.for_scale(scale), progress=False, stream=None, seed=seed).logins()
    users = {role: info["user_id"] for role, info in logins.items()}
    own_question = Question.objects.filter(asker_id=users["resident"]).order_by("pk").first()
    lawyers_question = (
        Question.objects.filter(assignments__lawyer__user_id=users["lawyer"])
        .order_by("-posted_at")
        .first()
    )
    case = Case.objects.filter(applied_by_id=users["resident"]).order_by("pk").first()
    report = (
        MonthlyReport.objects.filter(firm__admins__user_id=users["firm_admin"])
        .order_by("-month", "pk")
        .first()
    )
    ranking = RankingMonth.objects.filter(district_id=1).order_by("-month").first()
    bulletin = Bulletin.objects.filter(district_id=1).order_by("-pk").first()
    street_id = (
        RegionRole.objects.filter(user_id=users["street_staff"])
        .values_list("street_id", flat=True)
        .first()
    )
    missing = [
        name
        for name, obj in (
            ("居民的咨询", own_question),
            ("律师的咨询", lawyers_question),
            ("调解案件", case),
            ("律所月报", report),
            ("月度排名", ranking),
            ("通报", bulletin),
            ("街道", street_id),
        )
        if obj is None
    ]
    if missing:
        raise SystemExit(
            f"压测数据缺少：{'、'.join(missing)}。"
            f"请删除数据库 shangfa_bench_{scale} 后重新运行 make bench"
        )
    assert own_question and lawyers_question and case and report and ranking and bulletin  # noqa: S101
    listed = [
        Endpoint("框架基线 /healthz", "", "/healthz"),
        Endpoint("居民首页", "resident", reverse("workspace")),
        Endpoint("我的咨询", "resident", reverse("consultations:mine")),
        Endpoint("提问页", "resident", reverse("consultations:ask")),
        Endpoint(
            "咨询详情（居民）",
            "resident",
            reverse("consultations:question_detail", args=[own_question.pk]),
        ),
        Endpoint("律师名录（页面）", "resident", reverse("consultations:directory")),
        Endpoint("律师名录 API", "resident", "/api/lawyers/"),
        Endpoint(
            "知识库搜索",
            "resident",
            f"{reverse('consultations:knowledge')}?q={quote(KNOWLEDGE_QUERY)}",
        ),
        Endpoint("调解案件", "resident", reverse("mediation:case_detail", args=[case.pk])),
        Endpoint("我的积分", "resident", reverse("points:home")),
        Endpoint("律师待办", "lawyer", reverse("consultations:queue")),
        Endpoint(
            "咨询详情（律师）",
            "lawyer",
            reverse("consultations:question_detail", args=[lawyers_question.pk]),
        ),
        Endpoint("咨询列表 API（律师）", "lawyer", "/api/questions/"),
        Endpoint("社区走访记录", "community_staff", reverse("visits:visit_list")),
        Endpoint("区走访记录", "bureau_admin", reverse("visits:visit_list")),
        Endpoint("律所月报列表", "firm_admin", reverse("visits:report_list")),
        Endpoint("律所月报", "firm_admin", reverse("visits:report_detail", args=[report.pk])),
        Endpoint(
            "街道看板",
            "street_staff",
            reverse("assessment:street_dashboard", args=[street_id]),
        ),
        Endpoint("区看板", "bureau_admin", reverse("assessment:district_dashboard", args=[1])),
        Endpoint("走访覆盖率", "bureau_admin", reverse("visits:coverage")),
        Endpoint("月度排名", "bureau_admin", reverse("assessment:month_detail", args=[ranking.pk])),
        Endpoint(
            "排名通报", "bureau_admin", reverse("assessment:bulletin_detail", args=[bulletin.pk])
        ),
        Endpoint(
            "通报 Excel",
            "bureau_admin",
            reverse("assessment:bulletin_xlsx", args=[bulletin.pk]),
            requests=50,
            warmup=5,
        ),
        Endpoint(
            "通报 PDF",
            "bureau_admin",
            reverse("assessment:bulletin_pdf", args=[bulletin.pk]),
            requests=50,
            warmup=5,
        ),
    ]
    return listed, users


def session_cookie(user_id: int) -> str:
    """A fresh signed-in session (as a test client's force_login: no second factor)."""
    from django.conf import settings
    from django.test import Client

    from accounts.models import User

    client = Client()
    client.force_login(User.objects.get(pk=user_id))
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


# --- the server ----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def server(env: dict[str, str], port: int, workers: int) -> Iterator[subprocess.Popen[bytes]]:
    gunicorn = Path(sys.executable).with_name("gunicorn")
    process = subprocess.Popen(  # noqa: S603  (our own executable and arguments)
        [
            str(gunicorn),
            "config.wsgi",
            f"--bind=127.0.0.1:{port}",
            f"--workers={workers}",
            "--worker-class=sync",
            "--timeout=300",
            "--log-level=warning",
        ],
        cwd=BASE_DIR,
        env={**env, "BENCH_QUERY_COUNT": "1"},
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                status, _, _ = request(http.client.HTTPConnection("127.0.0.1", port), "/healthz")
                if status == 200:
                    break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("gunicorn 未能启动")
            time.sleep(0.3)
        yield process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def request(
    conn: http.client.HTTPConnection, path: str, cookie: str = ""
) -> tuple[int, bytes, dict[str, str]]:
    # As nginx forwards it (deploy/nginx.conf): the client came over HTTPS.
    headers = {"X-Forwarded-Proto": "https", "Host": "127.0.0.1"}
    if cookie:
        headers["Cookie"] = cookie
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    body = response.read()
    return response.status, body, {k.lower(): v for k, v in response.getheaders()}


def workers_peak_rss_mb(master: int) -> float:
    """The largest peak RSS (VmHWM) among the master's worker processes."""
    peaks = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        if fields.get("PPid", "").strip() == str(master) and "VmHWM" in fields:
            peaks.append(int(fields["VmHWM"].split()[0]) / 1024)
    return max(peaks, default=0.0)


def measure(
    port: int,
    endpoint: Endpoint,
    cookie: str,
    requests: int,
    warmup: int,
    budget_s: float = 0.0,
    least: int = 5,
) -> Result:
    """Warm-up requests, then timed sequential ones. With a time budget (seconds), an
    endpoint stops early once the budget is spent and ``least`` requests are timed (the
    warm-up gets a quarter of the budget): a page of seconds would otherwise take an
    hour. The report says how many requests each figure rests on."""
    result = Result(endpoint)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    started = time.monotonic()
    for _ in range(endpoint.warmup if endpoint.warmup is not None else warmup):
        request(conn, endpoint.path, cookie)
        if budget_s and time.monotonic() - started > budget_s / 4:
            break
    started = time.monotonic()
    for _ in range(endpoint.requests or requests):
        began = time.perf_counter()
        status, body, headers = request(conn, endpoint.path, cookie)
        result.times_ms.append((time.perf_counter() - began) * 1000)
        result.statuses.add(status)
        result.queries.append(int(headers.get("x-query-count", "-1")))
        result.size = len(body)
        if budget_s and len(result.times_ms) >= least and time.monotonic() - started > budget_s:
            break
    conn.close()
    return result


# --- the ranking, against a hand-written aggregate -------------------------------------------

# The numerators and denominators of the ranking's record-based metrics for every firm of
# the districts in one month, as one GROUP BY per source over the raw rows, in one
# statement: what compute_months measures.
RANKING_SQL = """
WITH firms AS (SELECT id FROM firms_lawfirm WHERE district_id = ANY(%(districts)s)),
visits AS (
  SELECT v.firm_id, COUNT(*) AS done FROM visits_visit v
  WHERE v.firm_id IN (SELECT id FROM firms)
    AND v.status = 'confirmed' AND v.date >= %(first)s AND v.date < %(next)s
  GROUP BY v.firm_id),
households AS (
  SELECT v.firm_id, COUNT(DISTINCT vh.household_id) AS reached
  FROM visits_visit v JOIN visits_visithousehold vh ON vh.visit_id = v.id
  WHERE v.firm_id IN (SELECT id FROM firms)
    AND v.status = 'confirmed' AND v.date >= %(year_start)s AND v.date < %(next)s
  GROUP BY v.firm_id),
replies AS (
  SELECT l.firm_id, COUNT(DISTINCT q.id) AS due,
         COUNT(DISTINCT q.id) FILTER (WHERE q.deadline_met AND fl.firm_id = l.firm_id) AS on_time
  FROM consultations_question q
  JOIN consultations_questionassignment a ON a.question_id = q.id
  JOIN firms_lawyer l ON l.id = a.lawyer_id
  LEFT JOIN firms_lawyer fl ON fl.id = q.first_reply_lawyer_id
  WHERE q.district_id = ANY(%(districts)s)
    AND q.reply_deadline >= %(start)s AND q.reply_deadline < %(end)s
  GROUP BY l.firm_id),
ratings AS (
  SELECT fl.firm_id, SUM(q.rating) AS points, COUNT(*) AS rated
  FROM consultations_question q JOIN firms_lawyer fl ON fl.id = q.first_reply_lawyer_id
  WHERE q.district_id = ANY(%(districts)s) AND q.rating IS NOT NULL
    AND q.closed_at >= %(start)s AND q.closed_at < %(end)s
  GROUP BY fl.firm_id),
mediation AS (
  SELECT l.firm_id, COUNT(*) AS successes
  FROM mediation_case c JOIN firms_lawyer l ON l.id = c.lawyer_id
  WHERE c.district_id = ANY(%(districts)s) AND c.outcome = 'success'
    AND c.closed_at >= %(start)s AND c.closed_at < %(end)s
  GROUP BY l.firm_id)
SELECT f.id, visits.done, households.reached, replies.due, replies.on_time,
       ratings.points, ratings.rated, mediation.successes
FROM firms f
LEFT JOIN visits ON visits.firm_id = f.id
LEFT JOIN households ON households.firm_id = f.id
LEFT JOIN replies ON replies.firm_id = f.id
LEFT JOIN ratings ON ratings.firm_id = f.id
LEFT JOIN mediation ON mediation.firm_id = f.id
"""


def time_ranking() -> dict[str, Any]:
    """compute_month for one district, compute_months for every district whose last
    month is a draft, then the hand-written aggregate for the same districts and month."""
    from django.db import connection
    from django.utils import timezone

    from accounts.roles import Role
    from assessment import services
    from assessment.choices import RankingStatus
    from assessment.metrics import Month, add_months
    from assessment.models import RankingMonth
    from firms.models import LawFirm
    from regions.models import District, RegionRole

    first = add_months(timezone.localdate().replace(day=1), -1)
    drafts = list(
        District.objects.filter(
            pk__in=RankingMonth.objects.filter(month=first, status=RankingStatus.DRAFT).values(
                "district_id"
            )
        ).order_by("pk")
    )
    admins = {
        r.district_id: r.user
        for r in RegionRole.objects.filter(role=Role.BUREAU_ADMIN).select_related("user")
    }
    # A bureau recomputing its own district, then the monthly job's way: every district
    # at once.
    started = time.perf_counter()
    services.compute_month(actor=admins[drafts[0].pk], district=drafts[0], month=first)
    one = time.perf_counter() - started
    started = time.perf_counter()
    services.compute_months(actor=None, districts=drafts, month=first)
    computed = time.perf_counter() - started

    m = Month(drafts[0].pk, first)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            RANKING_SQL,
            {
                "districts": [d.pk for d in drafts],
                "first": m.first,
                "next": m.next_first,
                "year_start": m.year_start,
                "start": m.start,
                "end": m.end,
            },
        )
        rows = len(cursor.fetchall())
    aggregate = time.perf_counter() - started
    return {
        "month": first,
        "districts": len(drafts),
        "firms": LawFirm.objects.filter(district__in=drafts).count(),
        "compute_s": computed,
        "one_district_s": one,
        "aggregate_s": aggregate,
        "aggregate_rows": rows,
    }


# --- the report ------------------------------------------------------------------------------


def machine() -> dict[str, str]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass

    def git(*args: str) -> str:
        try:
            return subprocess.run(  # noqa: S603
                ["git", *args],  # noqa: S607
                cwd=BASE_DIR,
                capture_output=True,
                text=True,
                check=True,
            ).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            return "?"

    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0]
    dirty = (
        " (with uncommitted changes)"
        if git("status", "--porcelain", "--untracked-files=no")
        else ""
    )
    return {
        "cpu": f"{cpu}, {os.cpu_count()} cores",
        "memory": _memory(),
        "commit": git("rev-parse", "--short", "HEAD") + dirty,
        "python": platform.python_version(),
        "postgresql": pg,
    }


def _memory() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                return f"{int(line.split()[1]) / 1024 / 1024:.0f} GiB"
    except OSError:
        pass
    return "?"


def report(
    scale: str,
    results: list[Result],
    ranking: dict[str, Any],
    rss_mb: float,
    about: dict[str, str],
    plan: dict[str, int],
    requests: int,
    warmup: int,
    budget_s: float = 0.0,
) -> str:
    floor = results[0].median
    budget = (
        f"; at most {budget_s:.0f} s of timed requests per endpoint (at least 5 requests), "
        f"warm-up at most {budget_s / 4:.0f} s"
        if budget_s
        else ""
    )
    lines = [
        f"# make bench — {scale} — {date.today():%Y-%m-%d}",
        "",
        f"- commit {about['commit']}; CPU {about['cpu']}; memory {about['memory']}; "
        f"Python {about['python']}; PostgreSQL {about['postgresql']}",
        "- server: gunicorn, 2 sync workers, DEBUG off, persistent connections "
        "(conn_max_age 60), "
        + (
            "parameters bound by the server and repeated statements prepared (DATABASE_PREPARE)"
            if env_bool("DATABASE_PREPARE", default=True)
            else "parameters merged by the client, nothing prepared (DATABASE_PREPARE=false)"
        )
        + "; client on the same machine, one keep-alive connection",
        f"- data (seed_scale --scale {scale}): " + ", ".join(f"{k} {v:,}" for k, v in plan.items()),
        f"- each endpoint: {warmup} warm-up, then {requests} sequential requests "
        f"(Excel and PDF: 5 and 50){budget}; ratio = median ÷ the /healthz median",
        f"- {cache_note()}; SQL queries: a range (n–n+5) where the "
        "role bindings were read in the timed part",
        "",
        "| endpoint | role | path | status | requests | median ms | p95 ms | × floor "
        "| SQL queries | bytes |",
        "|---|---|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        queries = sorted(set(r.queries))
        q = str(queries[0]) if len(queries) == 1 else f"{queries[0]}–{queries[-1]}"
        path = unquote(r.endpoint.path)
        lines.append(
            f"| {r.endpoint.label} | {r.endpoint.role or 'anonymous'} | `{path}` "
            f"| {','.join(map(str, sorted(r.statuses)))} | {len(r.times_ms)} "
            f"| {r.median:.1f} | {r.p95:.1f} "
            f"| {r.median / floor:.1f} | {q} | {r.size:,} |"
        )
    lines += [
        "",
        f"Monthly ranking of {ranking['month']:%Y-%m} for {ranking['firms']:,} firms in "
        f"{ranking['districts']} district(s): all at once (`assessment.services.compute_months`, "
        f"the monthly job) {ranking['compute_s']:.2f} s; one hand-written SQL statement over "
        f"the same raw rows (visits, households, replies, ratings, mediation successes; "
        f"{ranking['aggregate_rows']:,} rows) {ranking['aggregate_s']:.2f} s "
        f"(× {ranking['compute_s'] / max(ranking['aggregate_s'], 1e-6):.2f}); one district "
        f"recomputed by its bureau (`compute_month`) {ranking['one_district_s']:.2f} s.",
        "",
        f"Peak RSS of a web worker (VmHWM, after the run): {rss_mb:.0f} MB.",
        "",
    ]
    return "\n".join(lines)


def write_result(text: str, output: str | None, name: str) -> Path:
    """Print a results text and write it to ``output``, else to
    ``bench/results/<date>-<name>.md``."""
    print(text)
    path = Path(output) if output else RESULTS_DIR / f"{date.today():%Y-%m-%d}-{name}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    print(f"结果已写入 {path}")
    return path


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="尚法云性能基准（make bench）")
    parser.add_argument(
        "--scale", default="district", choices=("tiny", "district", "city", "province")
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument(
        "--budget",
        type=float,
        default=60.0,
        help="每个页面最多计时的秒数（至少 5 次请求；0 表示不限）",
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--output", default=None, help="结果文件（默认 bench/results/<日期>-<规模>.md）"
    )
    args = parser.parse_args(argv)

    name = f"shangfa_bench_{args.scale}"
    ensure_database(name)
    env = configure(f"{SERVER_URL}/{name}")
    prepare(args.scale, args.seed)
    from bench.seed import Plan

    listed, users = endpoints(args.scale, args.seed)
    port = free_port()
    results: list[Result] = []
    with server(env, port, args.workers) as process:
        for endpoint in listed:
            cookie = session_cookie(users[endpoint.role]) if endpoint.role else ""
            result = measure(port, endpoint, cookie, args.requests, args.warmup, args.budget)
            results.append(result)
            flag = "" if result.statuses == {200} else f"  ⚠ 状态 {sorted(result.statuses)}"
            print(
                f"{endpoint.label:<20} 中位数 {result.median:8.1f} ms  p95 {result.p95:8.1f} ms"
                f"  SQL {max(result.queries):4d}  {result.size:>9,} B{flag}",
                flush=True,
            )
        rss = workers_peak_rss_mb(process.pid)
    ranking = time_ranking()
    text = report(
        args.scale,
        results,
        ranking,
        rss,
        machine(),
        Plan.for_scale(args.scale).as_dict(),
        args.requests,
        args.warmup,
        args.budget,
    )
    write_result(text, args.output, args.scale)
    bad = [r.endpoint.label for r in results if r.statuses != {200}]
    if bad:
        raise SystemExit(f"以下页面没有全部返回 200：{'、'.join(bad)}")


if __name__ == "__main__":
    main()
