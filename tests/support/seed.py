"""Set up programmes, groups and invites through the domain, as a coordinator would."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mentoring.joining.invites import InviteSpec, create_invite
from mentoring.programmes import ProgrammeSpec, create_group, create_programme
from storage.models import Group, Programme, Role
from tests.support.notice import give_notice


@dataclass
class Setup:
    programme: Programme
    groups: list[Group]
    codes: dict[str, str]  # label -> invite code


async def seed_programme(
    sessions: async_sessionmaker[AsyncSession], now: datetime, *, groups: int = 1, name: str = "Nar Taneleri"
) -> Setup:
    """A programme with groups, each with a multi-use mentee and mentor invite, and a coordinator invite."""
    async with sessions.begin() as session:
        programme = await create_programme(session, ProgrammeSpec(name), now)
        await give_notice(session, programme.id, now)
        made: list[Group] = []
        codes: dict[str, str] = {}
        for index in range(1, groups + 1):
            group = await create_group(session, programme, f"Grup {index}", now, province="Ankara")
            made.append(group)
            for role in (Role.MENTEE, Role.MENTOR):
                invite = await create_invite(
                    session, InviteSpec(role, programme, group, max_uses=None), now
                )
                codes[f"{role.value}{index}"] = invite.code
        coordinator = await create_invite(session, InviteSpec(Role.COORDINATOR, programme), now)
        codes["coordinator"] = coordinator.code
    return Setup(programme, made, codes)


async def single_invite(
    sessions: async_sessionmaker[AsyncSession], now: datetime, programme: Programme, group: Group | None,
    role: Role = Role.MENTEE, *, valid_for: timedelta | None = timedelta(days=30), name: str | None = None,
) -> str:
    async with sessions.begin() as session:
        invite = await create_invite(
            session, InviteSpec(role, programme, group, invitee_name=name, max_uses=1, valid_for=valid_for), now
        )
    return invite.code
