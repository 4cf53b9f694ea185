"""The sender's writes (bot/sender_writer.py): a claim reads without holding up the other writes."""

from __future__ import annotations

import asyncio

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.sender_writer import ResultWriter
from mentoring.clock import ManualClock
from storage.models import OutboxMessage
from storage.repositories import outbox
from tests.support.sender import queue, row


async def _status(sessions: async_sessionmaker[AsyncSession], key: str) -> str:
    return (await row(sessions, key)).status


async def test_other_writes_go_on_while_a_claim_reads(sessions, clock: ManualClock) -> None:
    await queue(sessions, clock.now(), "claimed", chat_id="-100")
    await queue(sessions, clock.now(), "deferred", chat_id="-101")
    writer = ResultWriter(sessions)
    reading, decided = asyncio.Event(), asyncio.Event()

    async def read(session: AsyncSession) -> list[int]:
        ids = list(await session.scalars(
            select(OutboxMessage.id).where(OutboxMessage.idempotency_key == "claimed")
        ))
        reading.set()
        await decided.wait()  # a thousand rows being decided
        return ids

    async def claim(session: AsyncSession, ids: list[int]) -> list[int]:
        return await outbox.claim(session, ids, clock.now())

    claiming = asyncio.create_task(writer.read_then_write(read, claim))
    await reading.wait()
    deferred = (await row(sessions, "deferred")).id
    # Meanwhile a send's result is written: it does not wait for the claim to finish deciding.
    await asyncio.wait_for(
        writer.write(lambda s: outbox.defer(s, deferred, clock.now())), timeout=5
    )
    assert not claiming.done()
    decided.set()
    assert len(await claiming) == 1
    assert await _status(sessions, "claimed") == "sending"


async def test_a_claim_that_fails_while_writing_writes_nothing(sessions, clock: ManualClock) -> None:
    await queue(sessions, clock.now(), "first", chat_id="-100")
    await queue(sessions, clock.now(), "second", chat_id="-101")
    writer = ResultWriter(sessions)

    async def read(session: AsyncSession) -> list[int]:
        return list(await session.scalars(select(OutboxMessage.id).order_by(OutboxMessage.id)))

    async def claim(session: AsyncSession, ids: list[int]) -> None:
        await outbox.claim(session, ids[:1], clock.now())
        raise RuntimeError("the database went away mid-claim")

    try:
        await writer.read_then_write(read, claim)
    except RuntimeError:
        pass
    else:
        raise AssertionError("the failure must reach the sender")
    assert [await _status(sessions, key) for key in ("first", "second")] == ["pending", "pending"]
