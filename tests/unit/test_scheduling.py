"""Rhythm changes by mentors and a person's own settings, in the domain."""

from __future__ import annotations

from datetime import date, time

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mentoring.access import AccessDenied
from mentoring.clock import ManualClock
from mentoring.errors import DomainError
from mentoring.joining.rules import MemberView, RoleView
from mentoring.rhythm import change_rhythm, group_rhythm
from mentoring.settings import parse_leave_day, parse_quiet_hours, resolve_timezone
from storage.models import GroupSchedule, Role
from tests.support.waves import add_group, add_programme


def member(role: Role, group_id: int, programme_id: int) -> MemberView:
    return MemberView(1, "Deniz", "tr", "Europe/Istanbul",
                      (RoleView(role, programme_id, "Nar", group_id, "Grup 1"),), None)


@pytest.mark.parametrize(("text", "expected"), [
    ("22:00-08:00", (time(22), time(8))),
    ("23.30 – 07.00", (time(23, 30), time(7))),
    ("22-8", (time(22), time(8))),
    ("0 to 6", (time(0), time(6))),
    ("24:00-06:00", (time(0), time(6))),
])
def test_quiet_hours_are_read_in_common_spellings(text: str, expected: tuple[time, time]) -> None:
    assert parse_quiet_hours(text) == expected


@pytest.mark.parametrize("text", ["", "22", "25:00-08:00", "22:61-08:00", "08:00-08:00", "akşam"])
def test_unreadable_quiet_hours_are_refused(text: str) -> None:
    with pytest.raises(DomainError) as error:
        parse_quiet_hours(text)
    assert error.value.code == "bad_quiet_hours"


def test_zones_are_matched_in_any_letter_case() -> None:
    assert resolve_timezone(" europe/berlin ") == "Europe/Berlin"
    assert resolve_timezone("America/New York") == "America/New_York"
    with pytest.raises(DomainError) as error:
        resolve_timezone("Mars/Olympus")
    assert error.value.code == "unknown_timezone"


def test_leave_days_are_read_and_bounded() -> None:
    today = date(2026, 11, 23)
    assert parse_leave_day("31.12.2026", today) == parse_leave_day("2026-12-31", today) == date(2026, 12, 31)
    assert parse_leave_day("23/11/2026", today) == today
    for text, code in (("31.02.2026", "no_such_date"), ("next week", "bad_date"),
                       ("22.11.2026", "date_in_past"), ("25.11.2027", "date_too_far")):
        with pytest.raises(DomainError) as error:
            parse_leave_day(text, today)
        assert error.value.code == code


async def test_the_first_change_creates_the_groups_schedule_with_defaults_elsewhere(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    async with sessions.begin() as session:
        programme = await add_programme(session, clock.now(), date(2026, 11, 23))
        group = await add_group(session, programme, clock.now(), timezone="Europe/Berlin")
    mentor = member(Role.MENTOR, group.id, programme.id)
    async with sessions.begin() as session:
        view = await change_rhythm(session, mentor, group.id, "rt", "1700")
    assert view.timezone == "Europe/Berlin" and view.rhythm.reflection_time == time(17)
    async with sessions.begin() as session:
        await change_rhythm(session, mentor, group.id, "rb", "off")
        row = await session.get(GroupSchedule, group.id)
        assert row is not None and row.reminder_before_close_hours is None
        assert row.reflection_time == time(17) and row.reflection_weekday == 4 and row.checkin_open_hours == 48


async def test_only_the_groups_mentors_change_it_and_only_to_offered_values(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    async with sessions.begin() as session:
        programme = await add_programme(session, clock.now(), date(2026, 11, 23))
        group = await add_group(session, programme, clock.now())
    async with sessions.begin() as session:
        with pytest.raises(AccessDenied):
            await change_rhythm(session, member(Role.MENTEE, group.id, programme.id), group.id, "rd", "0")
        with pytest.raises(AccessDenied):
            await group_rhythm(session, member(Role.MENTOR, group.id + 1, programme.id), group.id)
        mentor = member(Role.MENTOR, group.id, programme.id)
        for setting, option in (("rd", "7"), ("ro", "200"), ("ra", "5"), ("xx", "1")):
            with pytest.raises(DomainError) as error:
                await change_rhythm(session, mentor, group.id, setting, option)
            assert error.value.code == "bad_rhythm_option"
        assert await session.get(GroupSchedule, group.id) is None
