"""`narbot status`: is the bot sending, how much waits and since when, are its workers well.

Read from the database, so it works from any shell next to any number of bot
processes: the outbox's queue, and each worker's heartbeat (bot/health.py). Exit
code 0 when a sender and a planner beat recently and none is degraded, 1
otherwise, so a monitor can run it. Operator output, in the CLI's language (--lang or
DEFAULT_LOCALE); the logs stay English.
"""

from __future__ import annotations

import argparse
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.health import BEAT_EVERY, duration
from bot.settings import Settings
from mentoring.clock import SystemClock
from mentoring.i18n import Translator, translator
from storage.models import OutboxMessage
from storage.repositories import health
from storage.repositories.outbox import QueueState, queue_state

CLOCK = SystemClock()
# A worker that has not written for this long is taken to be gone (three missed beats).
SILENT_AFTER = timedelta(seconds=3 * BEAT_EVERY)
# Heartbeats of processes gone for longer are history, not news.
FORGOTTEN_AFTER = timedelta(days=1)
IN_DOUBT_WINDOW = timedelta(days=7)


def add_parsers(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    commands.add_parser(
        "status",
        help="is the bot sending: the outbox queue and the health of the sender and planner "
        "(exit code 1 when something is wrong)",
    )


async def status(
    session: AsyncSession, args: argparse.Namespace, settings: Settings, tr: Translator
) -> int:
    for line in await status_lines(session, CLOCK.now(), tr):
        print(line)
    return 0 if await is_healthy(session, CLOCK.now()) else 1


def queue_words(state: QueueState | None, now: datetime, tr: Translator) -> str:
    """The outbox queue in the operator's language (bot.health.describe_queue is the log's English)."""
    if state is None:
        return tr.gettext("queue unknown")
    if state.oldest_due is None:
        return tr.gettext("{due} due, {sending} sending").format(due=state.waiting, sending=state.sending)
    age = max(timedelta(0), now - state.oldest_due)
    return tr.gettext("{due} due (oldest {age}), {sending} sending").format(
        due=state.waiting, age=duration(age), sending=state.sending)


async def status_lines(session: AsyncSession, now: datetime, tr: Translator | None = None) -> list[str]:
    _ = (tr or translator("en")).gettext
    queue = await queue_state(session, now)
    lines = [_("Outbox: {queue}").format(queue=queue_words(queue, now, tr or translator("en")))]
    repeated, failed = await _in_doubt(session, now - IN_DOUBT_WINDOW)
    if repeated or failed:
        lines.append(_("Interrupted mid-send in the last 7 days: {repeated} sent again, {failed} failed "
                       "(delivery unknown)").format(repeated=repeated, failed=failed))
    beats = [b for b in await health.heartbeats(session) if now - b.beat_at < FORGOTTEN_AFTER]
    if not beats:
        lines.append(_("No sender or planner has reported: is the bot running?"))
    for beat in beats:
        age = duration(now - beat.beat_at)
        if now - beat.beat_at > SILENT_AFTER:
            state = _("{worker}: silent for {age}: stopped, or cannot reach the database")
        elif beat.healthy:
            state = _("{worker}: healthy (heard {age} ago)")
        else:
            state = _("{worker}: DEGRADED for {since} (heard {age} ago): {error}")
        since = duration(now - beat.degraded_since) if beat.degraded_since else "?"
        lines.append(state.format(worker=beat.name, age=age, since=since,
                                  error=beat.last_error or _("unknown fault")))
    return lines


async def is_healthy(session: AsyncSession, now: datetime) -> bool:
    """A sender and a planner beat recently, and none of the recent ones is degraded."""
    recent = [b for b in await health.heartbeats(session) if now - b.beat_at <= SILENT_AFTER]
    workers = {b.worker for b in recent}
    return {"sender", "planner"} <= workers and all(b.healthy for b in recent)


async def _in_doubt(session: AsyncSession, since: datetime) -> tuple[int, int]:
    rows = await session.execute(
        select(OutboxMessage.status, func.count())
        .where(OutboxMessage.in_doubt.is_(True), OutboxMessage.created_at >= since)
        .group_by(OutboxMessage.status)
    )
    counts: dict[str, int] = {status: number for status, number in rows.all()}
    failed = counts.pop("failed", 0)
    return sum(counts.values()), failed


ACTIONS = {("status", None): status}
