"""Engine and session factory.

One `AsyncSession` per update and per job: callers open it with
`async with sessions.begin() as session:` and own the transaction.
"""

from __future__ import annotations

from typing import Any

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
