"""The PostgreSQL cursor of this application's connections (``DATABASE_PREPARE``).

Parameters are bound by the server, so that psycopg can prepare a statement that a
connection runs again and again (core.env.database_config). The protocol carries at most
65,535 parameters in one statement: a longer one (a large ``bulk_create``, a long
``IN (...)`` list at province scale) is merged on the client instead, as without
server-side binding, and never prepared."""

from __future__ import annotations

from typing import Any

from django.db.backends.postgresql.base import (  # type: ignore[attr-defined]  # psycopg 3 only
    ServerBindingCursor,
)
from psycopg import ClientCursor

# The protocol's limit on the parameters of one statement (a 16-bit count).
MAX_BOUND_PARAMS = 65_535


class PreparingCursor(ServerBindingCursor):
    def execute(self, query: Any, params: Any = None, **kwargs: Any) -> Any:
        if params is not None and len(params) > MAX_BOUND_PARAMS:
            query = ClientCursor(self.connection).mogrify(query, params)
            params = None
            kwargs["prepare"] = False
        return super().execute(query, params, **kwargs)
