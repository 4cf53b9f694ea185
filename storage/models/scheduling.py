"""The planner's log: which stage of which group's weekly wave has been planned, or dropped.

One row per (group, kind, week, stage) makes planning cheap (a planned stage is
never looked at again) and tells reports what the bot did not send because the
window closed while it was down.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, UTCDateTime

WAVE_KINDS = ("reflection", "checkin", "self_assessment")
WAVE_STAGES = ("prompt", "reminder_after", "reminder_before")
# planned: rows were queued; dropped: the window had closed when the planner got to it;
# skipped: a reminder not sent because its prompt went out in the same pass (after downtime).
WAVE_OUTCOMES = ("planned", "dropped", "skipped")


class PlannedWave(Base):
    __tablename__ = "planned_waves"
    __table_args__ = (
        UniqueConstraint("group_id", "kind", "week", "stage", name="uq_planned_waves_stage"),
        CheckConstraint("kind IN ('reflection', 'checkin', 'self_assessment')", name="kind"),
        CheckConstraint("stage IN ('prompt', 'reminder_after', 'reminder_before')", name="stage"),
        CheckConstraint("outcome IN ('planned', 'dropped', 'skipped')", name="outcome"),
        Index("ix_planned_waves_closes_at", "closes_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    week: Mapped[int] = mapped_column(Integer)
    stage: Mapped[str] = mapped_column(String(16))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    outcome: Mapped[str] = mapped_column(String(16))
    # How many people the stage was queued (or, when dropped, recorded) for.
    recipients: Mapped[int] = mapped_column(Integer, default=0)
    # Moved forward when latecomers who joined during an open window get the prompt.
    planned_at: Mapped[datetime] = mapped_column(UTCDateTime)
