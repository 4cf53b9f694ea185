"""Helpers for the plan and partner tests: consenting members made in the database, and snapshots."""

from __future__ import annotations

import itertools
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram.ext import Application

from mentoring.joining import rules as joining
from mentoring.joining.rules import MemberView
from storage.models import (
    ChannelIdentity,
    ConsentRecord,
    Group,
    Membership,
    Person,
    Programme,
    Role,
)
from storage.models.peers import PeerCheckin, PeerPair, PeerPairMember
from storage.models.plans import PlanAreaChoice, PlanGoal, SelfAssessment
from tests.support.notice import notice_version
from tests.support.offline import ChatUser, OfflineBotApi

_user_ids = itertools.count(70001)


async def add_member(
    sessions: async_sessionmaker[AsyncSession], now: datetime, group: Group, role: Role = Role.MENTEE,
    *, name: str = "Ayşe", locale: str = "tr",
) -> MemberView:
    """A person who joined the group in `role` and accepted the current notice."""
    user_id = next(_user_ids)
    async with sessions.begin() as session:
        person = Person(display_name=name, locale=locale, timezone="Europe/Istanbul", created_at=now)
        session.add(person)
        await session.flush()
        session.add_all([
            ChannelIdentity(person_id=person.id, channel="telegram", external_user_id=str(user_id),
                            chat_id=str(user_id), created_at=now),
            Membership(person_id=person.id, programme_id=group.programme_id,
                       group_id=None if role is Role.COORDINATOR else group.id, role=role.value, joined_at=now),
            ConsentRecord(person_id=person.id, notice_version=await notice_version(session, group.programme_id), accepted_at=now),
        ])
    async with sessions() as session:
        member = await joining.member_view(session, "telegram", str(user_id))
    assert member is not None
    return member


async def chat_of(sessions: async_sessionmaker[AsyncSession], app: Application, api: OfflineBotApi,
                  member: MemberView) -> ChatUser:
    """The Telegram chat of a member made by `add_member`."""
    async with sessions() as session:
        user_id = await session.scalar(select(ChannelIdentity.external_user_id).where(
            ChannelIdentity.person_id == member.person_id))
    assert user_id is not None
    return ChatUser(app, api, user_id=int(user_id), first_name=member.display_name, last_name=None,
                    language_code=member.locale)


async def set_dates(sessions: async_sessionmaker[AsyncSession], programme_id: int, starts_on: date | None,
                    ends_on: date | None) -> None:
    async with sessions.begin() as session:
        programme = await session.get(Programme, programme_id)
        assert programme is not None
        programme.starts_on, programme.ends_on = starts_on, ends_on


async def goals_of(sessions: async_sessionmaker[AsyncSession], person_id: int) -> list[PlanGoal]:
    async with sessions() as session:
        return list((await session.scalars(
            select(PlanGoal).where(PlanGoal.person_id == person_id).order_by(PlanGoal.id))).all())


async def snapshot(sessions: async_sessionmaker[AsyncSession]) -> tuple:
    """Every plan and peer row, as plain values: what a refused button must leave unchanged."""
    async with sessions() as session:
        goals = (await session.execute(select(
            PlanGoal.id, PlanGoal.person_id, PlanGoal.what, PlanGoal.measure, PlanGoal.due_on, PlanGoal.status,
            PlanGoal.note, PlanGoal.shared).order_by(PlanGoal.id))).all()
        choices = (await session.execute(select(PlanAreaChoice.person_id, PlanAreaChoice.area_key)
                                         .order_by(PlanAreaChoice.id))).all()
        scores = (await session.execute(select(SelfAssessment.person_id, SelfAssessment.stage,
                                               SelfAssessment.area_key, SelfAssessment.score)
                                        .order_by(SelfAssessment.id))).all()
        pairs = (await session.execute(select(PeerPair.id, PeerPair.ended_at).order_by(PeerPair.id))).all()
        members = (await session.execute(select(PeerPairMember.pair_id, PeerPairMember.person_id)
                                         .order_by(PeerPairMember.id))).all()
        checkins = (await session.execute(select(
            PeerCheckin.person_id, PeerCheckin.week, PeerCheckin.talked, PeerCheckin.supported_goal_id,
            PeerCheckin.supported_other, PeerCheckin.usefulness).order_by(PeerCheckin.id))).all()
    return tuple(tuple(map(tuple, rows)) for rows in (goals, choices, scores, pairs, members, checkins))
