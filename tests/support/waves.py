"""Build programmes, groups and mentees straight in the database, for planner tests."""

from __future__ import annotations

import itertools
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.models import (
    ChannelIdentity,
    ConsentRecord,
    Group,
    Membership,
    OutboxMessage,
    Person,
    Programme,
    Role,
)
from storage.models.peers import PeerCheckin, PeerPair, PeerPairMember
from storage.models.reflections import Reflection, ReflectionQuestionSet
from storage.models.scheduling import PlannedWave
from tests.support.notice import notice_version
from tests.support.offline import ChatUser

_chat_ids = itertools.count(70001)


async def add_programme(session: AsyncSession, now: datetime, starts_on: date, *, ends_on: date | None = None,
                        name: str = "Nar Taneleri") -> Programme:
    programme = Programme(name=name, starts_on=starts_on, ends_on=ends_on, timezone="Europe/Istanbul",
                          created_at=now)
    session.add(programme)
    await session.flush()
    return programme


async def add_group(session: AsyncSession, programme: Programme, now: datetime, name: str = "Grup 1",
                    timezone: str | None = None) -> Group:
    group = Group(programme_id=programme.id, name=name, timezone=timezone, created_at=now)
    session.add(group)
    await session.flush()
    return group


async def add_mentee(
    session: AsyncSession, group: Group, now: datetime, *, locale: str = "tr", timezone: str = "Europe/Istanbul",
    paused_until: datetime | None = None, withdrawn: bool = False, blocked: bool = False,
    left: bool = False, joined_at: datetime | None = None, role: Role = Role.MENTEE,
) -> int:
    person = Person(display_name="Menti", locale=locale, timezone=timezone, paused_until=paused_until,
                    created_at=now)
    session.add(person)
    await session.flush()
    chat = str(next(_chat_ids))
    session.add_all([
        ChannelIdentity(person_id=person.id, channel="telegram", external_user_id=chat, chat_id=chat,
                        blocked_at=now if blocked else None, created_at=now),
        Membership(person_id=person.id, programme_id=group.programme_id, group_id=group.id, role=role.value,
                   joined_at=joined_at or now, left_at=now if left else None),
        ConsentRecord(person_id=person.id, notice_version=await notice_version(session, group.programme_id), accepted_at=now,
                      withdrawn_at=now if withdrawn else None),
    ])
    await session.flush()
    return person.id


async def add_pair(session: AsyncSession, group: Group, now: datetime, *people: int) -> int:
    pair = PeerPair(group_id=group.id, created_at=now)
    session.add(pair)
    await session.flush()
    session.add_all([PeerPairMember(pair_id=pair.id, person_id=person) for person in people])
    await session.flush()
    return pair.id


async def submit_reflection(session: AsyncSession, group: Group, person_id: int, week: int, now: datetime) -> None:
    questions = await session.scalar(
        select(ReflectionQuestionSet).where(ReflectionQuestionSet.programme_id == group.programme_id))
    if questions is None:
        questions = ReflectionQuestionSet(programme_id=group.programme_id, version=1, effective_from_week=1,
                                          questions=[], created_at=now)
        session.add(questions)
        await session.flush()
    session.add(Reflection(person_id=person_id, group_id=group.id, week=week, question_set_id=questions.id,
                           closes_at=now, started_at=now, submitted_at=now))
    await session.flush()


async def answer_checkin(session: AsyncSession, group: Group, pair_id: int, person_id: int, week: int,
                         now: datetime) -> None:
    session.add(PeerCheckin(person_id=person_id, group_id=group.id, pair_id=pair_id, week=week, talked="yes",
                            completed_at=now, answered_at=now))
    await session.flush()


async def outbox(sessions: async_sessionmaker[AsyncSession], kind: str | None = None) -> list[OutboxMessage]:
    async with sessions() as session:
        query = select(OutboxMessage).order_by(OutboxMessage.id)
        if kind is not None:
            query = query.where(OutboxMessage.kind == kind)
        return list((await session.scalars(query)).all())


async def outbox_count(sessions: async_sessionmaker[AsyncSession]) -> int:
    async with sessions() as session:
        return await session.scalar(select(func.count()).select_from(OutboxMessage)) or 0


async def waves(sessions: async_sessionmaker[AsyncSession]) -> list[PlannedWave]:
    async with sessions() as session:
        return list((await session.scalars(select(PlannedWave).order_by(PlannedWave.id))).all())


async def join(user: ChatUser, code: str, *, english: bool = False) -> None:
    """Join through the real flow (language, then consent)."""
    await user.send(f"/start {code}")
    await user.press("English" if english else "Türkçe")
    await user.press("I have read it" if english else "Okudum")


async def person_of(sessions: async_sessionmaker[AsyncSession], user: ChatUser) -> Person:
    async with sessions() as session:
        person = await session.scalar(
            select(Person).join(ChannelIdentity, ChannelIdentity.person_id == Person.id)
            .where(ChannelIdentity.external_user_id == str(user.user_id)))
    assert person is not None
    return person
