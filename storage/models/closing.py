"""The programme ends (issue #14, point 6; E.6, E.7): the closing sequence and its answers.

`closing_progress`: where a mentee is in the closing sequence of a programme
(`step`, an index into `mentoring.closing.rules.STEPS`), when they started and
finished, and whether their peer pair goes on. `closing_answers`: the closing
reflection's short texts. `closing_recommendations`: how to go on alone, written
by the mentee (`author_id` = the mentee) or suggested by a mentor. `closing_surveys`:
the end-of-programme survey (facilitation, group climate, peer pairs, 1-5 each,
and an optional text); `group_id` is the mentee's group when they answered, so a
group's mentors see its aggregate (never who answered what).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
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

from storage.models.base import Base, UTCDateTime

PAIR_CHOICES = ("yes", "no", "unsure")
TEXT_MAX = 1000


class ClosingProgress(Base):
    __tablename__ = "closing_progress"
    __table_args__ = (
        UniqueConstraint("person_id", "programme_id", name="uq_closing_progress_person_programme"),
        CheckConstraint("pair_choice IN ('yes', 'no', 'unsure')", name="pair_choice"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"))
    group_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id", ondelete="SET NULL"))
    step: Mapped[int] = mapped_column(Integer, default=0)
    pair_choice: Mapped[str | None] = mapped_column(String(8))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ClosingAnswer(Base):
    """One answer to a question of the closing reflection (a personal text)."""

    __tablename__ = "closing_answers"
    __table_args__ = (
        UniqueConstraint("person_id", "programme_id", "question", name="uq_closing_answers_question"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"))
    question: Mapped[str] = mapped_column(String(16))
    text: Mapped[str | None] = mapped_column(Text, info={"personal": True})
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ClosingRecommendation(Base):
    """How a mentee goes on alone: their own (author = the mentee) or a mentor's suggestion to them."""

    __tablename__ = "closing_recommendations"
    __table_args__ = (
        Index("ix_closing_recommendations_mentee", "mentee_id", "programme_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    mentee_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"))
    # Who wrote it (the mentee, or a mentor). CASCADE like every `person_id`: people are never deleted.
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    text: Mapped[str | None] = mapped_column(Text, info={"personal": True})
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ClosingSurvey(Base):
    """The end-of-programme survey (E.6.3): one per mentee and programme; a skipped score stays None."""

    __tablename__ = "closing_surveys"
    __table_args__ = (
        UniqueConstraint("person_id", "programme_id", name="uq_closing_surveys_person_programme"),
        CheckConstraint("facilitation BETWEEN 1 AND 5", name="facilitation"),
        CheckConstraint("climate BETWEEN 1 AND 5", name="climate"),
        CheckConstraint("pairs BETWEEN 1 AND 5", name="pairs"),
        Index("ix_closing_surveys_group_id", "group_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"))
    group_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id", ondelete="SET NULL"))
    facilitation: Mapped[int | None] = mapped_column(SmallInteger)
    climate: Mapped[int | None] = mapped_column(SmallInteger)
    pairs: Mapped[int | None] = mapped_column(SmallInteger)
    comment: Mapped[str | None] = mapped_column(Text, info={"personal": True})
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime)
