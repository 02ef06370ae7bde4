"""Prepared statements on and off, side by side in one process (DATABASE_PREPARE).

    .venv/bin/python -m bench.prepare_ab --scale district

``make bench`` compares two runs, minutes apart; on a shared machine their medians move by
±20 % on their own. This measures each endpoint of ``make bench`` through Django's WSGI
handler (no HTTP server), switching the one connection between the two cursors in
alternate blocks of requests, so that both see the same machine at the same time: the
parameters merged by the client (Django's default) and bound by the server with
repeated statements prepared (core.db.PreparingCursor). Uses the data ``make bench``
seeded (run it once first). Never in ``make test``.
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any

from bench import run

BLOCKS = 12  # alternate blocks, half of them each way
WARMUP = 8  # requests before each block's timed ones (a statement is prepared the 5th time)
TIMED = 20  # timed requests per block


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--scale", default="district", choices=("tiny", "district", "city", "province")
    )
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    run.configure(f"{run.SERVER_URL}/shangfa_bench_{args.scale}")

    import django

    django.setup()
    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connection
    from django.db.backends.postgresql.base import Cursor  # type: ignore[attr-defined]
    from django.test import RequestFactory

    from core.db import PreparingCursor

    handler = WSGIHandler()
    factory = RequestFactory()

    def start_response(status: str, headers: Any, exc_info: Any = None) -> Any:
        return lambda data: None

    def call(path: str, cookie: str) -> None:
        # As make bench asks through nginx's headers (the client came over HTTPS).
        request = factory.get(
            path, HTTP_COOKIE=cookie, HTTP_HOST="127.0.0.1", HTTP_X_FORWARDED_PROTO="https"
        )
        body = handler(request.environ, start_response)
        b"".join(body)
        body.close()  # type: ignore[attr-defined]

    def prepared(on: bool) -> None:
        connection.ensure_connection()
        raw: Any = connection.connection
        raw.cursor_factory = PreparingCursor if on else Cursor
        raw.prepare_threshold = 5 if on else None

    listed, users = run.endpoints(args.scale, args.seed)
    print("| endpoint | merged by the client, ms | prepared, ms | change |\n|---|---:|---:|---:|")
    for endpoint in listed:
        cookie = run.session_cookie(users[endpoint.role]) if endpoint.role else ""
        times: dict[bool, list[float]] = {True: [], False: []}
        for block in range(BLOCKS):
            on = block % 2 == 0
            prepared(on)
            for _ in range(WARMUP):
                call(endpoint.path, cookie)
            for _ in range(TIMED):
                start = time.perf_counter()
                call(endpoint.path, cookie)
                times[on].append((time.perf_counter() - start) * 1000)
        off_ms, on_ms = statistics.median(times[False]), statistics.median(times[True])
        change = (on_ms - off_ms) / off_ms * 100
        print(f"| {endpoint.label} | {off_ms:.2f} | {on_ms:.2f} | {change:+.0f} % |", flush=True)


if __name__ == "__main__":
    main()
