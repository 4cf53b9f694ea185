"""The outbox: every message the bot starts on its own, written in the transaction that caused it.

One sender (bot/sender.py) takes due rows, keeps Telegram's limits and records
each result; see principle 3 in docs/architecture.md.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, JSONType, UTCDateTime

OUTBOX_STATUSES = ("pending", "sending", "sent", "failed", "dropped", "cancelled")

# Lower goes first: answers to a person's own action, then ordinary, then bulk.
PRIORITY_REPLY = 0
PRIORITY_NORMAL = 10
PRIORITY_BULK = 20


class OutboxMessage(Base):
    __tablename__ = "outbox_messages"
    __table_args__ = (
        CheckConstraint(
            "status IN ('pending', 'sending', 'sent', 'failed', 'dropped', 'cancelled')", name="status"
        ),
        Index("ix_outbox_messages_due", "status", "priority", "not_before"),
        Index("ix_outbox_messages_batch", "batch_key", "status"),
        # WhatsApp's status webhooks name the message they are about.
        Index("ix_outbox_messages_sent_message_id", "sent_message_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Makes enqueueing idempotent: the same key is never queued (or sent) twice.
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    # For chats that are not a person's (group chats); otherwise resolved from the person at send time.
    chat_id: Mapped[str | None] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(32))
    priority: Mapped[int] = mapped_column(SmallInteger, default=PRIORITY_NORMAL)
    # Personal: it may quote what someone wrote or name them; erased with the person, and by retention.
    text: Mapped[str] = mapped_column(Text, info={"personal": True, "erased": ""})
    # [[{"text": "...", "data": "..."}, ...], ...]: rows of inline buttons.
    buttons: Mapped[list[list[dict[str, str]]] | None] = mapped_column(JSONType)
    # {"type": "photo" | "document", "path": "...", "filename": "..."}
    attachment: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    not_before: Mapped[datetime] = mapped_column(UTCDateTime)
    # Past this moment the message is no longer meaningful and is dropped, not sent.
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    respect_quiet_hours: Mapped[bool] = mapped_column(Boolean, default=True)
    # Groups rows for progress reports, e.g. "broadcast:12" or "wave:reflection:g3:w5".
    batch_key: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(String(500))
    sent_message_id: Mapped[str | None] = mapped_column(String(128))
    # Committed just before the request to Telegram starts: a row claimed by a process that
    # died is in doubt only if this is set; otherwise it never left and goes back to the queue.
    attempt_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A dead sender may or may not have delivered this row; it was sent again (or failed)
    # by the crash policy of its kind (docs/outbox.md). Delivery reports count these.
    in_doubt: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The channel it went out on ("telegram", "whatsapp"), set when it is sent.
    channel: Mapped[str | None] = mapped_column(String(16))
    # The approved WhatsApp template it went as (outside the 24-hour window), else None.
    template: Mapped[str | None] = mapped_column(String(64))
    # What the channel reported afterwards (WhatsApp's status webhooks; Telegram reports neither).
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
