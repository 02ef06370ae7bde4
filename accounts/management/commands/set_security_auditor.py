"""Make an account a security auditor (安全审计员), or stop it being one.

Only from the server: no page can do this, so that the superusers who manage accounts
cannot give themselves the reading of the logs (separation of duties).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import User
from accounts.services import clean_phone, set_security_auditor
from core.context import acting_as


class Command(BaseCommand):
    help = "设置或取消安全审计员（可查阅全部日志，不能管理账号）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("phone", help="账号手机号")
        parser.add_argument("--revoke", action="store_true", help="取消安全审计员")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            phone = clean_phone(options["phone"])
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        user = User.objects.filter(phone=phone).first()
        if user is None:
            raise CommandError(f"没有手机号为 {phone} 的账号")
        try:
            with acting_as(None, source="command"):
                set_security_auditor(user=user, enabled=not options["revoke"])
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        state = "已取消" if options["revoke"] else "已设为"
        self.stdout.write(f"{user} {state}安全审计员")
