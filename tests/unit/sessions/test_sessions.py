"""The session domain: planning, reminders, access, and what the digest reads."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from sqlalchemy import event, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mentoring.access import AccessDenied
from mentoring.clock import ManualClock
from mentoring.dates import parse_day
from mentoring.errors import DomainError
from mentoring.sessions import followup, notices
from mentoring.sessions import rules as domain
from mentoring.sessions.planning import parse_time
from storage.models import Membership, OutboxMessage
from storage.models.sessions import GroupSession
from tests.support.sessions import Cast, cast, plan_session, rows

START = datetime(2026, 11, 25, 15, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("25.11.2026", date(2026, 11, 25)),
        ("5/1/2027", date(2027, 1, 5)),
        (" 01-12-2026 ", date(2026, 12, 1)),
    ],
)
def test_dates_are_read_day_first(text: str, expected: date) -> None:
    assert parse_day(text, START.date()) == expected


@pytest.mark.parametrize(("text", "code"), [("31.02.2026", "no_such_date"), ("25.13.2026", "bad_date"),
                                            ("someday", "bad_date"), ("", "bad_date")])
def test_bad_dates_are_refused(text: str, code: str) -> None:
    with pytest.raises(DomainError) as error:
        parse_day(text, START.date())
    assert error.value.code == code


@pytest.mark.parametrize(
    ("text", "expected"), [("18:30", time(18, 30)), ("9.05", time(9, 5)), ("00:00", time(0))]
)
def test_times(text: str, expected: time) -> None:
    assert parse_time(text) == expected


@pytest.mark.parametrize("text", ["24:00", "12:60", "1830", "half past six"])
def test_bad_times_are_refused(text: str) -> None:
    with pytest.raises(DomainError):
        parse_time(text)


async def _cast(sessions: async_sessionmaker[AsyncSession], clock: ManualClock) -> Cast:
    return await cast(sessions, clock.now())


async def test_reminders_already_due_at_planning_are_not_queued(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    people = await _cast(sessions, clock)
    soon = clock.now() + timedelta(hours=3)
    await plan_session(
        sessions, people.zeynep, people.group, soon, clock.now(), reminder_hours=(1, 24, 1)
    )
    reminders = await rows(sessions, "session_reminder")
    assert len(reminders) == 4 and {r.not_before for r in reminders} == {soon - timedelta(hours=1)}
    async with sessions() as session:
        found = await session.scalar(select(GroupSession))
    assert found is not None and found.reminder_hours == [24, 1]


async def test_people_who_left_are_not_invited(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    people = await _cast(sessions, clock)
    async with sessions.begin() as session:
        await session.execute(
            update(Membership)
            .where(Membership.person_id == people.john.person_id)
            .values(left_at=clock.now())
        )
    await plan_session(sessions, people.zeynep, people.group, START, clock.now())
    assert people.john.person_id not in {r.person_id for r in await rows(sessions)}


async def test_a_mentee_cannot_plan_and_a_foreign_mentor_cannot_move_or_cancel(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    people = await _cast(sessions, clock)
    with pytest.raises(AccessDenied):
        await plan_session(sessions, people.ayse, people.group, START, clock.now())
    sid = await plan_session(sessions, people.zeynep, people.group, START, clock.now())
    for attempt in (
        lambda s: domain.move(s, people.deniz, sid, START + timedelta(days=1), clock.now()),
        lambda s: domain.cancel(s, people.deniz, sid, clock.now()),
        lambda s: domain.move(s, people.ayse, sid, START + timedelta(days=1), clock.now()),
        lambda s: domain.answer(s, people.deniz, sid, "yes", clock.now()),
        lambda s: followup.sheet(s, people.ayse, sid, START + timedelta(hours=1)),
    ):
        with pytest.raises(AccessDenied):
            async with sessions.begin() as session:
                await attempt(session)
    async with sessions() as session:
        found = await session.get(GroupSession, sid)
        assert found is not None and (found.starts_at, found.version, found.status) == (
            START,
            1,
            "planned",
        )
        assert set(await session.scalars(select(OutboxMessage.status))) == {"pending"}


async def test_an_answer_during_a_move_waits_for_it_and_answers_the_new_time(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    """A mentee says yes while a mentor moves the session: the answer waits for the move, so the old
    time's reminders stay cancelled and the mentee is reminded of the new time. (On SQLite a read
    before a transaction's first write locks nothing, and different people's updates run at once.)"""
    people = await _cast(sessions, clock)
    sid = await plan_session(sessions, people.zeynep, people.group, START, clock.now())
    async with sessions.begin() as session:
        await domain.answer(session, people.ayse, sid, "no", clock.now())
    engine = sessions.kw["bind"].sync_engine
    waiting = asyncio.Event()

    def note_a_locking_statement(*args: Any) -> None:
        statement = args[2].lstrip().upper()
        if statement.startswith(("INSERT", "UPDATE", "DELETE")) or "FOR UPDATE" in statement:
            waiting.set()  # the answer's first statement that must wait for the move's lock

    async def answer_yes() -> None:
        async with sessions.begin() as session:
            await domain.answer(session, people.ayse, sid, "yes", clock.now())

    async with sessions.begin() as moving:
        await domain.move(moving, people.zeynep, sid, START + timedelta(days=1), clock.now())
        event.listen(engine, "before_cursor_execute", note_a_locking_statement)
        try:
            answering = asyncio.create_task(answer_yes())
            await asyncio.wait_for(waiting.wait(), 10)
        finally:
            event.remove(engine, "before_cursor_execute", note_a_locking_statement)
        assert not answering.done()
    await answering

    reminders = await rows(sessions, "session_reminder")
    old, new = notices.batch_key(sid, 1), notices.batch_key(sid, 2)
    assert [r for r in reminders if r.batch_key == old and r.status == "pending"] == []
    ayses = {r.not_before for r in reminders
             if r.batch_key == new and r.status == "pending" and r.person_id == people.ayse.person_id}
    assert ayses == {START + timedelta(days=1, hours=-24), START + timedelta(days=1, hours=-1)}


async def test_a_session_cannot_start_in_the_past(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    people = await _cast(sessions, clock)
    with pytest.raises(DomainError) as error:
        await plan_session(sessions, people.zeynep, people.group, clock.now(), clock.now())
    assert error.value.code == "start_in_past"


async def test_next_session_for_the_digest(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    people = await _cast(sessions, clock)
    async with sessions() as session:
        assert await domain.next_session(session, people.group.id, clock.now()) is None
    later = await plan_session(
        sessions, people.zeynep, people.group, START + timedelta(days=7), clock.now()
    )
    first = await plan_session(
        sessions, people.zeynep, people.group, START, clock.now(), place="https://meet/x"
    )
    async with sessions.begin() as session:
        await domain.answer(session, people.ayse, first, "no", clock.now())
        await domain.answer(session, people.john, first, "maybe", clock.now())
        await domain.cancel(session, people.zeynep, later, clock.now())
    async with sessions() as session:
        found = await domain.next_session(session, people.group.id, clock.now())
        assert found is not None and found.session_id == first and found.starts_at == START
        assert (
            found.place == "https://meet/x"
            and found.zone == "Europe/Istanbul"
            and found.topic_title is None
        )
        assert found.rsvp == domain.RsvpCounts(yes=1, no=1, maybe=1, none=1)
        assert await domain.next_session(session, people.group.id, START) is None, (
            "started is not next"
        )


async def test_attendance_for_the_digest(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    people = await _cast(sessions, clock)
    held = await plan_session(sessions, people.zeynep, people.group, START, clock.now())
    await plan_session(
        sessions, people.zeynep, people.group, START + timedelta(days=7), clock.now()
    )
    after = START + timedelta(hours=2)
    async with sessions.begin() as session:
        for person in (people.ayse, people.john, people.zeynep):
            await followup.toggle(session, people.zeynep, held, person.person_id, after)
        assert await followup.finish_attendance(session, people.zeynep, held, after) == 2
    async with sessions() as session:
        result = await domain.attendance(session, people.group.id)
    assert result == [
        domain.HeldSession(held, START, attendees=3, members=4, minutes_recorded=False)
    ]
