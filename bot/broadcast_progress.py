"""The job that keeps coordinators' broadcast progress messages up to date.

One repeating job serves every broadcast that is going out: it reads their
counts from the outbox (one aggregate query), edits each progress message whose
counts changed, and closes a broadcast with its delivery report once none of
its messages waits any more. What the message says is the domain's screen
(`mentoring.broadcasts.progress_screens`), edited in by bot/screen_messages.py. All
state is in the database, so after a restart the job simply finds the
broadcasts still "sending" and carries on.
"""

from __future__ import annotations

import logging

from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import Application, ContextTypes, Job

from bot.screen_messages import edit_message
from mentoring.broadcasts.progress import Progress, changed_progress, record_shown
from mentoring.broadcasts.progress_screens import progress_screen
from mentoring.i18n import translator
from mentoring.runtime import services_in

logger = logging.getLogger(__name__)

JOB_NAME = "broadcast_progress"
INTERVAL_SECONDS = 5


def schedule_broadcast_progress(application: Application) -> Job:
    """Start (or restart) the repeating progress job; call once the database is open."""
    job_queue = application.job_queue
    if job_queue is None:
        raise RuntimeError("Broadcast progress needs PTB's JobQueue: install python-telegram-bot[job-queue]")
    for old in job_queue.get_jobs_by_name(JOB_NAME):
        old.schedule_removal()
    return job_queue.run_repeating(
        update_broadcast_progress, interval=INTERVAL_SECONDS, first=INTERVAL_SECONDS, name=JOB_NAME,
        job_kwargs={"misfire_grace_time": None, "coalesce": True},
    )


async def update_broadcast_progress(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Edit the progress messages whose counts changed; close finished broadcasts."""
    svc = services_in(context.application.bot_data)
    async with svc.sessions.begin() as session:
        changed = await changed_progress(session)
    shown = [progress for progress in changed if await _show(context, progress)]
    if not shown:
        return
    async with svc.sessions.begin() as session:
        for progress in shown:
            await record_shown(session, progress, svc.clock.now())
    for progress in shown:
        if progress.finished:
            logger.info(
                "Broadcast %s finished: %s sent, %s failed, %s cancelled", progress.broadcast_id,
                progress.counts.sent, progress.counts.failed, progress.counts.cancelled,
            )


async def _show(context: ContextTypes.DEFAULT_TYPE, progress: Progress) -> bool:
    """Edit the message; False when it should be tried again on the next run."""
    if progress.chat_id is None or progress.message_id is None:
        return True
    try:
        await edit_message(
            context.bot, progress.chat_id, progress.message_id, progress_screen(progress),
            translator(progress.locale),
        )
    except BadRequest as exc:
        # "Not modified" means it already shows this; a deleted message cannot be fixed by retrying.
        if "not modified" not in str(exc).lower():
            logger.warning("Progress message of broadcast %s not edited: %s", progress.broadcast_id, exc)
    except Forbidden:
        logger.warning("Coordinator of broadcast %s blocked Narbot; progress not shown", progress.broadcast_id)
    except TelegramError:
        logger.warning("Progress of broadcast %s not shown; will retry", progress.broadcast_id, exc_info=True)
        return False
    return True
