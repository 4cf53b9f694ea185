"""aiosqlite with one trip to its worker thread per statement.

SQLAlchemy's aiosqlite adapter makes four trips to aiosqlite's worker thread
for every statement (make a cursor, execute, fetch, close). Each trip wakes
the event loop from another thread, about 90 µs of CPU here, and those trips
were the largest single cost of handling an update on SQLite
(docs/performance.md). This adapter runs the four steps as one function in
the worker thread and hands SQLAlchemy the rows, description, row count and
last row id together, and skips the trip to commit or roll back when SQLite
has no transaction open.

Python's sqlite3 begins a transaction at a connection's first write; with
`isolation_level="IMMEDIATE"` that is `BEGIN IMMEDIATE`, which takes SQLite's
write lock up front, so a writer that has to wait for another (the outbox
sender, a CLI command) waits in SQLite's busy handler on aiosqlite's thread and
never fails on a stale read snapshot (SQLITE_BUSY_SNAPSHOT).

Statements run on the loop's thread (below) do not give the loop a turn, so a
pass that runs many in a row (the digest planner's batches) would hold it for
their sum: once a step of the loop has run statements here for STEP_SECONDS,
the next one lets the loop turn first (`_Step`).

A statement that cannot wait for SQLite's write lock and has run quickly
before runs right here on the event loop's thread instead (`_inline`): a read
in autocommit (WAL readers never wait), a write that begins a transaction
when the write lock is free at that moment (`BEGIN IMMEDIATE` tried without
waiting), or any statement of a transaction that already holds the lock. Handing a statement to the worker thread
and back costs more CPU than running it (two thread wake-ups, the loop's
self-pipe, the GIL passed back and forth); on the throughput benchmark this
was the largest cost left of the database (docs/performance.md). What would
wait (a write while another connection holds the lock: `BEGIN IMMEDIATE` sits
in the busy handler up to BUSY_TIMEOUT_SECONDS), what is new, and what took more
than INLINE_SECONDS last time (a report's large read) still go to the worker
thread, so the loop is never held by a lock or a long statement. A commit
runs here too (it appends to the log, no sync with `synchronous=NORMAL`),
except on the worker thread: one of more than INLINE_COMMIT_ROWS changed
rows (many pages to write), and every CHECKPOINT_EVERY-th (or sooner after
many changed rows), which also checkpoints the log (copies it into the
database file and syncs it): SQLite's own checkpoint at commit is turned off
for these connections.

Everything else is SQLAlchemy's aiosqlite dialect, unchanged:
`create_async_engine(url, module=dbapi(), connect_args=CONNECT_ARGS)`. It
builds on SQLAlchemy's adapter classes and aiosqlite's `_execute`, which is
why pyproject.toml pins both to the minor versions tested
(tests/storage/test_sqlite_driver.py).
"""

from __future__ import annotations

import asyncio
import collections
import sqlite3
import time
from typing import Any

import aiosqlite
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.util.concurrency import await_

BUSY_TIMEOUT_SECONDS = 5.0
# check_same_thread: the connection is used from the loop's thread too, one statement at a time
# (the adapter's mutex), never while the worker thread runs one.
CONNECT_ARGS = {"isolation_level": "IMMEDIATE", "check_same_thread": False}
# A statement runs on the loop's thread only if its last run took less CPU time than this.
INLINE_SECONDS = 0.001
_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")
# Statements run on the loop's thread for this long in one step of the loop: then it gets its turn.
STEP_SECONDS = 0.01

Outcome = tuple[Any, int, int | None, list[Any] | None]


def _run_statement(connection: sqlite3.Connection, operation: str, parameters: Any, many: bool) -> Outcome:
    """Runs in aiosqlite's worker thread: the whole life of one cursor."""
    cursor = connection.cursor()
    try:
        if many:
            cursor.executemany(operation, parameters)
        else:
            cursor.execute(operation, () if parameters is None else parameters)
        rows = cursor.fetchall() if cursor.description else None
        return cursor.description, cursor.rowcount, cursor.lastrowid, rows
    finally:
        cursor.close()


