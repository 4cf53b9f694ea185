"""One sending limit shared by every process's sender on PostgreSQL (issue #17 point 3, docs/outbox.md).

Each process's sender paces itself with its couriers' `Limits`; with several
processes on one PostgreSQL database they would together send N times the
channel's rate. So on PostgreSQL:

- **the overall rate** comes from one budget per channel in the database
  (`send_budgets`, "next free slot"): a sender books a block of about 0.2 s of
  slots with one atomic update (`GREATEST(next_at, now - slack) + block`) and
  spaces those sends itself. A slot not used in time is lost, never used late,
  so no one-second window sees more than rate × (1 + slack + interval) + 1 sends
  whatever the number of processes, and one process alone still gets them all;
- **a chat** another process is sending to, or sent to within its spacing (1 s
  for a private chat, 20 a minute for a group), is not claimed (`ChatGuard`); a
  claim locks the chats it takes (advisory locks) so two claims at the same
  moment cannot both take one chat;
- **a 429** pushes the shared budget past the pause, so every process waits.

Times in the database are seconds on the senders' common clock (`Timeline`):
the injected clock (wall time in production, so processes on several hosts
need synchronised clocks), moved on by the monotonic timer while the clock
shows the same moment (a frozen test clock), and never going back.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.courier import Courier, Job
from bot.sender_pacing import GROUP_CHAT_LIMIT, GROUP_CHAT_WINDOW, Limits, Timer, is_group
from mentoring.clock import Clock
from storage.repositories import send_budgets

logger = logging.getLogger(__name__)

# How much of the rate one booking takes: short enough that processes share fairly.
BLOCK_SECONDS = 0.2
# How often a claim looks again at a chat another sender is writing to right now.
BUSY_CHAT_RETRY = 1.0
# A row "sending" for longer than this is not a live sender's (those give rows back after a 30 s pause).
STALE_CLAIM = timedelta(seconds=45)
# Kept on top of a chat's spacing: the database keeps microseconds, the common time is a float.
MARGIN = 0.001


class Timeline:
    """The senders' common time in seconds since the epoch; maps it to this process's timer."""

    def __init__(self, clock: Clock, timer: Timer) -> None:
        self.clock, self.timer = clock, timer
        self._wall: datetime | None = None
        self._base = self._since = self._last = 0.0

    def now(self) -> float:
        wall, moment = self.clock.now(), self.timer.now()
        if wall != self._wall:
            self._wall, self._since = wall, moment
            self._base = max(wall.timestamp(), self._last)
        self._last = self._base + (moment - self._since)
        return self._last

    def to_timer(self, at: float) -> float:
        """A common moment as this process's timer reads it."""
        return at - self.now() + self.timer.now()

    def as_datetime(self, at: float) -> datetime:
        return datetime.fromtimestamp(at, UTC)


class SharedBudget:
    """A channel's send slots, booked a block at a time from the budget every process shares."""

    def __init__(
        self, channel: str, limits: Limits, sessions: async_sessionmaker[AsyncSession], timeline: Timeline
    ) -> None:
        self.channel, self.limits, self.sessions, self.timeline = channel, limits, sessions, timeline
        self.block = max(1, round(BLOCK_SECONDS / limits.interval))
        self._slots: deque[float] = deque()  # on this process's timer
        self.lost = 0

    async def take(self) -> float:
        """The next slot this process may send in (on its timer); books a new block when none is left."""
        timer = self.timeline.timer
        while True:
            now = timer.now()
            # A slot is used in time or not at all: late, it would crowd another process's slots.
            while self._slots and self._slots[0] < now - self.limits.interval:
                self._slots.popleft()
                self.lost += 1
            if self._slots:
                return max(self._slots.popleft(), now)
            await self._book()

    async def _book(self) -> None:
        interval = self.limits.interval
        now, moment = self.timeline.now(), self.timeline.timer.now()
        span = self.block * interval
        async with self.sessions.begin() as session:
            end = await send_budgets.reserve(session, self.channel, now, span, self.limits.slack)
        start = end - span + moment - now
        # Slots the slack lets us make up go at once (as the local token bucket does).
        self._slots.extend(max(start + n * interval, moment) for n in range(self.block))

    async def pause(self, seconds: float) -> None:
        """A 429: no process gets a slot of this channel before the pause ends."""
        self._slots.clear()
        until = self.timeline.now() + seconds
        async with self.sessions.begin() as session:
            await send_budgets.hold_back(session, self.channel, until)


class ChatGuard:
    """Leaves out of a claim the chats another sender is writing to, or wrote to within their spacing."""

    def __init__(self, timeline: Timeline, limits: Mapping[str, Limits]) -> None:
        self.timeline, self.limits = timeline, limits

    async def held(self, session: AsyncSession, jobs: Iterable[Job]) -> tuple[set[int], float | None]:
        """The row ids to leave out now, and when (on the timer) the first of their chats is free."""
        jobs = list(jobs)
        people = {job.person_id for job in jobs if job.person_id is not None}
        chats = {job.chat_id for job in jobs if job.person_id is None}
        locked_people, locked_chats = await send_budgets.lock_chats(session, people, chats)
        now = self.timeline.now()
        moment = self.timeline.as_datetime(now)
        traffic = await send_budgets.chat_traffic(
            session, locked_people, locked_chats, moment - timedelta(seconds=GROUP_CHAT_WINDOW),
            moment - STALE_CLAIM,
        )
        held: set[int] = set()
        ready: float | None = None
        for job in jobs:
            key: int | str = job.person_id if job.person_id is not None else job.chat_id
            free_at = self._free_at(job, key, locked_people, locked_chats, traffic, now)
            if free_at > now:
                held.add(job.row_id)
                at = self.timeline.to_timer(free_at)
                ready = at if ready is None else min(ready, at)
        return held, ready

    def _free_at(
        self, job: Job, key: int | str, people: set[int], chats: set[str], traffic: Any, now: float
    ) -> float:
        if key not in (people if job.person_id is not None else chats) or key in traffic.sending:
            return now + BUSY_CHAT_RETRY  # another claim or send has this chat right now
        sent = sorted(at.timestamp() for at in traffic.sent.get(key, []))
        if is_group(job.chat_id):
            if len(sent) < GROUP_CHAT_LIMIT:
                return now
            return sent[-GROUP_CHAT_LIMIT] + GROUP_CHAT_WINDOW + MARGIN
        return sent[-1] + self.limits[job.channel].private_interval + MARGIN if sent else now


def shared_limits(
    couriers: Mapping[str, Courier], sessions: async_sessionmaker[AsyncSession], clock: Clock, timer: Timer,
    enabled: bool = True,
) -> tuple[dict[str, SharedBudget], ChatGuard | None]:
    """The shared budgets and chat guard when the database is PostgreSQL (and `enabled`), else none."""
    bind = sessions.kw.get("bind")
    if not enabled or bind is None or bind.dialect.name != "postgresql":
        return {}, None
    timeline = Timeline(clock, timer)
    budgets = {name: SharedBudget(name, c.limits, sessions, timeline) for name, c in couriers.items()}
    return budgets, ChatGuard(timeline, {name: c.limits for name, c in couriers.items()})
