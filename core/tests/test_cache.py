"""The Redis cache of production (core.cache.RedisCache): Django's, one client kept per
connection pool instead of one built per operation. Against the real Redis
(REDIS_URL, default redis://127.0.0.1:6379/0); without Redis this test fails."""

from __future__ import annotations

import threading

import pytest
from django.core.cache import caches

from core.testing import redis_cache


@pytest.fixture
def cache(settings):  # type: ignore[no-untyped-def]
    with redis_cache(settings):
        yield caches["default"]


def test_one_client_per_pool_and_the_cache_works_as_djangos(cache):
    client = cache._cache.get_client()
    assert cache._cache.get_client("any key") is client
    assert cache._cache.get_client(write=True) is client  # one server: one pool
    cache.set("角色", {"社区": [1, 2]}, 30)
    assert cache.get("角色") == {"社区": [1, 2]}
    assert cache.add("角色", "other") is False
    assert cache.add("计数", 1) is True
    assert cache.incr("计数") == 2 and cache.get("计数") == 2
    cache.delete("角色")
    assert cache.get("角色", "gone") == "gone"


def test_the_kept_client_serves_threads_at_once(cache):
    """A redis.Redis takes a connection from its pool per command: threads share it."""
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for i in range(50):
                cache.set(f"t{n}-{i}", i, 30)
                assert cache.get(f"t{n}-{i}") == i
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert cache.get_many([f"t{n}-49" for n in range(8)]) == {f"t{n}-49": 49 for n in range(8)}
