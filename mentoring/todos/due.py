"""When a to-do is due: this programme week, a typed date, before the next session, or never.

A due day is a local date; `due_at` is the end of that day in the person's zone
(UTC), so "overdue" is one comparison with `now` on every backend.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from mentoring import dates
from mentoring.calendar import week_of, week_start
from mentoring.errors import DomainError
from mentoring.i18n import Translator
from mentoring.screens import Moment, Text, Words
from storage.models import Programme

# A to-do is for the weeks between sessions; a date years ahead is a typo.
FURTHEST_DAYS = 366


@dataclass(frozen=True)
class Due:
    kind: str  # one of storage.models.todos.DUE_KINDS
    on: date | None = None
    at: datetime | None = None


def programme_start(programme: Programme) -> date:
    """Week 1 starts on the programme's first day (or the day it was set up, if it has none)."""
    if programme.starts_on is not None:
        return programme.starts_on
    return programme.created_at.astimezone(ZoneInfo(programme.timezone)).date()


def programme_week(programme: Programme, now: datetime) -> int:
    today = now.astimezone(ZoneInfo(programme.timezone)).date()
    return max(1, week_of(programme_start(programme), today))


def _end_of(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz).astimezone(UTC)


def on_day(day: date, tz: ZoneInfo) -> Due:
    return Due("date", day, _end_of(day, tz))


def end_of_week(programme: Programme, tz: ZoneInfo, now: datetime, weeks_ahead: int = 0) -> Due:
    """The last day of the current programme week (or of a later one)."""
    week = programme_week(programme, now) + weeks_ahead
    last = week_start(programme_start(programme), week + 1) - timedelta(days=1)
    return Due("week", last, _end_of(last, tz))


def due_of_kind(kind: str, programme: Programme, tz: ZoneInfo, now: datetime) -> Due:
    """A due without a typed date: this week, before the next session, or none."""
    if kind == "week":
        return end_of_week(programme, tz, now)
    if kind == "session":
        return Due("session")
    if kind == "none":
        return Due("none")
    raise DomainError("stale_button")


def parse_day(text: str, today: date) -> date:
    """A typed date (the forms `mentoring.dates.parse_day` reads), today or later."""
    day = dates.parse_day(text, today)
    if day < today:
        raise DomainError("date_past")
    if day > today + timedelta(days=FURTHEST_DAYS):
        raise DomainError("date_far")
    return day


def due_words(due: Due) -> Words:
    """The due as the reader says it ("by the end of the week, Sunday, November 29, 2026"), rendered at the edge."""
    if due.kind == "session":
        return Text("before the next session")
    if due.on is None:
        return Text("no date")
    day = Moment(due.on)
    if due.kind == "week":
        return Text("by the end of the week, {day}", day=day)
    return day


def due_label(tr: Translator, due: Due) -> str:
    """The due as the reader says it, rendered now (for texts a domain still writes whole)."""
    return due_words(due).render(tr)
