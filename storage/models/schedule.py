"""Each group's weekly rhythm: when the reflection and check-in prompts go out, and reminders."""

from __future__ import annotations

from datetime import time

from sqlalchemy import CheckConstraint, ForeignKey, Integer, SmallInteger, Time
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base

# Defaults for a group whose mentors have not set a rhythm: reflections open on
# Friday morning for three days (care workers often write after weekend
# shifts), check-ins on Wednesday for two days. Times are the group's local time.
DEFAULT_REFLECTION_WEEKDAY = 4  # Monday is 0
DEFAULT_REFLECTION_TIME = time(10, 0)
DEFAULT_REFLECTION_OPEN_HOURS = 72
DEFAULT_CHECKIN_WEEKDAY = 2
DEFAULT_CHECKIN_TIME = time(10, 0)
DEFAULT_CHECKIN_OPEN_HOURS = 48
DEFAULT_REMINDER_AFTER_HOURS = 24
DEFAULT_REMINDER_BEFORE_CLOSE_HOURS = 6


class GroupSchedule(Base):
    __tablename__ = "group_schedules"
    __table_args__ = (
        CheckConstraint("reflection_weekday BETWEEN 0 AND 6", name="reflection_weekday"),
        CheckConstraint("checkin_weekday BETWEEN 0 AND 6", name="checkin_weekday"),
        CheckConstraint("reflection_open_hours BETWEEN 1 AND 167", name="reflection_open_hours"),
        CheckConstraint("checkin_open_hours BETWEEN 1 AND 167", name="checkin_open_hours"),
    )

    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True)
    reflection_weekday: Mapped[int] = mapped_column(SmallInteger, default=DEFAULT_REFLECTION_WEEKDAY)
    reflection_time: Mapped[time] = mapped_column(Time, default=DEFAULT_REFLECTION_TIME)
    reflection_open_hours: Mapped[int] = mapped_column(Integer, default=DEFAULT_REFLECTION_OPEN_HOURS)
    checkin_weekday: Mapped[int] = mapped_column(SmallInteger, default=DEFAULT_CHECKIN_WEEKDAY)
    checkin_time: Mapped[time] = mapped_column(Time, default=DEFAULT_CHECKIN_TIME)
    checkin_open_hours: Mapped[int] = mapped_column(Integer, default=DEFAULT_CHECKIN_OPEN_HOURS)
    # NULL switches that reminder off.
    reminder_after_hours: Mapped[int | None] = mapped_column(Integer, default=DEFAULT_REMINDER_AFTER_HOURS)
    reminder_before_close_hours: Mapped[int | None] = mapped_column(
        Integer, default=DEFAULT_REMINDER_BEFORE_CLOSE_HOURS
    )
