"""Planning on a timer: PTB's JobQueue (APScheduler) runs the planner every minute.

The job keeps no state of its own: what is due and what was planned live in
the database (the planner's log and the outbox's idempotency keys), so a
restart, a missed tick or a second process sends nothing twice. On PostgreSQL
the planner takes an advisory lock, so only one process plans at a time.

A pass that fails (the database away, anything else) is logged at once with its
cause and tried again after a backoff (1, 2, 4 … 30 s) besides the minute's
tick; while it keeps failing one line a minute says so, and its heartbeat tells
`narbot status` (bot/health.py).

Once a day the planner also applies retention (mentoring/privacy/retention.py),
in its own transaction after the planning one, so a fault there never undoes
what was planned; the audit log records each run with its counts.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from telegram.ext import Application, ContextTypes, Job

from bot.health import WorkerHealth
from bot.sender_pacing import LoopTimer
from mentoring import inbound
from mentoring.closing.offers import plan_offers
from mentoring.digest.rules import plan_digests
from mentoring.privacy import retention
from mentoring.reports.rules import plan_progress_reports
from mentoring.runtime import Services, services_in
from mentoring.waves import plan_due

logger = logging.getLogger(__name__)

PLAN_JOB = "narbot.plan"
PLAN_RETRY_JOB = "narbot.plan.retry"
PLAN_FIRST_JOB = "narbot.plan.first"
HEALTH_KEY = "narbot.planner_health"
PLAN_EVERY = timedelta(seconds=60)


def start_planning(application: Application) -> Job:
    """Plan at once (catching up after downtime), then every minute."""
    job_queue = application.job_queue
    if job_queue is None:
        raise RuntimeError("Planning needs PTB's JobQueue: install python-telegram-bot[job-queue]")
    for old in job_queue.get_jobs_by_name(PLAN_JOB) + job_queue.get_jobs_by_name(PLAN_FIRST_JOB):
        old.schedule_removal()
    # The repeating job's first pass would come a minute after start-up (APScheduler counts the
    # interval from a start that has passed by the time the JobQueue runs), so a one-off pass
    # catches up at once. No misfire grace limit: both are scheduled before the JobQueue starts.
    job_queue.run_once(
        plan_job, when=0, name=PLAN_FIRST_JOB, job_kwargs={"misfire_grace_time": None}
    )
    return job_queue.run_repeating(
        plan_job, interval=PLAN_EVERY, first=PLAN_EVERY, name=PLAN_JOB,
        job_kwargs={"misfire_grace_time": None, "coalesce": True},
    )


async def plan_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    """One planning pass; a fault is reported and the pass tried again after a backoff."""
    health = _health(context)
    try:
        await plan_once(context)
    except Exception as error:  # noqa: BLE001 - the planner outlives any fault
        wait = health.failed(error)
        job_queue = context.job_queue
        if job_queue is not None and not job_queue.get_jobs_by_name(PLAN_RETRY_JOB):
            job_queue.run_once(plan_job, when=wait, name=PLAN_RETRY_JOB)
    else:
        health.succeeded()
    await health.beat()


def _health(context: ContextTypes.DEFAULT_TYPE) -> WorkerHealth:
    bot_data = context.application.bot_data
    svc = services_in(bot_data)
    if HEALTH_KEY not in bot_data:
        bot_data[HEALTH_KEY] = WorkerHealth(
            "planner", "Planner", svc.sessions, svc.clock, LoopTimer()
        )
    health: WorkerHealth = bot_data[HEALTH_KEY]
    health.sessions = svc.sessions  # the services' current ones (tests swap them)
    return health


async def plan_once(context: ContextTypes.DEFAULT_TYPE) -> None:
    """One planning pass in its own transaction; logs counts only."""
    await plan_pass(services_in(context.application.bot_data))


async def plan_pass(svc: Services) -> None:
    """One planning pass for any runner (PTB's JobQueue, or bot/standalone.py without Telegram)."""
    async with svc.sessions.begin() as session:
        report = await plan_due(session, svc.clock.now())
        # Digests are planned under the same planner lock, so only one process builds them.
        digests = await plan_digests(session, svc.clock.now()) if report.planned_by_us else 0
        progress = await plan_progress_reports(session, svc.clock.now()) if report.planned_by_us else 0
        # The closing steps' offer, once per mentee in a programme's last two weeks (docs/closing.md).
        closing = await plan_offers(session, svc.clock.now()) if report.planned_by_us else 0
        if report.planned_by_us:
            await inbound.forget_old(session, svc.clock.now())
    if report.planned_by_us:
        await _apply_retention(svc)
    if digests:
        logger.info("Planned %d digests", digests)
    if closing:
        logger.info("Queued %d closing offers", closing)
    if progress:
        logger.info("Queued %d progress reports", progress)
    if not report.planned_by_us:
        logger.debug("Another process is planning; skipped")
    elif report.queued or report.dropped:
        logger.info("Planned %d messages, recorded %d as dropped, across %d groups: %s",
                    report.queued, report.dropped, report.groups, dict(report.stages))


async def _apply_retention(svc: Services) -> None:
    """Clear the texts of programmes past retention, once a day (the audit log knows when it last ran)."""
    async with svc.sessions.begin() as session:
        done = await retention.apply_daily(
            session, svc.clock.now(), svc.retention_days_after_programme, svc.default_timezone
        )
    if done is not None:
        logger.info("Retention applied: %d personal values cleared across %d programmes past %d days",
                    done.total, sum(1 for p in done.programmes if p.due), svc.retention_days_after_programme)
