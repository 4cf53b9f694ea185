"""Queries about invites and who redeemed them."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Invite, InviteRedemption


async def invite_by_code(session: AsyncSession, code: str, *, for_update: bool = False) -> Invite | None:
    query = select(Invite).where(Invite.code == code)
    if for_update:
        # On PostgreSQL two people racing for a single-use code are serialised here.
        query = query.with_for_update()
    return await session.scalar(query)


async def code_exists(session: AsyncSession, code: str) -> bool:
    return await session.scalar(select(Invite.id).where(Invite.code == code)) is not None


async def redemption(session: AsyncSession, invite_id: int, person_id: int) -> InviteRedemption | None:
    return await session.scalar(
        select(InviteRedemption).where(
            InviteRedemption.invite_id == invite_id, InviteRedemption.person_id == person_id
        )
    )
