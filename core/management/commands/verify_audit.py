"""Check that the operation and login logs are intact: each chain unbroken and the
database triggers that refuse changes in place. Exits non-zero naming the first
broken entry."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from core.audit import LOG_MODELS, missing_triggers, verify_chain


class Command(BaseCommand):
    help = "校验操作日志与登录日志的哈希链及防篡改触发器"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--database", default="default")

    def handle(self, *args: Any, **options: Any) -> None:
        using = options["database"]
        problems = []
        for model in LOG_MODELS:
            report = verify_chain(model, using=using)
            if report.ok:
                self.stdout.write(f"{model._meta.verbose_name}：{report.entries} 条，完整")
            else:
                problems.append(
                    f"{model._meta.verbose_name}：第 {report.entries} 条"
                    f"（编号 {report.broken_id}）{report.problem}"
                )
        missing = missing_triggers(connections[using])
        if missing:
            problems.append(f"防篡改触发器缺失：{', '.join(missing)}")
        if problems:
            raise CommandError("审计日志校验失败：\n" + "\n".join(problems))
