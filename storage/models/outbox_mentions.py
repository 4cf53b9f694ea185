"""Who an outbox message names or quotes, besides its reader.

A partner notice names the new partners, an announcement quotes its coordinator,
a digest names the group's mentees. Enqueuers record those people here
(`mentoring.outbox.Outgoing.mentions`), so erasing a person finds every copy of
their name and words in other people's messages (mentoring.privacy.rules.erase_person).
"""

from __future__ import annotations

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base


class OutboxMention(Base):
    __tablename__ = "outbox_mentions"

    outbox_id: Mapped[int] = mapped_column(
        ForeignKey("outbox_messages.id", ondelete="CASCADE"), primary_key=True
    )
    # The person named or quoted (never the reader: their own rows are found by `person_id` there).
    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True, index=True
    )
