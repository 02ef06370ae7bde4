from datetime import timedelta

from django.utils import timezone

from core import jobs

calls: list[str] = []


@jobs.job("test.count", every_seconds=60, description="test job")
def _count() -> int:
    calls.append("x")
    return len(calls)


def test_scheduler_runs_due_jobs_on_their_interval():
    calls.clear()
    scheduler = jobs.Scheduler()
    now = timezone.now()
    assert "test.count" in scheduler.tick(now)
    assert "test.count" not in scheduler.tick(now + timedelta(seconds=30))
    assert "test.count" in scheduler.tick(now + timedelta(seconds=61))
    assert len(calls) == 2


def test_failing_job_does_not_stop_the_others(monkeypatch):
    def boom() -> None:
        raise RuntimeError("boom")

    jobs.job("test.boom", every_seconds=60)(boom)
    calls.clear()
    ran = jobs.Scheduler().tick()
    assert "test.boom" in ran and "test.count" in ran
    assert calls == ["x"]
    jobs._registry.pop("test.boom")


def test_celery_beat_schedule_covers_every_job():
    from config.celery import app

    app.loader.import_default_modules()
    app.finalize()
    assert "test.count" in {entry["args"][0] for entry in app.conf.beat_schedule.values()} | set(
        app.conf.beat_schedule
    )
