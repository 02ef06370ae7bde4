"""The Redis cache (settings.CACHES with REDIS_URL): Django's, with one client kept per
connection pool.

Django's ``RedisCacheClient`` builds a new ``redis.Redis`` for every operation, and each
build fills the client's table of response callbacks (several hundred entries): about
0.15 ms, twice on every signed-in request (the session and the role bindings). A
``redis.Redis`` may be shared between threads (it takes a connection from its pool for
each command), so one per pool is kept.
"""

from __future__ import annotations

from typing import Any

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class ReusedClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        # (Django's own attributes, which its type stubs leave out)
        pool = self._get_connection_pool(write)  # type: ignore[attr-defined]
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)  # type: ignore[attr-defined]
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server: Any, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient
