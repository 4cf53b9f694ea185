"""The real bot inside a benchmark's own process, set up, started and stopped as `narbot run` would.

The benchmarks that measure the bot while something else runs in it (`loop_lag`,
`console_export`, `wave`) drive the planner themselves, so the planner's jobs are
removed; everything else (the outbox sender, the reference cache, the handlers) is
the application `narbot run` builds. Their `main` calls `settle()` first, as
`narbot run` does; the tests that call their `run` leave pytest's own process alone.
"""

from __future__ import annotations

from telegram.ext import Application

from bot import interpreter
from bot.app import build_application
from bot.scheduler import PLAN_FIRST_JOB, PLAN_JOB
from bot.settings import Settings
from mentoring.clock import Clock


async def prepare(settings: Settings, clock: Clock) -> Application:  # type: ignore[type-arg]
    """Built and initialised (post_init included), without the planner's jobs; not yet polling."""
    app = build_application(settings, clock=clock)
    await app.initialize()
    await app.post_init(app)  # type: ignore[misc]
    assert app.job_queue is not None
    for job in app.job_queue.get_jobs_by_name(PLAN_JOB) + app.job_queue.get_jobs_by_name(PLAN_FIRST_JOB):
        job.schedule_removal()  # the benchmark plans itself
    return app


def settle() -> None:
    """The interpreter as `narbot run` sets it (bot/interpreter.py)."""
    interpreter.settle()


async def start(app: Application, settings: Settings) -> None:  # type: ignore[type-arg]
    """Long-poll the stand-in and start the application (its JobQueue starts the outbox sender)."""
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=settings.poll_interval_seconds)
    await app.start()


async def stop(app: Application) -> None:  # type: ignore[type-arg]
    """Stop polling, the application and its resources, in `run_polling`'s order."""
    assert app.updater is not None
    await app.updater.stop()
    await app.stop()
    await app.post_stop(app)  # type: ignore[misc]
    await app.post_shutdown(app)  # type: ignore[misc]
    await app.shutdown()
