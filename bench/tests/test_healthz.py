"""/healthz (the load balancers' probe and make bench's floor) and the benchmark's
query-count header."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench.run import Endpoint, Result, report


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
        "aggregate_s": 0.1,
        "aggregate_rows": 30,
    }
    about = {"cpu": "x", "memory": "1 GiB", "commit": "abc", "python": "3.11", "postgresql": "15"}
    text = report("district", [floor, page], ranking, 150.0, about, {"questions": 20_000}, 200, 20)
    assert (
        "| 我的咨询 | resident | `/consultations/mine/` | 200 | 10.0 | 30.0 | 10.0 | 9 | 4,657 |"
        in text
    )
    assert "(× 20)" in text and "questions 20,000" in text and "150 MB" in text
