"""A demo programme to try Narbot with: two groups and invites for every role."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from mentoring.joining.invites import InviteSpec, create_invite
from mentoring.programmes import ProgrammeSpec, create_group, create_programme
from storage.models import Role
from storage.repositories import programmes as repo

DEMO_PROGRAMME = "Nar Taneleri Demo"


@dataclass(frozen=True)
class DemoInvite:
    label: str
    role: Role
    group: str | None
    code: str
    max_uses: int | None


async def seed_demo(session: AsyncSession, now: datetime) -> list[DemoInvite]:
    """Create the demo programme once; running it again adds nothing."""
    if await repo.programme_by_name(session, DEMO_PROGRAMME) is not None:
        return []
    today = now.date()
    programme = await create_programme(
        session,
        ProgrammeSpec(DEMO_PROGRAMME, starts_on=today, ends_on=today + timedelta(days=182)),
        now,
    )
    invites: list[DemoInvite] = []
    coordinator = await create_invite(
        session, InviteSpec(Role.COORDINATOR, programme, max_uses=None, valid_for=None), now
    )
    invites.append(DemoInvite("coordinator", Role.COORDINATOR, None, coordinator.code, None))
    for name, province in (("Ankara 1", "Ankara"), ("İstanbul 1", "İstanbul")):
        group = await create_group(session, programme, name, now, province=province)
        for role in (Role.MENTOR, Role.MENTEE):
            invite = await create_invite(
                session, InviteSpec(role, programme, group, max_uses=None, valid_for=None), now
            )
            invites.append(DemoInvite(f"{role.value} · {name}", role, name, invite.code, None))
    return invites


