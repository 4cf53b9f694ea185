"""The rules of a person's own settings for what Narbot sends unasked: time zone, quiet hours,
pause, leave.

Stored on `people`; the planner skips paused people and the sender holds
messages in a person's quiet hours until the morning.
"""

from __future__ import annotations

import re
import zoneinfo
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

from sqlalchemy.ext.asyncio import AsyncSession

from mentoring import dates
from mentoring.errors import DomainError
from storage.models import Person

# Offered as buttons, most likely first; any other zone is found by typing its city.
COMMON_ZONES = (
    "Europe/Istanbul", "Europe/Berlin", "Europe/Amsterdam", "Europe/Vienna",
    "Europe/Brussels", "Europe/Paris", "Europe/London", "Asia/Baku",
)
QUIET_PRESETS = (
    (time(22, 0), time(8, 0)), (time(23, 0), time(7, 0)),
    (time(21, 0), time(9, 0)), (time(0, 0), time(6, 0)),
)
PAUSE = timedelta(days=7)
LONGEST_LEAVE = timedelta(days=366)
_TIME = r"(\d{1,2})(?:[:.](\d{2}))?"
_QUIET = re.compile(rf"^\s*{_TIME}\s*(?:-|–|—|to|ile|\s)\s*{_TIME}\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class PersonalSettings:
    timezone: str
    quiet_start: time
    quiet_end: time
    paused_until: datetime | None

    def paused_at(self, now: datetime) -> bool:
        return self.paused_until is not None and self.paused_until > now


async def _person(session: AsyncSession, person_id: int) -> Person:
    person = await session.get(Person, person_id)
    if person is None:
        raise DomainError("unknown_person")
    return person


def _view(person: Person) -> PersonalSettings:
    return PersonalSettings(person.timezone, person.quiet_hours_start, person.quiet_hours_end,
                            person.paused_until)


async def settings_of(session: AsyncSession, person_id: int) -> PersonalSettings:
    return _view(await _person(session, person_id))


@lru_cache(maxsize=1)
def _zones_by_folded_name() -> dict[str, str]:
    return {name.casefold(): name for name in zoneinfo.available_timezones()}


def resolve_timezone(text: str) -> str:
    """An IANA zone name in any letter case ("europe/berlin" -> "Europe/Berlin")."""
    name = _zones_by_folded_name().get(text.strip().replace(" ", "_").casefold())
    if name is None:
        raise DomainError("unknown_timezone", timezone=text.strip()[:64])
    return name


def search_timezones(text: str) -> list[str]:
    """The zones a typed city or zone name finds ("İstanbul", "londra", "Europe/Berlin"), at least one."""
    found = dates.find_zones(text)
    if not found:
        raise DomainError("unknown_city", typed=text.strip()[:64])
    return found


def all_zones() -> tuple[str, ...]:
    """Every zone a button may carry: the common ones and any a search finds."""
    return tuple(sorted(zoneinfo.available_timezones()))


async def set_timezone(session: AsyncSession, person_id: int, text: str) -> PersonalSettings:
    person = await _person(session, person_id)
    person.timezone = resolve_timezone(text)
    await session.flush()
    return _view(person)


def _clock_time(hour: str, minute: str | None) -> time:
    h, m = int(hour), int(minute or 0)
    if h == 24 and m == 0:
        h = 0
    if not (0 <= h < 24 and 0 <= m < 60):
        raise DomainError("bad_quiet_hours")
    return time(h, m)


def parse_quiet_hours(text: str) -> tuple[time, time]:
    """"22:00-08:00", "22-8", "23.30 – 07.00": start and end, local time (may wrap midnight)."""
    found = _QUIET.match(text)
    if found is None:
        raise DomainError("bad_quiet_hours")
    start, end = _clock_time(found[1], found[2]), _clock_time(found[3], found[4])
    if start == end:
        raise DomainError("bad_quiet_hours")
    return start, end


async def set_quiet_hours(session: AsyncSession, person_id: int, start: time, end: time) -> PersonalSettings:
    if start == end:
        raise DomainError("bad_quiet_hours")
    person = await _person(session, person_id)
    person.quiet_hours_start, person.quiet_hours_end = start, end
    await session.flush()
    return _view(person)


async def pause_for_a_week(session: AsyncSession, person_id: int, now: datetime) -> PersonalSettings:
    person = await _person(session, person_id)
    person.paused_until = now + PAUSE
    await session.flush()
    return _view(person)


def parse_leave_day(text: str, today: date) -> date:
    """The last day of a leave ("31.12.2026", "31 Aralık", "cuma", see `mentoring.dates`), up to a year on."""
    day = dates.parse_day(text, today)
    if day < today:
        raise DomainError("date_in_past")
    if day > today + LONGEST_LEAVE:
        raise DomainError("date_too_far")
    return day


def today_of(view: PersonalSettings, now: datetime) -> date:
    """The day it is now in the person's zone."""
    return now.astimezone(zoneinfo.ZoneInfo(view.timezone)).date()


async def leave_through(session: AsyncSession, person_id: int, day: date) -> PersonalSettings:
    """On leave through `day`: nothing is sent until the next morning in the person's zone."""
    person = await _person(session, person_id)
    zone = zoneinfo.ZoneInfo(person.timezone)
    person.paused_until = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)
    await session.flush()
    return _view(person)


async def resume(session: AsyncSession, person_id: int) -> PersonalSettings:
    person = await _person(session, person_id)
    person.paused_until = None
    await session.flush()
    return _view(person)
