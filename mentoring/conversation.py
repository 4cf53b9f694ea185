"""The one input the bot waits for from a person (principle 1: kept in the database).

Each change is one statement (an upsert or a delete), because a change of
step happens on nearly every message a person sends; an object of the same
state already loaded in the session is kept in step with it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from storage.models import ConversationState
from storage.upsert import upsert_statement

_COLUMNS = ("flow", "step", "data", "updated_at")
# Built once: these run on nearly every message (storage/upsert.py says why).
_PENDING = select(ConversationState).where(ConversationState.person_id == bindparam("person_id"))


async def expect(
    session: AsyncSession, person_id: int, flow: str, step: str, now: datetime, data: dict[str, Any] | None = None
) -> None:
    """Wait for the person's next message to go to `flow` at `step`; replaces any earlier wait."""
    values = {"flow": flow, "step": step, "data": dict(data or {}), "updated_at": now}
    # On the table, not the entity: a plain upsert skips the ORM's bulk-insert machinery.
    statement = upsert_statement(session, ConversationState.__table__, ("person_id",), _COLUMNS)
    await session.execute(statement, {"person_id": person_id, **values})
    loaded = _loaded(session, person_id)
    if loaded is not None:
        for name, value in values.items():
            set_committed_value(loaded, name, value)


@dataclass(frozen=True)
class Waiting:
    """What a person's next free input goes to: a flow, its step and the step's data (read-only)."""

    flow: str
    step: str
    data: dict[str, Any] = field(default_factory=dict)


async def waiting(session: AsyncSession, person_id: int) -> Waiting | None:
    """The wait as adapters see it: a copy, so changing it goes through `expect` and `clear`."""
    state = await pending(session, person_id)
    return None if state is None else Waiting(state.flow, state.step, dict(state.data or {}))


async def pending(session: AsyncSession, person_id: int) -> ConversationState | None:
    return await session.scalar(_PENDING, {"person_id": person_id})


async def clear(session: AsyncSession, person_id: int, flow: str | None = None) -> None:
    """Stop waiting (only if the wait belongs to `flow`, when given)."""
    statement = delete(ConversationState).where(ConversationState.person_id == person_id)
    if flow is not None:
        statement = statement.where(ConversationState.flow == flow)
    await session.execute(statement.execution_options(synchronize_session=False))
    loaded = _loaded(session, person_id)
    if loaded is not None and (flow is None or loaded.flow == flow):
        session.expunge(loaded)


def _loaded(session: AsyncSession, person_id: int) -> ConversationState | None:
    key = session.sync_session.identity_key(ConversationState, person_id)
    found = session.sync_session.identity_map.get(key)
    return found if isinstance(found, ConversationState) else None
