"""The escalation job through the production path: Celery with the real Redis broker
(REDIS_URL, default redis://127.0.0.1:6379/0) and an embedded worker thread. Sent
twice, it escalates once. Without Redis this test fails (it is never skipped)."""

from __future__ import annotations

import os
import threading
import uuid
from datetime import timedelta
from typing import Any

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.utils import timezone

from config.celery import app, run_job_task
from consultations.choices import NoticeKind
from consultations.models import Notice, Question

from .conftest import ask, pair

REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"


def _require_redis() -> None:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3).ping()
    except redis.RedisError as exc:
        pytest.fail(
            f"Redis is not reachable at {REDIS_URL} ({exc}). Start it (e.g. `redis-server` "
            "or `service redis-server start`); this test needs the real broker.",
            pytrace=False,
        )


@pytest.fixture
def redis_celery(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Point the project's Celery app at Redis on a queue of its own, for this test."""
    _require_redis()
    queue = f"shangfa-test-{uuid.uuid4().hex[:8]}"
    monkeypatch.setenv("CELERY_SKIP_CHECKS", "1")
    saved = {
        key: app.conf[key]
        for key in ("broker_url", "task_always_eager", "task_default_queue", "result_backend")
    }
    app.conf.update(
        broker_url=REDIS_URL,
        task_always_eager=False,
        task_default_queue=queue,
        result_backend=None,
    )
    app._pool = None  # drop connections made with the old broker
    try:
        yield queue
    finally:
        app.conf.update(saved)
        app._pool = None
        redis.Redis.from_url(REDIS_URL).delete(queue)


@pytest.mark.django_db(transaction=True)
def test_escalation_runs_through_redis_exactly_once(world, redis_celery):
    pair(world)
    question = ask(world, now=timezone.now() - timedelta(hours=25))
    done = threading.Semaphore(0)
    results: list[tuple[str, Any]] = []

    def finished(sender: Any = None, args: Any = None, retval: Any = None, **kwargs: Any) -> None:
        if getattr(sender, "name", "") == run_job_task.name:
            results.append((args[0], retval))
            done.release()

    task_postrun.connect(finished, weak=False)
    try:
        with start_worker(app, perform_ping_check=False, queues=[redis_celery], loglevel="WARNING"):
            first = run_job_task.apply_async(args=["consultations.escalate"], queue=redis_celery)
            second = run_job_task.apply_async(args=["consultations.escalate"], queue=redis_celery)
            for _ in range(2):
                assert done.acquire(timeout=30), "the worker did not run the task within 30 s"
    finally:
        task_postrun.disconnect(finished)
    assert first.id != second.id
    # The job reports how many questions it escalated: one, then none.
    assert results == [("consultations.escalate", "1"), ("consultations.escalate", "0")]
    question.refresh_from_db()
    assert question.escalated_at is not None
    assert Notice.objects.filter(kind=NoticeKind.OVERDUE, question=question).count() == 1
    assert Question.objects.filter(escalated_at__isnull=False).count() == 1


def test_unreachable_redis_fails_with_a_clear_message(monkeypatch):
    import consultations.tests.test_celery_redis as this

    monkeypatch.setattr(this, "REDIS_URL", "redis://127.0.0.1:1/0")
    with pytest.raises(
        pytest.fail.Exception, match=r"Redis is not reachable at redis://127\.0\.0\.1:1/0"
    ):
        _require_redis()
