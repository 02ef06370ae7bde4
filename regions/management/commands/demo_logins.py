"""manage.py demo_logins: print the demo sign-ins (only when DEMO_MODE is on)."""

from __future__ import annotations

import unicodedata
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from regions import demo


def width(text: str) -> int:
    """Columns a string takes in a terminal (CJK characters take two)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def pad(text: str, columns: int) -> str:
    return text + " " * (columns - width(text))


class Command(BaseCommand):
    help = "列出演示账号（角色、姓名、手机号、密码、可见范围）；仅在 DEMO_MODE 开启时显示"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--base-url", default="http://127.0.0.1:8000", help="网站地址（默认本机 8000 端口）"
        )

    def handle(self, *args: Any, base_url: str, **options: Any) -> None:
        if not settings.DEMO_MODE:
            self.stdout.write("演示模式未开启（DEMO_MODE=false），不显示演示账号。")
            return
        accounts = demo.existing_accounts()
        if not accounts:
            self.stdout.write("尚未生成演示数据，请先运行：python manage.py seed_demo")
            return
        rows = [("角色", "姓名", "手机号（登录名）", "密码", "可以看到")]
        rows += [
            (demo.role_label(a.role), a.name, a.phone, demo.DEMO_PASSWORD, a.sees) for a in accounts
        ]
        widths = [max(width(row[i]) for row in rows) for i in range(4)]
        lines = [
            "  ".join(pad(cell, w) for cell, w in zip(row, widths, strict=False)) + "  " + row[4]
            for row in rows
        ]
        base = base_url.rstrip("/")
        self.stdout.write(f"尚法云演示账号（演示区：{demo.DISTRICT_NAME}，数据均为虚构）")
        self.stdout.write(lines[0])
        self.stdout.write("-" * max(width(line) for line in lines))
        for line in lines[1:]:
            self.stdout.write(line)
        self.stdout.write(
            f"调解员          13800009001–13800009009  {demo.DEMO_PASSWORD}  "
            "所在调解组织的调解案件（云调解）"
        )
        self.stdout.write("")
        self.stdout.write(f"网站首页：{base}/   （用手机号和密码登录）")
        self.stdout.write(f"后台管理：{base}/admin/   （超级管理员、区司法局管理员）")
        self.stdout.write(f"接口文档：{base}/api/docs/")
        self.stdout.write(
            "工作人员账号（区司法局、司法所、社区、律所管理员、调解员、超级管理员）输入密码后还需"
            "短信验证码：本机演示时验证码打印在运行 make run 的终端里（以“[短信]”开头）。"
        )
