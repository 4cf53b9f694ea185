"""Helpers for the session and agenda tests: a group with members, and outbox rows
as the members' chats would show them."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram.ext import Application

from mentoring.joining import rules as joining
from mentoring.joining.rules import MemberView
from mentoring.sessions.rules import SessionPlan, plan
from storage.models import (
    ChannelIdentity,
    ConsentRecord,
    Group,
    Membership,
    OutboxMessage,
    Person,
    Role,
)
from tests.support.notice import notice_version
from tests.support.offline import BOT_USER, ChatUser, OfflineBotApi
from tests.support.seed import Setup, seed_programme

_message_ids = itertools.count(500000)


async def make_member(
    sessions: async_sessionmaker[AsyncSession],
    now: datetime,
    group: Group,
    role: Role,
    user_id: int,
    *,
    name: str,
    locale: str = "tr",
    tz: str = "Europe/Istanbul",
) -> MemberView:
    """A person with a role in the group (coordinator: in its programme), as if they had joined,
    reachable as Telegram user `user_id`."""
    async with sessions.begin() as session:
        person = await session.scalar(
            select(Person)
            .join(ChannelIdentity)
            .where(ChannelIdentity.external_user_id == str(user_id))
        )
        if person is None:
            person = Person(display_name=name, locale=locale, timezone=tz, created_at=now)
            session.add(person)
            await session.flush()
            session.add(
                ChannelIdentity(
                    person_id=person.id,
                    channel="telegram",
                    external_user_id=str(user_id),
                    chat_id=str(user_id),
                    created_at=now,
                )
            )
            session.add(
                ConsentRecord(person_id=person.id, notice_version=await notice_version(session, group.programme_id), accepted_at=now)
            )
        session.add(
            Membership(
                person_id=person.id,
                programme_id=group.programme_id,
                group_id=None if role is Role.COORDINATOR else group.id,
                role=role.value,
                joined_at=now,
            )
        )
    async with sessions() as session:
        member = await joining.member_view(session, "telegram", str(user_id))
    assert member is not None
    return member


@dataclass
class Cast:
    """Group 1: mentors Zeynep (tr) and Mark (en); mentees Ayşe (tr) and John (en, in London).
    Group 2: mentor Deniz (tr)."""

    setup: Setup
    zeynep: MemberView
    mark: MemberView
    ayse: MemberView
    john: MemberView
    deniz: MemberView

    @property
    def group(self) -> Group:
        return self.setup.groups[0]

    @property
    def group1_people(self) -> list[MemberView]:
        return [self.zeynep, self.mark, self.ayse, self.john]


USER_IDS = {"zeynep": 7001, "mark": 7002, "ayse": 7101, "john": 7102, "deniz": 7201, "koray": 7301}


async def cast(sessions: async_sessionmaker[AsyncSession], now: datetime) -> Cast:
    setup = await seed_programme(sessions, now, groups=2)
    g1, g2 = setup.groups
    return Cast(
        setup,
        await make_member(sessions, now, g1, Role.MENTOR, USER_IDS["zeynep"], name="Zeynep"),
        await make_member(
            sessions, now, g1, Role.MENTOR, USER_IDS["mark"], name="Mark", locale="en"
        ),
        await make_member(sessions, now, g1, Role.MENTEE, USER_IDS["ayse"], name="Ayşe"),
        await make_member(
            sessions,
            now,
            g1,
            Role.MENTEE,
            USER_IDS["john"],
            name="John",
            locale="en",
            tz="Europe/London",
        ),
        await make_member(sessions, now, g2, Role.MENTOR, USER_IDS["deniz"], name="Deniz"),
    )


def chat(app: Application, api: OfflineBotApi, who: str) -> ChatUser:
    return ChatUser(app, api, user_id=USER_IDS[who], first_name=who.capitalize(), last_name=None)


async def rows(
    sessions: async_sessionmaker[AsyncSession],
    kind: str | None = None,
    person_id: int | None = None,
) -> list[OutboxMessage]:
    statement = select(OutboxMessage).order_by(OutboxMessage.id)
    if kind is not None:
        statement = statement.where(OutboxMessage.kind == kind)
    if person_id is not None:
        statement = statement.where(OutboxMessage.person_id == person_id)
    async with sessions() as session:
        return list(await session.scalars(statement))


def delivered(user: ChatUser, row: OutboxMessage) -> dict[str, Any]:
    """An outbox row as the person's chat would show it, so tests can press its buttons."""
    message: dict[str, Any] = {
        "message_id": next(_message_ids),
        "date": int(datetime.now(UTC).timestamp()),
        "chat": {"id": user.user_id, "type": "private", "first_name": user.first_name},
        "from": BOT_USER,
        "text": row.text,
    }
    if row.buttons:
        message["reply_markup"] = {
            "inline_keyboard": [
                [{"text": b["text"], "callback_data": b["data"]} for b in line]
                for line in row.buttons
            ]
        }
    user.api.messages.setdefault(user.user_id, {})[message["message_id"]] = message
    return message


async def press_on(user: ChatUser, row: OutboxMessage, label: str) -> None:
    await user.press(label, message=delivered(user, row))


async def plan_session(
    sessions: async_sessionmaker[AsyncSession],
    mentor: MemberView,
    group: Group,
    starts_at: datetime,
    now: datetime,
    *,
    place: str = "Salon",
    reminder_hours: tuple[int, ...] = (24, 1),
) -> int:
    """A session planned through the domain, as /session would; returns its id."""
    async with sessions.begin() as session:
        found = await plan(
            session, mentor, SessionPlan(group.id, starts_at, place, None, reminder_hours), now
        )
    return found.id
