"""Who a broadcast reaches: active members matching the audience, each person once.

The audience is a scope (the whole programme, one province, chosen groups)
crossed with a role filter (everyone, mentors only, mentees only). Coordinators
are not part of it: they write the announcement and read its report. People
whose latest consent is withdrawn are left out (KVKK: Narbot stops writing to them).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Select, and_, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ChannelIdentity, ConsentRecord, Group, Membership, Person, Province, Role
from storage.models.broadcasts import Broadcast


@dataclass(frozen=True)
class Recipient:
    person_id: int
    locale: str
    reachable: bool  # has an account on some channel (Telegram, WhatsApp) that has not blocked Narbot


@dataclass(frozen=True)
class AudienceSize:
    reachable: int
    unreachable: int

    @property
    def total(self) -> int:
        return self.reachable + self.unreachable


def _roles(audience_role: str | None) -> tuple[str, ...]:
    if audience_role in (Role.MENTOR.value, Role.MENTEE.value):
        return (audience_role,)
    return (Role.MENTOR.value, Role.MENTEE.value)


def _consent_current() -> object:
    """The person's latest consent decision is an acceptance that is not withdrawn."""
    latest = (
        select(func.max(ConsentRecord.id))
        .where(ConsentRecord.person_id == Person.id)
        .correlate(Person)
        .scalar_subquery()
    )
    return exists().where(
        ConsentRecord.id == latest,
        ConsentRecord.accepted_at.is_not(None),
        ConsentRecord.withdrawn_at.is_(None),
    )


def _member_ids(broadcast: Broadcast) -> Select[tuple[int]]:
    query = (
        select(Membership.person_id)
        .join(Group, Group.id == Membership.group_id)
        .where(
            Membership.programme_id == broadcast.programme_id,
            Group.programme_id == broadcast.programme_id,
            Membership.left_at.is_(None),
            Membership.role.in_(_roles(broadcast.audience_role)),
        )
    )
    if broadcast.scope == "province":
        query = query.where(Group.province_id == broadcast.province_id)
    elif broadcast.scope == "groups":
        query = query.where(Group.id.in_(broadcast.group_ids or [-1]))
    return query


async def recipients(session: AsyncSession, broadcast: Broadcast) -> list[Recipient]:
    """Everyone the broadcast is for, each person once, in a stable order."""
    reachable = exists().where(
        ChannelIdentity.person_id == Person.id,
        ChannelIdentity.blocked_at.is_(None),
    )
    rows = await session.execute(
        select(Person.id, Person.locale, reachable)
        .where(Person.id.in_(_member_ids(broadcast)), _consent_current())
        .order_by(Person.id)
    )
    return [Recipient(person_id, locale, bool(ok)) for person_id, locale, ok in rows.all()]


async def audience_size(session: AsyncSession, broadcast: Broadcast) -> AudienceSize:
    found = await recipients(session, broadcast)
    reachable = sum(1 for r in found if r.reachable)
    return AudienceSize(reachable, len(found) - reachable)


async def programme_groups(
    session: AsyncSession, programme_id: int, offset: int, limit: int
) -> tuple[Sequence[tuple[int, str]], int]:
    """One page of the programme's groups (id, name) by name, and how many there are."""
    total = await session.scalar(select(func.count()).where(Group.programme_id == programme_id)) or 0
    rows = await session.execute(
        select(Group.id, Group.name)
        .where(Group.programme_id == programme_id)
        .order_by(Group.name, Group.id)
        .offset(offset)
        .limit(limit)
    )
    return [(gid, name) for gid, name in rows.all()], total


async def programme_provinces(
    session: AsyncSession, programme_id: int, offset: int, limit: int
) -> tuple[Sequence[tuple[int, str]], int]:
    """One page of the provinces that have groups in the programme, and how many there are."""
    having_groups = and_(Group.province_id == Province.id, Group.programme_id == programme_id)
    condition = exists().where(having_groups)
    total = await session.scalar(select(func.count()).select_from(Province).where(condition)) or 0
    rows = await session.execute(
        select(Province.id, Province.name).where(condition).order_by(Province.search_key)
        .offset(offset).limit(limit)
    )
    return [(pid, name) for pid, name in rows.all()], total


async def group_names(session: AsyncSession, programme_id: int, group_ids: Sequence[int]) -> list[str]:
    if not group_ids:
        return []
    rows = await session.scalars(
        select(Group.name).where(Group.programme_id == programme_id, Group.id.in_(group_ids))
        .order_by(Group.name)
    )
    return list(rows.all())


async def group_in_programme(session: AsyncSession, programme_id: int, group_id: int) -> bool:
    found = await session.scalar(
        select(Group.id).where(Group.id == group_id, Group.programme_id == programme_id)
    )
    return found is not None


async def province_has_groups(session: AsyncSession, programme_id: int, province_id: int) -> bool:
    found = await session.scalar(
        select(Group.id).where(Group.province_id == province_id, Group.programme_id == programme_id).limit(1)
    )
    return found is not None
