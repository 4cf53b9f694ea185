"""Finding and clearing a person's data from the schema itself (mentoring.privacy.personal_data)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from mentoring.clock import ManualClock
from mentoring.privacy.personal_data import (
    clear_personal,
    erased_value,
    owned_tables,
    person_is,
    personal_tables,
)
from storage.models import Base, Person
from tests.support import privacy_schema as schema


async def two_people(sessions: async_sessionmaker[AsyncSession], now: datetime) -> tuple[int, int]:
    async with sessions.begin() as session:
        first, second = Person(display_name="Ayşe", created_at=now), Person(display_name="Zeynep", created_at=now)
        session.add_all([first, second])
        await session.flush()
        return first.id, second.id


async def write_notes(sessions: async_sessionmaker[AsyncSession], person_id: int, note_id: int, word: str) -> None:
    async with sessions.begin() as session:
        await session.execute(insert(schema.notes).values(
            id=note_id, person_id=person_id, group_id=1, text=f"{word} notu", mood=4))
        await session.execute(insert(schema.note_parts).values(
            note_id=note_id, body=f"{word} parçası", attachment={"file_id": f"{word}-file"}))
        await session.execute(insert(schema.diary).values(person_id=person_id, text=f"{word} günlüğü"))
        await session.execute(insert(schema.group_minutes).values(group_id=1, text=f"{word} grubu"))


def test_owned_tables_follow_person_id_and_foreign_keys() -> None:
    found = {owned.table.name: owned for owned in owned_tables(schema.metadata)}
    assert set(found) == {"t_notes", "t_note_parts", "t_diary"}
    assert found["t_note_parts"].parent is found["t_notes"]
    assert [c.name for c in found["t_note_parts"].personal_columns] == ["body", "attachment"]


def test_every_personal_column_of_the_real_schema_can_be_erased() -> None:
    for _owned, columns in personal_tables():
        for column in columns:
            erased_value(column)  # raises when a personal column has no way to be cleared
    for table in Base.metadata.tables.values():
        if "person_id" in table.c:
            keys = list(table.c.person_id.foreign_keys)
            assert [(k.column.table.name, k.ondelete) for k in keys] == [("people", "CASCADE")], table.name


async def test_clearing_one_person_keeps_figures_and_everyone_else(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    await schema.create_test_tables(engine)
    mine, theirs = await two_people(sessions, clock.now())
    await write_notes(sessions, mine, 1, "benim")
    await write_notes(sessions, theirs, 2, "onun")

    async with sessions.begin() as session:
        planned = await clear_personal(session, person_is(mine), dry_run=True, metadata=schema.metadata)
    async with sessions.begin() as session:
        cleared = await clear_personal(session, person_is(mine), metadata=schema.metadata)
    assert planned == cleared == {"t_notes": 1, "t_note_parts": 2, "t_diary": 1}

    async with sessions() as session:
        note = (await session.execute(select(schema.notes).where(schema.notes.c.id == 1))).one()
        assert note.text is None and note.mood == 4, "the figure stays, the text goes"
        part = (await session.execute(select(schema.note_parts).where(schema.note_parts.c.note_id == 1))).one()
        assert part.body == ""
        null_attachments = await session.scalar(
            select(func.count()).select_from(schema.note_parts).where(schema.note_parts.c.attachment.is_(None)))
        assert null_attachments == 1, "a cleared JSON value is SQL NULL, not JSON null"
        texts = set((await session.scalars(select(schema.notes.c.text))).all())
        texts |= set((await session.scalars(select(schema.diary.c.text))).all())
        texts |= set((await session.scalars(select(schema.group_minutes.c.text))).all())
    assert texts == {None, "onun notu", "onun günlüğü", "benim grubu", "onun grubu"}

    async with sessions.begin() as session:
        assert await clear_personal(session, person_is(mine), metadata=schema.metadata) == {}
