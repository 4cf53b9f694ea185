"""Queries about programmes, groups and provinces."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Group, Membership, Programme, Province


async def programme_by_name(session: AsyncSession, name: str) -> Programme | None:
    return await session.scalar(select(Programme).where(Programme.name == name))


async def programmes(session: AsyncSession) -> Sequence[Programme]:
    return (await session.scalars(select(Programme).order_by(Programme.id))).all()


async def group_by_name(session: AsyncSession, programme_id: int, name: str) -> Group | None:
    return await session.scalar(
        select(Group).where(Group.programme_id == programme_id, Group.name == name)
    )


async def groups_of(session: AsyncSession, programme_id: int) -> Sequence[tuple[Group, int, int]]:
    """Each group with its number of active mentees and mentors."""
    mentees = func.count(Membership.id).filter(Membership.role == "mentee")
    mentors = func.count(Membership.id).filter(Membership.role == "mentor")
    rows = await session.execute(
        select(Group, mentees, mentors)
        .outerjoin(Membership, (Membership.group_id == Group.id) & Membership.left_at.is_(None))
        .where(Group.programme_id == programme_id)
        .group_by(Group.id)
        .order_by(Group.id)
    )
    return [tuple(row) for row in rows.all()]  # type: ignore[misc]


async def province_by_key(session: AsyncSession, key: str) -> Province | None:
    return await session.scalar(select(Province).where(Province.search_key == key))
