"""Programme weeks and the weekly windows in which reflections and check-ins are open.

Week 1 starts on the programme's first day; week N covers the seven days from
`starts_on + 7(N-1)`. Each group's rhythm (`GroupSchedule`) puts a window in
every week, in the group's local time; a window may run into the next week.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from storage.models import GroupSchedule
from storage.models.schedule import (
    DEFAULT_CHECKIN_OPEN_HOURS,
    DEFAULT_CHECKIN_TIME,
    DEFAULT_CHECKIN_WEEKDAY,
    DEFAULT_REFLECTION_OPEN_HOURS,
    DEFAULT_REFLECTION_TIME,
    DEFAULT_REFLECTION_WEEKDAY,
    DEFAULT_REMINDER_AFTER_HOURS,
    DEFAULT_REMINDER_BEFORE_CLOSE_HOURS,
)


class WindowKind(enum.Enum):
    REFLECTION = "reflection"
    CHECKIN = "checkin"


@dataclass(frozen=True)
class Rhythm:
    """A group's weekly rhythm as plain values (a GroupSchedule row, or the defaults)."""

    reflection_weekday: int = DEFAULT_REFLECTION_WEEKDAY
    reflection_time: time = DEFAULT_REFLECTION_TIME
    reflection_open_hours: int = DEFAULT_REFLECTION_OPEN_HOURS
    checkin_weekday: int = DEFAULT_CHECKIN_WEEKDAY
    checkin_time: time = DEFAULT_CHECKIN_TIME
    checkin_open_hours: int = DEFAULT_CHECKIN_OPEN_HOURS
    reminder_after_hours: int | None = DEFAULT_REMINDER_AFTER_HOURS
    reminder_before_close_hours: int | None = DEFAULT_REMINDER_BEFORE_CLOSE_HOURS

    @classmethod
    def of(cls, schedule: GroupSchedule | None) -> Rhythm:
        if schedule is None:
            return cls()
        return cls(
            schedule.reflection_weekday, schedule.reflection_time, schedule.reflection_open_hours,
            schedule.checkin_weekday, schedule.checkin_time, schedule.checkin_open_hours,
            schedule.reminder_after_hours, schedule.reminder_before_close_hours,
        )

    def slot(self, kind: WindowKind) -> tuple[int, time, int]:
        if kind is WindowKind.REFLECTION:
            return self.reflection_weekday, self.reflection_time, self.reflection_open_hours
        return self.checkin_weekday, self.checkin_time, self.checkin_open_hours


@dataclass(frozen=True)
class Window:
    kind: WindowKind
    week: int
    opens_at: datetime  # aware, UTC
    closes_at: datetime

    def is_open(self, now: datetime) -> bool:
        return self.opens_at <= now < self.closes_at


def week_of(starts_on: date, day: date) -> int:
    """The programme week a local date falls in (1 for the first week; 0 or less before the start)."""
    return (day - starts_on).days // 7 + 1


def week_start(starts_on: date, week: int) -> date:
    return starts_on + timedelta(days=7 * (week - 1))


def window(kind: WindowKind, rhythm: Rhythm, starts_on: date, week: int, tz: ZoneInfo) -> Window:
    """The window of a given week: on the rhythm's weekday within that week, at its local time."""
    weekday, at, hours = rhythm.slot(kind)
    first = week_start(starts_on, week)
    day = first + timedelta(days=(weekday - first.weekday()) % 7)
    # Local wall time -> UTC; zoneinfo resolves DST gaps and folds (Turkey has none today).
    opens = datetime.combine(day, at, tzinfo=tz).astimezone(UTC)
    return Window(kind, week, opens, opens + timedelta(hours=hours))


def current_window(kind: WindowKind, rhythm: Rhythm, starts_on: date, now: datetime, tz: ZoneInfo) -> Window | None:
    """The window open at `now`, if any (this week's, or last week's running over)."""
    week = week_of(starts_on, now.astimezone(tz).date())
    for candidate in (week, week - 1):
        if candidate < 1:
            continue
        found = window(kind, rhythm, starts_on, candidate, tz)
        if found.is_open(now):
            return found
    return None


def latest_window(kind: WindowKind, rhythm: Rhythm, starts_on: date, now: datetime, tz: ZoneInfo) -> Window | None:
    """The most recent window that has opened by `now` (open or closed), if any."""
    week = week_of(starts_on, now.astimezone(tz).date())
    for candidate in (week, week - 1):
        if candidate < 1:
            continue
        found = window(kind, rhythm, starts_on, candidate, tz)
        if found.opens_at <= now:
            return found
    return None
