"""A group's weekly rhythm as its mentors set it with /rhythm: the rules and their storage.

Each setting is changed by choosing one of a few fixed options (buttons), so a
value outside them is refused. The group's `group_schedules` row is created on
the first change; until then the defaults apply.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from mentoring.access import is_mentor_of, require
from mentoring.calendar import Rhythm
from mentoring.errors import DomainError
from mentoring.joining.rules import MemberView
from storage.models import Group, GroupSchedule, Programme

WEEKDAYS = tuple(range(7))
TIMES = tuple(time(hour, 0) for hour in (8, 10, 12, 14, 17, 19, 20))
REFLECTION_HOURS = (24, 48, 72, 96, 120)
CHECKIN_HOURS = (24, 48, 72)
REMINDER_AFTER_HOURS = (None, 12, 24, 48)
REMINDER_BEFORE_HOURS = (None, 3, 6, 12, 24)


@dataclass(frozen=True)
class RhythmSetting:
    """One thing mentors can change: its short code (in callback data), column and options."""

    code: str
    column: str
    options: tuple[int | time | None, ...]


SETTINGS: dict[str, RhythmSetting] = {
    setting.code: setting for setting in (
        RhythmSetting("rd", "reflection_weekday", WEEKDAYS),
        RhythmSetting("rt", "reflection_time", TIMES),
        RhythmSetting("ro", "reflection_open_hours", REFLECTION_HOURS),
        RhythmSetting("cd", "checkin_weekday", WEEKDAYS),
        RhythmSetting("ct", "checkin_time", TIMES),
        RhythmSetting("co", "checkin_open_hours", CHECKIN_HOURS),
        RhythmSetting("ra", "reminder_after_hours", REMINDER_AFTER_HOURS),
        RhythmSetting("rb", "reminder_before_close_hours", REMINDER_BEFORE_HOURS),
    )
}


def option_code(value: int | time | None) -> str:
    """How an option travels in callback data: "off", "1000" for 10:00, or the number."""
    if value is None:
        return "off"
    if isinstance(value, time):
        return f"{value.hour:02d}{value.minute:02d}"
    return str(value)


def _option(setting: RhythmSetting, code: str) -> int | time | None:
    for value in setting.options:
        if option_code(value) == code:
            return value
    raise DomainError("bad_rhythm_option", setting=setting.code, option=code)


@dataclass(frozen=True)
class GroupRhythm:
    group_id: int
    group_name: str
    timezone: str  # the group's zone, in which the rhythm's times are meant
    rhythm: Rhythm


async def group_rhythm(session: AsyncSession, member: MemberView, group_id: int) -> GroupRhythm:
    """The rhythm of a group the member mentors."""
    require(is_mentor_of(member, group_id), "see_rhythm")
    row = (await session.execute(
        select(Group.name, Group.timezone, Programme.timezone)
        .join(Programme, Programme.id == Group.programme_id)
        .where(Group.id == group_id)
    )).one()
    return GroupRhythm(group_id, row[0], row[1] or row[2], Rhythm.of(await session.get(GroupSchedule, group_id)))


async def change_rhythm(
    session: AsyncSession, member: MemberView, group_id: int, setting_code: str, option: str
) -> GroupRhythm:
    """A mentor of the group changes one setting; returns the group's rhythm after the change."""
    require(is_mentor_of(member, group_id), "change_rhythm")
    await apply_setting(session, group_id, setting_code, option)
    return await group_rhythm(session, member, group_id)


async def apply_setting(session: AsyncSession, group_id: int, setting_code: str, option: str) -> None:
    """Set one setting of a group's rhythm to one of its options (the caller has checked who may)."""
    setting = SETTINGS.get(setting_code)
    if setting is None:
        raise DomainError("bad_rhythm_option", setting=setting_code, option=option)
    value = _option(setting, option)
    schedule = await session.get(GroupSchedule, group_id)
    if schedule is None:
        defaults = Rhythm()
        schedule = GroupSchedule(group_id=group_id, **{
            name: getattr(defaults, name) for name in Rhythm.__dataclass_fields__
        })
        session.add(schedule)
        # Written with the defaults first: an INSERT would take a column's default for None,
        # so a first change to "Off" would be lost.
        await session.flush()
    setattr(schedule, setting.column, value)
    await session.flush()
