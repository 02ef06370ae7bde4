"""Check the whole points ledger: every account's balance against its entries."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from points.services import ledger_mismatches


class Command(BaseCommand):
    help = "核对积分台账：每个账户的余额是否等于其流水之和、且不为负"

    def handle(self, *args: Any, **options: Any) -> None:
        checked, problems = ledger_mismatches()
        for p in problems:
            self.stdout.write(
                f"账户 {p.account_id}（{p.user}）：余额 {p.balance}，流水合计 {p.total}，"
                f"最后一笔记录的余额 {p.last_balance_after}"
            )
        if problems:
            raise CommandError(f"核对 {checked} 个账户，发现 {len(problems)} 个账户不一致")
        self.stdout.write(self.style.SUCCESS(f"核对 {checked} 个账户，全部一致"))
