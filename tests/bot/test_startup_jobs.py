"""The sender and the planner start even when start-up is slow after post_init scheduled them."""

from __future__ import annotations

from telegram.ext import Application

from bot.scheduler import PLAN_JOB
from bot.sender_job import SENDER_JOB
from tests.support.app import AppFactory


async def test_startup_jobs_have_no_misfire_limit(make_app: AppFactory) -> None:
    app, _ = await make_app()
    assert isinstance(app, Application) and app.job_queue is not None
    for name in (SENDER_JOB, PLAN_JOB):
        [job] = app.job_queue.get_jobs_by_name(name)
        # APScheduler's default (1 s) would silently skip a first run that starts late.
        assert job.job.misfire_grace_time is None, name
