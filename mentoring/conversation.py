"""The one input the bot waits for from a person (principle 1: kept in the database)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ConversationState


async def expect(
    session: AsyncSession, person_id: int, flow: str, step: str, now: datetime, data: dict[str, Any] | None = None
) -> ConversationState:
    """Wait for the person's next message to go to `flow` at `step`; replaces any earlier wait."""
    state = await session.get(ConversationState, person_id)
    if state is None:
        state = ConversationState(person_id=person_id, flow=flow, step=step, data=data or {}, updated_at=now)
        session.add(state)
    else:
        state.flow, state.step, state.data, state.updated_at = flow, step, dict(data or {}), now
    await session.flush()
    return state


async def pending(session: AsyncSession, person_id: int) -> ConversationState | None:
    return await session.get(ConversationState, person_id)


async def clear(session: AsyncSession, person_id: int, flow: str | None = None) -> None:
    """Stop waiting (only if the wait belongs to `flow`, when given)."""
    state = await session.get(ConversationState, person_id)
    if state is not None and (flow is None or state.flow == flow):
        await session.delete(state)
        await session.flush()