class _Timings:
    """How long each statement text took last time (seconds), for deciding where it runs next."""

    LIMIT = 4096  # statement texts are SQLAlchemy's cached compilations; forget all past this many

    def __init__(self) -> None:
        self.last: dict[str, float] = {}

    def fast(self, operation: str) -> bool:
        return self.last.get(operation, INLINE_SECONDS) < INLINE_SECONDS

    def note(self, operation: str, seconds: float) -> None:
        if len(self.last) >= self.LIMIT and operation not in self.last:
            self.last.clear()
        self.last[operation] = seconds


_timings = _Timings()


def _timed_statement(connection: sqlite3.Connection, operation: str, parameters: Any, many: bool) -> Outcome:
    # The thread's CPU time: on a busy machine, time preempted (or waiting for the GIL) would
    # make every statement look slow.
    started = time.thread_time()
    try:
        return _run_statement(connection, operation, parameters, many)
    finally:
        _timings.note(operation, time.thread_time() - started)


def _inline(connection: sqlite3.Connection, operation: str) -> bool:
    """Whether the statement can run on the loop's thread: it cannot wait for a lock and ran quickly."""
    if not _timings.fast(operation):
        return False
    if connection.in_transaction:
        return True  # this connection holds the write lock (BEGIN IMMEDIATE): nothing to wait for
    first = operation.lstrip()[:7].upper()
    if first.startswith("SELECT"):
        return True  # a read in autocommit: WAL readers never wait
    # A write begins the transaction: here only if the write lock is free right now. DDL and
    # PRAGMAs may take locks too: the worker thread.
    return first.startswith(_WRITES) and _begin_without_waiting(connection)


def _begin_without_waiting(connection: sqlite3.Connection) -> bool:
    """BEGIN IMMEDIATE if no other connection holds the write lock; False (nothing begun) if one does.

    Python's sqlite3 sees the open transaction and begins no other before the write.
    """
    patience = connection.execute("PRAGMA busy_timeout").fetchone()[0]
    connection.execute("PRAGMA busy_timeout=0")
    try:
        connection.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as error:
        if error.sqlite_errorcode != sqlite3.SQLITE_BUSY:
            raise
        return False  # the worker thread waits for the lock (the busy handler)
    finally:
        connection.execute(f"PRAGMA busy_timeout={int(patience)}")
    return True


class _Step:
    """When the loop's current step began running statements on its thread.

    The mark is cleared by a callback scheduled at the step's first statement, which runs as soon
    as the step gives the loop a turn; a step still running statements past STEP_SECONDS is over
    its share.
    """

    def __init__(self) -> None:
        self.loop: asyncio.AbstractEventLoop | None = None
        self.started: float | None = None

    def over(self) -> bool:
        loop = asyncio.get_running_loop()
        now = time.perf_counter()
        if self.started is None or self.loop is not loop:
            self.loop, self.started = loop, now
            loop.call_soon(self._clear)
            return False
        return now - self.started > STEP_SECONDS

    def _clear(self) -> None:
        self.started = None


_step = _Step()


class _Checkpoints:
    """Counts commits and the rows they changed: every CHECKPOINT_EVERY-th commit, or the one that
    brings the rows past CHECKPOINT_ROWS, checkpoints the write-ahead log.

    The connections turn SQLite's own checkpoint at commit off (`wal_autocheckpoint=0`, storage/db.py),
    because a commit runs on the loop's thread and a checkpoint syncs the file; SQLite's default
    checkpoints when the log reaches 1,000 pages, a few hundred of this bot's commits.
    """

    def __init__(self) -> None:
        self.commits = 0
        self.rows = 0

    def due(self, rows: int) -> bool:
        """Count a commit that changed `rows` rows; True if it should checkpoint."""
        self.commits += 1
        self.rows += rows
        if self.commits < CHECKPOINT_EVERY and self.rows < CHECKPOINT_ROWS:
            return False
        self.commits = self.rows = 0
        return True


# Checkpoint after this many commits, or sooner after this many changed rows (a large import),
# so the log stays near SQLite's default size (1,000 pages).
CHECKPOINT_EVERY = 100
CHECKPOINT_ROWS = 2000
_checkpoints = _Checkpoints()
# A commit that changed more rows than this writes many pages to the log (a planning pass's
# batch of digests: tens of milliseconds), so it runs on the worker thread, not the loop's.
INLINE_COMMIT_ROWS = 100


def _commit(connection: sqlite3.Connection) -> None:
    connection.commit()


def _commit_and_checkpoint(connection: sqlite3.Connection) -> None:
    connection.commit()
    connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()


