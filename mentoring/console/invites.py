"""A programme's open invites, and withdrawing them (issue #16): for the programme's coordinators only.

- `open_invites` lists every invite of the programme that can still be used (not used up,
  not expired, not withdrawn): personal invites with the invitee's name (the coordinators
  made them; the name is theirs to see) and a group's shared links, `PAGE_SIZE` a page,
  oldest first. Each view is audited (`console.invites.open`, ids and counts: it shows names).
- `revoke` withdraws one invite, `revoke_group` every open invite of one group of the
  programme: a conditional UPDATE (an invite redeemed at the same moment is either used or
  withdrawn, never both), audited `console.invite.revoke` with ids and the count only.
  The bot then refuses the invite's link with the invalid-invite answer for a withdrawn
  invite (mentoring/joining/words.invalid_invite: "This invite has been withdrawn.").

Coordinators of another programme, mentors and everyone else are refused
(`AccessDenied("console")`) before anything is read or written; an invite or group of
another programme is refused the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from mentoring import audit
from mentoring.access import may_coordinate, require
from mentoring.joining.rules import MemberView
from storage.models import Group, Invite, Programme

REFUSED = "console"
VIEWED = "console.invites.open"
REVOKED = "console.invite.revoke"
PAGE_SIZE = 50


@dataclass(frozen=True)
class OpenInvite:
    id: int
    role: str  # Role value
    group: str | None
    name: str | None  # None: a shared link (or an invite made without a name)
    used: int
    max_uses: int | None  # None: any number of people
    created_at: datetime
    expires_at: datetime | None


@dataclass(frozen=True)
class GroupInvites:
    """A group of the programme with open invites, for "withdraw all of this group"."""

    id: int
    name: str
    count: int


@dataclass(frozen=True)
class OpenInvites:
    programme_id: int
    programme_name: str
    invites: tuple[OpenInvite, ...]
    total: int
    page: int
    pages: int
    groups: tuple[GroupInvites, ...]


def is_open(now: datetime) -> ColumnElement[bool]:
    """An invite someone could still use at `now` (as mentoring/joining/invites.invite_status says VALID)."""
    return and_(
        Invite.revoked_at.is_(None),
        or_(Invite.expires_at.is_(None), Invite.expires_at > now),
        or_(Invite.max_uses.is_(None), Invite.use_count < Invite.max_uses),
    )


async def _programme(session: AsyncSession, person: MemberView, programme_id: int) -> Programme:
    require(may_coordinate(person, programme_id), REFUSED)
    found = await session.get(Programme, programme_id)
    require(found is not None, REFUSED)
    assert found is not None
    return found


async def open_invites(session: AsyncSession, person: MemberView, programme_id: int, now: datetime,
                       page: int = 1) -> OpenInvites:
    """One page of the programme's open invites (a page past the last shows the last)."""
    programme = await _programme(session, person, programme_id)
    where = and_(Invite.programme_id == programme.id, is_open(now))
    total = int(await session.scalar(select(func.count()).select_from(Invite).where(where)) or 0)
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    rows = (await session.execute(
        select(Invite.id, Invite.role, Group.name, Invite.invitee_name, Invite.use_count, Invite.max_uses,
               Invite.created_at, Invite.expires_at)
        .outerjoin(Group, Group.id == Invite.group_id)
        .where(where)
        .order_by(Invite.created_at, Invite.id)
        .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)
    )).all()
    invites = tuple(OpenInvite(*row) for row in rows)
    groups = (await session.execute(
        select(Group.id, Group.name, func.count(Invite.id))
        .join(Invite, Invite.group_id == Group.id)
        .where(where)
        .group_by(Group.id, Group.name)
        .order_by(Group.name, Group.id)
    )).all()
    await audit.record(session, person.person_id, VIEWED, details={
        "programme": programme.id, "page": page, "invites": len(invites),
        "named": sum(1 for invite in invites if invite.name)}, now=now)
    return OpenInvites(programme.id, programme.name, invites, total, page, pages,
                       tuple(GroupInvites(*group) for group in groups))


async def _withdraw(session: AsyncSession, which: ColumnElement[bool], now: datetime) -> int:
    result = await session.execute(
        update(Invite).where(which, is_open(now)).values(revoked_at=now)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def revoke(session: AsyncSession, person: MemberView, programme_id: int, invite_id: int,
                 now: datetime) -> int:
    """Withdraw one open invite of the programme: 1, or 0 when it was no longer open (nothing changed)."""
    programme = await _programme(session, person, programme_id)
    found = await session.scalar(select(Invite.programme_id).where(Invite.id == invite_id))
    require(found == programme.id, REFUSED)
    withdrawn = await _withdraw(session, Invite.id == invite_id, now)
    if withdrawn:
        await audit.record(session, person.person_id, REVOKED, details={
            "programme": programme.id, "invite": invite_id}, now=now)
    return withdrawn


async def revoke_group(session: AsyncSession, person: MemberView, programme_id: int, group_id: int,
                       now: datetime) -> int:
    """Withdraw every open invite of one group of the programme; how many were withdrawn."""
    programme = await _programme(session, person, programme_id)
    found = await session.scalar(select(Group.programme_id).where(Group.id == group_id))
    require(found == programme.id, REFUSED)
    withdrawn = await _withdraw(session, and_(Invite.programme_id == programme.id, Invite.group_id == group_id),
                                now)
    if withdrawn:
        await audit.record(session, person.person_id, REVOKED, details={
            "programme": programme.id, "group": group_id, "invites": withdrawn}, now=now)
    return withdrawn
