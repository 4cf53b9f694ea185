"""Retention: personal texts go a set time after a programme ends; figures and running programmes stay."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from mentoring import audit
from mentoring.clock import ManualClock
from mentoring.privacy.retention import apply_daily, apply_retention
from mentoring.programmes import ProgrammeSpec, create_group, create_programme
from storage.models import Membership, OutboxMessage, Person, Role
from storage.models.privacy import AuditEntry
from storage.models.reflections import ReflectionAnswer
from tests.support import privacy_schema as schema
from tests.support import retention_data

# The clock fixture says 2026-11-23.
LONG_AGO = date(2026, 3, 31)  # 237 days before: past 180 days
RECENTLY = date(2026, 10, 31)  # 23 days before


async def set_up(sessions: async_sessionmaker[AsyncSession], now: datetime) -> dict[str, int]:
    """Old (ended long ago), Recent (ended lately), Running; Ali only in Old, Banu in Old and Running,
    Cem in Recent. Each writes a note in their group and a diary entry tied only to them."""
    ids: dict[str, int] = {}
    async with sessions.begin() as session:
        groups = {}
        for name, ends in (("Old", LONG_AGO), ("Recent", RECENTLY), ("Running", None)):
            programme = await create_programme(session, ProgrammeSpec(name, ends_on=ends), now)
            groups[name] = await create_group(session, programme, f"{name} 1", now)
        for person_name, places in (("Ali", ["Old"]), ("Banu", ["Old", "Running"]), ("Cem", ["Recent"])):
            person = Person(display_name=person_name, created_at=now)
            session.add(person)
            await session.flush()
            ids[person_name] = person.id
            for place in places:
                group = groups[place]
                session.add(Membership(person_id=person.id, programme_id=group.programme_id, group_id=group.id,
                                       role=Role.MENTEE.value, joined_at=now))
            await session.execute(insert(schema.notes).values(
                person_id=person.id, group_id=groups[places[0]].id, text=f"{person_name} notu", mood=3))
            await session.execute(insert(schema.diary).values(person_id=person.id, text=f"{person_name} günlüğü"))
        for name, group in groups.items():
            await session.execute(insert(schema.group_minutes).values(group_id=group.id, text=f"{name} tutanağı"))
    return ids


async def texts(sessions: async_sessionmaker[AsyncSession]) -> set[str | None]:
    async with sessions() as session:
        found = set((await session.scalars(select(schema.notes.c.text))).all())
        found |= set((await session.scalars(select(schema.group_minutes.c.text))).all())
        return found | set((await session.scalars(select(schema.diary.c.text))).all())


async def test_dry_run_counts_and_apply_clears_only_what_is_past_retention(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    await schema.create_test_tables(engine)
    await set_up(sessions, clock.now())
    before = await texts(sessions)

    async with sessions.begin() as session:
        dry = await apply_retention(session, clock.now(), 180, dry_run=True, metadata=schema.metadata)
    assert await texts(sessions) == before, "a dry run changes nothing"
    assert [(p.name, p.due) for p in dry.programmes] == [("Old", True), ("Recent", False)]
    assert dry.programmes[0].keep_until == date(2026, 9, 27)

    async with sessions.begin() as session:
        done = await apply_retention(session, clock.now(), 180, metadata=schema.metadata)
    # Ali's and Banu's notes and the minutes of Old's group, and Ali's diary;
    # Banu's diary stays (she is still in Running).
    assert dry.values == done.values == {"t_notes": 2, "t_diary": 1, "t_group_minutes": 1}
    assert await texts(sessions) == {
        None, "Banu günlüğü", "Cem notu", "Cem günlüğü", "Recent tutanağı", "Running tutanağı"}
    async with sessions() as session:
        moods = (await session.scalars(select(schema.notes.c.mood))).all()
        entry = await session.scalar(select(AuditEntry).where(AuditEntry.action == audit.RETENTION_APPLIED))
    assert list(moods) == [3, 3, 3], "figures stay"
    assert entry is not None and entry.actor_person_id is None
    assert entry.details == {"programmes": [dry.programmes[0].programme_id], "days": 180,
                             "cleared": {"t_notes": 2, "t_diary": 1, "t_group_minutes": 1}}

    async with sessions.begin() as session:
        again = await apply_retention(session, clock.now(), 180, metadata=schema.metadata)
    assert again.total == 0


async def test_a_shorter_period_reaches_recent_programmes(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    await schema.create_test_tables(engine)
    await set_up(sessions, clock.now())
    async with sessions.begin() as session:
        report = await apply_retention(session, clock.now(), 7, metadata=schema.metadata)
    assert report.values == {"t_notes": 3, "t_diary": 2, "t_group_minutes": 2}
    assert await texts(sessions) == {None, "Banu günlüğü", "Running tutanağı"}


async def test_retention_reaches_media_minutes_feedback_and_outbox_texts(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    cast = await retention_data.build(sessions, clock.now())
    async with sessions.begin() as session:
        dry = await apply_retention(session, clock.now(), retention_data.DAYS, dry_run=True)
    assert dry.values == retention_data.CLEARED
    assert retention_data.GOING <= await retention_data.texts(sessions), "a dry run changes nothing"

    async with sessions.begin() as session:
        done = await apply_retention(session, clock.now(), retention_data.DAYS)
    assert done.values == retention_data.CLEARED
    left = await retention_data.texts(sessions)
    assert not left & retention_data.GOING
    assert retention_data.STAYING <= left
    async with sessions() as session:
        answers = (await session.execute(
            select(ReflectionAnswer.file_kind, ReflectionAnswer.file_duration).where(
                ReflectionAnswer.file_kind.is_not(None)).order_by(ReflectionAnswer.id))).all()
        rows = {row.idempotency_key: row for row in await session.scalars(select(OutboxMessage))}
    assert [tuple(answer) for answer in answers] == [("voice", 12), ("photo", None)], "figures stay"
    assert rows["late:ali"].status == "cancelled", "what still waited for a retired person is not sent"
    assert rows["broadcast:banu"].attachment is None and rows["broadcast:banu"].buttons is None
    assert rows["digest:running"].status == "sent" and rows["prompt:cem"].text == "Cem istem"
    assert cast.old in [p.programme_id for p in done.programmes if p.due]

    async with sessions.begin() as session:
        again = await apply_retention(session, clock.now(), retention_data.DAYS)
    assert again.values == {}


async def test_apply_daily_runs_once_a_local_day_and_records_even_an_empty_run(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    # 06:00 UTC is 09:00 in Istanbul; nothing has ended yet.
    async with sessions.begin() as session:
        first = await apply_daily(session, clock.now(), 180, "Europe/Istanbul")
    async with sessions.begin() as session:
        later_today = await apply_daily(session, clock.now() + timedelta(hours=14), 180, "Europe/Istanbul")
    async with sessions.begin() as session:
        after_midnight = await apply_daily(session, clock.now() + timedelta(hours=16), 180, "Europe/Istanbul")
    assert first is not None and first.values == {}
    assert later_today is None, "23:00 in Istanbul is still the same day"
    assert after_midnight is not None, "01:00 in Istanbul is the next day"
    async with sessions() as session:
        entries = await audit.entries(session)
    assert [(e.action, e.details) for e in entries] == [
        (audit.RETENTION_APPLIED, {"programmes": [], "days": 180, "cleared": {}, "scheduled": True})] * 2