class OneTripCursor(AsyncAdapt_aiosqlite_cursor):
    """A client-side cursor whose statement, rows and close take one trip."""

    __slots__ = ("_description", "_lastrowid", "_rowcount")

    def __init__(self, adapt_connection: AsyncAdapt_aiosqlite_connection) -> None:
        # No aiosqlite cursor is made here: _run_statement makes and closes its own.
        self._adapt_connection = adapt_connection
        self._connection = adapt_connection._connection
        self._cursor = None  # type: ignore[assignment]
        self._soft_closed_memoized = {}
        self._rows = collections.deque()
        self._description: Any = None
        self._rowcount = -1
        self._lastrowid: int | None = None

    @property
    def description(self) -> Any:
        return self._description

    @property
    def rowcount(self) -> int:
        return self._rowcount

    @property
    def lastrowid(self) -> int:
        return self._lastrowid  # type: ignore[return-value]

    async def _async_soft_close(self) -> None:
        return None  # the rows are already here and the sqlite cursor is closed

    def close(self) -> None:
        self._rows.clear()

    async def _trip(self, operation: Any, parameters: Any, many: bool) -> None:
        connection: aiosqlite.Connection = self._connection  # type: ignore[assignment]
        async with self._adapt_connection._execute_mutex:
            raw = connection._conn
            if not many and _inline(raw, operation):
                if _step.over():
                    await asyncio.sleep(0)  # the loop answers others before this step goes on
                outcome: Outcome = _timed_statement(raw, operation, parameters, many)
            else:
                outcome = await connection._execute(_timed_statement, raw, operation, parameters, many)
        self._description, self._rowcount, self._lastrowid, rows = outcome
        self._rows = collections.deque(rows or ())

    async def _execute_async(self, operation: Any, parameters: Any) -> None:
        await self._trip(operation, parameters, False)

    async def _executemany_async(self, operation: Any, seq_of_parameters: Any) -> None:
        await self._trip(operation, seq_of_parameters, True)


class OneTripConnection(AsyncAdapt_aiosqlite_connection):
    """Commits and rolls back only when SQLite has a transaction open, on the loop's thread.

    Python's sqlite3 opens one at the first write, so a read-only unit of work
    (most updates) needs nothing to end it, and the pool's rollback when a
    connection is returned after a commit needs nothing either. A commit of many
    rows, or one due to checkpoint the log (`_Checkpoints`), takes the trip to the worker thread.
    """

    __slots__ = ("_changes_committed",)
    _cursor_cls = OneTripCursor

    def _in_transaction(self) -> bool:
        # Read between statements, while the worker thread is idle; None once closed.
        connection: sqlite3.Connection | None = self._connection._connection  # type: ignore[attr-defined]
        return connection is not None and connection.in_transaction

    def commit(self) -> None:
        if not self._in_transaction():
            return
        raw: sqlite3.Connection = self._connection._conn  # type: ignore[attr-defined]
        changed = raw.total_changes - getattr(self, "_changes_committed", 0)
        self._changes_committed = raw.total_changes
        try:
            if _checkpoints.due(changed):
                # The log is copied into the database file (and synced) on the worker thread.
                await_(self._connection._execute(_commit_and_checkpoint, raw))
            elif changed > INLINE_COMMIT_ROWS:
                await_(self._connection._execute(_commit, raw))
            else:
                raw.commit()  # appends to the log: no sync (synchronous=NORMAL)
        except (sqlite3.Error, ValueError) as error:  # as SQLAlchemy's adapter: a closed one
            self._handle_exception(error)

    def rollback(self) -> None:
        if self._in_transaction():
            try:
                self._connection._conn.rollback()
            except (sqlite3.Error, ValueError) as error:  # as SQLAlchemy's adapter: a closed one
                self._handle_exception(error)


class OneTripDBAPI(AsyncAdapt_aiosqlite_dbapi):
    def connect(self, *arg: Any, **kw: Any) -> OneTripConnection:
        connection = self.aiosqlite.connect(*arg, **kw)
        # As SQLAlchemy does: a forgotten connection must not keep the process alive.
        connection._thread.daemon = True
        return OneTripConnection(self, await_(connection))


def dbapi() -> OneTripDBAPI:
    """The DBAPI module object to hand to create_async_engine(module=...)."""
    return OneTripDBAPI(aiosqlite, sqlite3)
