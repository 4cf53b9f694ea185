"""0028_care_content: the care work's not-done reasons are allowed, and a downgrade keeps their rows as "other"."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from storage import migrate
from storage.db import create_engine, create_sessionmaker
from storage.models import Person
from storage.models.todos import REASON_CODES, Todo, TodoReason

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
NEW = ("not_worked", "shift", "children", "team_support")


async def test_new_reasons_are_stored_and_a_downgrade_makes_them_other(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        await migrate.upgrade(engine)
        sessions = create_sessionmaker(engine)
        async with sessions.begin() as session:
            person = Person(display_name="Ayşe", locale="tr", timezone="Europe/Istanbul", created_at=NOW)
            session.add(person)
            await session.flush()
            todo = Todo(person_id=person.id, text="Adım", status="not_done", due_kind="none", week=1,
                        created_at=NOW, updated_at=NOW)
            session.add(todo)
            await session.flush()
            session.add_all([TodoReason(todo_id=todo.id, person_id=person.id, reason=code, week=1, created_at=NOW)
                             for code in REASON_CODES])
        with pytest.raises(IntegrityError):  # the check constraint still refuses an unknown code
            async with sessions.begin() as session:
                session.add(TodoReason(todo_id=todo.id, person_id=person.id, reason="bored", week=1, created_at=NOW))

        await migrate.downgrade(engine, "0027_console_logins")
        async with engine.connect() as connection:
            kept = (await connection.execute(text("SELECT reason FROM todo_reasons ORDER BY id"))).scalars().all()
        assert kept == ["other" if code in NEW else code for code in REASON_CODES]
        assert set(kept) == {"no_time", "no_chance", "unclear", "needed_help", "other"}
        with pytest.raises(IntegrityError):  # the old constraint is back
            async with engine.begin() as connection:
                await connection.execute(
                    text("INSERT INTO todo_reasons (todo_id, person_id, reason, week, created_at) "
                         "VALUES (:todo, :person, 'shift', 1, :at)"),
                    {"todo": todo.id, "person": person.id, "at": NOW})

        await migrate.upgrade(engine)
        async with sessions.begin() as session:
            session.add(TodoReason(todo_id=todo.id, person_id=person.id, reason="shift", week=2, created_at=NOW))
    finally:
        await engine.dispose()
