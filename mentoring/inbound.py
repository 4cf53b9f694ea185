"""A message a channel delivers twice is handled once: its id is written with the work it caused.

WhatsApp retries a webhook it believes failed, for days, and any process behind
the webhook may get the retry. `first_time` records the message's id in the
transaction that handles it: a retry finds it and is dropped; a handling that
failed (rolled back) leaves no trace, so the retry does the work. Ids are kept
for `KEEP`, longer than Meta retries, and then forgotten (`forget_old`, run by
the planner).

`note_message` keeps the clock of WhatsApp's 24-hour window: when the person
last wrote (`channel_identities.last_inbound_at`), which the sender reads to
choose between a free-form message and an approved template.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ChannelIdentity
from storage.models.inbound import InboundMessage
from storage.upsert import insert_for

KEEP = timedelta(days=8)
# The window's clock is written only when it moves on by this much. `channel_identities`
# feeds the process-wide reference cache (storage/reference_cache.py), and every write to
# it empties that cache: writing on every message would cost each message its cache. The
# stored moment is then at most this much earlier than the truth, so the window looks
# shorter than it is, never longer: at worst a template goes where free-form would have done.
CLOCK_STEP = timedelta(minutes=10)


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


async def note_message(session: AsyncSession, channel: str, external_user_id: str, at: datetime) -> bool:
    """The person behind this account wrote at `at`: move their window's clock on (never back).

    False when nothing was written: no such account yet (a visitor), or the clock is
    already within `CLOCK_STEP` of `at`.
    """
    account = (ChannelIdentity.channel == channel, ChannelIdentity.external_user_id == external_user_id)
    found = (await session.execute(select(ChannelIdentity.last_inbound_at).where(*account))).first()
    if found is None or (found[0] is not None and found[0] > at - CLOCK_STEP):
        return False
    result = await session.execute(
        update(ChannelIdentity)
        .where(*account, or_(ChannelIdentity.last_inbound_at.is_(None), ChannelIdentity.last_inbound_at < at))
        .values(last_inbound_at=at)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)
