"""When a group's reflection is open: its window this week, and when the next one opens."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from mentoring.calendar import (
    Rhythm,
    Window,
    WindowKind,
    current_window,
    week_of,
    week_start,
    window,
)
from storage.models import Group, GroupSchedule, Programme
from storage.reference_cache import cached


@dataclass(frozen=True)
class GroupRhythm:
    """What deciding a group's reflection window needs, read once."""

    group_id: int
    group_name: str
    programme_id: int
    rhythm: Rhythm
    starts_on: date
    ends_on: date | None
    tz: ZoneInfo

    def open_window(self, now: datetime) -> Window | None:
        return current_window(WindowKind.REFLECTION, self.rhythm, self.starts_on, now, self.tz)

    def next_opening(self, now: datetime) -> datetime | None:
        """When the next reflection opens after `now`; None once the programme has ended."""
        first = max(1, week_of(self.starts_on, now.astimezone(self.tz).date()))
        for week in range(first, first + 3):
            if self.ends_on is not None and week_start(self.starts_on, week) > self.ends_on:
                return None
            found = window(WindowKind.REFLECTION, self.rhythm, self.starts_on, week, self.tz)
            if found.opens_at > now:
                return found.opens_at
        return None


async def group_rhythm(session: AsyncSession, group_id: int) -> GroupRhythm | None:
    """A group's rhythm, read once and then cached (it changes a few times a programme)."""
    return await cached(session, ("rhythm", group_id), lambda: _read_rhythm(session, group_id))


async def _read_rhythm(session: AsyncSession, group_id: int) -> GroupRhythm | None:
    group = await session.get(Group, group_id)
    if group is None:
        return None
    programme = await session.get(Programme, group.programme_id)
    assert programme is not None
    schedule = await session.get(GroupSchedule, group_id)
    return GroupRhythm(
        group_id=group.id,
        group_name=group.name,
        programme_id=programme.id,
        rhythm=Rhythm.of(schedule),
        starts_on=programme.starts_on or programme.created_at.date(),
        ends_on=programme.ends_on,
        tz=ZoneInfo(group.timezone or programme.timezone),
    )


def earliest(moments: list[datetime | None]) -> datetime | None:
    known = [m for m in moments if m is not None]
    return min(known) if known else None
