"""Delete log entries older than the retention period (at least 180 days, 网络安全法
§21). The only way entries leave the logs; the purge itself is logged."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from core.audit import MIN_RETENTION_DAYS, purge_before
from core.context import acting_as


class Command(BaseCommand):
    help = "清理超过保留期的操作日志与登录日志（至少保留 180 天）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--older-than-days", type=int, default=settings.AUDIT_RETENTION_DAYS)
        parser.add_argument("--database", default="default")

    def handle(self, *args: Any, **options: Any) -> None:
        days = options["older_than_days"]
        if days < MIN_RETENTION_DAYS:
            raise CommandError(f"日志至少保留 {MIN_RETENTION_DAYS} 天，不能清理 {days} 天内的日志")
        cutoff = timezone.now() - timedelta(days=days)
        with acting_as(None, source="command"):
            deleted = purge_before(cutoff, using=options["database"])
        total = sum(deleted.values())
        self.stdout.write(f"已清理 {days} 天前的日志 {total} 条")
