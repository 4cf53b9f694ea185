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
