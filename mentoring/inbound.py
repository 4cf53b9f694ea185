"""A message a channel delivers twice is handled once: its id is written with the work it caused.

WhatsApp retries a webhook it believes failed, for days, and any process behind
the webhook may get the retry. `first_time` records the message's id in the
transaction that handles it: a retry finds it and is dropped; a handling that
failed (rolled back) leaves no trace, so the retry does the work. Ids are kept
for `KEEP`, longer than Meta retries, and then forgotten (`forget_old`, run by
the planner).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.inbound import InboundMessage
from storage.upsert import insert_for

KEEP = timedelta(days=8)


async def first_time(session: AsyncSession, channel: str, message_id: str, now: datetime) -> bool:
    """Record that the channel delivered this message; False when it had already."""
    statement = insert_for(session, InboundMessage).values(
        channel=channel, message_id=message_id, received_at=now
    ).on_conflict_do_nothing(index_elements=["channel", "message_id"])
    result = await session.execute(statement)
    return bool(result.rowcount)


async def forget_old(session: AsyncSession, now: datetime) -> int:
    """Forget ids older than `KEEP`; how many."""
    result = await session.execute(
        delete(InboundMessage).where(InboundMessage.received_at < now - KEEP)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0
