"""The weekly reflection ("yansıtma"): question sets, reflections per week, and answers.

A programme's question set is versioned: a reflection keeps the version it was
started with, so changing the set never changes the question of an answer
already given. See docs/reflections.md for the schema as the digest reads it.
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
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, JSONType, UTCDateTime

ANSWER_KINDS = ("text", "scale", "choice")
FILE_KINDS = ("voice", "photo")


class ReflectionQuestionSet(Base):
    """One version of a programme's questions; the newest one in force for a week applies."""

    __tablename__ = "reflection_question_sets"
    __table_args__ = (
        UniqueConstraint("programme_id", "version", name="uq_reflection_question_sets_version"),
        CheckConstraint("effective_from_week >= 1", name="effective_from_week"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    effective_from_week: Mapped[int] = mapped_column(Integer)
    # [{"key", "kind", "optional", "text": {"tr", "en"}, "options": [{"key", "text"}]}]
    questions: Mapped[list[dict[str, Any]]] = mapped_column(JSONType)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Reflection(Base):
    """A mentee's reflection for one programme week in one group (a draft until submitted)."""

    __tablename__ = "reflections"
    __table_args__ = (
        UniqueConstraint("person_id", "group_id", "week", name="uq_reflections_person_group_week"),
        Index("ix_reflections_group_week", "group_id", "week"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    week: Mapped[int] = mapped_column(Integer)
    question_set_id: Mapped[int] = mapped_column(ForeignKey("reflection_question_sets.id"))
    # Fixed when the reflection starts, so a later change of the group's rhythm
    # does not reopen or cut short a reflection under way.
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The mentee's choice: mentors see the scale answers only, not the texts.
    numbers_only: Mapped[bool] = mapped_column(Boolean, default=False)


class ReflectionAnswer(Base):
    """One answer; a skipped optional question is a row with `skipped` and no value.

    No person_id of its own: an answer belongs to exactly one reflection, whose
    person_id cascades, and erasure blanks the personal columns here.
    """

    __tablename__ = "reflection_answers"
    __table_args__ = (
        UniqueConstraint("reflection_id", "question_key", name="uq_reflection_answers_question"),
        CheckConstraint("kind IN ('text', 'scale', 'choice')", name="kind"),
        CheckConstraint("scale_value IS NULL OR scale_value BETWEEN 1 AND 5", name="scale_value"),
        CheckConstraint("file_kind IS NULL OR file_kind IN ('voice', 'photo')", name="file_kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reflection_id: Mapped[int] = mapped_column(ForeignKey("reflections.id", ondelete="CASCADE"))
    question_key: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(16))
    skipped: Mapped[bool] = mapped_column(Boolean, default=False)
    scale_value: Mapped[int | None] = mapped_column(SmallInteger)
    choice_value: Mapped[str | None] = mapped_column(String(32))
    text: Mapped[str | None] = mapped_column(Text, info={"personal": True})
    # A voice note or photo given instead of text: Telegram's file_id, not the file.
    file_kind: Mapped[str | None] = mapped_column(String(8))
    file_id: Mapped[str | None] = mapped_column(String(256), info={"personal": True})
    file_duration: Mapped[int | None] = mapped_column(Integer)
    caption: Mapped[str | None] = mapped_column(Text, info={"personal": True})
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime)
