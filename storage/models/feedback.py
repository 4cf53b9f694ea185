"""Mentors' replies to a mentee's reflection, and the mentee's one answer to each (issue #14, E.6.2).

One table, one row per message, owned by its author (`person_id`), so erasing a
person clears what they wrote and nothing else: a mentor's reply names the
reflection it answers (`reflection_id`), a mentee's answer the reply it answers
(`answer_to_id`, unique: one answer per reply). A reply is a ready reaction
(`reaction`, a fixed code) or a short text; the texts are personal.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, UTCDateTime

REACTIONS = ("well_done", "in_session", "help")


class FeedbackMessage(Base):
    __tablename__ = "feedback_messages"
    __table_args__ = (
        CheckConstraint("(reflection_id IS NULL) <> (answer_to_id IS NULL)", name="subject"),
        CheckConstraint("reaction IS NULL OR reaction IN ('well_done', 'in_session', 'help')", name="reaction"),
        Index("ix_feedback_messages_reflection", "reflection_id"),
        Index("ix_feedback_messages_answer_to", "answer_to_id", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The author: a mentor replying, or the mentee answering.
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    # Whom it was sent to.
    to_person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    reflection_id: Mapped[int | None] = mapped_column(ForeignKey("reflections.id", ondelete="CASCADE"))
    answer_to_id: Mapped[int | None] = mapped_column(ForeignKey("feedback_messages.id", ondelete="CASCADE"))
    reaction: Mapped[str | None] = mapped_column(String(16))
    # At most 500 characters; cleared with its author.
    text: Mapped[str | None] = mapped_column(Text, info={"personal": True})
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
