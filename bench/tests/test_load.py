"""`make load` without a server or a big database: the loopback guard (of bench.load and
of the locustfile itself, run by locust) and the report written from locust's CSV."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench.load import (
    BASE_DIR,
    check_bounds,
    check_host,
    read_exceptions,
    read_failures,
    read_stats,
    report,
)

STATS_CSV = """\
Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,\
Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,\
50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%
GET,居民首页,120,0,42,50.1,10,400,30000,1.0,0.0,42,50,60,70,90,120,200,250,400,400,400
POST,提问（POST）,10,1,80,90.0,40,300,0,0.08,0.01,80,90,95,100,200,260,300,300,300,300,300
,Aggregated,130,1,44,52.0,10,400,27000,1.08,0.01,44,52,61,72,95,130,210,260,400,400,400
"""

FAILURES_CSV = """\
Method,Name,Error,Occurrences
POST,提问（POST）,CatchResponseError('状态 200，没有跳转（表单未通过？）'),1
"""

ABOUT = {
    "commit": "abc1234",
    "cpu": "test CPU, 2 cores",
    "memory": "1 GiB",
    "python": "3.11",
    "postgresql": "15",
}


@pytest.mark.parametrize(
    "host", ["http://127.0.0.1:8000", "http://127.0.0.1", "http://127.0.0.1:8000/"]
)
def test_loopback_is_accepted(host: str) -> None:
    assert check_host(host).startswith("http://127.0.0.1")


@pytest.mark.parametrize(
    "host",
    [
        None,
        "",
        "http://example.com",
        "https://127.0.0.1:8000",
        "http://10.0.0.5:8000",
        "http://localhost:8000",
        "http://127.0.0.1.example.com",
        "http://user:pw@127.0.0.1:8000",
    ],
)
def test_other_hosts_are_refused(host: str | None) -> None:
    with pytest.raises(ValueError):
        check_host(host)


def test_runs_are_bounded() -> None:
    check_bounds(200, 20, 120)
    for users, rate, duration in ((0, 1, 10), (5000, 1, 10), (10, 0, 10), (10, 1, 0)):
        with pytest.raises(ValueError):
            check_bounds(users, rate, duration)


def test_locustfile_refuses_another_host(tmp_path: Path) -> None:
    """locust itself, with the project's locustfile: it stops before any request."""
    locust = Path(sys.executable).with_name("locust")
    result = subprocess.run(  # noqa: S603
        [
            str(locust),
            "-f",
            str(BASE_DIR / "bench" / "locustfile.py"),
            "--headless",
            "--host",
            "http://192.0.2.1:8000",  # TEST-NET-1: never routed
            "--users",
            "1",
            "--spawn-rate",
            "1",
            "--run-time",
            "2s",
        ],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(BASE_DIR)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "拒绝 'http://192.0.2.1:8000'" in result.stderr


def test_report_from_locust_csv(tmp_path: Path) -> None:
    (tmp_path / "load_stats.csv").write_text(STATS_CSV, encoding="utf-8")
    (tmp_path / "load_failures.csv").write_text(FAILURES_CSV, encoding="utf-8")
    rows, total = read_stats(tmp_path / "load_stats.csv")
    failures = read_failures(tmp_path / "load_failures.csv")
    assert [r.name for r in rows] == ["居民首页", "提问（POST）"]
    assert (total.count, total.failures, total.p95, total.p99) == (130, 1, 130, 260)

    text = report(
        scale="province",
        rows=rows,
        total=total,
        failures=failures,
        about=ABOUT,
        users=200,
        spawn_rate=20,
        duration_s=120,
        workers=2,
        undone={"questions": 3, "rows": 20, "points": 1, "visits": 2},
        load_average=(1.5, 2.0, 0.25),
    )
    assert text.startswith("# make load — province — ")
    assert "commit abc1234" in text
    assert "200 users, spawn rate 20/s, 120 s" in text
    assert (
        "130 requests, 1.1 requests/s, 1 failures, 0 errors in the users' code; "
        "p50 44 ms, p95 130 ms, p99 260 ms" in text
    )
    assert "**not met**" in text
    assert "| 居民首页 | GET | 120 | 0 | 42 | 120 | 250 | 1.00 |" in text
    assert "| 提问（POST） | POST | 10 | 1 | 80 | 260 | 300 | 0.08 |" in text
    assert "| **all** | | 130 | 1 | 44 | 130 | 260 | 1.08 |" in text
    assert "表单未通过" in text
    assert "3 questions asked" in text
    assert "(1, 5, 15 min): 1.50, 2.00, 0.25" in text


def test_report_meets_the_target_without_failures(tmp_path: Path) -> None:
    clean = STATS_CSV.replace(",10,1,80,", ",10,0,80,").replace(",130,1,44,", ",130,0,44,")
    (tmp_path / "load_stats.csv").write_text(clean, encoding="utf-8")
    rows, total = read_stats(tmp_path / "load_stats.csv")
    text = report(
        scale="district",
        rows=rows,
        total=total,
        failures=read_failures(tmp_path / "missing.csv"),
        about=ABOUT,
        users=20,
        spawn_rate=5,
        duration_s=20,
        workers=2,
    )
    assert "target (0 errors, p95 ≤ 300 ms): met" in text
    assert "Failures:" not in text


def test_errors_in_the_users_code_fail_the_target(tmp_path: Path) -> None:
    """A task that raises before its request (locust's exceptions CSV) counts."""
    clean = STATS_CSV.replace(",10,1,80,", ",10,0,80,").replace(",130,1,44,", ",130,0,44,")
    (tmp_path / "load_stats.csv").write_text(clean, encoding="utf-8")
    (tmp_path / "load_exceptions.csv").write_text(
        "Count,Message,Traceback,Nodes\n"
        '7,Cannot choose from an empty sequence,"File ""locustfile.py"", line 163",local\n',
        encoding="utf-8",
    )
    rows, total = read_stats(tmp_path / "load_stats.csv")
    exceptions = read_exceptions(tmp_path / "load_exceptions.csv")
    assert exceptions == [(7, "Cannot choose from an empty sequence")]
    assert read_exceptions(tmp_path / "missing.csv") == []
    text = report(
        scale="district",
        rows=rows,
        total=total,
        failures=[],
        about=ABOUT,
        users=20,
        spawn_rate=5,
        duration_s=20,
        workers=2,
        exceptions=exceptions,
    )
    assert "**not met** (failures 0, errors in the users' code 7" in text
    assert "| Cannot choose from an empty sequence | 7 |" in text


def test_every_simulated_user_opens_pages_of_a_benchmarked_role() -> None:
    """The locustfile read as text (importing locust patches the test process): each
    user class's pages role (or role) is a role the benchmark has pages for."""
    import ast

    from accounts.roles import Role

    tree = ast.parse((BASE_DIR / "bench" / "locustfile.py").read_text(encoding="utf-8"))
    found = {}
    for node in tree.body:
        if not isinstance(node, ast.ClassDef) or node.name == "Visitor":
            continue
        values = {
            t.id: a.value.value
            for a in node.body
            if isinstance(a, ast.Assign) and isinstance(a.value, ast.Constant)
            for t in a.targets
            if isinstance(t, ast.Name)
        }
        if "role" in values:
            found[node.name] = values.get("pages_role") or values["role"]
    assert set(found) >= {"Resident", "Lawyer", "CommunityStaff", "BureauStaff"}
    assert all(role in Role.values for role in found.values()), found
