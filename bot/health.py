"""How a background worker (the outbox sender, the planner) fares, told to the log and the database.

A worker never dies of a fault: it reports the fault here and tries again after
the backoff this gives. The first fault is logged at once with its traceback;
while the worker stays degraded, one line a minute says for how long and, for
the sender, how many messages wait and since when. Every minute (and at once
when the state changes) a heartbeat row is written, best effort, for
`narbot status`; while the database is down that write fails too, and the
heartbeat's age tells the reader so.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from sqlalchemy.exc import DBAPIError, StatementError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.sender_pacing import Timer
from mentoring.clock import Clock
from storage.repositories import health
from storage.repositories.outbox import QueueState

logger = logging.getLogger(__name__)

REPORT_EVERY = 60.0
BEAT_EVERY = 60.0
BACKOFF_FIRST, BACKOFF_CAP = 1.0, 30.0

# Extra facts for the heartbeat and the minute line (the sender's queue), read with the beat.
Probe = Callable[[AsyncSession, datetime], Awaitable[QueueState]]


def fault_text(error: BaseException) -> str:
    """The fault's class and the driver's own words: never SQL parameters or message texts."""
    cause = error.orig if isinstance(error, DBAPIError) and error.orig is not None else error
    if isinstance(cause, StatementError):
        return type(cause).__name__
    words = str(cause).splitlines()[0][:200] if str(cause) else ""
    return f"{type(cause).__name__}: {words}" if words else type(cause).__name__


def describe_queue(state: QueueState | None, now: datetime) -> str:
    if state is None:
        return "queue unknown"
    if state.oldest_due is None:
        return f"{state.waiting} due, {state.sending} sending"
    age = max(timedelta(0), now - state.oldest_due)
    return f"{state.waiting} due (oldest {duration(age)}), {state.sending} sending"


def duration(span: timedelta) -> str:
    seconds = int(span.total_seconds())
    if seconds < 120:
        return f"{seconds}s"
    if seconds < 7200:
        return f"{seconds // 60}m"
    return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"


class WorkerHealth:
    """Faults, backoff, the minute line while degraded and the heartbeat of one worker."""

    def __init__(
        self,
        worker: str,
        label: str,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        timer: Timer,
        *,
        probe: Probe | None = None,
    ) -> None:
        self.worker, self.label = worker, label
        self.name = f"{worker}@{socket.gethostname()}:{os.getpid()}"[:200]
        self.sessions, self.clock, self.timer = sessions, clock, timer
        self.probe = probe
        self.failures = 0
        self.degraded_since: datetime | None = None
        self.last_error: str | None = None
        self.queue: QueueState | None = None
        self._next_report = 0.0
        self._next_beat = 0.0

    @property
    def healthy(self) -> bool:
        return self.degraded_since is None

    def failed(self, error: BaseException) -> float:
        """Note a fault; returns how long to wait before trying again (1, 2, 4 … 30 s)."""
        self.failures += 1
        self.last_error = fault_text(error)
        now = self.timer.now()
        if self.degraded_since is None:
            self.degraded_since = self.clock.now()
            self._next_report = now + REPORT_EVERY
            self._next_beat = now  # say so in the database as soon as it can be written
            logger.error(
                "%s failed (%s); it keeps trying", self.label, self.last_error, exc_info=error
            )
        elif now >= self._next_report:
            self._next_report = now + REPORT_EVERY
            self.report()
        return min(BACKOFF_CAP, BACKOFF_FIRST * 2 ** min(self.failures - 1, 10))

    def report(self) -> None:
        """The minute line while degraded: for how long, the last fault, the queue."""
        assert self.degraded_since is not None
        now = self.clock.now()
        queue = describe_queue(self.queue, now)
        logger.warning(
            "%s degraded for %s after %d failed attempts (last: %s); %s",
            self.label, duration(now - self.degraded_since), self.failures, self.last_error,
            queue if self.queue is None else f"last known: {queue}",
        )

    def succeeded(self) -> None:
        """A pass went through: leave the degraded state, if it was in one."""
        if self.degraded_since is None:
            return
        logger.warning(
            "%s recovered after %s (%d failed attempts)",
            self.label, duration(self.clock.now() - self.degraded_since), self.failures,
        )
        self.degraded_since, self.failures = None, 0
        self._next_beat = self.timer.now()

    async def beat(self, *, force: bool = False) -> bool:
        """Write the heartbeat when one is due; a failure here is only noted, never raised."""
        if not force and self.timer.now() < self._next_beat:
            return False
        self._next_beat = self.timer.now() + BEAT_EVERY
        now = self.clock.now()
        try:
            async with self.sessions.begin() as session:
                if self.probe is not None:
                    self.queue = await self.probe(session, now)
                await health.beat(
                    session, self.name, self.worker, now,
                    degraded_since=self.degraded_since,
                    last_error=self.last_error if self.degraded_since else None,
                )
        except Exception as error:  # noqa: BLE001 - a heartbeat must never stop the worker
            logger.debug("%s: heartbeat not written (%s)", self.label, fault_text(error))
            # Try again soon: the row should say "degraded" as soon as the database takes it.
            self._next_beat = self.timer.now() + min(BEAT_EVERY, 5.0)
            return False
        return True
