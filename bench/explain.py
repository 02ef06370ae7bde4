"""Why is a page slow? Its SQL queries, slowest first, and the plan of the slowest
(EXPLAIN ANALYZE), on a benchmark database of `make bench`.

    python -m bench.explain --scale province --role lawyer /consultations/queue/
"""

from __future__ import annotations

import argparse
import time
from typing import Any

from bench.run import SERVER_URL, configure


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="页面的 SQL 及最慢一条的执行计划")
    parser.add_argument("--scale", default="district")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--role", default="resident", help="var/scale_logins.json 中的角色")
    parser.add_argument("--top", type=int, default=3, help="列出最慢的几条")
    parser.add_argument("path")
    args = parser.parse_args(argv)

    configure(f"{SERVER_URL}/shangfa_bench_{args.scale}")  # DEBUG off, as make bench
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    from accounts.models import User
    from bench.seed import Plan, Seeder

    logins = Seeder(
        Plan.for_scale(args.scale), progress=False, stream=None, seed=args.seed
    ).logins()
    client = Client(HTTP_X_FORWARDED_PROTO="https", HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(pk=logins[args.role]["user_id"]))
    client.get(args.path)  # warm caches

    timed: list[tuple[float, str, Any]] = []

    def timer(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            timed.append((time.perf_counter() - started, sql, params))

    started = time.perf_counter()
    with connection.execute_wrapper(timer):
        response = client.get(args.path)
    total = time.perf_counter() - started
    spent = sum(t for t, _, _ in timed)
    print(
        f"{args.path}：状态 {response.status_code}，{total * 1000:.0f} ms，"
        f"{len(timed)} 条 SQL 共 {spent * 1000:.0f} ms"
    )
    timed.sort(key=lambda item: item[0], reverse=True)
    for seconds, sql, _params in timed[: args.top]:
        print(f"\n--- {seconds * 1000:.1f} ms\n{sql}")
    if timed and connection.vendor == "postgresql":
        _seconds, sql, params = timed[0]
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
            print("\n--- EXPLAIN ANALYZE of the slowest\n")
            print("\n".join(row[0] for row in cursor.fetchall()))


if __name__ == "__main__":
    main()
