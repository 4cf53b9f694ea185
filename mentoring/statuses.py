"""What a channel reports later about a message the outbox sent: delivered, read, failed (WhatsApp).

WhatsApp's status webhooks name the message by the id its Cloud API gave when
the sender sent it (`outbox_messages.sent_message_id`, "wamid…"). `record`
finds that row and writes what the status says; an id no row holds (a part of
a split message, a reply sent at once rather than queued) is ignored. The
caller owns the transaction; nothing here commits.

- "sent": nothing new (the sender already knows).
- "delivered", "read": `delivered_at` and `read_at`, each kept at the earliest
  moment reported and never cleared; a "read" that arrives before its
  "delivered" (webhooks come in any order) fills `delivered_at` too.
- "failed": the row is failed with Meta's code and title as its reason, and
  * 131026 (undeliverable: not on WhatsApp, an old app, or the person blocked
    the business): the person's WhatsApp account is marked blocked and, unless
    they have an account on another channel, what still waits for them is
    failed, as for Telegram's "blocked";
  * 131047 (outside the 24-hour window) on a free-form message: the window is
    known to be closed, so `last_inbound_at` is cleared and the row goes back
    to the queue, for the sender to send again as a template; on a template
    it is simply failed.

Only ids, codes and Meta's error titles are handled: never a message's words.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from mentoring.delivery import BLOCKED
from storage.models import ChannelIdentity, OutboxMessage
from storage.repositories import outbox as outbox_repo

UNDELIVERABLE = 131026
OUTSIDE_WINDOW = 131047
SENT_AGAIN = "WhatsApp 131047: outside the 24-hour window; sent again as a template"
REASON_LIMIT = 500


@dataclass(frozen=True)
class Recorded:
    """What a status changed, for the caller's log: ids and counts only.

    `change`: "unknown" (no outbox row sent it), "none", "delivered", "read",
    "failed", "blocked" (failed, and the person marked unreachable) or "requeued".
    """

    change: str
    outbox_id: int | None = None
    # Further rows failed because the person turned out to be unreachable.
    failed_pending: int = 0


def reason_of(code: int | None, title: str | None) -> str:
    """The row's `last_error` for a failure: Meta's code and title, nothing of the message."""
    return f"WhatsApp {code if code is not None else '?'}: {title or 'failed'}"[:REASON_LIMIT]


async def record(
    session: AsyncSession, channel: str, message_id: str, status: str, at: datetime,
    error_code: int | None, error_title: str | None,
) -> Recorded:
    """Write a status on the outbox row that sent `message_id` on `channel`."""
    found = (await session.execute(
        select(OutboxMessage.id, OutboxMessage.person_id, OutboxMessage.chat_id, OutboxMessage.template,
               OutboxMessage.status)
        .where(OutboxMessage.sent_message_id == message_id, OutboxMessage.channel == channel)
        .order_by(OutboxMessage.id)
        .limit(1)
    )).first()
    if found is None:
        return Recorded("unknown")
    row_id, person_id, chat_id, template, row_status = found
    if status == "delivered":
        await _earliest(session, row_id, OutboxMessage.delivered_at, at)
        return Recorded("delivered", row_id)
    if status == "read":
        await _earliest(session, row_id, OutboxMessage.read_at, at)
        await _earliest(session, row_id, OutboxMessage.delivered_at, at)
        return Recorded("read", row_id)
    if status != "failed" or row_status != "sent":
        # "sent" adds nothing; a failure of a row still being sent (the first part of a two-part
        # message) is the sender's to settle, and a row settled otherwise stays as it is.
        if status == "failed" and error_code == UNDELIVERABLE:
            return Recorded("blocked", row_id, await _unreachable(session, channel, person_id, chat_id, at))
        return Recorded("none", row_id)
    if error_code == OUTSIDE_WINDOW and template is None:
        await _window_closed(session, channel, person_id, chat_id, at)
        await _settle(session, row_id, message_id, {
            "status": "pending", "next_attempt_at": None, "claimed_at": None, "attempt_started_at": None,
            "sent_message_id": None, "last_error": SENT_AGAIN,
        })
        return Recorded("requeued", row_id)
    await _settle(session, row_id, message_id, {"status": "failed", "last_error": reason_of(error_code, error_title)})
    if error_code == UNDELIVERABLE:
        return Recorded("blocked", row_id, await _unreachable(session, channel, person_id, chat_id, at))
    return Recorded("failed", row_id)


async def _earliest(session: AsyncSession, row_id: int, column: object, at: datetime) -> None:
    """Set a moment unless an earlier one is already there (statuses arrive in any order, and twice)."""
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == row_id, or_(column.is_(None), column > at))  # type: ignore[attr-defined]
        .values({column: at})
        .execution_options(synchronize_session=False)
    )


async def _settle(session: AsyncSession, row_id: int, message_id: str, values: dict[str, object]) -> None:
    # Only while the row still holds this message: a second copy of the webhook changes nothing.
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == row_id, OutboxMessage.sent_message_id == message_id,
               OutboxMessage.status == "sent")
        .values(**values)
        .execution_options(synchronize_session=False)
    )


def _identities(channel: str, person_id: int | None, chat_id: str | None) -> tuple[object, ...]:
    """Which accounts a row went to: its chat, else its person's accounts on the channel."""
    if chat_id is not None:
        return (ChannelIdentity.channel == channel, ChannelIdentity.chat_id == chat_id)
    return (ChannelIdentity.channel == channel, ChannelIdentity.person_id == person_id)


async def _unreachable(
    session: AsyncSession, channel: str, person_id: int | None, chat_id: str | None, at: datetime
) -> int:
    """Mark the account blocked (as Telegram's "blocked") and fail what still waits for its people."""
    chats = list(await session.scalars(
        select(ChannelIdentity.chat_id).where(*_identities(channel, person_id, chat_id))  # type: ignore[arg-type]
    ))
    failed = 0
    for chat in chats:
        for blocked in await outbox_repo.block_identity(session, channel, chat, at):
            # Still reachable on another channel: what waits goes there instead.
            if not await outbox_repo.reachable(session, blocked):
                failed += await outbox_repo.fail_pending_for_person(session, blocked, BLOCKED)
    return failed


async def _window_closed(
    session: AsyncSession, channel: str, person_id: int | None, chat_id: str | None, at: datetime
) -> None:
    """The 24-hour window is closed: forget the last message, unless the person wrote since."""
    await session.execute(
        update(ChannelIdentity)
        .where(*_identities(channel, person_id, chat_id),  # type: ignore[arg-type]
               or_(ChannelIdentity.last_inbound_at.is_(None), ChannelIdentity.last_inbound_at <= at))
        .values(last_inbound_at=None)
        .execution_options(synchronize_session=False)
    )
