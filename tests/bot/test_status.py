"""`narbot status`: the outbox queue and the workers' heartbeats, as an operator reads them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.admin_status import is_healthy, status_lines
from mentoring.clock import ManualClock
from storage.repositories import health
from tests.support.sender import add_person, queue
from tests.unit.test_cli import narbot


async def test_a_fresh_database_says_nobody_reports(tmp_path: Path, database_url: str) -> None:
    result = narbot(database_url, tmp_path, "status")
    assert result.returncode == 1 and not result.stderr, result.stderr
    assert "Outbox: 0 due, 0 sending" in result.stdout
    assert "No sender or planner has reported: is the bot running?" in result.stdout


async def test_heartbeats_and_the_queue(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    now = clock.now()
    person = await add_person(sessions, now, 4242)
    await queue(sessions, now - timedelta(minutes=7), "waiting", person_id=person)
    await queue(sessions, now + timedelta(hours=1), "later", person_id=person)
    async with sessions.begin() as session:
        await health.beat(session, "sender@host:1", "sender", now - timedelta(seconds=20),
                          degraded_since=None, last_error=None)
        await health.beat(session, "planner@host:1", "planner", now - timedelta(seconds=30),
                          degraded_since=None, last_error=None)
        lines = await status_lines(session, now)
        assert await is_healthy(session, now)
    assert lines[0] == "Outbox: 1 due (oldest 7m), 0 sending"
    assert "sender@host:1: healthy (heard 20s ago)" in lines
    assert "planner@host:1: healthy (heard 30s ago)" in lines

    async with sessions.begin() as session:
        await health.beat(session, "sender@host:1", "sender", now, degraded_since=now - timedelta(minutes=3),
                          last_error="ConnectionRefusedError: [Errno 111] Connect call failed")
        lines = await status_lines(session, now)
        assert not await is_healthy(session, now)
    assert ("sender@host:1: DEGRADED for 3m (heard 0s ago): "
            "ConnectionRefusedError: [Errno 111] Connect call failed") in lines

    later = now + timedelta(minutes=10)
    async with sessions.begin() as session:
        lines = await status_lines(session, later)
        assert not await is_healthy(session, later)
    assert "planner@host:1: silent for 10m: stopped, or cannot reach the database" in lines


async def test_a_running_worker_reports_in_the_cli(tmp_path: Path, database_url: str,
                                                   sessions: async_sessionmaker[AsyncSession]) -> None:
    real_now = datetime.now(UTC)
    async with sessions.begin() as session:
        for worker in ("sender", "planner"):
            await health.beat(session, f"{worker}@host:7", worker, real_now, degraded_since=None, last_error=None)
    result = narbot(database_url, tmp_path, "status")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "sender@host:7: healthy" in result.stdout and "planner@host:7: healthy" in result.stdout
