"""Helpers for the to-do tests: members made directly in the database, and to-do rows."""

from __future__ import annotations

import itertools
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mentoring.joining import rules as joining
from mentoring.joining.rules import MemberView
from storage.models import (
    ChannelIdentity,
    ConsentRecord,
    Group,
    Membership,
    OutboxMessage,
    Person,
    Role,
)
from storage.models.todos import Todo, TodoReason
from tests.support.notice import notice_version

_user_ids = itertools.count(90001)


async def make_member(
    sessions: async_sessionmaker[AsyncSession],
    now: datetime,
    group: Group,
    role: Role = Role.MENTEE,
    *,
    name: str = "Ayşe",
    locale: str = "tr",
    user_id: int | None = None,
) -> MemberView:
    """A person with a role in the group (as if they had joined), reachable as Telegram user `user_id`.

    A second call with the same `user_id` gives that person one more role.
    """
    user_id = user_id or next(_user_ids)
    async with sessions.begin() as session:
        known = await joining.member_view(session, "telegram", str(user_id))
        if known is None:
            person = Person(
                display_name=name, locale=locale, timezone="Europe/Istanbul", created_at=now
            )
            session.add(person)
            await session.flush()
            session.add_all(
                [
                    ChannelIdentity(
                        person_id=person.id,
                        channel="telegram",
                        external_user_id=str(user_id),
                        chat_id=str(user_id),
                        created_at=now,
                    ),
                    ConsentRecord(
                        person_id=person.id, notice_version=await notice_version(session, group.programme_id), accepted_at=now
                    ),
                ]
            )
        person_id = known.person_id if known else person.id
        session.add(
            Membership(
                person_id=person_id,
                programme_id=group.programme_id,
                group_id=group.id,
                role=role.value,
                joined_at=now,
            )
        )
    async with sessions() as session:
        member = await joining.member_view(session, "telegram", str(user_id))
    assert member is not None
    return member


async def todos_of(sessions: async_sessionmaker[AsyncSession], person_id: int) -> list[Todo]:
    async with sessions() as session:
        return list(
            (
                await session.scalars(
                    select(Todo).where(Todo.person_id == person_id).order_by(Todo.id)
                )
            ).all()
        )


async def reasons_of(
    sessions: async_sessionmaker[AsyncSession], person_id: int
) -> list[TodoReason]:
    async with sessions() as session:
        return list(
            (
                await session.scalars(
                    select(TodoReason)
                    .where(TodoReason.person_id == person_id)
                    .order_by(TodoReason.id)
                )
            ).all()
        )


async def outbox_keys(sessions: async_sessionmaker[AsyncSession]) -> list[str]:
    async with sessions() as session:
        return sorted((await session.scalars(select(OutboxMessage.idempotency_key))).all())


async def snapshot(sessions: async_sessionmaker[AsyncSession]) -> tuple:
    """Everything a refused button must leave unchanged."""
    async with sessions() as session:
        todos = (
            await session.execute(
                select(
                    Todo.id,
                    Todo.status,
                    Todo.due_kind,
                    Todo.due_on,
                    Todo.text,
                    Todo.goal_id,
                    Todo.postponed_count,
                ).order_by(Todo.id)
            )
        ).all()
        reasons = await session.scalar(select(func.count()).select_from(TodoReason))
        outbox = await session.scalar(select(func.count()).select_from(OutboxMessage))
    return tuple(todos), reasons, outbox
