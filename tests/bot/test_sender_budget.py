"""One sending limit shared by several senders on PostgreSQL (issue #17 point 3).

Two senders, each with its own engine, bot and couriers (as two bot processes
would have), deliver one queue on one database. They share a virtual time
that moves only when both are waiting for it, so every send has an exact
moment: no one-second window may exceed the rate, no chat may get two messages
within a second, and every row goes exactly once. On SQLite one process sends
(it keeps its own pacer), so the shared budget is a PostgreSQL matter.
"""

from __future__ import annotations

import asyncio
import heapq
import random
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from itertools import count
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from telegram import Bot

from bot.courier import Delivered, Job
from bot.sender import Sender, SenderConfig
from bot.sender_budget import SharedBudget, Timeline
from bot.sender_pacing import Limits
from bot.telegram_courier import TelegramCourier
from mentoring.clock import ManualClock
from storage.db import create_engine, create_sessionmaker
from storage.models import OutboxMessage
from tests.standin import BotApiStandIn
from tests.support.sender import ScriptedRequest, VirtualTimer, add_person, queue

TOKEN = "123456:TEST-TOKEN"
RATE = 10.0
SLACK = 0.1
# What the token bucket lets through in any one second: rate × (1 + slack), one more for the window's
# edge, and one more for a shared slot used up to one interval late.
MOST_IN_A_SECOND = int(RATE * (1 + SLACK + 1 / RATE)) + 1

# Several processes share a database only on PostgreSQL.
ON_POSTGRES = pytest.mark.parametrize(
    "database_url", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)


class SharedTime:
    """Virtual seconds shared by several senders: time moves to the next wake-up only when all sleep
    and no request is under way (a request takes no virtual time)."""

    def __init__(self, start: datetime, senders: int) -> None:
        self.start, self.moment, self.senders = start, 0.0, senders
        self.requests = 0
        self._sleeping: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = count()

    def now(self) -> float:
        return self.moment

    def clock(self) -> ManualClock:
        time = self

        class Clock(ManualClock):
            def now(self) -> datetime:
                return time.start + timedelta(seconds=time.moment)

        return Clock(self.start)

    async def sleep(self, seconds: float) -> None:
        if seconds <= 0:
            await asyncio.sleep(0)
            return
        woken = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleeping, (self.moment + seconds, next(self._order), woken))
        self._move()
        await woken

    def leave(self) -> None:
        self.senders -= 1
        self._move()

    def _move(self) -> None:
        if self._sleeping and len(self._sleeping) >= self.senders and not self.requests:
            at, _, woken = heapq.heappop(self._sleeping)
            self.moment = max(self.moment, at)
            woken.set_result(None)


class TimedCourier:
    """Telegram's courier, noting the virtual moment each send starts."""

    def __init__(self, inner: TelegramCourier, time: SharedTime, log: list[tuple[float, str]]) -> None:
        self.inner, self.time, self.log = inner, time, log
        self.channel, self.limits, self.daily_new_people = inner.channel, inner.limits, None

    async def deliver(self, job: Job, **parts: Callable[..., Awaitable[Any]]) -> Delivered:
        self.log.append((self.time.now(), job.chat_id))
        self.time.requests += 1
        try:
            return await self.inner.deliver(job, **parts)  # type: ignore[arg-type]
        finally:
            self.time.requests -= 1
            self.time._move()


@pytest.fixture
async def api() -> AsyncIterator[BotApiStandIn]:
    async with BotApiStandIn(TOKEN) as standin:
        yield standin


@asynccontextmanager
async def _senders(
    api: BotApiStandIn, database_url: str, time: SharedTime, log: list[tuple[float, str]],
    n: int, *, shared: bool = True,
) -> AsyncIterator[tuple[list[Sender], list[ScriptedRequest]]]:
    engines: list[AsyncEngine] = [create_engine(database_url) for _ in range(n)]
    requests = [ScriptedRequest() for _ in range(n)]
    bots = [Bot(TOKEN, base_url=api.base_url, request=r) for r in requests]
    clock = time.clock()
    senders = [
        Sender(
            {"telegram": TimedCourier(TelegramCourier(b, RATE), time, log)},  # type: ignore[dict-item]
            create_sessionmaker(e), clock, SenderConfig(rate_per_second=RATE, shared_budget=shared),
            timer=time, rng=random.Random(n),
        )
        for b, e in zip(bots, engines, strict=True)
    ]
    for b in bots:
        await b.initialize()
    try:
        yield senders, requests
    finally:
        for b in bots:
            await b.shutdown()
        for e in engines:
            await e.dispose()


async def _drain_together(senders: list[Sender], time: SharedTime) -> None:
    async def one(sender: Sender) -> None:
        try:
            await sender.drain()
        finally:
            time.leave()

    await asyncio.gather(*(one(s) for s in senders))


