"""Mentors' replies to a mentee's reflection, and the mentee's one answer to each (issue #14, E.6.2).

One table, one row per message, owned by its author (`person_id`), so erasing a
person clears what they wrote and nothing else: a mentor's reply names the
reflection, development plan goal or to-do it answers (`reflection_id`,
`goal_id`, `todo_id`: exactly one), a mentee's answer the reply it answers
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
        # Exactly one subject: a reply names a reflection, a goal or a to-do; an answer names the reply.
        CheckConstraint(
            "(CASE WHEN reflection_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN goal_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN todo_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN answer_to_id IS NULL THEN 0 ELSE 1 END)"
            " = 1", name="subject"),
        CheckConstraint("reaction IS NULL OR reaction IN ('well_done', 'in_session', 'help')", name="reaction"),
        Index("ix_feedback_messages_reflection", "reflection_id"),
        Index("ix_feedback_messages_answer_to", "answer_to_id", unique=True),
        Index("ix_feedback_messages_goal", "goal_id"),
        Index("ix_feedback_messages_todo", "todo_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The author: a mentor replying, or the mentee answering.
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    # Whom it was sent to.
    to_person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    reflection_id: Mapped[int | None] = mapped_column(ForeignKey("reflections.id", ondelete="CASCADE"))
    goal_id: Mapped[int | None] = mapped_column(ForeignKey("plan_goals.id", ondelete="CASCADE"))
    todo_id: Mapped[int | None] = mapped_column(ForeignKey("todos.id", ondelete="CASCADE"))
    answer_to_id: Mapped[int | None] = mapped_column(ForeignKey("feedback_messages.id", ondelete="CASCADE"))
    reaction: Mapped[str | None] = mapped_column(String(16))
    # At most 500 characters; cleared with its author.
    text: Mapped[str | None] = mapped_column(Text, info={"personal": True})
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
