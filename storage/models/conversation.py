"""Where a person stands in a conversation: the one input the bot waits for from them.

Kept in the database (not in PTB's memory), so a restart continues where the
person was.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, JSONType, UTCDateTime


class ConversationState(Base):
    __tablename__ = "conversation_states"

    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), primary_key=True)
    flow: Mapped[str] = mapped_column(String(32))  # e.g. "reflection", "todo_add", "todo_reason"
    step: Mapped[str] = mapped_column(String(64))
    # Drafts (a goal's text, a to-do being assigned) live here until saved: personal.
    data: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict, info={"personal": True, "erased": {}})
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
