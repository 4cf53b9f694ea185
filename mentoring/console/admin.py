"""Programmes and groups in the web console: create and edit them, and a group's weekly rhythm.

- A programme is created by whoever coordinates one already (`may_create_programme`); they
  become its coordinator. Its name and dates are edited by its coordinators (the end after the
  start). Weeks, prompts and the closing steps read the dates when they run, so they follow.
- A group is created, renamed or moved to another province by the programme's coordinators
  (its name unique in the programme, its province one of the list).
- A group's rhythm: mentoring/console/rhythm.py.

Every form is checked whole before anything is written: `FormProblems` names each problem by
its field (the route shows the form again, status 400, and the transaction rolls back). A
refusal is `AccessDenied("console_admin")`. Every change is audited (ids only).
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from mentoring import audit
from mentoring.access import (
    AccessDenied,
    is_coordinator_of,
    may_create_programme,
    require,
)
from mentoring.joining.rules import MemberView
from mentoring.programmes import ProgrammeSpec, create_group, create_programme
from mentoring.screens import Text, Words
from mentoring.text import search_key
from storage.models import Group, Membership, Programme, Province, Role

REFUSED = "console_admin"
PROGRAMME_CREATED = "console.programme_created"
PROGRAMME_CHANGED = "console.programme_changed"
GROUP_CREATED = "console.group_created"
GROUP_CHANGED = "console.group_changed"

DEFAULT_TIMEZONE = "Europe/Istanbul"
NAME_MAX = 200  # programmes.name and groups.name are String(200)
DATE_EXAMPLE = "2026-09-07"

NO_NAME = Text("Please enter a name.")
NAME_TOO_LONG = Text("The name is too long: at most {limit} characters.", limit=NAME_MAX)
PROGRAMME_TAKEN = Text("A programme with this name already exists.")
GROUP_TAKEN = Text("A group with this name already exists in this programme.")
BAD_DATE = Text("Please enter a date like {example}.", example=DATE_EXAMPLE)
END_BEFORE_START = Text("The end must be after the start.")
BAD_ZONE = Text("Unknown time zone: use a name such as Europe/Istanbul.")
NO_PROVINCE = Text("Please choose a province from the list.")


class FormProblems(Exception):
    """A form with problems: each by its field, and what was typed (to show the form again)."""

    def __init__(self, problems: dict[str, Words], values: dict[str, str]) -> None:
        super().__init__(sorted(problems))
        self.problems = problems
        self.values = values


def typed(form: Mapping[str, object], *names: str) -> dict[str, str]:
    """The form's text fields, trimmed (a missing field reads as empty)."""
    return {name: str(form.get(name) or "").strip() for name in names}


def _name(value: str, problems: dict[str, Words]) -> str:
    name = " ".join(value.split())
    if not name:
        problems["name"] = NO_NAME
    elif len(name) > NAME_MAX:
        problems["name"] = NAME_TOO_LONG
    return name


def _date(value: str, key: str, problems: dict[str, Words]) -> date | None:
    try:
        return date.fromisoformat(value)
    except ValueError:
        problems[key] = BAD_DATE
        return None


def _dates(values: dict[str, str], problems: dict[str, Words]) -> tuple[date | None, date | None]:
    starts_on = _date(values["starts_on"], "starts_on", problems)
    ends_on = _date(values["ends_on"], "ends_on", problems)
    if starts_on is not None and ends_on is not None and ends_on <= starts_on:
        problems["ends_on"] = END_BEFORE_START
    return starts_on, ends_on


@cache
def _zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


# ----------------------------------------------------------------------------- programmes


PROGRAMME_FIELDS = ("name", "starts_on", "ends_on", "timezone")


@dataclass(frozen=True)
class ProgrammeForm:
    """A programme's form: None for a new one."""

    programme_id: int | None
    values: dict[str, str]
    problems: dict[str, Words] = field(default_factory=dict)


def new_programme_form(person: MemberView) -> ProgrammeForm:
    require(may_create_programme(person), REFUSED)
    return ProgrammeForm(None, {"name": "", "starts_on": "", "ends_on": "", "timezone": DEFAULT_TIMEZONE})


async def _programme_taken(session: AsyncSession, name: str, but: int | None = None) -> bool:
    found = await session.scalar(select(Programme.id).where(Programme.name == name))
    return found is not None and found != but


async def add_programme(session: AsyncSession, person: MemberView, values: dict[str, str],
                        now: datetime) -> Programme:
    """A new programme; its creator becomes its coordinator."""
    require(may_create_programme(person), REFUSED)
    problems: dict[str, Words] = {}
    name = _name(values["name"], problems)
    starts_on, ends_on = _dates(values, problems)
    zone = values["timezone"] or DEFAULT_TIMEZONE
    if zone not in _zones():
        problems["timezone"] = BAD_ZONE
    if "name" not in problems and await _programme_taken(session, name):
        problems["name"] = PROGRAMME_TAKEN
    if problems:
        raise FormProblems(problems, values)
    programme = await create_programme(session, ProgrammeSpec(name, starts_on, ends_on, zone), now)
    session.add(Membership(person_id=person.person_id, programme_id=programme.id, group_id=None,
                           role=Role.COORDINATOR.value, joined_at=now))
    await session.flush()
    await audit.record(session, person.person_id, PROGRAMME_CREATED, details={"programme": programme.id}, now=now)
    return programme


