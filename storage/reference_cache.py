"""An in-process cache for what almost every update reads and almost nothing writes.

Who is behind a Telegram account (person, roles, consent), a group's rhythm and
a programme's reflection questions are read on nearly every update but change
a few times a programme. Reading them from the database each time was most of
the cost of an update (docs/performance.md), so they are kept here between
updates.

Correctness rests on three rules:
- Any write to a watched table through any engine of this process on the same
  database empties the whole cache: when the statement runs, and again when
  the connection goes back to the pool (after its commit or rollback), so a
  value read while the write was in flight is not kept.
- A session that has written to a watched table, or holds such changes not yet
  flushed, reads around the cache until its transaction ends: it must see its
  own writes, and nobody else may see them before they are committed.
- Changes made by another process (the CLI against PostgreSQL while the bot
  runs) are seen within `TTL_SECONDS` (five minutes): the CLI adds programmes,
  groups, invites and question sets, which nobody has read yet, so in practice
  this covers several bot processes on one PostgreSQL database.

Values must be immutable snapshots (frozen dataclasses, tuples), never ORM
objects, which belong to one session.
"""

from __future__ import annotations

import time
import weakref
from collections.abc import Awaitable, Callable, Hashable
from itertools import chain
from typing import Any, TypeVar

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction
from sqlalchemy.pool import Pool

T = TypeVar("T")

WATCHED_TABLES = frozenset({
    "people", "channel_identities", "consent_records", "memberships",
    "programmes", "groups", "group_schedules", "reflection_question_sets",
    "privacy_notices", "explicit_consents",
})
TTL_SECONDS = 300.0
MAX_ENTRIES = 50_000

_DIRTY_CONNECTION = "narbot.reference_cache"  # connection info: the cache to empty at check-in
_DIRTY_SESSION = "narbot.reference_writes"  # session info: this transaction wrote watched rows


class ReferenceCache:
    """Values keyed by what they describe, all dropped together when a watched table changes."""

    def __init__(self, ttl: float = TTL_SECONDS, max_entries: int = MAX_ENTRIES,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self.max_entries = max_entries
        self._monotonic = monotonic
        self._entries: dict[Hashable, tuple[float, Any]] = {}
        # Counts invalidations, so a value read before one is not stored after it.
        self.generation = 0

    def invalidate(self) -> None:
        self.generation += 1
        self._entries.clear()

    def get(self, key: Hashable) -> tuple[bool, Any]:
        entry = self._entries.get(key)
        if entry is None:
            return False, None
        expires, value = entry
        if self._monotonic() >= expires:
            del self._entries[key]
            return False, None
        return True, value

    def put(self, key: Hashable, value: Any, generation: int) -> None:
        """Keep a value read while `generation` was current, unless something changed since."""
        if generation != self.generation:
            return
        if len(self._entries) >= self.max_entries:
            del self._entries[next(iter(self._entries))]  # the oldest
        self._entries[key] = (self._monotonic() + self.ttl, value)


# One cache per database: engines on the same URL (the bot's, a CLI command's) share it.
_by_engine: weakref.WeakKeyDictionary[Engine, ReferenceCache] = weakref.WeakKeyDictionary()
_by_url: weakref.WeakValueDictionary[str, ReferenceCache] = weakref.WeakValueDictionary()


def cache_of(engine: Engine) -> ReferenceCache:
    cache = _by_engine.get(engine)
    if cache is None:
        url = engine.url.render_as_string(hide_password=False)
        cache = _by_url.get(url)
        if cache is None:
            cache = ReferenceCache()
            _by_url[url] = cache
        _by_engine[engine] = cache
    return cache


async def cached(session: AsyncSession, key: Hashable, load: Callable[[], Awaitable[T]]) -> T:
    """The cached value for `key`, or `await load()` (which reads through `session`), kept."""
    engine = getattr(session.bind, "sync_engine", None)
    if engine is None or _reads_around(session.sync_session):
        return await load()
    cache = cache_of(engine)
    found, value = cache.get(key)
    if found:
        return value  # type: ignore[no-any-return]
    generation = cache.generation
    value = await load()
    if not _reads_around(session.sync_session):
        cache.put(key, value, generation)
    return value


def peek(sessions: async_sessionmaker[AsyncSession], key: Hashable) -> tuple[bool, Any]:
    """(True, value) when `key` is cached; for callers outside a unit of work, who then
    need no session at all (the consent gate, before every update)."""
    engine = getattr(sessions.kw.get("bind"), "sync_engine", None)
    return cache_of(engine).get(key) if engine is not None else (False, None)


def _reads_around(session: Session) -> bool:
    if session.info.get(_DIRTY_SESSION):
        return True
    if not (session.new or session.deleted or session.identity_map.check_modified()):
        return False  # nothing pending at all: the usual case, and cheap to see
    return _holds_watched(session)


def _holds_watched(session: Session) -> bool:
    """Whether the session has new, changed or deleted rows of a watched table."""
    return any(
        _table_of(type(instance)) in WATCHED_TABLES
        for instance in chain(session.new, session.deleted, session.dirty)
    )


def _table_of(mapped: type) -> str | None:
    table = getattr(mapped, "__table__", None)
    return getattr(table, "name", None)


# ---- invalidation ----


@event.listens_for(Engine, "after_cursor_execute")
def _after_statement(connection: Connection, _cursor: Any, _statement: str, _parameters: Any,
                     context: Any, _executemany: bool) -> None:
    if context is None:
        return
    if context.isddl:
        touched = True
    elif context.isinsert or context.isupdate or context.isdelete:
        table = getattr(getattr(context.compiled, "statement", None), "table", None)
        touched = getattr(table, "name", None) in WATCHED_TABLES
    else:
        return
    if touched:
        cache = cache_of(connection.engine)
        cache.invalidate()
        connection.info[_DIRTY_CONNECTION] = cache


@event.listens_for(Pool, "checkin")
def _after_transaction(_dbapi_connection: Any, record: Any) -> None:
    # Back in the pool means committed or rolled back: empty once more, for values
    # read while the write was not yet visible.
    cache = record.info.pop(_DIRTY_CONNECTION, None) if record is not None else None
    if cache is not None:
        cache.invalidate()


@event.listens_for(Session, "after_flush")
def _flushed(session: Session, _flush: UOWTransaction) -> None:
    if _holds_watched(session):  # still the pre-flush lists in after_flush
        session.info[_DIRTY_SESSION] = True


@event.listens_for(Session, "do_orm_execute")
def _statement(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        table = getattr(state.statement, "table", None)
        if getattr(table, "name", None) in WATCHED_TABLES:
            state.session.info[_DIRTY_SESSION] = True


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _transaction_ended(session: Session) -> None:
    session.info.pop(_DIRTY_SESSION, None)
