"""The reference cache: read once, never stale within the process, never a peek at uncommitted writes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import event, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from mentoring.clock import ManualClock
from mentoring.joining import rules as joining
from mentoring.privacy.consent import NOTICE_VERSION
from storage.db import create_engine, create_sessionmaker
from storage.models import ConsentRecord, Person
from storage.models.todos import Todo
from storage.reference_cache import ReferenceCache, cache_of
from tests.support.reflection import make_member
from tests.support.seed import seed_programme

USER = "7001"


@pytest.fixture
def statements(engine: AsyncEngine) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(_conn, _cursor, statement, _params, _context, _many):  # type: ignore[no-untyped-def]
        seen.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", count)
    yield seen
    event.remove(engine.sync_engine, "before_cursor_execute", count)


async def member_locale(sessions: async_sessionmaker[AsyncSession]) -> str:
    async with sessions() as session:
        member = await joining.member_view(session, "telegram", USER)
    assert member is not None
    return member.locale


async def set_locale(sessions: async_sessionmaker[AsyncSession], person_id: int, locale: str) -> None:
    async with sessions.begin() as session:
        person = await session.get(Person, person_id)
        assert person is not None
        person.locale = locale


@pytest.fixture
async def person_id(sessions: async_sessionmaker[AsyncSession], clock: ManualClock) -> int:
    setup = await seed_programme(sessions, clock.now())
    return (await make_member(sessions, setup.groups, USER, clock.now())).person_id


async def test_a_member_is_read_once_until_their_rows_change(
    sessions: async_sessionmaker[AsyncSession], person_id: int, statements: list[str]
) -> None:
    assert await member_locale(sessions) == "tr"
    statements.clear()
    assert await member_locale(sessions) == "tr"
    assert statements == [], "the second lookup is served from the cache"

    await set_locale(sessions, person_id, "en")
    statements.clear()
    assert await member_locale(sessions) == "en"
    assert statements, "a committed change to a watched table is read again"


async def test_bulk_updates_and_consent_records_invalidate_too(
    sessions: async_sessionmaker[AsyncSession], person_id: int, clock: ManualClock
) -> None:
    await member_locale(sessions)
    async with sessions.begin() as session:
        await session.execute(update(ConsentRecord).where(ConsentRecord.person_id == person_id)
                              .values(withdrawn_at=clock.now()))
    async with sessions() as session:
        member = await joining.member_view(session, "telegram", USER)
    assert member is not None and member.consent is not None
    assert member.consent.withdrawn and member.consent_version is None


async def test_writes_to_other_tables_keep_the_cache(
    sessions: async_sessionmaker[AsyncSession], person_id: int, clock: ManualClock, statements: list[str]
) -> None:
    await member_locale(sessions)
    async with sessions.begin() as session:
        member = await joining.member_view(session, "telegram", USER)
        assert member is not None
        session.add(Todo(person_id=person_id, group_id=member.roles[0].group_id, text="x",
                         status="open", week=1, created_at=clock.now(), updated_at=clock.now()))
    statements.clear()
    await member_locale(sessions)
    assert statements == []


async def test_a_session_sees_its_own_writes_and_nobody_else_does(
    sessions: async_sessionmaker[AsyncSession], person_id: int
) -> None:
    await member_locale(sessions)
    async with sessions() as writer:
        person = await writer.get(Person, person_id)
        assert person is not None
        person.locale = "en"  # not flushed yet: the writer must still see it
        seen = await joining.member_view(writer, "telegram", USER)
        assert seen is not None and seen.locale == "en"
        assert await member_locale(sessions) == "tr", "others see only what is committed"
        await writer.flush()
        seen = await joining.member_view(writer, "telegram", USER)
        assert seen is not None and seen.locale == "en"
        assert await member_locale(sessions) == "tr", "flushed is not committed either"
        await writer.rollback()
    assert await member_locale(sessions) == "tr", "a rolled-back change never reaches the cache"


async def test_a_value_read_during_someone_elses_write_is_not_kept(
    sessions: async_sessionmaker[AsyncSession], person_id: int
) -> None:
    async with sessions() as writer:
        person = await writer.get(Person, person_id)
        assert person is not None
        person.locale = "en"
        await writer.flush()
        assert await member_locale(sessions) == "tr"  # read while the write is in flight
        await writer.commit()
    assert await member_locale(sessions) == "en"


async def test_engines_on_one_database_share_the_cache(
    sessions: async_sessionmaker[AsyncSession], engine: AsyncEngine, person_id: int
) -> None:
    await member_locale(sessions)
    other = create_engine(engine.url.render_as_string(hide_password=False))  # e.g. a CLI command
    try:
        assert cache_of(other.sync_engine) is cache_of(engine.sync_engine)
        await set_locale(create_sessionmaker(other), person_id, "en")
    finally:
        await other.dispose()
    assert await member_locale(sessions) == "en"


def test_values_expire_and_the_cache_stays_bounded() -> None:
    now = [100.0]
    cache = ReferenceCache(ttl=30.0, max_entries=2, monotonic=lambda: now[0])
    cache.put("a", 1, cache.generation)
    cache.put("b", 2, cache.generation)
    cache.put("c", 3, cache.generation)
    assert cache.get("a") == (False, None), "the oldest entry made room"
    assert cache.get("c") == (True, 3)
    now[0] += 30.0
    assert cache.get("c") == (False, None), "expired after the TTL"


def test_a_value_read_before_an_invalidation_is_not_stored() -> None:
    cache = ReferenceCache()
    generation = cache.generation
    cache.invalidate()
    cache.put("member", "old", generation)
    assert cache.get("member") == (False, None)


async def test_a_stranger_becomes_a_member_without_waiting(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    setup = await seed_programme(sessions, clock.now())
    async with sessions() as session:
        assert await joining.member_view(session, "telegram", "8001") is None
    await make_member(sessions, setup.groups, "8001", clock.now())
    async with sessions() as session:
        member = await joining.member_view(session, "telegram", "8001")
    assert member is not None and member.consent_version == f"{NOTICE_VERSION}.n1"
    assert member.consent is not None and member.consent.is_current


async def test_outside_a_unit_of_work_a_known_member_costs_no_statement(
    sessions: async_sessionmaker[AsyncSession], person_id: int, statements: list[str]
) -> None:
    first = await joining.known_member(sessions, "telegram", USER)
    assert first is not None and first.person_id == person_id and statements
    statements.clear()
    again = await joining.known_member(sessions, "telegram", USER)
    assert again == first and statements == []
    await set_locale(sessions, person_id, "en")
    changed = await joining.known_member(sessions, "telegram", USER)
    assert changed is not None and changed.locale == "en"
