"""The development plan ("gelişim planı"): areas, goals and the self-assessment.

A programme's list of priority development areas defaults to eight care topics
(mentoring/plans/areas.py); coordinators may replace it (`narbot areas load`),
which stores the list in `plan_areas`. Areas are referred to by a stable `key`
so choices and scores survive edits of their titles.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, UTCDateTime

GOAL_STATUSES = ("not_started", "in_progress", "done")
ASSESSMENT_STAGES = ("baseline", "end")


class PlanArea(Base):
    """One area of a programme's own list (absent rows: the default list applies)."""

    __tablename__ = "plan_areas"
    __table_args__ = (UniqueConstraint("programme_id", "key", name="uq_plan_areas_programme_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(32))
    position: Mapped[int] = mapped_column(SmallInteger)
    title_tr: Mapped[str] = mapped_column(String(120))
    title_en: Mapped[str] = mapped_column(String(120))


class PlanAreaChoice(Base):
    """A priority development area a person chose."""

    __tablename__ = "plan_area_choices"
    __table_args__ = (
        UniqueConstraint("person_id", "programme_id", "area_key", name="uq_plan_area_choices_area"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"))
    area_key: Mapped[str] = mapped_column(String(32))
    chosen_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PlanGoal(Base):
    """A SMART goal of a person's plan: what, how they will know, by when, and its status."""

    __tablename__ = "plan_goals"
    __table_args__ = (
        CheckConstraint("status IN ('not_started', 'in_progress', 'done')", name="status"),
        CheckConstraint("due_kind IN ('2w', '1m', 'end', 'date')", name="due_kind"),
        Index("ix_plan_goals_person_programme", "person_id", "programme_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"))
    what: Mapped[str | None] = mapped_column(Text, info={"personal": True})
    measure: Mapped[str | None] = mapped_column(Text, info={"personal": True})
    # How the person chose the date (for the impact report); due_on is the date itself.
    due_kind: Mapped[str] = mapped_column(String(8))
    due_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="not_started")
    note: Mapped[str | None] = mapped_column(Text, info={"personal": True})
    # The priority area the goal serves (a key of the programme's list); None: "other" (older goals too).
    area_key: Mapped[str | None] = mapped_column(String(32))
    shared: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SelfAssessment(Base):
    """One self-assessment score (1-5, strongly disagree to strongly agree) for one statement at one stage.

    `area_key` is the key of a programme outcome or a skill (mentoring.plans.assessment.INSTRUMENT);
    rows stored before the split may hold a programme's own area keys."""

    __tablename__ = "plan_self_assessments"
    __table_args__ = (
        CheckConstraint("stage IN ('baseline', 'end')", name="stage"),
        CheckConstraint("score BETWEEN 1 AND 5", name="score"),
        UniqueConstraint("person_id", "programme_id", "stage", "area_key", name="uq_plan_self_assessments_area"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"))
    stage: Mapped[str] = mapped_column(String(8))
    area_key: Mapped[str] = mapped_column(String(32))
    score: Mapped[int] = mapped_column(SmallInteger)
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime)
