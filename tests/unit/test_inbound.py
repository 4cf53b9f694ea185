"""A message a channel delivers twice is handled once (mentoring/inbound.py), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mentoring import inbound
from mentoring.clock import ManualClock
from storage.models.inbound import InboundMessage


async def test_the_first_delivery_counts_and_a_repeat_does_not(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    async with sessions.begin() as session:
        assert await inbound.first_time(session, "whatsapp", "wamid.A", clock.now())
    async with sessions.begin() as session:
        assert not await inbound.first_time(session, "whatsapp", "wamid.A", clock.now())
        assert await inbound.first_time(session, "telegram", "wamid.A", clock.now())  # another channel's id space


async def test_a_handling_that_failed_leaves_no_trace(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    session = sessions()
    async with session.begin():
        assert await inbound.first_time(session, "whatsapp", "wamid.B", clock.now())
        await session.rollback()
    await session.close()
    async with sessions.begin() as session:
        assert await inbound.first_time(session, "whatsapp", "wamid.B", clock.now())  # the retry does the work


async def test_old_ids_are_forgotten_after_meta_stops_retrying(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    async with sessions.begin() as session:
        await inbound.first_time(session, "whatsapp", "wamid.old", clock.now())
    clock.advance(inbound.KEEP - timedelta(minutes=1))
    async with sessions.begin() as session:
        await inbound.first_time(session, "whatsapp", "wamid.new", clock.now())
        assert await inbound.forget_old(session, clock.now()) == 0
    clock.advance(timedelta(minutes=2))
    async with sessions.begin() as session:
        assert await inbound.forget_old(session, clock.now()) == 1
        left = await session.scalars(select(InboundMessage.message_id))
        assert list(left) == ["wamid.new"]
        assert await session.scalar(select(func.count()).select_from(InboundMessage)) == 1
