"""The one-trip aiosqlite adapter: SQLAlchemy gets what the stock adapter gives, in one trip."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import aiosqlite
import pytest
from sqlalchemy import (
    Column,
    Integer,
    MetaData,
    String,
    Table,
    delete,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine

from storage import sqlite_driver
from storage.db import create_engine
from storage.sqlite_driver import OneTripCursor

metadata = MetaData()
notes = Table(
    "notes", metadata,
    Column("id", Integer, primary_key=True),
    Column("body", String, nullable=False, unique=True),
)


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'driver.db'}")
    async with engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
    try:
        yield engine
    finally:
        await engine.dispose()


@pytest.fixture(autouse=True)
def fresh_timings(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts with no statement known to be quick (they would run on the loop's thread)."""
    monkeypatch.setattr(sqlite_driver, "_timings", sqlite_driver._Timings())


@pytest.fixture
def trips(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Names of the functions sent to aiosqlite's worker thread."""
    seen: list[str] = []
    original = aiosqlite.Connection._execute

    async def counting(self: aiosqlite.Connection, fn, *args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(getattr(fn, "__name__", repr(fn)))
        return await original(self, fn, *args, **kwargs)

    monkeypatch.setattr(aiosqlite.Connection, "_execute", counting)
    return seen


async def test_a_select_takes_one_trip(engine: AsyncEngine, trips: list[str]) -> None:
    async with engine.connect() as connection:
        await connection.execute(insert(notes).values(body="a"))
        trips.clear()
        rows = (await connection.execute(select(notes.c.body))).all()
        assert rows == [("a",)]
        assert trips == ["_timed_statement"]
        raw = await connection.get_raw_connection()
        assert isinstance(raw.driver_connection, aiosqlite.Connection)
        assert isinstance(raw.dbapi_connection.cursor(), OneTripCursor)  # type: ignore[union-attr]


async def test_a_quick_read_runs_on_the_loop_thread_after_its_first_trip(
    engine: AsyncEngine, trips: list[str]
) -> None:
    async with engine.begin() as connection:
        await connection.execute(insert(notes).values(body="a"))
    trips.clear()
    query = select(notes.c.body).where(notes.c.id == 1)
    async with engine.connect() as connection:
        assert (await connection.execute(query)).all() == [("a",)]
        assert trips == ["_timed_statement"], "a statement not seen before goes to the worker thread"
        assert (await connection.execute(query)).all() == [("a",)]
        assert trips == ["_timed_statement"], "then, quick and unable to wait for a lock, it runs here"
    trips.clear()
    async with engine.begin() as connection:
        await connection.execute(insert(notes).values(body="b"))
        await connection.execute(insert(notes).values(body="c"))
        assert [row.body for row in await connection.execute(select(notes.c.body).order_by(notes.c.id))] == [
            "a", "b", "c"]
    # The insert, known quick, begins the transaction here (the lock was free) and the second runs in
    # it; the new select takes a trip; the commit runs here.
    assert trips == ["_timed_statement"]


async def _turns_during_reads(engine: AsyncEngine, reads: int) -> list[int]:
    """How many turns another task had got by each of `reads` quick reads run one after another."""
    query = select(notes.c.body).where(notes.c.id == 1)
    turns = 0
    seen: list[int] = []

    async def other() -> None:
        nonlocal turns
        while True:
            turns += 1
            await asyncio.sleep(0)

    async with engine.connect() as connection:
        await connection.execute(query)  # its first run takes the trip; then it is known quick
        task = asyncio.create_task(other())
        await asyncio.sleep(0)
        start = turns
        for _ in range(reads):
            await connection.execute(query)
            seen.append(turns - start)
        task.cancel()
    return seen


async def test_reads_on_the_loop_thread_give_the_loop_its_turn_when_a_step_runs_long(
    engine: AsyncEngine, trips: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite_driver, "_step", sqlite_driver._Step())
    monkeypatch.setattr(sqlite_driver, "STEP_SECONDS", 60.0)
    within = await _turns_during_reads(engine, 20)
    assert within == [0] * 20, "within the step's share, quick reads run back to back on the loop's thread"
    trips.clear()
    monkeypatch.setattr(sqlite_driver, "STEP_SECONDS", 0.0)
    over = await _turns_during_reads(engine, 20)
    assert trips == [], "every read ran on the loop's thread: the turns came from the step's share"
    # With no share at all, each step runs one read, then the next finds it over and yields first.
    assert over == sorted(over) and over[-1] >= 10, "past the share, the other task ran between the reads"


async def test_a_write_that_would_wait_for_the_lock_waits_on_the_worker_thread(
    engine: AsyncEngine, trips: list[str]
) -> None:
    await _insert(engine, "known")  # the insert's text is now known to be quick
    await _insert(engine, "quick")
    other = create_engine(engine.url.render_as_string(hide_password=False))  # e.g. the CLI
    try:
        async with other.connect() as holder:
            await holder.execute(insert(notes).values(body="holder"))
            trips.clear()
            writer = asyncio.ensure_future(_insert(engine, "waits"))
            ticks = 0
            while ticks < 10:  # the loop keeps turning while the writer waits
                await asyncio.sleep(0.01)
                ticks += 1
            assert not writer.done(), "the write waits for the other connection's lock"
            assert trips == ["_timed_statement"], "and waits for it on the worker thread, not here"
            await holder.commit()
        await writer
    finally:
        await other.dispose()
    async with engine.connect() as connection:
        assert sorted((await connection.execute(select(notes.c.body))).scalars()) == [
            "holder", "known", "quick", "waits"]


async def test_slow_statements_stay_on_the_worker_thread(
    engine: AsyncEngine, trips: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite_driver, "INLINE_SECONDS", 0.0)  # every statement counts as slow
    async with engine.begin() as connection:
        await connection.execute(insert(notes).values(body="a"))
        await connection.execute(insert(notes).values(body="b"))
    async with engine.connect() as connection:
        for _ in range(3):
            assert await connection.scalar(select(func.count()).select_from(notes)) == 2
    assert trips == ["_timed_statement"] * 5


async def test_every_nth_commit_checkpoints_the_log_on_the_worker_thread(
    engine: AsyncEngine, trips: list[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(sqlite_driver, "CHECKPOINT_EVERY", 3)
    monkeypatch.setattr(sqlite_driver, "_checkpoints", sqlite_driver._Checkpoints())
    log = tmp_path / "driver.db-wal"
    async with engine.connect() as connection:
        assert await connection.scalar(text("PRAGMA wal_autocheckpoint")) == 0, "SQLite's own is off"
    await _insert(engine, "n0")
    trips.clear()
    sizes = []
    for n in range(1, 7):
        await _insert(engine, f"n{n}")
        sizes.append(log.stat().st_size)
    assert trips == ["_commit_and_checkpoint"] * 2, "commits 3 and 6 checkpoint, on the worker thread"
    async with engine.connect() as connection:
        # A checkpoint copies the whole log: nothing is left for a later one to do.
        busy, frames, copied = (await connection.execute(text("PRAGMA wal_checkpoint(PASSIVE)"))).one()
        assert (busy, frames) == (0, copied)
        assert len((await connection.execute(select(notes.c.body))).all()) == 7
    # After a checkpoint the next writer starts the log from its beginning again.
    assert sizes[3] <= sizes[2]


async def test_a_commit_of_many_rows_checkpoints_sooner(
    engine: AsyncEngine, trips: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite_driver, "CHECKPOINT_ROWS", 10)
    monkeypatch.setattr(sqlite_driver, "_checkpoints", sqlite_driver._Checkpoints())
    await _insert(engine, "one")
    async with engine.begin() as connection:
        await connection.execute(insert(notes), [{"body": f"n{n}"} for n in range(8)])
    trips.clear()
    await _insert(engine, "tenth")  # the commit that brings the rows to 10
    assert trips == ["_commit_and_checkpoint"]
    await _insert(engine, "next")
    assert trips == ["_commit_and_checkpoint"], "counting starts again"


async def test_row_counts_ids_and_returning(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        first = await connection.execute(insert(notes).values(body="one"))
        assert first.inserted_primary_key == (1,)
        await connection.execute(insert(notes), [{"body": "two"}, {"body": "three"}, {"body": "four"}])
        changed = await connection.execute(update(notes).where(notes.c.id > 1).values(body=notes.c.body + "!"))
        assert changed.rowcount == 3
        returned = await connection.execute(
            delete(notes).where(notes.c.body.like("%!")).returning(notes.c.body)
        )
        assert sorted(returned.scalars().all()) == ["four!", "three!", "two!"]
        assert await connection.scalar(select(func.count()).select_from(notes)) == 1
        assert (await connection.execute(select(notes).where(notes.c.id == 99))).all() == []


async def test_errors_surface_and_the_connection_goes_on(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        await connection.execute(insert(notes).values(body="same"))
        await connection.commit()
        with pytest.raises(IntegrityError):
            await connection.execute(insert(notes).values(body="same"))
        await connection.rollback()
        await connection.execute(insert(notes).values(body="other"))
        await connection.commit()
        assert await connection.scalar(select(func.count()).select_from(notes)) == 2


async def test_streaming_still_uses_a_server_side_cursor(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        await connection.execute(insert(notes), [{"body": f"n{i}"} for i in range(50)])
    async with engine.connect() as connection:
        result = await connection.stream(select(notes.c.id).order_by(notes.c.id))
        seen = [row.id async for row in result]
    assert seen == list(range(1, 51))


async def test_the_database_keeps_a_write_ahead_log(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        assert await connection.scalar(text("PRAGMA journal_mode")) == "wal"
        assert await connection.scalar(text("PRAGMA foreign_keys")) == 1


async def test_only_a_write_needs_a_trip_to_end_its_transaction(engine: AsyncEngine, trips: list[str]) -> None:
    async with engine.begin() as connection:
        await connection.execute(select(notes.c.id))
    assert trips == ["_timed_statement"], "a read-only transaction ends without a commit trip"
    trips.clear()
    async with engine.begin() as connection:
        await connection.execute(insert(notes).values(body="kept"))
    assert trips == ["_timed_statement"], "the commit runs here, and no rollback when the pool takes it back"
    async with engine.connect() as connection:
        assert await connection.scalar(select(notes.c.body)) == "kept"


async def test_writers_wait_for_each_other_and_readers_do_not_wait(engine: AsyncEngine) -> None:
    order: list[str] = []
    first_wrote = asyncio.Event()
    release_first = asyncio.Event()

    async def first() -> None:
        async with engine.begin() as connection:
            await connection.execute(insert(notes).values(body="first"))
            first_wrote.set()
            await release_first.wait()
            order.append("first commits")

    async def second() -> None:
        await first_wrote.wait()
        async with engine.begin() as connection:
            await connection.execute(insert(notes).values(body="second"))
            order.append("second wrote")

    writers = asyncio.gather(first(), second())
    await first_wrote.wait()
    async with engine.connect() as reader:  # a read while a write is open does not wait
        assert await reader.scalar(select(func.count()).select_from(notes)) == 0
    order.append("read done")
    release_first.set()
    await writers
    assert order == ["read done", "first commits", "second wrote"]
    async with engine.connect() as connection:
        assert sorted((await connection.execute(select(notes.c.body))).scalars()) == ["first", "second"]


async def test_a_failed_or_abandoned_write_leaves_the_database_writable(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        await connection.execute(insert(notes).values(body="taken"))
    async with engine.connect() as connection:
        with pytest.raises(IntegrityError):
            await connection.execute(insert(notes).values(body="taken"))
        await connection.rollback()
    connection = await engine.connect()
    await connection.execute(insert(notes).values(body="left open"))
    await connection.close()  # closed mid-transaction: rolled back, the write lock released
    async with engine.begin() as connection:
        await connection.execute(insert(notes).values(body="next"))
    async with engine.connect() as connection:
        assert sorted((await connection.execute(select(notes.c.body))).scalars()) == ["next", "taken"]


async def test_a_writer_held_too_long_is_reported_as_locked(
    engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite_driver, "BUSY_TIMEOUT_SECONDS", 0.05)
    impatient = create_engine(engine.url.render_as_string(hide_password=False))
    try:
        async with engine.connect() as holder:
            await holder.execute(insert(notes).values(body="holding"))
            async with impatient.connect() as waiting:
                with pytest.raises(OperationalError, match="database is locked"):
                    await waiting.execute(insert(notes).values(body="waiting"))
            await holder.commit()
    finally:
        await impatient.dispose()


async def test_another_engine_on_the_file_waits_for_the_writer(engine: AsyncEngine) -> None:
    other = create_engine(engine.url.render_as_string(hide_password=False))  # e.g. the CLI
    try:
        async with engine.connect() as holder:
            await holder.execute(insert(notes).values(body="bot"))
            cli = asyncio.ensure_future(_insert(other, "cli"))
            done, _ = await asyncio.wait({cli}, timeout=0.2)
            assert not done, "BEGIN IMMEDIATE waits for the other writer"
            await holder.commit()
        await cli
    finally:
        await other.dispose()
    async with engine.connect() as connection:
        assert sorted((await connection.execute(select(notes.c.body))).scalars()) == ["bot", "cli"]


async def _insert(engine: AsyncEngine, body: str) -> None:
    async with engine.begin() as connection:
        await connection.execute(insert(notes).values(body=body))


async def test_a_commit_of_many_rows_writes_them_on_the_worker_thread(
    engine: AsyncEngine, trips: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite_driver, "INLINE_COMMIT_ROWS", 5)
    monkeypatch.setattr(sqlite_driver, "_checkpoints", sqlite_driver._Checkpoints())
    await _insert(engine, "warm")  # the insert's statement is now known to be quick
    trips.clear()
    async with engine.begin() as connection:
        for n in range(5):
            await connection.execute(insert(notes).values(body=f"few{n}"))
    assert trips == [], "five rows: committed on the loop's thread"
    async with engine.begin() as connection:
        for n in range(6):
            await connection.execute(insert(notes).values(body=f"many{n}"))
    assert trips == ["_commit"], "six rows: the commit takes the trip"
    async with engine.connect() as connection:
        assert len((await connection.execute(select(notes.c.body))).all()) == 12
