"""Engine and session factory.

One `AsyncSession` per update and per job: callers open it with
`async with sessions.begin() as session:` and own the transaction.
"""

from __future__ import annotations

import errno
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import StaticPool

from storage import reference_cache, sqlite_driver


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # SQLite ignores foreign keys (and so ON DELETE CASCADE) unless asked per connection.
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={int(sqlite_driver.BUSY_TIMEOUT_SECONDS * 1000)}")
    # Write-ahead log: readers (the CLI, a report) do not block the bot's writes and a
    # commit appends to the log instead of syncing the database file. NORMAL syncs at
    # checkpoints: a power cut may lose the last commits, a crashed process loses none.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # Commits run on the event loop's thread; storage/sqlite_driver.py checkpoints every
    # CHECKPOINT_EVERY commits on the worker thread instead (a checkpoint syncs the file).
    cursor.execute("PRAGMA wal_autocheckpoint=0")
    cursor.close()


def create_engine(url: str, *, echo: bool = False) -> AsyncEngine:
    """An async engine for a SQLite (aiosqlite) or PostgreSQL (asyncpg) URL."""
    parsed = make_url(url)
    # hide_parameters: a database error's text would otherwise carry the SQL
    # parameters (what people wrote, their names) into the logs.
    kwargs: dict[str, Any] = {"echo": echo, "hide_parameters": True}
    if parsed.get_backend_name() == "sqlite":
        kwargs["module"] = sqlite_driver.dbapi()
        kwargs["connect_args"] = dict(sqlite_driver.CONNECT_ARGS)
        if parsed.database in (None, "", ":memory:"):
            # One shared connection, or every session would see its own empty database.
            kwargs["poolclass"] = StaticPool
            kwargs["connect_args"]["check_same_thread"] = False
    else:
        # Enough connections for the concurrent updates (bot/update_order.py),
        # the sender and the planner.
        kwargs.update(pool_pre_ping=True, pool_size=20, max_overflow=20)
    engine = create_async_engine(parsed, **kwargs)
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine.sync_engine, "connect", _configure_sqlite)
    reference_cache.cache_of(engine.sync_engine)  # its listeners watch every engine from here on
    return engine


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded values after commit (no lazy loads in async code)."""
    return async_sessionmaker(engine, expire_on_commit=False)


def normalize_database_url(url: str) -> str:
    """Accept the plain URLs people copy (postgresql://, sqlite:///) and pick the async driver."""
    parsed = make_url(url)
    driver = parsed.drivername
    if driver in ("postgresql", "postgres", "postgresql+psycopg2", "postgresql+psycopg"):
        parsed = parsed.set(drivername="postgresql+asyncpg")
    elif driver == "sqlite":
        parsed = parsed.set(drivername="sqlite+aiosqlite")
    return parsed.render_as_string(hide_password=False)


@dataclass(eq=False)
class DatabaseNotWritable(Exception):
    """This process cannot write the SQLite database at `path` (the file, a -wal/-shm file, or the folder).

    `reason`: "missing_folder", "read_only_file_system" or "not_writable"; `detail` is the
    operating system's words when it refused.
    """

    path: Path
    reason: Literal["missing_folder", "read_only_file_system", "not_writable"]
    detail: str = ""

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}{f' ({self.detail})' if self.detail else ''}"


def sqlite_file(url: str) -> Path | None:
    """The database file of a SQLite URL; None for PostgreSQL, in-memory and `file:` URI databases."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    database = parsed.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database).resolve()  # SQLite puts -wal and -shm next to a symlink's target


def check_writable(url: str) -> None:
    """Raise DatabaseNotWritable unless this process can write a SQLite database and its folder.

    Call it before this process opens the database: SQLite on a file it may not
    write fails late and unclearly (a migration's traceback, an outbox sender
    failing on every pass, or SIGBUS on the memory-mapped -shm). Checked: the
    folder exists and is not on a read-only mount (os.statvfs, which also holds
    for root, who passes every permission check); the database file and its -wal
    and -shm files, where they exist, open for writing; and a file can be created
    in the folder (SQLite creates -wal and -shm there). Opening is the test, not
    os.access: it asks the kernel exactly what SQLite will ask. Root may write
    whatever the file modes say, so for root only a read-only mount or an
    immutable file refuses, and both are caught. Opening and closing the file
    would drop the locks of a SQLite connection this process already holds on
    it, hence "before".
    """
    path = sqlite_file(url)
    if path is None:
        return
    folder = path.parent
    if not folder.is_dir():
        raise DatabaseNotWritable(folder, "missing_folder")
    if os.statvfs(folder).f_flag & os.ST_RDONLY:
        raise DatabaseNotWritable(folder, "read_only_file_system")
    for candidate in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if not candidate.exists():
            continue
        try:
            os.close(os.open(candidate, os.O_RDWR))
        except OSError as exc:
            raise _refusal(candidate, exc) from exc
    try:
        with tempfile.TemporaryFile(dir=folder, prefix=f".{path.name}-check-"):
            pass
    except OSError as exc:
        raise _refusal(folder, exc) from exc


def _refusal(path: Path, exc: OSError) -> DatabaseNotWritable:
    reason: Literal["read_only_file_system", "not_writable"] = (
        "read_only_file_system" if exc.errno == errno.EROFS else "not_writable")
    return DatabaseNotWritable(path, reason, exc.strerror or "")
