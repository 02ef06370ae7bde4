"""Deadline jobs of cloud mediation (idempotent, cheap when nothing is due)."""

from __future__ import annotations

from core.jobs import job
from mediation import services


@job(
    "mediation.remind",
    every_seconds=900,
    description="调解案件办理期限届满前提醒调解员（期限前 5 天）",
)
def remind() -> int:
    return services.send_deadline_reminders()


@job(
    "mediation.overdue",
    every_seconds=900,
    description="标记超过办理期限的调解案件并通知调解员",
)
def overdue() -> int:
    return services.flag_overdue()
