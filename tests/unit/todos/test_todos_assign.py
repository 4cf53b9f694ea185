"""Mentors' assignments: one to-do per mentee, told once through the outbox."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mentoring import conversation
from mentoring.access import AccessDenied
from mentoring.clock import ManualClock
from mentoring.errors import DomainError
from mentoring.todos import assign as todo_assign
from mentoring.todos import rules as todos
from storage.models import OutboxMessage, Role
from storage.models.todos import Todo
from tests.support.seed import seed_programme
from tests.support.todos import make_member, outbox_keys, todos_of


@pytest.fixture
async def setup(sessions: async_sessionmaker[AsyncSession], clock: ManualClock):
    return await seed_programme(sessions, clock.now(), groups=2)


async def assign(sessions, mentor, group_id, person_id, text, kind, clock):
    async with sessions.begin() as session:
        await todo_assign.choose_target(session, mentor, group_id, person_id, clock.now())
    async with sessions.begin() as session:
        state = await conversation.pending(session, mentor.person_id)
        assert state is not None
        await todo_assign.text_from_input(session, mentor, dict(state.data), text, clock.now())
    async with sessions.begin() as session:
        return await todo_assign.choose_due(session, mentor, kind, clock.now())


async def test_whole_group_gets_one_to_do_each_and_one_message_each(sessions, clock, setup) -> None:
    group, other_group = setup.groups
    mentor = await make_member(sessions, clock.now(), group, Role.MENTOR, name="Mentor Zeynep")
    mentees = [
        await make_member(sessions, clock.now(), group, name=n, locale=loc)
        for n, loc in (("Ali", "tr"), ("Bora", "en"))
    ]
    outsider = await make_member(sessions, clock.now(), other_group, name="Cem")
    assigned = await assign(
        sessions, mentor, group.id, None, "Bir çocukla etkin dinleme dene", "week", clock
    )
    assert (
        assigned is not None and assigned.whole_group and sorted(assigned.names) == ["Ali", "Bora"]
    )
    rows = [t for m in mentees for t in await todos_of(sessions, m.person_id)]
    assert len(rows) == 2 and len({t.assignment_id for t in rows}) == 1
    assert all(t.due_kind == "week" and t.text == "Bir çocukla etkin dinleme dene" for t in rows)
    assert await todos_of(sessions, outsider.person_id) == []
    assert await outbox_keys(sessions) == sorted(f"todo-assigned:{t.id}" for t in rows)
    async with sessions() as session:
        messages = {m.person_id: m for m in (await session.scalars(select(OutboxMessage))).all()}
    assert "Mentorunuz Mentor Zeynep" in messages[mentees[0].person_id].text
    assert "Your mentor Mentor Zeynep gave you a to-do" in messages[mentees[1].person_id].text
    assert messages[mentees[1].person_id].buttons == [
        [{"text": "Open the to-do", "data": f"todo:v:{rows[1].id}:0"}]
    ]

    # Telling them again queues nothing new.
    async with sessions.begin() as session:
        assert await todo_assign.notify_assigned(session, [t.id for t in rows], clock.now()) == 0
    assert len(await outbox_keys(sessions)) == 2


async def test_one_mentee_with_a_typed_date_and_the_mentee_cannot_delete_it(
    sessions, clock, setup
) -> None:
    group = setup.groups[0]
    mentor = await make_member(sessions, clock.now(), group, Role.MENTOR)
    ali = await make_member(sessions, clock.now(), group, name="Ali")
    bora = await make_member(sessions, clock.now(), group, name="Bora")
    assert (
        await assign(sessions, mentor, group.id, ali.person_id, "Gözlem notu yaz", "date", clock)
        is None
    )
    async with sessions.begin() as session:
        assigned = await todo_assign.date_from_input(session, mentor, "10.12.2026", clock.now())
    assert assigned.names == ["Ali"] and not assigned.whole_group
    (row,) = await todos_of(sessions, ali.person_id)
    assert row.due_kind == "date" and str(row.due_on) == "2026-12-10"
    assert await todos_of(sessions, bora.person_id) == []
    with pytest.raises(DomainError, match="todo_from_mentor"):
        async with sessions.begin() as session:
            await todos.delete(session, ali, row.id, clock.now())
    async with sessions.begin() as session:
        item = await todos.mark_done(session, ali, row.id, clock.now())
    assert item.from_mentor and item.mentor_name == "Ayşe"


async def test_only_the_groups_mentors_assign_and_only_to_its_mentees(
    sessions, clock, setup
) -> None:
    group, other_group = setup.groups
    mentor = await make_member(sessions, clock.now(), group, Role.MENTOR)
    mentee = await make_member(sessions, clock.now(), group)
    outsider = await make_member(sessions, clock.now(), other_group)
    with pytest.raises(AccessDenied):
        async with sessions.begin() as session:
            await todo_assign.choose_target(session, mentor, other_group.id, None, clock.now())
    with pytest.raises(AccessDenied):
        async with sessions.begin() as session:
            await todo_assign.choose_target(session, mentee, group.id, None, clock.now())
    with pytest.raises(DomainError, match="stale_button"):
        async with sessions.begin() as session:
            await todo_assign.choose_target(
                session, mentor, group.id, outsider.person_id, clock.now()
            )
    with pytest.raises(DomainError, match="not_a_mentor"):
        async with sessions.begin() as session:
            await todo_assign.begin(session, mentee, clock.now())
    with pytest.raises(DomainError, match="stale_button"):
        async with sessions.begin() as session:
            await todo_assign.choose_due(session, mentor, "week", clock.now())
    async with sessions() as session:
        assert await session.scalar(select(Todo)) is None
