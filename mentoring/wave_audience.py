"""Who a wave reaches: active mentees of a group, in one query per batch of groups.

Skipped: people who left the group, were erased, withdrew their consent (on
their latest consent record), are paused or on leave, or whose every channel
identity is blocked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, and_, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from mentoring.privacy.consent import refused_abroad
from storage.models import ChannelIdentity, ConsentRecord, Membership, Person, Role
from storage.models.peers import PeerPair, PeerPairMember
from storage.models.scheduling import PlannedWave


@dataclass(frozen=True)
class Recipient:
    person_id: int
    locale: str
    timezone: str
    joined_at: datetime


def _eligible(now: datetime) -> Select:  # type: ignore[type-arg]
    later = aliased(ConsentRecord)
    latest_consent = (
        select(func.max(later.id)).where(later.person_id == Person.id).correlate(Person).scalar_subquery()
    )
    return (
        select(Membership.group_id, Person.id, Person.locale, Person.timezone, Membership.joined_at)
        .join(Person, Person.id == Membership.person_id)
        .where(
            Membership.role == Role.MENTEE.value,
            Membership.left_at.is_(None),
            Person.erased_at.is_(None),
            or_(Person.paused_until.is_(None), Person.paused_until <= now),
            exists().where(ChannelIdentity.person_id == Person.id, ChannelIdentity.blocked_at.is_(None)),
            exists().where(ConsentRecord.id == latest_consent, ConsentRecord.withdrawn_at.is_(None)),
            Person.id.not_in(refused_abroad()),
        )
    )


async def audience(session: AsyncSession, group_ids: list[int], now: datetime) -> dict[int, list[Recipient]]:
    """The people each group's waves go to right now."""
    if not group_ids:
        return {}
    rows = await session.execute(
        _eligible(now).where(Membership.group_id.in_(group_ids)).order_by(Membership.group_id, Person.id)
    )
    found: dict[int, list[Recipient]] = {}
    for group_id, person_id, locale, zone, joined_at in rows:
        found.setdefault(group_id, []).append(Recipient(person_id, locale, zone, joined_at))
    return found


async def partnered(session: AsyncSession, group_ids: list[int]) -> set[int]:
    """Mentees of these groups who have a current peer partner (check-ins are for them)."""
    if not group_ids:
        return set()
    other = aliased(PeerPairMember)
    rows = await session.scalars(
        select(PeerPairMember.person_id)
        .join(PeerPair, PeerPair.id == PeerPairMember.pair_id)
        .where(PeerPair.group_id.in_(group_ids), PeerPair.ended_at.is_(None))
        .where(exists().where(other.pair_id == PeerPair.id, other.person_id != PeerPairMember.person_id))
    )
    return set(rows)


async def latecomers(session: AsyncSession, now: datetime) -> list[tuple[PlannedWave, Recipient]]:
    """Who joined a group after its open prompt wave was planned (one query over all open waves)."""
    rows = await session.execute(
        _eligible(now)
        .add_columns(PlannedWave)
        .join(PlannedWave, and_(
            PlannedWave.group_id == Membership.group_id,
            PlannedWave.stage == "prompt",
            PlannedWave.outcome == "planned",
            PlannedWave.closes_at > now,
            Membership.joined_at > PlannedWave.planned_at,
        ))
        .order_by(PlannedWave.id, Person.id)
    )
    return [
        (wave, Recipient(person_id, locale, zone, joined_at))
        for _, person_id, locale, zone, joined_at, wave in rows
    ]
