"""Running the outbox sender inside the bot process, next to the handlers.

The sender starts from a one-off JobQueue job, i.e. only once the Application
really runs (`run_polling`/`run_webhook` start the JobQueue): an Application
that is only initialised — a CLI command, a handler test — sends nothing.
The sender loop is a plain asyncio task, not one of PTB's tracked tasks,
because `Application.stop()` waits for those and the loop only ends when told
to; `stop_sending` (post_stop, and post_shutdown as a safety net) tells it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import timedelta

from telegram.ext import Application, ContextTypes, Job

from bot.courier import Courier
from bot.sender import Sender, SenderConfig
from bot.settings import Settings
from bot.telegram_courier import TelegramCourier
from mentoring.delivery import TELEGRAM
from mentoring.runtime import SERVICES_KEY, Services

logger = logging.getLogger(__name__)

SENDER_JOB = "narbot.sender"
SENDER_KEY = "narbot.sender"
SENDER_TASK_KEY = "narbot.sender_task"


def start_sending(
    application: Application, settings: Settings, couriers: Sequence[Courier] = ()
) -> Job:
    """Schedule the sender to start as soon as the application runs (Telegram, and these channels)."""
    job_queue = application.job_queue
    if job_queue is None:
        raise RuntimeError(
            "The sender needs PTB's JobQueue: install python-telegram-bot[job-queue]"
        )
    for old in job_queue.get_jobs_by_name(SENDER_JOB):
        old.schedule_removal()
    config = SenderConfig(
        rate_per_second=settings.sender_rate_per_second,
        lease=timedelta(seconds=settings.sender_lease_seconds),
    )
    # No misfire grace limit: scheduled in post_init, before the JobQueue starts;
    # APScheduler would otherwise drop a start that comes over a second late.
    return job_queue.run_once(
        _start, when=0, name=SENDER_JOB,
        data=(config, tuple(couriers), settings.telegram_paid_broadcast_rate),
        job_kwargs={"misfire_grace_time": None},
    )


async def _start(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Start the sender loop once (a second run of the job finds it running)."""
    application = context.application
    if SENDER_TASK_KEY in application.bot_data:
        return
    svc: Services = application.bot_data[SERVICES_KEY]
    config, others, paid_rate = (  # type: ignore[misc]
        context.job.data if context.job is not None else (SenderConfig(), (), 0.0)
    )
    couriers: dict[str, Courier] = {
        TELEGRAM: TelegramCourier(application.bot, config.rate_per_second, paid_broadcast_rate=paid_rate)
    }
    couriers.update((courier.channel, courier) for courier in others)
    sender = Sender(couriers, svc.sessions, svc.clock, config)
    give_way = getattr(application.bot, "give_way", None)  # bot/reply_bot.py
    if give_way is not None:
        # Replies go out at once; the sender's next Telegram sends make room for each.
        give_way(couriers[TELEGRAM].reply_sent)  # type: ignore[attr-defined]
    application.bot_data[SENDER_KEY] = sender
    application.bot_data[SENDER_TASK_KEY] = asyncio.get_running_loop().create_task(
        sender.run(), name=SENDER_JOB
    )
    logger.info(
        "Outbox sender started: %s%s",
        ", ".join(f"{c.channel} at {1 / c.limits.interval:.1f} messages/s" for c in couriers.values()),
        " (Telegram: bulk kinds as paid broadcasts)" if paid_rate else "",
    )


async def stop_sending(application: Application) -> None:
    """Let sends in flight finish and give unsent claims back (a graceful stop loses nothing)."""
    sender: Sender | None = application.bot_data.pop(SENDER_KEY, None)
    task: asyncio.Task[None] | None = application.bot_data.pop(SENDER_TASK_KEY, None)
    if sender is None or task is None:
        return
    give_way = getattr(application.bot, "give_way", None)
    if give_way is not None:
        give_way(None)
    await sender.stop()
    try:
        await task
    except Exception:
        logger.exception("The outbox sender ended with an error")
    logger.info("Outbox sender stopped")
