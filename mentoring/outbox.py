"""Queueing messages the bot starts on its own (principle 3: one way out).

Callers render the text in the reader's language and enqueue it in the same
transaction as the change that caused it; the sender (bot/sender.py) delivers.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import Engine, event, insert, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session

from mentoring.button_data import Refused, decode
from mentoring.i18n import Translator
from mentoring.screens import Choice, Media, Raw, Screen
from storage.models import OutboxMessage
from storage.models.outbox import PRIORITY_NORMAL
from storage.models.outbox_mentions import OutboxMention
from storage.upsert import insert_for

_logger = logging.getLogger(__name__)

# Who hears that queued rows were committed, per database (engine): every session this process
# opens on it, whenever it was opened, reaches the sender that sends from it.
_LISTENERS: WeakKeyDictionary[Engine, list[Callable[[], None]]] = WeakKeyDictionary()
# Set on a session whose transaction queued rows.
_QUEUED = "narbot.outbox.queued"


@dataclass(frozen=True)
class Button:
    """A button on a queued message: its label, the data the codec wrote, and a short label where the
    label is too long for small buttons (WhatsApp's 20 characters), kept for the channel that needs it."""

    text: str
    data: str
    short: str | None = None

    @classmethod
    def of(cls, choice: Choice, tr: Translator) -> Button:
        """A screen's choice, in the reader's language, as a queued button."""
        text, short = choice.label.render(tr), choice.short_label(tr)
        return cls(text, choice.data, short if short != text else None)

    def stored(self) -> dict[str, str]:
        return {"text": self.text, "data": self.data, **({"short": self.short} if self.short else {})}


def buttons_of(choices: Iterable[Iterable[Choice]], tr: Translator) -> list[list[Button]]:
    """A screen's rows of choices as queued buttons (links have no place in a queued message)."""
    rows = ([Button.of(choice, tr) for choice in row if choice.url is None] for row in choices)
    return [row for row in rows if row]


def screen_of(text: str, buttons: Sequence[Sequence[dict[str, str]]] | None,
              attachment: dict[str, Any] | None, channel: str | None = None) -> Screen:
    """A queued message as a screen again (a channel that renders screens, a held message shown later).

    Buttons whose data no table reads any more are left out; a file that is gone leaves the text alone.
    A file by reference (`{"type", "file_id", "channel"}`: a voice note or photo a person sent) is kept
    only on `channel`, the one its id is valid on; elsewhere the text goes alone.
    """
    return Screen(Raw(text), _choices(buttons or ()), _media(attachment, channel))


def _choices(rows: Sequence[Sequence[dict[str, str]]]) -> list[list[Choice]]:
    result = []
    for row in rows:
        kept = []
        for button in row:
            try:
                decode(button.get("data"))
            except Refused as refused:
                _logger.info("A queued button's data is no longer read (%s)", refused.reason)
                continue
            short = button.get("short")
            kept.append(Choice(button["data"], Raw(button["text"]), Raw(short) if short else None))
        result.append(kept)
    return result


def _media(attachment: dict[str, Any] | None, channel: str | None = None) -> Media | None:
    if attachment and attachment.get("file_id"):
        if attachment.get("channel") != channel or attachment.get("type") not in ("photo", "voice"):
            return None
        return Media(kind=attachment["type"], file_id=attachment["file_id"])
    if not attachment or attachment.get("type") not in ("photo", "document"):
        return None
    path = Path(attachment["path"])
    if not path.is_file():
        # A lost file (a cleaned temp folder, another host) must not cost the text too.
        _logger.warning("A queued message's attachment is missing; its text goes alone")
        return None
    return Media(kind=attachment["type"], path=path, filename=attachment.get("filename"))


@dataclass(frozen=True)
class Outgoing:
    """One message to one person (or chat), ready to queue."""

    idempotency_key: str
    kind: str
    text: str
    not_before: datetime
    person_id: int | None = None
    chat_id: str | None = None
    buttons: list[list[Button]] = field(default_factory=list)
    attachment: dict[str, Any] | None = None
    priority: int = PRIORITY_NORMAL
    expires_at: datetime | None = None
    respect_quiet_hours: bool = True
    batch_key: str | None = None
    # People other than the reader whom the text names or quotes (a partner, the coordinator
    # signing an announcement, the mentees of a digest): erasing one of them rewrites this copy.
    mentions: tuple[int, ...] = ()


def _row(message: Outgoing, now: datetime) -> dict[str, Any]:
    return {
        "idempotency_key": message.idempotency_key,
        "person_id": message.person_id,
        "chat_id": message.chat_id,
        "kind": message.kind,
        "priority": message.priority,
        "text": message.text,
        "buttons": [[b.stored() for b in row] for row in message.buttons] or None,
        "attachment": message.attachment,
        "not_before": message.not_before,
        "expires_at": message.expires_at,
        "respect_quiet_hours": message.respect_quiet_hours,
        "batch_key": message.batch_key,
        "status": "pending",
        "attempts": 0,
        "created_at": now,
    }


async def enqueue(session: AsyncSession, messages: list[Outgoing], now: datetime) -> int:
    """Queue messages; a key already queued is skipped. Returns how many were new."""
    if not messages:
        return 0
    if any(m.person_id is None and m.chat_id is None for m in messages):
        raise ValueError("an outgoing message needs a person or a chat")
    added = 0
    # One statement, compiled once and cached, run with many rows (SQLAlchemy batches them into
    # multi-row INSERTs within the backends' parameter limits): a multi-row `.values([...])`
    # compiled afresh per chunk cost most of a 20,000-prompt wave's planning (docs/performance.md).
    table = OutboxMessage.__table__
    for start in range(0, len(messages), 2000):
        chunk = messages[start:start + 2000]
        naming = any(m.mentions for m in chunk)
        statement = insert_for(session, table).on_conflict_do_nothing(index_elements=["idempotency_key"])
        # The keys are only read back when some message names someone (not for prompt waves).
        returned = (table.c.id, table.c.idempotency_key) if naming else (table.c.id,)
        new = (await session.execute(statement.returning(*returned), [_row(m, now) for m in chunk])).all()
        added += len(new)
        if naming:
            await _record_mentions(session, chunk, {key: row_id for row_id, key in new})
    if added:
        session.info[_QUEUED] = True
    return added


def on_queued(sessions: async_sessionmaker[AsyncSession], listener: Callable[[], None]) -> Callable[[], None]:
    """Call `listener` after each commit, in this process and on the database of `sessions`, of a
    transaction that queued rows: the sender then claims them at once (bot/sender_pacing.py
    `Doorbell`). Returns the call that stops it. Rows another process queues are found at the next look."""
    listeners = _LISTENERS.setdefault(sessions.kw["bind"].sync_engine, [])
    listeners.append(listener)
    return lambda: listeners.remove(listener)


@event.listens_for(Session, "after_commit")
def _queued_rows_committed(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint: the rows are not committed until the transaction is
    if session.info.pop(_QUEUED, False) and session.bind is not None:
        for listener in tuple(_LISTENERS.get(session.bind.engine, ())):
            try:
                listener()
            except Exception:  # the rows are committed: a listener's fault must not say otherwise
                _logger.exception("A listener for queued rows failed")


@event.listens_for(Session, "after_rollback")
def _queued_rows_rolled_back(session: Session) -> None:
    if not session.in_nested_transaction():
        session.info.pop(_QUEUED, None)


async def _record_mentions(session: AsyncSession, messages: list[Outgoing], ids: dict[str, int]) -> None:
    """Note whom each newly queued message names; a key queued before keeps its own notes."""
    pairs = sorted({
        (ids[m.idempotency_key], person_id)
        for m in messages if m.mentions and m.idempotency_key in ids
        for person_id in set(m.mentions) - {m.person_id}
    })
    if pairs:
        await session.execute(
            insert(OutboxMention), [{"outbox_id": row, "person_id": person} for row, person in pairs]
        )


async def queued(session: AsyncSession, idempotency_key: str) -> OutboxMessage | None:
    return await session.scalar(select(OutboxMessage).where(OutboxMessage.idempotency_key == idempotency_key))
