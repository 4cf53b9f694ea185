"""A reply the channel refused for the moment, queued in the outbox instead of lost.

Replies to what a person just did go out at once from the channel adapter.
When the channel refuses one for the moment (throttling, its own fault, the
network), what was not sent is queued here at reply priority, without quiet
hours, expiring `REPLY_TTL` after it was due, for the sender to deliver when
the channel takes messages again: the same rule as Telegram's (bot/reply_bot.py).
The channel adapter names the key (the message replied to and the part), so a
reply queued twice is one row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from mentoring.outbox import Button, Outgoing, enqueue
from storage.models.outbox import PRIORITY_REPLY

REPLY_KIND = "reply"
# A reply that could not go out within ten minutes of being due is no longer an answer.
REPLY_TTL = timedelta(minutes=10)


@dataclass(frozen=True)
class LateReply:
    """One queued message: its words in the reader's language, its buttons, and its part number."""

    part: int
    text: str
    buttons: list[list[Button]] = field(default_factory=list)


async def queue(
    session: AsyncSession, person_id: int, key: str, replies: Sequence[LateReply], now: datetime
) -> int:
    """Queue the replies for the person, in order (keys `<key>:<part>`); how many were new."""
    return await enqueue(session, [
        Outgoing(
            idempotency_key=f"{key}:{reply.part}",
            kind=REPLY_KIND,
            text=reply.text,
            not_before=now,
            person_id=person_id,
            buttons=reply.buttons,
            priority=PRIORITY_REPLY,
            expires_at=now + REPLY_TTL,
            respect_quiet_hours=False,
        )
        for reply in replies
    ], now)
