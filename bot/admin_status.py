"""`narbot status`: is the bot sending, how much waits and since when, are its workers well.

Read from the database, so it works from any shell next to any number of bot
processes: the outbox's queue, and each worker's heartbeat (bot/health.py). Exit
code 0 when a sender and a planner beat recently and none is degraded, 1
otherwise, so a monitor can run it. Operator output, in English like the logs.
"""

from __future__ import annotations

import argparse
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.health import BEAT_EVERY, describe_queue, duration
from bot.settings import Settings
from mentoring.clock import SystemClock
from mentoring.i18n import Translator
from storage.models import OutboxMessage
from storage.repositories import health
from storage.repositories.outbox import queue_state

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
    for line in await status_lines(session, CLOCK.now()):
        print(line)
    return 0 if await is_healthy(session, CLOCK.now()) else 1


async def status_lines(session: AsyncSession, now: datetime) -> list[str]:
    queue = await queue_state(session, now)
    lines = [f"Outbox: {describe_queue(queue, now)}"]
    repeated, failed = await _in_doubt(session, now - IN_DOUBT_WINDOW)
    if repeated or failed:
        lines.append(
            f"Interrupted mid-send in the last 7 days: {repeated} sent again, {failed} failed "
            "(delivery unknown)"
        )
    beats = [b for b in await health.heartbeats(session) if now - b.beat_at < FORGOTTEN_AFTER]
    if not beats:
        lines.append("No sender or planner has reported: is the bot running?")
    for beat in beats:
        age = duration(now - beat.beat_at)
        if now - beat.beat_at > SILENT_AFTER:
            state = f"silent for {age}: stopped, or cannot reach the database"
        elif beat.healthy:
            state = f"healthy (heard {age} ago)"
        else:
            since = duration(now - beat.degraded_since) if beat.degraded_since else "?"
            state = f"DEGRADED for {since} (heard {age} ago): {beat.last_error or 'unknown fault'}"
        lines.append(f"{beat.name}: {state}")
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
