"""The /mydata export stays bounded: pages through rows and stops at a cap, saying so."""

from __future__ import annotations

import json

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mentoring.clock import ManualClock
from mentoring.outbox import Outgoing, enqueue
from mentoring.privacy import rules as privacy
from storage.models import Person


async def test_a_long_history_is_paged_and_capped_with_a_note(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(privacy, "PAGE_SIZE", 2)
    monkeypatch.setattr(privacy, "MAX_ROWS_PER_TABLE", 3)
    async with sessions.begin() as session:
        person = Person(display_name="Ayşe", created_at=clock.now())
        session.add(person)
        await session.flush()
        await enqueue(session, [
            Outgoing(f"k{i}", "reminder", f"mesaj {i}", clock.now(), person_id=person.id) for i in range(5)
        ], clock.now())
    async with sessions.begin() as session:
        export = await privacy.export_person(session, person.id, clock.now())
    data = json.loads(export.content)
    assert [row["text"] for row in data["tables"]["outbox_messages"]] == ["mesaj 0", "mesaj 1", "mesaj 2"]
    assert export.counts == {"outbox_messages": 5} and export.truncated == ["outbox_messages"]
    assert "first 3 of 5" in data["truncated"]["outbox_messages"]
    assert data["generated_at"] == clock.now().isoformat()
