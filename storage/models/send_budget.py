"""One sending budget per channel, shared by every process's sender on PostgreSQL (docs/outbox.md).

The row holds the channel's next free send slot ("generic cell rate algorithm"):
a sender books a block of slots with one atomic update that moves it on, so
several processes together never send faster than the channel's rate. No
personal data.
"""

from __future__ import annotations

from sqlalchemy import Float, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base


class SendBudget(Base):
    __tablename__ = "send_budgets"

    # "telegram", "whatsapp".
    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    # The next free slot, in seconds since the epoch on the senders' clock.
    next_at: Mapped[float] = mapped_column(Float)
