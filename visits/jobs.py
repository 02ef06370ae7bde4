"""Background jobs of the visits app: idempotent, cheap when there is nothing to do."""

from __future__ import annotations

from core.jobs import job
from visits import services


@job(
    "visits.compile_reports",
    every_seconds=3600,
    description="每月 1 日起汇总上月各律所、各街道的走访月报（已汇总的不再重复）",
)
def compile_reports() -> int:
    return services.compile_reports()


@job(
    "visits.flag_late_reports",
    every_seconds=3600,
    description="标记逾期未报送的月报，并提醒律所、司法所和区司法局",
)
def flag_late_reports() -> int:
    return services.flag_late_reports()


@job(
    "visits.schedule_service_days",
    every_seconds=6 * 3600,
    description="为每个结对社区排定本月及之后两个月的服务日",
)
def schedule_service_days() -> int:
    return services.schedule_service_days()


@job(
    "visits.flag_behind_plan",
    every_seconds=6 * 3600,
    description="提醒走访户数落后于年度计划的社区所在律所和司法所（每月一次）",
)
def flag_behind_plan() -> int:
    return services.flag_behind_plan()
