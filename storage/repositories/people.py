"""Queries about people, their channel identities, memberships and consents."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ChannelIdentity, ConsentRecord, Group, Membership, Person, Programme


async def identity_for(
    session: AsyncSession, channel: str, external_user_id: str
) -> ChannelIdentity | None:
    return await session.scalar(
        select(ChannelIdentity).where(
            ChannelIdentity.channel == channel,
            ChannelIdentity.external_user_id == external_user_id,
        )
    )


async def person_and_identity(
    session: AsyncSession, channel: str, external_user_id: str
) -> tuple[Person, ChannelIdentity] | None:
    row = (
        await session.execute(
            select(Person, ChannelIdentity)
            .join(ChannelIdentity, ChannelIdentity.person_id == Person.id)
            .where(
                ChannelIdentity.channel == channel,
                ChannelIdentity.external_user_id == external_user_id,
            )
        )
    ).first()
    return (row[0], row[1]) if row is not None else None


async def clear_blocked(session: AsyncSession, channel: str, external_user_id: str) -> int:
    """Forget that this account had blocked the bot; how many identities changed."""
    result = await session.execute(
        update(ChannelIdentity)
        .where(
            ChannelIdentity.channel == channel,
            ChannelIdentity.external_user_id == external_user_id,
            ChannelIdentity.blocked_at.is_not(None),
        )
        .values(blocked_at=None)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


async def active_memberships(
    session: AsyncSession, person_id: int
) -> Sequence[tuple[Membership, Programme, Group | None]]:
    """The person's current roles with their programme and group, oldest first."""
    rows = await session.execute(
        select(Membership, Programme, Group)
        .join(Programme, Programme.id == Membership.programme_id)
        .outerjoin(Group, Group.id == Membership.group_id)
        .where(Membership.person_id == person_id, Membership.left_at.is_(None))
        .order_by(Membership.joined_at, Membership.id)
    )
    return [tuple(row) for row in rows.all()]  # type: ignore[misc]


async def latest_consent(session: AsyncSession, person_id: int) -> ConsentRecord | None:
    return await session.scalar(
        select(ConsentRecord)
        .where(ConsentRecord.person_id == person_id)
        .order_by(ConsentRecord.id.desc())
        .limit(1)
    )
