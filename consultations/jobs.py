"""Service-level jobs (every minute; idempotent, cheap when nothing is due)."""

from __future__ import annotations

from consultations import services
from core.jobs import job


@job(
    "consultations.remind",
    every_seconds=60,
    description="提醒律师在答复时限前答复（24 小时时限的第 12、20 小时）",
)
def remind() -> int:
    return services.send_due_reminders()


@job(
    "consultations.escalate",
    every_seconds=60,
    description="超过答复时限的咨询转交今日值班律师并报区司法局",
)
def escalate() -> int:
    return services.escalate_overdue()
