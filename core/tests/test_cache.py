"""The Redis cache of production (core.cache.RedisCache): Django's, one client kept per
connection pool instead of one built per operation. Against the real Redis
(REDIS_URL, default redis://127.0.0.1:6379/0); without Redis this test fails."""

from __future__ import annotations

import os
import threading
import uuid

import pytest
import redis
from django.core.cache import caches

REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"


@pytest.fixture
def redis_cache(settings):  # type: ignore[no-untyped-def]
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3).ping()
    except redis.RedisError as exc:
        pytest.fail(f"Redis is not reachable at {REDIS_URL} ({exc}); start redis-server.")
    prefix = f"shangfa-test-{uuid.uuid4().hex[:8]}"
    settings.CACHES = {
        "default": {"BACKEND": "core.cache.RedisCache", "LOCATION": REDIS_URL, "KEY_PREFIX": prefix}
    }
    yield caches["default"]
    server = redis.Redis.from_url(REDIS_URL)
    for key in server.scan_iter(f"{prefix}:*"):
        server.delete(key)


def test_one_client_per_pool_and_the_cache_works_as_djangos(redis_cache):
    client = redis_cache._cache.get_client()
    assert redis_cache._cache.get_client("any key") is client
    assert redis_cache._cache.get_client(write=True) is client  # one server: one pool
    redis_cache.set("角色", {"社区": [1, 2]}, 30)
    assert redis_cache.get("角色") == {"社区": [1, 2]}
    assert redis_cache.add("角色", "other") is False
    assert redis_cache.add("计数", 1) is True
    assert redis_cache.incr("计数") == 2 and redis_cache.get("计数") == 2
    redis_cache.delete("角色")
    assert redis_cache.get("角色", "gone") == "gone"


def test_the_kept_client_serves_threads_at_once(redis_cache):
    """A redis.Redis takes a connection from its pool per command: threads share it."""
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for i in range(50):
                redis_cache.set(f"t{n}-{i}", i, 30)
                assert redis_cache.get(f"t{n}-{i}") == i
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert redis_cache.get_many([f"t{n}-49" for n in range(8)]) == {
        f"t{n}-49": 49 for n in range(8)
    }