def _most_in_a_second(moments: list[float]) -> int:
    moments = sorted(moments)
    return max(sum(1 for m in moments[i:] if m < start + 1.0) for i, start in enumerate(moments))


def _closest_to_same_chat(log: list[tuple[float, str]]) -> float:
    last: dict[str, float] = {}
    closest = float("inf")
    for at, chat in sorted(log):
        if chat in last:
            closest = min(closest, at - last[chat])
        last[chat] = at
    return closest


async def _fill(sessions: async_sessionmaker[AsyncSession], now: datetime, people: int, each: int) -> int:
    for n in range(people):
        person = await add_person(sessions, now, 7000 + n)
        for m in range(each if n % 4 == 0 else 1):
            await queue(sessions, now, f"duyuru {n}.{m}", person_id=person, respect_quiet_hours=False)
    return sum(each if n % 4 == 0 else 1 for n in range(people))


async def _statuses(sessions: async_sessionmaker[AsyncSession]) -> dict[str, int]:
    async with sessions.begin() as session:
        rows = await session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status))
        return dict(rows.all())


@ON_POSTGRES
async def test_two_senders_share_one_rate_and_keep_each_chat_s_spacing(
    api, database_url, sessions, clock
) -> None:
    rows = await _fill(sessions, clock.now(), 60, 3)
    time, log = SharedTime(clock.now(), 2), []
    async with _senders(api, database_url, time, log, 2) as (senders, requests):
        await _drain_together(senders, time)

    assert await _statuses(sessions) == {"sent": rows}
    assert len(api.stats.delivered) == rows and api.stats.duplicates() == {}
    assert all(r.calls > rows // 4 for r in requests)  # both took a fair part
    assert _most_in_a_second([at for at, _ in log]) <= MOST_IN_A_SECOND
    assert _closest_to_same_chat(log) >= 1.0
    # Together they still use the whole rate: the queue takes about rows / rate seconds.
    assert time.now() <= rows / RATE * 1.05 + 1.0


@ON_POSTGRES
async def test_without_the_shared_budget_two_senders_send_at_twice_the_rate(
    api, database_url, sessions, clock
) -> None:
    # The check above can fail: two senders pacing themselves exceed the rate together.
    rows = await _fill(sessions, clock.now(), 80, 1)
    time, log = SharedTime(clock.now(), 2), []
    async with _senders(api, database_url, time, log, 2, shared=False) as (senders, _):
        await _drain_together(senders, time)
    assert len(api.stats.delivered) == rows
    assert _most_in_a_second([at for at, _ in log]) > 1.5 * RATE


@ON_POSTGRES
async def test_one_sender_alone_still_reaches_the_full_rate(api, database_url, sessions, clock) -> None:
    rows = await _fill(sessions, clock.now(), 100, 1)
    time, log = SharedTime(clock.now(), 1), []
    async with _senders(api, database_url, time, log, 1) as (senders, _):
        await _drain_together(senders, time)
    assert len(api.stats.delivered) == rows and api.stats.duplicates() == {}
    moments = sorted(at for at, _ in log)
    achieved = (rows - 1) / (moments[-1] - moments[0])
    assert achieved >= 0.95 * RATE
    assert _most_in_a_second(moments) <= MOST_IN_A_SECOND


@ON_POSTGRES
async def test_budgets_in_two_processes_hand_out_each_slot_once_and_share_a_429(
    database_url, engine, clock
) -> None:
    timer = VirtualTimer()
    other = create_engine(database_url)  # the second process's own engine
    try:
        one, two = (
            SharedBudget("telegram", Limits(RATE), create_sessionmaker(e), Timeline(clock, timer))
            for e in (engine, other)
        )
        # The two take turns, as two busy processes would: one timeline of slots, none handed out twice.
        slots = [await (one if n % 3 else two).take() for n in range(30)]
        assert _most_in_a_second(slots) <= RATE * (1 + SLACK) + 1
        assert max(slots) <= 30 / RATE  # and none wasted: 30 slots within 3 s
        await timer.sleep(max(slots))
        held = await two.take()  # the second process holds the rest of a block ...
        await one.pause(5.0)  # ... when the first meets a 429
        later = [await two.take() for _ in range(3)]
        assert held < timer.now() + 0.3 and all(at >= timer.now() + 5.0 - 1e-6 for at in later[1:])
    finally:
        await other.dispose()


async def test_the_common_time_follows_the_clock_and_the_timer_never_back(clock) -> None:
    timer = VirtualTimer()
    timeline = Timeline(clock, timer)
    start = clock.now().timestamp()
    assert timeline.now() == start
    await timer.sleep(2.5)  # a frozen clock: the timer moves the common time on
    assert timeline.now() == start + 2.5
    clock.advance(timedelta(seconds=1))  # the clock moved, but less than the timer: never back
    assert timeline.now() == start + 2.5
    clock.advance(timedelta(seconds=10))
    assert timeline.now() == start + 11 and timeline.to_timer(start + 12) == timer.now() + 1
