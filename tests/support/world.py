"""A populated programme for cross-cutting tests (access, fuzzing, faults).

Programme "Nar Taneleri" has two groups in two provinces (Ankara, İzmir), each
with 5 mentees and 2 mentors, and a coordinator; a second programme "Çınar" has
its own group (one mentee, one mentor) and coordinator. Everyone joins through
the real join flow (/start <code> → language → consent), so the rows are what
production writes.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram.ext import Application

from mentoring.joining.invites import InviteSpec, create_invite
from mentoring.programmes import ProgrammeSpec, create_group, create_programme
from storage.models import Group, Programme, Role
from tests.support.notice import give_notice
from tests.support.offline import ChatUser, OfflineBotApi

_user_ids = itertools.count(710_001)


@dataclass
class World:
    app: Application
    api: OfflineBotApi
    programmes: list[Programme]
    groups: list[Group]  # groups[0], groups[1] in programme 0; groups[2] in programme 1
    mentees: dict[int, list[ChatUser]] = field(default_factory=dict)  # group index -> mentees
    mentors: dict[int, list[ChatUser]] = field(default_factory=dict)
    coordinators: list[ChatUser] = field(default_factory=list)  # one per programme

    def person(self, role: str, where: str = "own") -> ChatUser:
        """A representative: `role` in group 0 ("own"), group 1 ("other_group") or programme 1."""
        group = {"own": 0, "other_group": 1, "other_programme": 2}[where]
        if role == "mentee":
            return self.mentees[group][0]
        if role == "mentor":
            return self.mentors[group][0]
        if role == "coordinator":
            return self.coordinators[0 if group < 2 else 1]
        raise ValueError(role)

    def everyone(self) -> list[ChatUser]:
        people = [u for users in self.mentees.values() for u in users]
        people += [u for users in self.mentors.values() for u in users]
        return people + self.coordinators

    def stranger(self) -> ChatUser:
        return self.chat_user(first_name="Yabancı")

    def chat_user(self, **kwargs: object) -> ChatUser:
        return ChatUser(self.app, self.api, user_id=next(_user_ids), **kwargs)  # type: ignore[arg-type]


async def join(user: ChatUser, code: str, language: str = "Türkçe") -> None:
    """The real join flow: invite link, language, the notice read."""
    await user.send(f"/start {code}")
    await user.press(language)
    await user.press("Okudum" if language == "Türkçe" else "I have read it")


async def build_world(
    app: Application, api: OfflineBotApi, sessions: async_sessionmaker[AsyncSession], now: datetime,
    *, mentees_per_group: int = 5, mentors_per_group: int = 2,
) -> World:
    """Two programmes, three groups, everyone joined through the bot."""
    codes: dict[tuple[int, str], str] = {}
    async with sessions.begin() as session:
        first = await create_programme(session, ProgrammeSpec("Nar Taneleri"), now)
        second = await create_programme(session, ProgrammeSpec("Çınar"), now)
        for programme in (first, second):
            await give_notice(session, programme.id, now)
        groups = [
            await create_group(session, first, "Ankara Grubu", now, province="Ankara"),
            await create_group(session, first, "İzmir Grubu", now, province="İzmir"),
            await create_group(session, second, "Kars Grubu", now, province="Kars"),
        ]
        for index, group in enumerate(groups):
            programme = first if index < 2 else second
            for role in (Role.MENTEE, Role.MENTOR):
                invite = await create_invite(session, InviteSpec(role, programme, group, max_uses=None), now)
                codes[(index, role.value)] = invite.code
        for index, programme in enumerate((first, second)):
            invite = await create_invite(session, InviteSpec(Role.COORDINATOR, programme), now)
            codes[(index, "coordinator")] = invite.code
    world = World(app, api, [first, second], groups)
    for index in range(len(groups)):
        small = index == 2
        world.mentees[index] = []
        world.mentors[index] = []
        for n in range(1 if small else mentees_per_group):
            user = world.chat_user(first_name=f"Menti{index}{n}", last_name="Demir")
            await join(user, codes[(index, "mentee")], "English" if n == 1 else "Türkçe")
            world.mentees[index].append(user)
        for n in range(1 if small else mentors_per_group):
            user = world.chat_user(first_name=f"Mentor{index}{n}", last_name="Kaya")
            await join(user, codes[(index, "mentor")])
            world.mentors[index].append(user)
    for index in range(2):
        user = world.chat_user(first_name=f"Koordinatör{index}", last_name="Aydın")
        await join(user, codes[(index, "coordinator")])
        world.coordinators.append(user)
    for user in world.everyone():
        user.new_texts()
    return world