async def _coordinated(session: AsyncSession, person: MemberView, programme_id: int) -> Programme:
    found = await session.get(Programme, programme_id)
    if found is None or not is_coordinator_of(person, programme_id):
        raise AccessDenied(REFUSED)
    return found


async def programme_form(session: AsyncSession, person: MemberView, programme_id: int) -> ProgrammeForm:
    found = await _coordinated(session, person, programme_id)
    return ProgrammeForm(found.id, {
        "name": found.name, "starts_on": found.starts_on.isoformat() if found.starts_on else "",
        "ends_on": found.ends_on.isoformat() if found.ends_on else "", "timezone": found.timezone})


async def change_programme(session: AsyncSession, person: MemberView, programme_id: int, values: dict[str, str],
                           now: datetime) -> Programme:
    """A programme's new name and dates (its time zone stays: every week was counted in it)."""
    found = await _coordinated(session, person, programme_id)
    values = {**values, "timezone": found.timezone}
    problems: dict[str, Words] = {}
    name = _name(values["name"], problems)
    starts_on, ends_on = _dates(values, problems)
    if "name" not in problems and await _programme_taken(session, name, but=found.id):
        problems["name"] = PROGRAMME_TAKEN
    if problems:
        raise FormProblems(problems, values)
    found.name, found.starts_on, found.ends_on = name, starts_on, ends_on
    await session.flush()
    await audit.record(session, person.person_id, PROGRAMME_CHANGED, details={"programme": found.id}, now=now)
    return found


# ----------------------------------------------------------------------------- groups


GROUP_FIELDS = ("name", "province")


@dataclass(frozen=True)
class GroupForm:
    """A group's form: group_id None for a new one."""

    programme_id: int
    programme_name: str
    group_id: int | None
    values: dict[str, str]
    provinces: tuple[tuple[int, str], ...]  # (id, name), every province of the list
    problems: dict[str, Words] = field(default_factory=dict)

    def with_problems(self, problems: dict[str, Words], values: dict[str, str]) -> GroupForm:
        return GroupForm(self.programme_id, self.programme_name, self.group_id, values, self.provinces, problems)


async def provinces(session: AsyncSession) -> tuple[tuple[int, str], ...]:
    rows = await session.execute(select(Province.id, Province.name).order_by(Province.search_key))
    return tuple((pid, name) for pid, name in rows.all())


async def new_group_form(session: AsyncSession, person: MemberView, programme_id: int) -> GroupForm:
    found = await _coordinated(session, person, programme_id)
    return GroupForm(found.id, found.name, None, {"name": "", "province": ""}, await provinces(session))


async def _managed_group(session: AsyncSession, person: MemberView, group_id: int) -> tuple[Group, Programme]:
    group = await session.get(Group, group_id)
    if group is None or not is_coordinator_of(person, group.programme_id):
        raise AccessDenied(REFUSED)
    programme = await session.get(Programme, group.programme_id)
    assert programme is not None
    return group, programme


async def group_form(session: AsyncSession, person: MemberView, group_id: int) -> GroupForm:
    group, programme = await _managed_group(session, person, group_id)
    return GroupForm(programme.id, programme.name, group.id,
                     {"name": group.name, "province": str(group.province_id or "")}, await provinces(session))


async def _check_group(session: AsyncSession, programme_id: int, values: dict[str, str],
                       but: int | None = None) -> tuple[str, Province]:
    problems: dict[str, Words] = {}
    name = _name(values["name"], problems)
    province = await session.get(Province, int(values["province"])) if values["province"].isdigit() else None
    if province is None:
        problems["province"] = NO_PROVINCE
    if "name" not in problems:
        key = search_key(name)
        names = await session.execute(select(Group.id, Group.name).where(Group.programme_id == programme_id))
        if any(search_key(other) == key and gid != but for gid, other in names.all()):
            problems["name"] = GROUP_TAKEN
    if problems:
        raise FormProblems(problems, values)
    assert province is not None
    return name, province


async def add_group(session: AsyncSession, person: MemberView, programme_id: int, values: dict[str, str],
                    now: datetime) -> Group:
    programme = await _coordinated(session, person, programme_id)
    name, province = await _check_group(session, programme.id, values)
    group = await create_group(session, programme, name, now, province=province.name)
    await audit.record(session, person.person_id, GROUP_CREATED,
                       details={"programme": programme.id, "group": group.id}, now=now)
    return group


async def change_group(session: AsyncSession, person: MemberView, group_id: int, values: dict[str, str],
                       now: datetime) -> Group:
    group, programme = await _managed_group(session, person, group_id)
    name, province = await _check_group(session, programme.id, values, but=group.id)
    group.name, group.province_id = name, province.id
    await session.flush()
    await audit.record(session, person.person_id, GROUP_CHANGED,
                       details={"programme": programme.id, "group": group.id}, now=now)
    return group
