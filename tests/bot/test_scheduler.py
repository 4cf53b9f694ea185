"""The planning job: registered when the application starts, and its callback plans from the database."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from telegram.ext import Application

from bot.scheduler import PLAN_EVERY, PLAN_JOB, plan_job
from handlers.services import SERVICES_KEY
from mentoring.clock import ManualClock
from tests.support.app import AppFactory
from tests.support.waves import add_group, add_mentee, add_programme, outbox, waves

REFLECTION_OPENS = datetime(2026, 11, 27, 7, 0, tzinfo=UTC)  # Friday 10:00 in Istanbul


def plan_job_of(app: Application):  # type: ignore[no-untyped-def]
    assert app.job_queue is not None
    jobs = app.job_queue.get_jobs_by_name(PLAN_JOB)
    assert len(jobs) == 1
    return jobs[0]


async def test_the_planning_job_is_registered_to_run_at_once_and_every_minute(
    make_app: AppFactory,
) -> None:
    app, _ = await make_app()
    job = plan_job_of(app)
    assert job.callback is plan_job and job.job.trigger.interval == PLAN_EVERY


async def test_running_the_job_plans_due_waves_and_a_restarted_app_adds_nothing(
    make_app: AppFactory, clock: ManualClock
) -> None:
    app, _ = await make_app()
    sessions = app.bot_data[SERVICES_KEY].sessions
    async with sessions.begin() as session:
        group = await add_group(session, await add_programme(session, clock.now(), date(2026, 11, 23)),
                                clock.now())
        mentee = await add_mentee(session, group, clock.now())

    await plan_job_of(app).run(app)
    assert await outbox(sessions) == [], "nothing is due on Monday morning"

    clock.set(REFLECTION_OPENS)
    await plan_job_of(app).run(app)
    [prompt] = await outbox(sessions, "reflection_prompt")
    assert prompt.person_id == mentee and prompt.not_before == REFLECTION_OPENS

    # A second process (or a restart) on the same database plans nothing twice.
    second, _ = await make_app()
    await plan_job_of(second).run(second)
    clock.advance(timedelta(minutes=1))
    await plan_job_of(app).run(app)
    assert len(await outbox(sessions)) == 1
    # The check-in window (Wednesday) passed while no job ran: recorded, not sent.
    assert sorted((w.kind, w.stage, w.outcome) for w in await waves(sessions) if w.stage == "prompt") == [
        ("checkin", "prompt", "dropped"), ("reflection", "prompt", "planned")]


async def test_a_failing_pass_is_reported_retried_and_recovers(
    make_app: AppFactory, clock: ManualClock, tmp_path, caplog
) -> None:
    import dataclasses
    import logging

    from sqlalchemy import select

    from bot.scheduler import HEALTH_KEY, PLAN_RETRY_JOB
    from storage.db import create_engine, create_sessionmaker
    from storage.models.health import WorkerHeartbeat
    from tests.security.conftest import errors_of, watch_errors

    app, _ = await make_app()
    watch_errors(app)
    healthy = app.bot_data[SERVICES_KEY]
    async with healthy.sessions.begin() as session:
        group = await add_group(session, await add_programme(session, clock.now(), date(2026, 11, 23)),
                                clock.now())
        await add_mentee(session, group, clock.now())
    clock.set(REFLECTION_OPENS)
    # The database goes away: a real driver error (SQLite cannot open a file in a missing folder).
    broken = create_engine(f"sqlite+aiosqlite:///{tmp_path}/missing/narbot.db")
    app.bot_data[SERVICES_KEY] = dataclasses.replace(healthy, sessions=create_sessionmaker(broken))
    caplog.set_level(logging.INFO, logger="bot")
    try:
        await plan_job_of(app).run(app)
    finally:
        await broken.dispose()

    health = app.bot_data[HEALTH_KEY]
    assert not health.healthy and health.failures == 1
    assert errors_of(app) == [], "the planner reports its own faults; nothing reaches the error handler"
    [reported] = [r for r in caplog.records if r.getMessage().startswith("Planner failed")]
    assert reported.levelno == logging.ERROR and reported.exc_info is not None
    assert "OperationalError" in reported.getMessage()
    assert app.job_queue is not None
    [retry] = app.job_queue.get_jobs_by_name(PLAN_RETRY_JOB)

    app.bot_data[SERVICES_KEY] = healthy  # the database is back
    await retry.run(app)
    assert health.healthy
    assert len(await outbox(healthy.sessions, "reflection_prompt")) == 1
    assert any(r.getMessage().startswith("Planner recovered") for r in caplog.records)
    async with healthy.sessions.begin() as session:
        beat = await session.scalar(select(WorkerHeartbeat).where(WorkerHeartbeat.worker == "planner"))
    assert beat is not None and beat.healthy and beat.last_error is None


async def test_the_first_pass_comes_at_start_up_not_a_minute_later(make_app: AppFactory) -> None:
    from datetime import UTC
    from datetime import datetime as real_datetime

    from bot.scheduler import PLAN_FIRST_JOB

    app, _ = await make_app()
    assert app.job_queue is not None
    [first] = app.job_queue.get_jobs_by_name(PLAN_FIRST_JOB)
    assert first.callback is plan_job
    await app.job_queue.start()
    try:
        [first] = app.job_queue.get_jobs_by_name(PLAN_FIRST_JOB)
        assert first.next_t is not None
        assert first.next_t - real_datetime.now(UTC) < timedelta(seconds=5)
    finally:
        await app.job_queue.stop()


async def test_the_planner_applies_retention_once_a_day_and_the_audit_shows_the_counts(
    make_app: AppFactory, clock: ManualClock
) -> None:
    from sqlalchemy import select

    from mentoring import audit
    from storage.models.privacy import AuditEntry
    from tests.support import retention_data

    app, _ = await make_app()
    sessions = app.bot_data[SERVICES_KEY].sessions
    assert app.bot_data[SERVICES_KEY].retention_days_after_programme == retention_data.DAYS
    cast = await retention_data.build(sessions, clock.now())

    async def runs() -> list[AuditEntry]:
        async with sessions() as session:
            return list(await session.scalars(
                select(AuditEntry).where(AuditEntry.action == audit.RETENTION_APPLIED).order_by(AuditEntry.id)))

    await plan_job_of(app).run(app)
    left = await retention_data.texts(sessions)
    assert not left & retention_data.GOING, "Old ended 181 days ago: its texts are cleared"
    assert retention_data.STAYING <= left, "Recent (170 days) and Running are untouched"
    [first] = await runs()
    assert first.actor_person_id is None and first.at == clock.now()
    assert first.details == {"programmes": [cast.old], "days": retention_data.DAYS,
                             "cleared": retention_data.CLEARED, "scheduled": True}

    # The planner runs every minute; retention once a day (the day in Istanbul).
    for _ in range(3):
        clock.advance(timedelta(minutes=1))
        await plan_job_of(app).run(app)
    clock.advance(timedelta(hours=13))  # 22:03 in Istanbul
    await plan_job_of(app).run(app)
    assert len(await runs()) == 1
    clock.advance(timedelta(hours=2))  # 00:03 the next day
    await plan_job_of(app).run(app)
    _, second = await runs()
    assert second.details == {"programmes": [cast.old], "days": retention_data.DAYS, "cleared": {},
                              "scheduled": True}
    assert retention_data.STAYING <= await retention_data.texts(sessions)
