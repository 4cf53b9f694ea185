"""Setting up programmes and their groups (what coordinators do before anyone joins)."""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from mentoring.errors import DomainError
from mentoring.text import search_key
from storage.models import Group, Programme, Province
from storage.repositories import programmes as repo


@dataclass(frozen=True)
class ProgrammeSpec:
    name: str
    starts_on: date | None = None  # None: the day the programme is set up
    ends_on: date | None = None
    timezone: str = "Europe/Istanbul"


def _check_timezone(name: str) -> None:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise DomainError("unknown_timezone", timezone=name) from None


async def create_programme(session: AsyncSession, spec: ProgrammeSpec, now: datetime) -> Programme:
    name = " ".join(spec.name.split())
    if not name:
        raise DomainError("empty_name")
    _check_timezone(spec.timezone)
    if await repo.programme_by_name(session, name) is not None:
        raise DomainError("programme_exists", name=name)
    # Weeks count from the first day; a programme set up without one starts the
    # day it is set up (in its own zone; or on its last day, if recorded after it
    # ended), so prompts, check-ins and reflections agree on the weeks.
    today = now.astimezone(zoneinfo.ZoneInfo(spec.timezone)).date()
    starts_on = spec.starts_on or min(today, spec.ends_on or today)
    if spec.ends_on and spec.ends_on < starts_on:
        raise DomainError("ends_before_start")
    programme = Programme(
        name=name, starts_on=starts_on, ends_on=spec.ends_on, timezone=spec.timezone,
        created_at=now,
    )
    session.add(programme)
    await session.flush()
    return programme


async def find_province(session: AsyncSession, name: str) -> Province:
    """A province by name in any casing or spelling with or without Turkish letters."""
    province = await repo.province_by_key(session, search_key(name))
    if province is None:
        raise DomainError("unknown_province", province=name)
    return province


async def create_group(
    session: AsyncSession,
    programme: Programme,
    name: str,
    now: datetime,
    *,
    province: str | None = None,
    timezone: str | None = None,
) -> Group:
    name = " ".join(name.split())
    if not name:
        raise DomainError("empty_name")
    if timezone:
        _check_timezone(timezone)
    if await repo.group_by_name(session, programme.id, name) is not None:
        raise DomainError("group_exists", name=name, programme=programme.name)
    province_id = (await find_province(session, province)).id if province else None
    group = Group(
        programme_id=programme.id, name=name, province_id=province_id, timezone=timezone,
        created_at=now,
    )
    session.add(group)
    await session.flush()
    return group


async def get_or_create_group(
    session: AsyncSession, programme: Programme, name: str, now: datetime, *, province: str | None
) -> Group:
    existing = await repo.group_by_name(session, programme.id, " ".join(name.split()))
    if existing is not None:
        return existing
    return await create_group(session, programme, name, now, province=province)


async def programme_named(session: AsyncSession, name_or_id: str) -> Programme:
    """Find a programme by its id or exact name (what the CLI accepts)."""
    programme = None
    if name_or_id.isdigit():
        programme = await session.get(Programme, int(name_or_id))
    if programme is None:
        programme = await repo.programme_by_name(session, " ".join(name_or_id.split()))
    if programme is None:
        raise DomainError("unknown_programme", programme=name_or_id)
    return programme


async def group_named(session: AsyncSession, programme: Programme, name_or_id: str) -> Group:
    group = None
    if name_or_id.isdigit():
        group = await session.get(Group, int(name_or_id))
        if group is not None and group.programme_id != programme.id:
            group = None
    if group is None:
        group = await repo.group_by_name(session, programme.id, " ".join(name_or_id.split()))
    if group is None:
        raise DomainError("unknown_group", group=name_or_id, programme=programme.name)
    return group
