"""The to-do list's domain: dues, done / not done with reasons, postponing, deleting, figures."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import event, insert
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from mentoring import conversation
from mentoring.access import AccessDenied
from mentoring.clock import ManualClock
from mentoring.errors import DomainError
from mentoring.todos import rules as todos
from mentoring.todos import views as todo_views
from mentoring.todos.due import parse_day
from storage.models import Role
from storage.models.plans import PlanGoal
from tests.support.seed import seed_programme
from tests.support.todos import make_member, reasons_of, todos_of

# The programme has no start date, so week 1 starts the day it was set up:
# Monday 23 November 2026 (the clock fixture's day).
END_OF_WEEK_1 = date(2026, 11, 29)


@pytest.fixture
async def group(sessions: async_sessionmaker[AsyncSession], clock: ManualClock):
    return (await seed_programme(sessions, clock.now())).groups[0]


async def add(sessions, member, text, clock, kind="none"):
    async with sessions.begin() as session:
        item = await todos.add(session, member, text, clock.now())
        if kind != "none":
            await todos.set_due(session, member, item.id, kind, clock.now())
    return item.id


async def test_each_due_kind_is_stored_and_overdue_follows_the_local_day(
    sessions, clock, group
) -> None:
    member = await make_member(sessions, clock.now(), group)
    week = await add(sessions, member, "Çocuklarla hafta sonu planı yap", clock, "week")
    session_due = await add(sessions, member, "Oturumda anlat", clock, "session")
    none = await add(sessions, member, "Kitap oku", clock)
    dated = await add(sessions, member, "Toplantı notu", clock)
    async with sessions.begin() as session:
        await todos.ask_date(session, member, dated, "due", clock.now())
        state = await conversation.pending(session, member.person_id)
        assert state is not None and state.flow == "todo_date" and state.data == {"todo_id": dated}
        result = await todos.date_from_input(
            session, member, dated, "due", "5.12.2026", clock.now()
        )
        assert await conversation.pending(session, member.person_id) is None
    assert result.item.due.on == date(2026, 12, 5)
    rows = {t.id: t for t in await todos_of(sessions, member.person_id)}
    assert (rows[week].due_kind, rows[week].due_on) == ("week", END_OF_WEEK_1)
    # The end of Sunday in Istanbul (UTC+3) is 21:00 UTC.
    assert rows[week].due_at == datetime(2026, 11, 29, 21, 0, tzinfo=UTC)
    assert (rows[session_due].due_kind, rows[session_due].due_at) == ("session", None)
    assert (rows[none].due_kind, rows[none].due_on) == ("none", None)
    assert (rows[dated].due_kind, rows[dated].due_on) == ("date", date(2026, 12, 5))
    assert all(t.week == 1 and t.status == "open" for t in rows.values())

    clock.set(datetime(2026, 11, 29, 20, 59, tzinfo=UTC))
    async with sessions() as session:
        assert not (await todo_views.view(session, member, week, clock.now())).overdue
    clock.set(datetime(2026, 11, 29, 21, 0, tzinfo=UTC))
    async with sessions() as session:
        assert (await todo_views.view(session, member, week, clock.now())).overdue
        assert not (await todo_views.view(session, member, session_due, clock.now())).overdue


@pytest.mark.parametrize(
    "text, error", [("", "todo_empty"), ("   ", "todo_empty"), ("x" * 501, "todo_too_long")]
)
async def test_empty_and_too_long_texts_are_refused(sessions, clock, group, text, error) -> None:
    member = await make_member(sessions, clock.now(), group)
    with pytest.raises(DomainError) as raised:
        async with sessions.begin() as session:
            await todos.add(session, member, text, clock.now())
    assert raised.value.code == error
    assert await todos_of(sessions, member.person_id) == []
    await add(sessions, member, "x" * 500, clock)
    assert len(await todos_of(sessions, member.person_id)) == 1


@pytest.mark.parametrize(
    "text, error",
    [
        ("5/13", "bad_date"),
        ("31.02.2027", "no_such_date"),
        ("gelecek ay", "bad_date"),
        ("22.11.2026", "date_past"),
        ("01.01.2030", "date_far"),
    ],
)
def test_typed_dates(text: str, error: str) -> None:
    with pytest.raises(DomainError) as raised:
        parse_day(text, date(2026, 11, 23))
    assert raised.value.code == error
    assert parse_day(" 23-11-2026 ", date(2026, 11, 23)) == date(2026, 11, 23)
    assert parse_day("1/2/2027", date(2026, 11, 23)) == date(2027, 2, 1)
    assert parse_day("yarın", date(2026, 11, 23)) == date(2026, 11, 24)


async def test_done_twice_is_refused_and_counted_once(sessions, clock, group) -> None:
    member = await make_member(sessions, clock.now(), group)
    todo_id = await add(sessions, member, "Bir adım", clock)
    async with sessions.begin() as session:
        assert (await todos.mark_done(session, member, todo_id, clock.now())).status == "done"
    with pytest.raises(DomainError, match="todo_closed"):
        async with sessions.begin() as session:
            await todos.mark_done(session, member, todo_id, clock.now())
    (row,) = await todos_of(sessions, member.person_id)
    assert row.status == "done" and row.closed_at == clock.now()


@pytest.mark.parametrize("reason", ["no_time", "no_chance", "not_worked", "shift", "children", "team_support",
                                    "unclear", "needed_help", "other"])
async def test_not_done_keeps_the_reason_the_week_and_the_time(
    sessions, clock, group, reason
) -> None:
    member = await make_member(sessions, clock.now(), group)
    todo_id = await add(sessions, member, "Bir adım", clock)
    clock.advance(timedelta(days=8))  # programme week 2
    async with sessions.begin() as session:
        item = await todos.mark_not_done(session, member, todo_id, reason, clock.now())
        waiting = await conversation.pending(session, member.person_id)
    assert item.status == "not_done"
    (row,) = await reasons_of(sessions, member.person_id)
    assert (row.reason, row.week, row.created_at, row.group_id, row.text) == (
        reason,
        2,
        clock.now(),
        group.id,
        None,
    )
    if reason == "other":
        assert waiting is not None and waiting.flow == "todo_reason"
        async with sessions.begin() as session:
            await todos.reason_text(session, member, row.id, "Vardiya değişti", clock.now())
        assert (await reasons_of(sessions, member.person_id))[0].text == "Vardiya değişti"
    else:
        assert waiting is None


async def test_postponing_reopens_a_not_done_to_do_and_keeps_its_reason(
    sessions, clock, group
) -> None:
    member = await make_member(sessions, clock.now(), group)
    todo_id = await add(sessions, member, "Bir adım", clock, "week")
    async with sessions.begin() as session:
        await todos.mark_not_done(session, member, todo_id, "no_time", clock.now())
    async with sessions.begin() as session:
        item = await todos.postpone_week(session, member, todo_id, clock.now())
    assert item.status == "open" and item.postponed_count == 1
    assert item.due.on == END_OF_WEEK_1 + timedelta(days=7)
    assert item.reasons == (("no_time", None),)


async def test_a_mentee_deletes_own_to_dos_only(sessions, clock, group) -> None:
    member = await make_member(sessions, clock.now(), group)
    other = await make_member(sessions, clock.now(), group, name="Fatma")
    mine = await add(sessions, member, "Benim", clock)
    theirs = await add(sessions, other, "Onun", clock)
    with pytest.raises(AccessDenied):
        async with sessions.begin() as session:
            await todos.delete(session, member, theirs, clock.now())
    with pytest.raises(AccessDenied):
        async with sessions.begin() as session:
            await todos.mark_done(session, member, theirs, clock.now())
    async with sessions.begin() as session:
        await todos.delete(session, member, mine, clock.now())
    assert await todos_of(sessions, member.person_id) == []
    assert [t.status for t in await todos_of(sessions, other.person_id)] == ["open"]
    with pytest.raises(DomainError, match="todo_gone"):
        async with sessions.begin() as session:
            await todos.mark_done(session, member, mine, clock.now())


async def test_mentors_have_no_list(sessions, clock, group) -> None:
    mentor = await make_member(sessions, clock.now(), group, Role.MENTOR)
    with pytest.raises(DomainError, match="not_a_mentee"):
        async with sessions() as session:
            await todo_views.list_page(session, mentor, 0, clock.now())


async def test_goals_of_the_plan_can_be_linked_and_erased_goals_unlink(
    sessions, clock, group
) -> None:
    member = await make_member(sessions, clock.now(), group)
    async with sessions.begin() as session:
        result = await session.execute(
            insert(PlanGoal)
            .values(
                person_id=member.person_id,
                programme_id=group.programme_id,
                what="Aktif dinleme",
                due_kind="1m",
                status="in_progress",
                created_at=clock.now(),
                updated_at=clock.now(),
            )
            .returning(PlanGoal.id)
        )
        goal_id = result.scalar_one()
        item = await todos.add(session, member, "Her gün bir çocuğu dinle", clock.now())
        due_set = await todos.set_due(session, member, item.id, "week", clock.now())
    assert due_set.goals == [(goal_id, "Aktif dinleme")]
    async with sessions.begin() as session:
        linked = await todos.set_goal(session, member, item.id, goal_id, clock.now())
    assert linked.goal_title == "Aktif dinleme"
    with pytest.raises(DomainError, match="stale_button"):
        async with sessions.begin() as session:
            await todos.set_goal(session, member, item.id, goal_id + 99, clock.now())
    async with sessions.begin() as session:
        await session.delete(await session.get(PlanGoal, goal_id))
    (row,) = await todos_of(sessions, member.person_id)
    assert row.goal_id is None


async def test_todo_counts_is_one_query_for_many_people(
    sessions, engine: AsyncEngine, clock, group
) -> None:
    people = [await make_member(sessions, clock.now(), group, name=f"M{i}") for i in range(3)]
    first, second, third = people
    done = await add(sessions, first, "a", clock)
    await add(sessions, first, "b", clock, "week")
    await add(sessions, first, "c", clock, "session")
    await add(sessions, second, "d", clock, "week")
    async with sessions.begin() as session:
        await todos.mark_done(session, first, done, clock.now())
    statements: list[str] = []

    def count(*args) -> None:
        statements.append(args[2])

    event.listen(engine.sync_engine, "before_cursor_execute", count)
    try:
        async with sessions() as session:
            later = clock.now() + timedelta(days=7)
            figures = await todos.todo_counts(session, [p.person_id for p in people], later)
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", count)
    assert len(statements) == 1
    assert figures == {
        first.person_id: (1, 2, 1),
        second.person_id: (0, 1, 1),
        third.person_id: (0, 0, 0),
    }


async def test_not_done_reasons_of_a_group_since_a_week(sessions, clock, group) -> None:
    member = await make_member(sessions, clock.now(), group)
    early = await add(sessions, member, "a", clock)
    late = await add(sessions, member, "b", clock)
    async with sessions.begin() as session:
        await todos.mark_not_done(session, member, early, "unclear", clock.now())
    clock.advance(timedelta(days=14))
    async with sessions.begin() as session:
        await todos.mark_not_done(session, member, late, "needed_help", clock.now())
    async with sessions() as session:
        assert await todos.not_done_reasons(session, group.id) == [
            (member.person_id, "unclear", 1),
            (member.person_id, "needed_help", 3),
        ]
        assert await todos.not_done_reasons(session, group.id, since_week=2) == [
            (member.person_id, "needed_help", 3)
        ]
        assert await todos.not_done_reasons(session, group.id + 1) == []
