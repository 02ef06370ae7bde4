"""Background jobs: plain idempotent functions, registered with how often they run.

In production Celery beat calls them (config/celery.py builds its schedule from this
registry); in the embedded mode `make run` starts `manage.py run_scheduler`, which
calls the same functions. Each job must be safe to run twice and cheap when there is
nothing to do (claim rows with a conditional update()).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from core.context import acting_as

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    func: Callable[[], Any]
    every_seconds: int
    description: str = ""


_registry: dict[str, Job] = {}


def job(name: str, *, every_seconds: int, description: str = "") -> Callable:
    """Register a function as a periodic job (decorator)."""

    def register(func: Callable[[], Any]) -> Callable[[], Any]:
        _registry[name] = Job(name, func, every_seconds, description)
        return func

    return register


def registered() -> dict[str, Job]:
    """All jobs, after importing every installed app's ``jobs`` module."""
    autodiscover_modules("jobs")
    return dict(_registry)


def run_job(name: str) -> Any:
    """Run one job now, attributed to the system in the operation log."""
    entry = registered()[name]
    started = time.monotonic()
    with acting_as(None, source="system"):
        result = entry.func()
    logger.info("job %s done in %.2fs: %s", name, time.monotonic() - started, result)
    return result


class Scheduler:
    """The embedded scheduler: runs each job when its interval has passed."""

    def __init__(self) -> None:
        self.last_run: dict[str, datetime] = {}

    def due(self, now: datetime) -> list[str]:
        return [
            name
            for name, entry in _registry.items()
            if name not in self.last_run
            or (now - self.last_run[name]).total_seconds() >= entry.every_seconds
        ]

    def tick(self, now: datetime | None = None) -> list[str]:
        now = now or timezone.now()
        registered()
        ran = []
        for name in self.due(now):
            self.last_run[name] = now
            try:
                run_job(name)
            except Exception:  # a failing job must not stop the others
                logger.exception("job %s failed", name)
            ran.append(name)
        return ran
