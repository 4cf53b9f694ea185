"""Queueing outgoing messages: idempotent by key, in the caller's transaction."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mentoring import conversation
from mentoring.clock import ManualClock
from mentoring.outbox import Button, Outgoing, enqueue, on_queued, queued
from storage.db import create_engine, create_sessionmaker
from storage.models import OutboxMessage, Person


async def make_person(sessions: async_sessionmaker[AsyncSession], now) -> int:
    async with sessions.begin() as session:
        person = Person(display_name="Ayşe", locale="tr", timezone="Europe/Istanbul", created_at=now)
        session.add(person)
        await session.flush()
        return person.id


async def test_the_same_key_is_queued_once(sessions: async_sessionmaker[AsyncSession], clock: ManualClock) -> None:
    person_id = await make_person(sessions, clock.now())
    message = Outgoing("prompt:w1:p1", "reflection_prompt", "Merhaba", clock.now(), person_id=person_id,
                       buttons=[[Button("Başla", "refl:start")]])
    async with sessions.begin() as session:
        assert await enqueue(session, [message, message], clock.now()) == 1
    async with sessions.begin() as session:
        assert await enqueue(session, [message], clock.now()) == 0
        row = await queued(session, "prompt:w1:p1")
        assert row is not None and row.buttons == [[{"text": "Başla", "data": "refl:start"}]]
        assert row.status == "pending" and row.not_before == clock.now()


async def test_a_rolled_back_transaction_queues_nothing(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    person_id = await make_person(sessions, clock.now())
    try:
        async with sessions.begin() as session:
            await enqueue(session, [Outgoing("k", "reminder", "x", clock.now(), person_id=person_id)], clock.now())
            raise RuntimeError("the change that caused it failed")
    except RuntimeError:
        pass
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


async def test_conversation_state_survives_and_is_replaced(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    person_id = await make_person(sessions, clock.now())
    async with sessions.begin() as session:
        await conversation.expect(session, person_id, "todo_add", "text", clock.now())
    async with sessions.begin() as session:
        await conversation.expect(session, person_id, "reflection", "q2", clock.now(), {"week": 3})
    async with sessions.begin() as session:
        state = await conversation.pending(session, person_id)
        assert state is not None and (state.flow, state.step, state.data) == ("reflection", "q2", {"week": 3})
        await conversation.clear(session, person_id, flow="todo_add")
    async with sessions.begin() as session:
        assert await conversation.pending(session, person_id) is not None
        await conversation.clear(session, person_id, flow="reflection")
        assert await conversation.pending(session, person_id) is None


async def test_a_queued_button_keeps_its_short_label_for_small_buttons(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    from mentoring.i18n import translator
    from mentoring.outbox import buttons_of
    from mentoring.screens import Choice, Text
    from mentoring.settings.buttons import SETTINGS

    choices = [[Choice(SETTINGS.encode("leave"), Text("On leave until…"), short=Text("On leave")),
                Choice(SETTINGS.encode("pause"), Text("Pause for a week"))],
               [Choice.link("https://example.org/kvkk", Text("Privacy notice"))]]
    buttons = buttons_of(choices, translator("en"))
    # A link has no place in a queued message: its row goes.
    assert buttons == [[Button("On leave until…", "set:leave", "On leave"), Button("Pause for a week", "set:pause")]]
    person_id = await make_person(sessions, clock.now())
    async with sessions.begin() as session:
        await enqueue(session, [Outgoing("k1", "test", "Ayarlar", clock.now(), person_id=person_id,
                                         buttons=buttons[:1])], clock.now())
    async with sessions.begin() as session:
        row = await queued(session, "k1")
    assert row is not None and row.buttons == [[
        {"text": "On leave until…", "data": "set:leave", "short": "On leave"},
        {"text": "Pause for a week", "data": "set:pause"},
    ]]


async def test_a_commit_that_queued_rows_tells_the_listeners_on_its_database(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock, tmp_path
) -> None:
    heard: list[str] = []
    elsewhere = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'other.db'}")  # another database
    on_queued(create_sessionmaker(elsewhere), lambda: heard.append("theirs"))
    person_id = await make_person(sessions, clock.now())
    early = sessions()  # opened before anyone listened (the planner, as the sender starts)
    stop = on_queued(sessions, lambda: heard.append("ours"))
    assert heard == [], "a commit that queued nothing says nothing"

    message = Outgoing("notice:1", "announcement", "Merhaba", clock.now(), person_id=person_id)
    async with early as session, session.begin():
        await enqueue(session, [message], clock.now())
        assert heard == [], "not before the commit: the sender would not see the rows yet"
    assert heard == ["ours"]

    async with sessions.begin() as session:
        assert await enqueue(session, [message], clock.now()) == 0  # queued before: nothing new
    async with sessions() as session:
        await enqueue(session, [Outgoing("notice:2", "announcement", "x", clock.now(), person_id=person_id)],
                      clock.now())
        await session.rollback()  # the change that caused it failed
        await session.commit()  # the same session's next commit queued nothing
    assert heard == ["ours"]

    async with sessions.begin() as session:
        async with session.begin_nested():
            await enqueue(session, [Outgoing("notice:3", "announcement", "x", clock.now(), person_id=person_id)],
                          clock.now())
        assert heard == ["ours"], "a savepoint released is not yet a commit"
    assert heard == ["ours", "ours"]

    stop()
    await elsewhere.dispose()
    async with sessions.begin() as session:
        await enqueue(session, [Outgoing("notice:4", "announcement", "x", clock.now(), person_id=person_id)],
                      clock.now())
    assert heard == ["ours", "ours"], "a stopped listener hears nothing more"
