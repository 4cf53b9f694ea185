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

Everything else is SQLAlchemy's aiosqlite dialect, unchanged:
`create_async_engine(url, module=dbapi(), connect_args=CONNECT_ARGS)`. It
builds on SQLAlchemy's adapter classes and aiosqlite's `_execute`, which is
why pyproject.toml pins both to the minor versions tested
(tests/storage/test_sqlite_driver.py).
"""

from __future__ import annotations

import collections
import sqlite3
from typing import Any

import aiosqlite
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.util.concurrency import await_

BUSY_TIMEOUT_SECONDS = 5.0
CONNECT_ARGS = {"isolation_level": "IMMEDIATE"}

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
            outcome: Outcome = await connection._execute(
                _run_statement, connection._conn, operation, parameters, many
            )
        self._description, self._rowcount, self._lastrowid, rows = outcome
        self._rows = collections.deque(rows or ())

    async def _execute_async(self, operation: Any, parameters: Any) -> None:
        await self._trip(operation, parameters, False)

    async def _executemany_async(self, operation: Any, seq_of_parameters: Any) -> None:
        await self._trip(operation, seq_of_parameters, True)


class OneTripConnection(AsyncAdapt_aiosqlite_connection):
    """Commits and rolls back only when SQLite has a transaction open.

    Python's sqlite3 opens one at the first write, so a read-only unit of work
    (most updates) needs no trip to end it, and the pool's rollback when a
    connection is returned after a commit needs none either.
    """

    __slots__ = ()
    _cursor_cls = OneTripCursor

    def _in_transaction(self) -> bool:
        # Read between statements, while the worker thread is idle; None once closed.
        connection: sqlite3.Connection | None = self._connection._connection  # type: ignore[attr-defined]
        return connection is not None and connection.in_transaction

    def commit(self) -> None:
        if self._in_transaction():
            super().commit()

    def rollback(self) -> None:
        if self._in_transaction():
            super().rollback()


class OneTripDBAPI(AsyncAdapt_aiosqlite_dbapi):
    def connect(self, *arg: Any, **kw: Any) -> OneTripConnection:
        connection = self.aiosqlite.connect(*arg, **kw)
        # As SQLAlchemy does: a forgotten connection must not keep the process alive.
        connection._thread.daemon = True
        return OneTripConnection(self, await_(connection))


def dbapi() -> OneTripDBAPI:
    """The DBAPI module object to hand to create_async_engine(module=...)."""
    return OneTripDBAPI(aiosqlite, sqlite3)
