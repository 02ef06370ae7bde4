import time

from django.core.management.base import BaseCommand

from core.jobs import Scheduler, registered


class Command(BaseCommand):
    help = "内置定时任务进程（make run 使用；生产环境用 Celery beat）"

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--once", action="store_true", help="运行一轮到期任务后退出")
        parser.add_argument("--interval", type=int, default=30, help="检查间隔（秒）")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        scheduler = Scheduler()
        jobs = registered()
        self.stdout.write(f"定时任务进程已启动，共 {len(jobs)} 个任务：{', '.join(jobs) or '无'}")
        while True:
            ran = scheduler.tick()
            if options["once"]:
                self.stdout.write(f"已运行：{', '.join(ran) or '无'}")
                return
            time.sleep(options["interval"])
