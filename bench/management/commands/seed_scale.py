"""manage.py seed_scale --scale tiny|district|city|province [--seed N] [--force]"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from bench.seed import (
    SCALES,
    Plan,
    Seeder,
    existing_data,
    holds_only_generated_data,
    reset_database,
)


def logins_path() -> Path:
    return Path(settings.BASE_DIR) / "var" / "scale_logins.json"


class Command(BaseCommand):
    help = (
        "生成压测数据（tiny、区、市或省的规模）。数据库里已有的压测数据会被清空重建；"
        "已有其他数据时拒绝运行，除非加 --force。已知账号写入 var/scale_logins.json"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", choices=SCALES, default="district")
        parser.add_argument(
            "--seed", type=int, default=1, help="随机种子（同一种子生成同样的数据）"
        )
        parser.add_argument(
            "--force", action="store_true", help="数据库里有非压测数据时也清空（包括审计日志）"
        )
        parser.add_argument("--no-progress", action="store_true", help="不显示进度条")
        parser.add_argument("--logins", default=None, help="已知账号文件路径")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["seed"] < 0:
            raise CommandError("--seed 应为不小于 0 的整数")
        plan = Plan.for_scale(options["scale"])
        found = existing_data()
        if found and not (options["force"] or holds_only_generated_data()):
            listed = "、".join(f"{name} {n} 条" for name, n in found.items())
            raise CommandError(
                f"数据库中已有非压测数据（{listed}），生成压测数据会清空它们，已停止。"
                "请换一个空数据库（DATABASE_URL），或确认可以清空后加 --force 重新运行。"
            )
        if found:
            self.stdout.write("正在清空数据库……")
            reset_database()
        self.stdout.write(f"生成规模：{json.dumps(plan.as_dict(), ensure_ascii=False)}")
        seeder = Seeder(
            plan, progress=not options["no_progress"], stream=self.stderr, seed=options["seed"]
        )
        summary = seeder.run()
        path = Path(options["logins"]) if options["logins"] else logins_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(seeder.logins(), ensure_ascii=False, indent=2), encoding="utf-8")
        width = max(len(t) for t in summary["rows"])
        self.stdout.write("表 行数 秒")
        for table, n in summary["rows"].items():
            self.stdout.write(f"{table:<{width}} {n:>10,} {summary['seconds'][table]:8.1f}")
        for step, seconds in summary["timings"].items():
            self.stdout.write(f"{step}: {seconds:.1f} 秒")
        self.stdout.write(
            self.style.SUCCESS(
                f"完成：共 {sum(summary['rows'].values()):,} 行，"
                f"用时 {summary['total_seconds']:.1f} 秒，"
                f"内存峰值 {summary['peak_rss_mb']:.0f} MB；已知账号见 {path}"
            )
        )
