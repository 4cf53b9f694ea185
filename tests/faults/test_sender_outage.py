"""The outbox sender outlives the database: PostgreSQL stopped and started, SQLite locked past
its busy timeout. Sending pauses, resumes by itself, and every row is still delivered once."""

from __future__ import annotations

import asyncio
import logging
import random
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine
from telegram import Bot
from telegram.request import RequestData

from bot.sender import Sender, SenderConfig
from mentoring.clock import ManualClock
from storage import migrate, sqlite_driver
from storage.db import create_engine, create_sessionmaker
from storage.models import OutboxMessage
from storage.models.health import WorkerHeartbeat
from tests.standin import BotApiStandIn
from tests.support.postgres import StoppablePostgres
from tests.support.sender import ScriptedRequest, VirtualTimer, add_person, queue

TOKEN = "123456:TEST-TOKEN"
PEOPLE = 30
FAULT_AFTER = 10
# Generous bound for real I/O (a server starting); the test ends as soon as the condition holds.
DEADLINE = 120.0


class FaultAfter(ScriptedRequest):
    """Real HTTP to the stand-in; after the n-th delivered message, `fault()` runs once."""

    def __init__(self, n: int, fault: Callable[[], None]) -> None:
        super().__init__()
        self.n, self.fault, self.sent = n, fault, 0
        self.done = False

    async def do_request(
        self, url: str, method: str, request_data: RequestData | None = None, **kwargs: Any
    ) -> tuple[int, bytes]:
        answer = await super().do_request(url, method, request_data, **kwargs)
        if url.endswith("/sendMessage"):
            self.sent += 1
            if self.sent == self.n:
                # Inside the send: its result (and the batch's) cannot be written afterwards.
                # In a thread: the fault may wait for the sender's open transaction to end.
                await asyncio.to_thread(self.fault)
                self.done = True
        return answer


async def until(condition: Callable[[], Any], what: str) -> None:
    """Yield to the sender until `condition()` holds (the condition, not a time, ends the wait)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + DEADLINE
    while not await condition():
        if loop.time() > deadline:
            raise AssertionError(f"never happened: {what}")
        await asyncio.sleep(0.01)


async def play_outage(
    engine: AsyncEngine,
    fault: Callable[[], None],
    heal: Callable[[], Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    sessions = create_sessionmaker(engine)
    clock = ManualClock(datetime(2026, 11, 23, 10, 0, tzinfo=UTC))
    for n in range(PEOPLE):
        person = await add_person(sessions, clock.now(), 5000 + n)
        await queue(sessions, clock.now(), f"announcement {n}", kind="broadcast", person_id=person)

    async with BotApiStandIn(TOKEN) as api:
        request = FaultAfter(FAULT_AFTER, fault)
        async with Bot(TOKEN, base_url=api.base_url, base_file_url=api.base_file_url,
                       request=request) as bot:
            sender = Sender(bot, sessions, clock, SenderConfig(), timer=VirtualTimer(),  # type: ignore[arg-type]
                            rng=random.Random(3))
            caplog.set_level(logging.INFO, logger="bot")
            task = asyncio.create_task(sender.run())
            try:
                async def faulted() -> bool:
                    assert not task.done(), "the sender ended"
                    return request.done

                await until(faulted, "the database went away")
                down_at = sender.health.failures

                async def degraded() -> bool:
                    assert not task.done(), "the sender ended"
                    return sender.health.failures >= down_at + 2

                await until(degraded, "the sender noticed the outage")
                assert not sender.health.healthy
                await heal()

                async def all_sent() -> bool:
                    assert not task.done(), "the sender ended"
                    try:
                        async with sessions.begin() as session:
                            return await session.scalar(
                                select(func.count()).select_from(OutboxMessage)
                                .where(OutboxMessage.status == "sent")
                            ) == PEOPLE
                    except Exception:  # noqa: BLE001 - the database is still coming back
                        return False

                await until(all_sent, "every row sent after the outage")
                assert sender.health.healthy
            finally:
                await sender.stop()
                await task

    # Every person got the announcement exactly once; nothing is left in doubt.
    assert len(api.stats.delivered) == PEOPLE and api.stats.duplicates() == {}
    async with sessions.begin() as session:
        rows = (await session.scalars(select(OutboxMessage))).all()
        beat = await session.scalar(
            select(WorkerHeartbeat).where(WorkerHeartbeat.worker == "sender")
        )
    assert {(r.status, r.in_doubt) for r in rows} == {("sent", False)}
    assert beat is not None and beat.healthy
    # The fault was told at once, with its cause, while the sender ran; and so was the recovery.
    failed = [r for r in caplog.records if "Outbox sender failed" in r.getMessage()]
    assert failed and failed[0].levelno == logging.ERROR and failed[0].exc_info is not None
    assert any("Outbox sender recovered" in r.getMessage() for r in caplog.records)


@pytest.mark.postgres
async def test_postgres_stopped_and_started_under_a_running_sender(
    server: StoppablePostgres, caplog: pytest.LogCaptureFixture
) -> None:
    connection = await asyncpg.connect(
        host="127.0.0.1", port=server.port, user="postgres", database="postgres"
    )
    await connection.execute('CREATE DATABASE "narbot_outage"')
    await connection.close()
    engine = create_engine(server.url.rsplit("/", 1)[0] + "/narbot_outage")
    await migrate.upgrade(engine)
    try:
        await play_outage(engine, server.halt, lambda: asyncio.to_thread(server.resume), caplog)
    finally:
        await engine.dispose()


@contextmanager
def short_busy_timeout(seconds: float) -> Iterator[None]:
    """The busy timeout is real time inside SQLite: shortened, so a try does not wait 5 s."""
    saved = sqlite_driver.BUSY_TIMEOUT_SECONDS
    sqlite_driver.BUSY_TIMEOUT_SECONDS = seconds
    try:
        yield
    finally:
        sqlite_driver.BUSY_TIMEOUT_SECONDS = saved


async def test_sqlite_locked_past_the_busy_timeout_then_released(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "narbot.db"
    other_process: list[sqlite3.Connection] = []

    def lock() -> None:
        # Another process (a backup, the CLI) holds the write lock for longer than the busy timeout.
        holder = sqlite3.connect(path, isolation_level=None, timeout=30, check_same_thread=False)
        holder.execute("BEGIN IMMEDIATE")
        other_process.append(holder)

    async def release() -> None:
        holder = other_process.pop()
        holder.execute("ROLLBACK")
        holder.close()

    with short_busy_timeout(0.2):
        engine = create_engine(f"sqlite+aiosqlite:///{path}")
        await migrate.upgrade(engine)
        try:
            await play_outage(engine, lock, release, caplog)
        finally:
            await engine.dispose()
    assert any("database is locked" in str(r.getMessage()) for r in caplog.records)

