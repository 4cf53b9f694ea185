"""A person's wait is read once per transaction, and what the transaction changed is what it reads back."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import event, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from mentoring import conversation
from storage.models import ConversationState, Person

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


@pytest.fixture
async def person_id(sessions: async_sessionmaker[AsyncSession]) -> int:
    async with sessions.begin() as session:
        person = Person(display_name="Menti", locale="tr", timezone="Europe/Istanbul", created_at=NOW)
        session.add(person)
        await session.flush()
        return person.id


@pytest.fixture
async def reads(engine: AsyncEngine) -> AsyncIterator[list[str]]:
    """The reads of conversation_states that reach the database."""
    seen: list[str] = []

    def note(conn, cursor, statement: str, *args: object) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "conversation_states" in statement:
            seen.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", note)
    yield seen
    event.remove(engine.sync_engine, "before_cursor_execute", note)


async def _reflection_waits(sessions: async_sessionmaker[AsyncSession], person_id: int, step: str) -> None:
    async with sessions.begin() as session:
        await conversation.expect(session, person_id, "reflection", step, NOW)


async def test_a_wait_is_read_once_per_transaction(
    sessions: async_sessionmaker[AsyncSession], person_id: int, reads: list[str]
) -> None:
    async with sessions.begin() as session:
        await conversation.expect(session, person_id, "reflection", "q1", NOW, {"n": 1})
    async with sessions.begin() as session:
        first = await conversation.waiting(session, person_id)
        again = await conversation.waiting(session, person_id)
        state = await conversation.pending(session, person_id)
    assert first == again == conversation.Waiting("reflection", "q1", {"n": 1})
    assert state is not None and state.step == "q1"
    assert len(reads) == 1
    async with sessions.begin() as session:  # a new transaction reads again
        assert await conversation.waiting(session, person_id) == first
    assert len(reads) == 2


async def test_no_wait_is_remembered_too_until_one_is_set(
    sessions: async_sessionmaker[AsyncSession], person_id: int, reads: list[str]
) -> None:
    async with sessions.begin() as session:
        assert await conversation.waiting(session, person_id) is None
        assert await conversation.waiting(session, person_id) is None
        assert len(reads) == 1
        await conversation.expect(session, person_id, "todo_add", "text", NOW)
        assert await conversation.waiting(session, person_id) == conversation.Waiting("todo_add", "text", {})
        await conversation.expect(session, person_id, "todo_add", "date", NOW, {"todo": 7})
        assert await conversation.waiting(session, person_id) == conversation.Waiting("todo_add", "date", {"todo": 7})
        await conversation.clear(session, person_id, "todo_add")
        assert await conversation.waiting(session, person_id) is None
    async with sessions.begin() as session:
        assert await conversation.waiting(session, person_id) is None  # and so it is in the database


async def test_clearing_another_flow_keeps_the_wait(
    sessions: async_sessionmaker[AsyncSession], person_id: int
) -> None:
    await _reflection_waits(sessions, person_id, "q2")
    async with sessions.begin() as session:
        await conversation.clear(session, person_id, "todo_add")  # not loaded yet: read it when asked
        assert await conversation.waiting(session, person_id) == conversation.Waiting("reflection", "q2", {})
        await conversation.clear(session, person_id, "todo_add")  # loaded, another flow
        assert await conversation.waiting(session, person_id) == conversation.Waiting("reflection", "q2", {})
        await conversation.clear(session, person_id)
        assert await conversation.waiting(session, person_id) is None


async def test_a_rolled_back_change_is_read_again(
    sessions: async_sessionmaker[AsyncSession], person_id: int
) -> None:
    await _reflection_waits(sessions, person_id, "q1")
    async with sessions() as session:
        await session.begin()
        assert (await conversation.waiting(session, person_id)).step == "q1"
        await conversation.clear(session, person_id)
        assert await conversation.waiting(session, person_id) is None
        await session.rollback()
        # A new transaction: the clear did not happen, and nothing stale is served.
        assert await conversation.waiting(session, person_id) == conversation.Waiting("reflection", "q1", {})
        await conversation.expect(session, person_id, "reflection", "q2", NOW)
        await session.rollback()  # expires the loaded state
        assert (await conversation.waiting(session, person_id)).step == "q1"


async def test_the_next_update_sees_what_another_session_wrote(
    sessions: async_sessionmaker[AsyncSession], person_id: int
) -> None:
    await _reflection_waits(sessions, person_id, "q1")
    async with sessions.begin() as session:
        assert (await conversation.waiting(session, person_id)).step == "q1"
        async with sessions.begin() as other:  # e.g. a job, in its own session
            await other.execute(update(ConversationState).where(ConversationState.person_id == person_id)
                                .values(step="q3"))
    async with sessions.begin() as session:  # one session per update: the memo is the session's
        assert (await conversation.waiting(session, person_id)).step == "q3"
