"""manage.py seed_demo: build the demo district 上城区 (idempotent)."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from regions import demo


class Command(BaseCommand):
    help = "生成演示数据：上城区 6 个街道、54 个社区、律所、律师与各角色演示账号（可重复运行）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--once",
            action="store_true",
            help="演示区已存在时什么也不做（make run 使用）",
        )

    def handle(self, *args: Any, once: bool = False, **options: Any) -> None:
        if not settings.DEMO_MODE:
            message = "演示模式未开启（DEMO_MODE=false），不生成演示数据"
            if once:
                self.stdout.write(message)
                return
            raise CommandError(message)
        if once and demo.demo_district() is not None:
            return
        started = time.monotonic()
        try:
            created = demo.seed_demo()
        except demo.DemoDataError as exc:
            raise CommandError(str(exc)) from exc
        total = sum(created.values())
        seconds = time.monotonic() - started
        if total == 0:
            self.stdout.write(f"演示数据已是最新，未做任何修改（{seconds:.1f} 秒）")
            return
        details = "，".join(f"{LABELS.get(k, k)} {v}" for k, v in created.items() if v)
        self.stdout.write(self.style.SUCCESS(f"演示数据已生成：{details}（{seconds:.1f} 秒）"))
        self.stdout.write("登录方式见 manage.py demo_logins")


LABELS = {
    "streets": "街道",
    "communities": "社区",
    "studio_members": "尚法工作室成员",
    "specialties": "专业领域",
    "firms": "律所",
    "lawyers": "律师",
    "users": "账号",
    "bindings": "角色绑定",
}
