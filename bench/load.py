"""`make load SCALE=district`: a working day's mix of users against the production
server, with locust (bench/locustfile.py).

Residents read, ask and rate; lawyers confirm the conflict check and answer the
questions assigned to them; community staff confirm visit records; the 司法所 and the
bureau look at their dashboards. The accounts are those of district 1 of the generated
data (``shangfa_bench_<scale>``, prepared as ``make bench`` does), signed in without a
password (``bench.run.session_cookie``). gunicorn serves on 127.0.0.1 only, and locust
refuses any other host. The run's writes are undone afterwards: its questions (with
their assignments, replies, notices and points) are deleted and the visits it
confirmed are submitted again, so that ``make bench`` keeps finding the seeded data.

Requests per second, p50/p95/p99 and failures go to ``bench/results/<date>-load-<scale>.md``;
the exit status is non-zero when a request failed.

    python -m bench.load --scale district [--users 200] [--spawn-rate 20] [--duration 120]
"""

from __future__ import annotations

import argparse
import csv
import http.client
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

BASE_DIR = Path(__file__).resolve().parent.parent
PLAN_ENV = "SHANGFA_LOAD_PLAN"
LOOPBACK = "127.0.0.1"
MAX_USERS = 1000
MAX_SPAWN_RATE = 100
MAX_DURATION_S = 3600
# Every question the load test asks starts with it (the cleanup finds them by it).
QUESTION_MARK = "【压测负载】"
COMMUNITIES = 20  # communities of district 1 whose residents ask
RESIDENTS_PER_COMMUNITY = 15
STAFF_COMMUNITIES = 30  # communities whose staff confirm visits
VISITS_PER_STAFF = 20


# --- the guard (shared with the locustfile) --------------------------------------------------


def check_host(host: str | None) -> str:
    """The base URL, if it is plain HTTP on 127.0.0.1; else ValueError. A load test
    never leaves the machine."""
    parts = urlsplit(host or "")
    if parts.scheme != "http" or parts.hostname != LOOPBACK:
        raise ValueError(f"压测只允许 http://{LOOPBACK}:<端口>，拒绝 {host!r}")
    if parts.username or parts.password:
        raise ValueError(f"压测地址不能带账号：{host!r}")
    return f"http://{LOOPBACK}:{parts.port}" if parts.port else f"http://{LOOPBACK}"


def check_bounds(users: int, spawn_rate: float, duration_s: int) -> None:
    """Bounded users, spawn rate and duration; else ValueError."""
    if not 1 <= users <= MAX_USERS:
        raise ValueError(f"用户数应在 1–{MAX_USERS} 之间：{users}")
    if not 0 < spawn_rate <= MAX_SPAWN_RATE:
        raise ValueError(f"每秒启动用户数应在 0–{MAX_SPAWN_RATE} 之间：{spawn_rate}")
    if not 1 <= duration_s <= MAX_DURATION_S:
        raise ValueError(f"时长应在 1–{MAX_DURATION_S} 秒之间：{duration_s}")


# --- the accounts and pages ----------------------------------------------------------------


