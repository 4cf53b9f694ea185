"""Messages a channel delivered to the bot, by their id, so a webhook sent twice is handled once.

WhatsApp retries a webhook it thinks failed (for days), and several processes
may receive the same one; each message id is written once, in the transaction
that handles the message, and forgotten after `mentoring.inbound.KEEP`. Ids
are the channel's opaque message ids: no personal data.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, UTCDateTime


class InboundMessage(Base):
    __tablename__ = "inbound_messages"
    __table_args__ = (Index("ix_inbound_messages_received_at", "received_at"),)

    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    message_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
