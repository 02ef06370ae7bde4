"""Celery for production: the broker is Redis (REDIS_URL); beat runs every job of
core.jobs on its interval. Start with:

    celery -A config worker -l info
    celery -A config beat -l info
"""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("shangfa")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(lambda: [])


@app.task(name="shangfa.run_job", acks_late=True)
def run_job_task(name: str) -> str:
    from core.jobs import run_job

    return repr(run_job(name))


@app.on_after_finalize.connect
def _schedule_jobs(sender: Celery, **kwargs: object) -> None:
    from django.apps import apps

    apps.check_apps_ready()
    from core.jobs import registered

    for name, entry in registered().items():
        sender.add_periodic_task(entry.every_seconds, run_job_task.s(name), name=name)