def build_plan(scale: str, seed: int) -> dict[str, Any]:
    """Who the simulated users are (session cookies) and what they open: the pages of
    ``bench.run.endpoints`` per role, the communities residents ask in, and the
    submitted visits community staff may confirm."""
    from django.db.models import Count

    from accounts.roles import Role
    from bench.run import endpoints, session_cookie
    from consultations.choices import AssignmentStatus
    from consultations.models import Category, QuestionAssignment
    from firms.models import Lawyer
    from pairing.models import Liaison
    from regions.models import Community, RegionRole, ResidentProfile
    from visits.choices import VisitKind, VisitStatus
    from visits.models import Visit

    listed, known = endpoints(scale, seed)
    # Pages of one account only (its own question, case, report) stay with that account.
    personal = {"咨询详情（居民）", "调解案件", "咨询详情（律师）"}
    pages: dict[str, list[dict[str, str]]] = {}
    own_pages: dict[str, list[dict[str, str]]] = {}
    for e in listed:
        if not e.role:
            continue
        target = own_pages if e.label in personal else pages
        target.setdefault(e.role, []).append({"name": e.label, "path": e.path})

    warmup = [
        {"path": e.path, "cookie": session_cookie(known[e.role]) if e.role else ""} for e in listed
    ]

    def account(user_id: int, **extra: Any) -> dict[str, Any]:
        return {"user_id": user_id, "cookie": session_cookie(user_id), **extra}

    # Residents of communities that have liaison lawyers, who answer their questions.
    with_liaisons = (
        Liaison.objects.active()
        .filter(pairing__community__street__district_id=1, lawyer__is_active=True)
        .values_list("pairing__community_id", flat=True)
    )
    communities = list(
        Community.objects.public()
        .filter(pk__in=with_liaisons, is_active=True, street__is_active=True)
        .order_by("pk")
        .values_list("pk", flat=True)[:COMMUNITIES]
    )
    resident_ids = [known["resident"]]
    for community_id in communities:
        resident_ids += list(
            ResidentProfile.objects.filter(community_id=community_id, user__is_active=True)
            .exclude(user_id=known["resident"])
            .order_by("user_id")
            .values_list("user_id", flat=True)[:RESIDENTS_PER_COMMUNITY]
        )
    home = dict(
        ResidentProfile.objects.filter(user_id__in=resident_ids).values_list(
            "user_id", "community_id"
        )
    )
    residents = [
        account(uid, community=home[uid], own=own_pages.get("resident", []))
        if uid == known["resident"]
        else account(uid, community=home[uid], own=[])
        for uid in resident_ids
        if uid in home
    ]

    liaisons: dict[int, list[int]] = {}
    for user_id, community_id in (
        Liaison.objects.active()
        .filter(
            pairing__community_id__in=[r["community"] for r in residents], lawyer__is_active=True
        )
        .values_list("lawyer__user_id", "pairing__community_id")
    ):
        liaisons.setdefault(user_id, []).append(community_id)
    lawyer_pk = dict(Lawyer.objects.filter(user_id__in=liaisons).values_list("user_id", "pk"))
    # One liaison of each community first: the first few lawyer users cover them all.
    order: list[int] = []
    for community_id in dict.fromkeys(r["community"] for r in residents):
        uid = next((u for u in sorted(liaisons) if community_id in liaisons[u]), None)
        if uid is not None and uid not in order:
            order.append(uid)
    order += [u for u in sorted(liaisons) if u not in order]
    lawyers = []
    for uid in order:
        own = own_pages.get("lawyer", []) if uid == known["lawyer"] else []
        if uid not in lawyer_pk:
            continue
        assigned = (
            QuestionAssignment.objects.filter(
                lawyer_id=lawyer_pk[uid], status=AssignmentStatus.ACTIVE
            )
            .order_by("-question_id")
            .values_list("question_id", flat=True)
            .first()
        )
        if not own and assigned:
            own = [{"name": "咨询详情（律师）", "path": f"/consultations/questions/{assigned}/"}]
        lawyers.append(account(uid, communities=sorted(liaisons[uid]), own=own))

    # Community staff of the communities with the most records awaiting confirmation.
    staff_communities = list(
        Visit.objects.filter(
            community__street__district_id=1, status=VisitStatus.SUBMITTED, locked=False
        )
        .exclude(kind=VisitKind.PARTY_DAY)  # confirming one also marks the service day
        .values("community_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "community_id")
        .values_list("community_id", flat=True)[:STAFF_COMMUNITIES]
    )
    staff = []
    taken: set[int] = set()
    for uid, community_id in (
        RegionRole.objects.filter(
            role=Role.COMMUNITY_STAFF, community_id__in=staff_communities, is_active=True
        )
        .order_by("community_id", "user_id")
        .values_list("user_id", "community_id")
    ):
        if uid in taken:
            continue
        taken.add(uid)
        visits = list(
            Visit.objects.filter(
                community_id=community_id, status=VisitStatus.SUBMITTED, locked=False
            )
            .exclude(kind=VisitKind.PARTY_DAY)
            .order_by("pk")
            .values_list("pk", flat=True)[:VISITS_PER_STAFF]
        )
        staff.append(account(uid, visits=visits))
    if not staff:
        staff.append(account(known["community_staff"], visits=[]))

    return {
        "scale": scale,
        "host_header": LOOPBACK,
        "mark": QUESTION_MARK,
        "categories": list(
            Category.objects.filter(is_active=True).order_by("pk").values_list("pk", flat=True)
        ),
        "district": 1,
        "pages": pages,
        "residents": residents,
        "lawyers": lawyers,
        "community_staff": staff,
        "firm_admin": [account(known["firm_admin"])],
        "street_staff": [account(known["street_staff"])],
        "bureau_admin": [account(known["bureau_admin"])],
        "warmup": warmup,
    }


def undo_writes(plan: dict[str, Any], started: datetime) -> dict[str, int]:
    """Delete the questions the run asked (and what hangs on them: assignments,
    replies, notices, knowledge entries, points), count the lawyers' ratings again, and
    submit again the visits the run confirmed (their roll-ups recounted)."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import transaction

    from consultations import services
    from consultations.models import Question
    from points import services as points_services
    from points.choices import EntryKind
    from points.models import LedgerEntry
    from visits import services as visit_services
    from visits.choices import VisitStatus
    from visits.models import Visit, VisitHousehold

    askers = [r["user_id"] for r in plan["residents"]]
    with transaction.atomic():
        questions = Question.objects.filter(asker_id__in=askers, text__startswith=plan["mark"])
        ids = list(questions.values_list("pk", flat=True))
        lawyers = set(
            questions.exclude(first_reply_lawyer=None).values_list("first_reply_lawyer", flat=True)
        )
        # The ledger is append-only: the points a rating earned are taken back by an
        # adjustment (once per entry), and the entries stay.
        entries = LedgerEntry.objects.filter(
            source_type=ContentType.objects.get_for_model(Question), source_id__in=ids
        ).select_related("account")
        points = 0
        for entry in entries:
            points_services.post_entry(
                account=entry.account,
                kind=EntryKind.ADJUST,
                amount=-entry.amount,
                key=f"load-undo:{entry.pk}",
                reason="负载测试（make load）结束：撤销其咨询的积分",
                actor_id=plan["bureau_admin"][0]["user_id"],
            )
            points += 1
        deleted = Question.objects.filter(pk__in=ids).delete()[0]
        if lawyers:
            services.recount_ratings(sorted(lawyers))
        visit_ids = [v for s in plan["community_staff"] for v in s["visits"]]
        confirmed = Visit.objects.filter(
            pk__in=visit_ids, status=VisitStatus.CONFIRMED, reviewed_at__gte=started
        )
        undone = list(confirmed.values_list("pk", "firm_id", "community_id", "date"))
        visits = confirmed.update(status=VisitStatus.SUBMITTED, reviewed_by=None, reviewed_at=None)
        for pk, firm_id, community_id, day in undone:  # the roll-ups, as confirming kept them
            visit_services.refresh_reach(
                firm_id=firm_id,
                year=day.year,
                household_ids=VisitHousehold.objects.filter(visit_id=pk).values_list(
                    "household_id", flat=True
                ),
                months=[(community_id, day.replace(day=1))],
            )
    return {"questions": len(ids), "rows": deleted, "points": points, "visits": visits}


# --- the results ------------------------------------------------------------------------------


@dataclass
class Row:
    name: str
    method: str
    count: int
    failures: int
    median: float
    p95: float
    p99: float
    rps: float


def read_stats(path: Path) -> tuple[list[Row], Row]:
    """The rows of locust's ``<prefix>_stats.csv`` and its Aggregated row."""
    rows = []
    total = None
    with path.open(encoding="utf-8", newline="") as f:
        for raw in csv.DictReader(f):
            row = Row(
                name=raw["Name"],
                method=raw["Type"],
                count=int(raw["Request Count"]),
                failures=int(raw["Failure Count"]),
                median=_number(raw["50%"]),
                p95=_number(raw["95%"]),
                p99=_number(raw["99%"]),
                rps=_number(raw["Requests/s"]),
            )
            if raw["Name"] == "Aggregated":
                total = row
            else:
                rows.append(row)
    if total is None:
        raise ValueError(f"{path} 没有 Aggregated 行")
    return rows, total


def read_failures(path: Path) -> list[tuple[str, str, str, int]]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as f:
        return [
            (r["Method"], r["Name"], r["Error"], int(r["Occurrences"])) for r in csv.DictReader(f)
        ]


def read_exceptions(path: Path) -> list[tuple[int, str]]:
    """Errors raised in the simulated users' own code (locust's ``<prefix>_exceptions.csv``):
    a task that fails before its request is an error too, though locust counts no
    failed request for it."""
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as f:
        return [(int(r["Count"]), r["Message"]) for r in csv.DictReader(f)]


def _number(value: str) -> float:
    try:
        return float(value)
    except ValueError:  # "N/A" when nothing was counted
        return 0.0


def report(
    *,
    scale: str,
    rows: list[Row],
    total: Row,
    failures: list[tuple[str, str, str, int]],
    about: dict[str, str],
    users: int,
    spawn_rate: float,
    duration_s: int,
    workers: int,
    mix: str = "",
    undone: dict[str, int] | None = None,
    load_average: tuple[float, float, float] | None = None,
    target_p95_ms: float = 300.0,
    exceptions: list[tuple[int, str]] | None = None,
) -> str:
    errors = sum(n for n, _ in exceptions or [])
    verdict = (
        "met"
        if total.failures == 0 and errors == 0 and total.p95 <= target_p95_ms
        else f"**not met** (failures {total.failures:,}, errors in the users' code {errors:,}, "
        f"p95 {total.p95:.0f} ms)"
    )
    from bench.run import cache_note

    lines = [
        f"# make load — {scale} — {date.today():%Y-%m-%d}",
        "",
        f"- commit {about['commit']}; CPU {about['cpu']}; memory {about['memory']}; "
        f"Python {about['python']}; PostgreSQL {about['postgresql']}",
        f"- server: gunicorn, {workers} sync workers, DEBUG off, persistent connections; "
        "locust (bench/locustfile.py) on the same machine, 127.0.0.1 only; " + cache_note(),
        f"- {users} users, spawn rate {spawn_rate:g}/s, {duration_s} s"
        + (f"; mix: {mix}" if mix else ""),
        f"- total: {total.count:,} requests, {total.rps:.1f} requests/s, "
        f"{total.failures:,} failures, {errors:,} errors in the users' code; "
        f"p50 {total.median:.0f} ms, p95 {total.p95:.0f} ms, p99 {total.p99:.0f} ms",
        f"- target (0 errors, p95 ≤ {target_p95_ms:.0f} ms): {verdict}",
    ]
    if load_average is not None:
        lines.append(
            "- load average of the machine before the run (1, 5, 15 min): "
            + ", ".join(f"{x:.2f}" for x in load_average)
            + " — other work on the machine makes the figures noisy"
        )
    if undone is not None:
        lines.append(
            f"- undone after the run: {undone['questions']:,} questions asked "
            f"({undone['rows']:,} rows with what hung on them; {undone['points']:,} points "
            f"earned taken back by adjustments), {undone['visits']:,} visits confirmed"
        )
    lines += [
        "",
        "| request | method | count | failures | median ms | p95 ms | p99 ms | req/s |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in sorted(rows, key=lambda r: (-r.count, r.name)):
        lines.append(
            f"| {r.name} | {r.method} | {r.count:,} | {r.failures:,} | {r.median:.0f} "
            f"| {r.p95:.0f} | {r.p99:.0f} | {r.rps:.2f} |"
        )
    lines.append(
        f"| **all** | | {total.count:,} | {total.failures:,} | {total.median:.0f} "
        f"| {total.p95:.0f} | {total.p99:.0f} | {total.rps:.2f} |"
    )
    if failures:
        lines += ["", "Failures:", "", "| method | request | error | count |", "|---|---|---|---:|"]
        for method, name, error, n in failures:
            lines.append(f"| {method} | {name} | {error.replace('|', '/')[:200]} | {n:,} |")
    if exceptions:
        lines += ["", "Errors in the users' code:", "", "| error | count |", "|---|---:|"]
        for n, message in exceptions:
            lines.append(f"| {message.replace('|', '/')[:200]} | {n:,} |")
    lines.append("")
    return "\n".join(lines)


# --- the run ------------------------------------------------------------------------------------


def warm_up(port: int, plan: dict[str, Any], rounds: int) -> None:
    """Each page a few times before the clock starts, so that every worker has loaded
    what it loads lazily (templates, the word segmenter of the knowledge search)."""
    from bench.run import request

    conn = http.client.HTTPConnection(LOOPBACK, port, timeout=300)
    for _ in range(rounds):
        for page in plan["warmup"]:
            request(conn, page["path"], page["cookie"])
    conn.close()


def run_locust(
    host: str, plan_path: Path, out_dir: Path, users: int, spawn_rate: float, duration_s: int
) -> int:
    locust = Path(sys.executable).with_name("locust")
    prefix = out_dir / "load"
    command = [
        str(locust),
        "-f",
        str(BASE_DIR / "bench" / "locustfile.py"),
        "--headless",
        "--host",
        check_host(host),
        "--users",
        str(users),
        "--spawn-rate",
        str(spawn_rate),
        "--run-time",
        f"{duration_s}s",
        "--stop-timeout",
        "10",
        "--csv",
        str(prefix),
        "--only-summary",
        "--loglevel",
        "WARNING",
    ]
    env = {
        **os.environ,
        PLAN_ENV: str(plan_path),
        "PYTHONPATH": str(BASE_DIR),
    }
    return subprocess.run(command, cwd=BASE_DIR, env=env, check=False).returncode  # noqa: S603


MIX = (
    "residents 70 % (read pages, ask, rate), lawyers 12 % (queue, conflict check, reply), "
    "community staff 6 % (visit records, confirm), firm admins 3 %, 司法所 3 %, bureau 6 %"
)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="尚法云负载测试（make load）")
    parser.add_argument(
        "--scale", default="district", choices=("tiny", "district", "city", "province")
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--spawn-rate", type=float, default=20)
    parser.add_argument("--duration", type=int, default=120, help="秒")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--output", default=None, help="结果文件（默认 bench/results/<日期>-load-<规模>.md）"
    )
    args = parser.parse_args(argv)
    try:
        check_bounds(args.users, args.spawn_rate, args.duration)
    except ValueError as exc:
        raise SystemExit(str(exc)) from None

    from bench.run import (
        SERVER_URL,
        configure,
        ensure_database,
        free_port,
        machine,
        prepare,
        write_result,
    )
    from bench.run import server as gunicorn

    setup = time.monotonic()
    name = f"shangfa_bench_{args.scale}"
    ensure_database(name)
    env = configure(f"{SERVER_URL}/{name}")
    prepare(args.scale, args.seed)
    from django.utils import timezone

    with tempfile.TemporaryDirectory(prefix="shangfa-load-") as tmp:
        out = Path(tmp)
        # The server texts by writing to a file here, not to the console.
        env = {**env, "SMS_BACKEND": "file", "SMS_FILE_PATH": str(out / "sms.log")}
        plan = build_plan(args.scale, args.seed)
        plan["run"] = secrets.token_hex(4)
        print(f"数据与账号就绪（{time.monotonic() - setup:.0f} 秒）", flush=True)
        undo_writes(plan, timezone.now().replace(year=2000))  # leftovers of a broken run
        plan_path = out / "plan.json"
        plan_path.write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
        print(
            f"负载测试 {args.scale}：{args.users} 个用户，每秒启动 {args.spawn_rate:g} 个，"
            f"{args.duration} 秒；居民账号 {len(plan['residents'])}，律师 {len(plan['lawyers'])}，"
            f"社区工作人员 {len(plan['community_staff'])}",
            flush=True,
        )
        port = free_port()
        load_average = os.getloadavg()
        started = timezone.now()
        began = time.monotonic()
        try:
            with gunicorn(env, port, args.workers):
                warm_up(port, plan, rounds=2 * args.workers)
                print(f"预热完成（{time.monotonic() - began:.0f} 秒）", flush=True)
                began = time.monotonic()
                code = run_locust(
                    f"http://{LOOPBACK}:{port}",
                    plan_path,
                    out,
                    args.users,
                    args.spawn_rate,
                    args.duration,
                )
        finally:
            undone = undo_writes(plan, started)
        print(f"locust 结束（{time.monotonic() - began:.0f} 秒，退出码 {code}）", flush=True)
        stats = out / "load_stats.csv"
        if not stats.exists():
            raise SystemExit("locust 没有写出统计结果")
        rows, total = read_stats(stats)
        failures = read_failures(out / "load_failures.csv")
        exceptions = read_exceptions(out / "load_exceptions.csv")

    text = report(
        scale=args.scale,
        rows=rows,
        total=total,
        failures=failures,
        about=machine(),
        users=args.users,
        spawn_rate=args.spawn_rate,
        duration_s=args.duration,
        workers=args.workers,
        mix=MIX,
        undone=undone,
        load_average=load_average,
        exceptions=exceptions,
    )
    write_result(text, args.output, f"load-{args.scale}")
    if total.failures:
        raise SystemExit(f"有 {total.failures} 个请求失败")
    if exceptions:
        raise SystemExit(f"模拟用户的代码出错 {sum(n for n, _ in exceptions)} 次")
    if total.count == 0:
        raise SystemExit("没有发出任何请求")


if __name__ == "__main__":
    main()
