"""/healthz (the load balancers' probe and make bench's floor) and the benchmark's
query-count header."""

from __future__ import annotations

import threading
import time
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench.run import Endpoint, Result, measure, report


@pytest.mark.django_db
def test_healthz_answers_without_the_database(client: Client) -> None:
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert len(queries) == 0
    # The same middleware as every page: the security headers are there.
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_healthz_for_a_signed_in_user_still_answers(client: Client, world: Any) -> None:
    client.force_login(world.resident)
    assert client.get("/healthz").status_code == 200


@pytest.mark.django_db
def test_query_count_header_counts_the_queries(client: Client, settings: Any, world: Any) -> None:
    settings.MIDDLEWARE = ["bench.middleware.QueryCountMiddleware", *settings.MIDDLEWARE]
    assert client.get("/healthz")["X-Query-Count"] == "0"
    client.force_login(world.resident)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/consultations/mine/")
    assert response.status_code == 200
    assert int(response["X-Query-Count"]) == len(queries) > 0


@pytest.mark.django_db
def test_query_count_header_is_off_by_default(client: Client) -> None:
    assert "X-Query-Count" not in client.get("/healthz")


def test_report_gives_ratios_to_the_floor() -> None:
    floor = Result(Endpoint("框架基线 /healthz", "", "/healthz"), [1.0] * 10, {200}, [0] * 10, 2)
    page = Result(
        Endpoint("我的咨询", "resident", "/consultations/mine/"),
        [10.0] * 9 + [30.0],
        {200},
        [9] * 10,
        4657,
    )
    ranking = {
        "month": date(2026, 11, 1),
        "districts": 1,
        "firms": 30,
        "compute_s": 2.0,
        "one_district_s": 0.5,
        "aggregate_s": 0.1,
        "aggregate_rows": 30,
    }
    about = {"cpu": "x", "memory": "1 GiB", "commit": "abc", "python": "3.11", "postgresql": "15"}
    text = report("district", [floor, page], ranking, 150.0, about, {"questions": 20_000}, 200, 20)
    row = (
        "| 我的咨询 | resident | `/consultations/mine/` "
        "| 200 | 10 | 10.0 | 30.0 | 10.0 | 9 | 4,657 |"
    )
    assert row in text
    assert "(× 20.00)" in text and "recomputed by its bureau (`compute_month`) 0.50 s" in text
    assert "questions 20,000" in text and "150 MB" in text


class _Slow(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        time.sleep(0.02)
        body = b"slow"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Query-Count", "3")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


def test_measure_stops_a_slow_endpoint_at_its_budget() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Slow)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        port = server.server_address[1]
        slow = Endpoint("慢页面", "resident", "/slow/")
        limited = measure(port, slow, "", requests=200, warmup=20, budget_s=0.3)
        assert 5 <= len(limited.times_ms) < 200
        assert limited.statuses == {200} and set(limited.queries) == {3} and limited.size == 4
        assert min(limited.times_ms) >= 20
        unlimited = measure(port, slow, "", requests=8, warmup=1)
        assert len(unlimited.times_ms) == 8
    finally:
        server.shutdown()
