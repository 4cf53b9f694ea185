"""A programme with people in every situation a broadcast audience must handle."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mentoring.joining.rules import MemberView, member_view
from mentoring.privacy.consent import NOTICE_VERSION
from mentoring.programmes import ProgrammeSpec, create_group, create_programme
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
from tests.support.notice import notice_version

COORDINATOR_USER = 5001
OTHER_COORDINATOR_USER = 5002  # coordinator of another programme
COLLEAGUE_USER = 5003  # a second coordinator of the same programme
MENTEE_USER = 7001  # Ayşe, a mentee


@dataclass
class Cast:
    programme: Programme
    groups: dict[str, Group]
    people: dict[str, int] = field(default_factory=dict)  # first name -> person id


async def add_person(
    session: AsyncSession, name: str, now: datetime, *, user_id: int | None, locale: str = "tr",
    blocked: bool = False, withdrawn: bool = False, programme_id: int | None = None,
) -> Person:
    """A person as if they had joined and read the notice (of `programme_id`'s programme, when it has one)."""
    person = Person(display_name=name, locale=locale, timezone="Europe/Istanbul", created_at=now)
    session.add(person)
    await session.flush()
    if user_id is not None:
        session.add(ChannelIdentity(person_id=person.id, channel="telegram", external_user_id=str(user_id),
                                    chat_id=str(user_id), created_at=now, blocked_at=now if blocked else None))
    version = await notice_version(session, programme_id) if programme_id is not None else NOTICE_VERSION
    session.add(ConsentRecord(person_id=person.id, notice_version=version, accepted_at=now,
                              withdrawn_at=now if withdrawn else None))
    await session.flush()
    return person


def role(person: Person, programme: Programme, group: Group | None, kind: Role, now: datetime,
         left: datetime | None = None) -> Membership:
    return Membership(person_id=person.id, programme_id=programme.id, group_id=group.id if group else None,
                      role=kind.value, joined_at=now, left_at=left)


async def seed_cast(sessions: async_sessionmaker[AsyncSession], now: datetime, *, extra_groups: int = 0) -> Cast:
    """Nar Taneleri: G1, G2 in Ankara, G3 in İzmir, plus another programme nobody here may reach.

    - Ayşe (mentee G1), Burak (mentee G1, English), Cem (mentee G2), Elif (mentee G3)
    - Deniz: mentor of G1 and of G2 (two roles, one person)
    - Fatma: mentor of G3 and mentee of G2 (two roles, one person)
    - Gül: mentee G1 who withdrew consent; Hakan: mentee G2 who left
    - İrem: mentee G3 who blocked Narbot; Kemal: mentee G3 without a Telegram account
    - Koordinatör (user 5001) and Meltem (user 5003) coordinate Nar Taneleri; Orhan (5002) another programme
    """
    async with sessions.begin() as session:
        programme = await create_programme(session, ProgrammeSpec("Nar Taneleri"), now)
        other = await create_programme(session, ProgrammeSpec("Başka Program"), now)
        groups = {
            "G1": await create_group(session, programme, "Grup 1", now, province="Ankara"),
            "G2": await create_group(session, programme, "Grup 2", now, province="Ankara"),
            "G3": await create_group(session, programme, "Grup 3", now, province="İzmir"),
        }
        for index in range(extra_groups):
            groups[f"X{index}"] = await create_group(session, programme, f"Ek Grup {index:02d}", now)
        elsewhere = await create_group(session, other, "Uzak Grup", now, province="Ankara")
        cast = Cast(programme, groups)

        async def person(name: str, user_id: int | None, **options: bool | str) -> Person:
            made = await add_person(session, name, now, user_id=user_id, **options)  # type: ignore[arg-type]
            cast.people[name.split()[0]] = made.id
            return made

        g1, g2, g3 = groups["G1"], groups["G2"], groups["G3"]
        ayse = await person("Ayşe Yılmaz", MENTEE_USER)
        burak = await person("Burak Şahin", 7002, locale="en")
        cem = await person("Cem Kaya", 7003)
        elif_ = await person("Elif Demir", 7004)
        deniz = await person("Deniz Aksoy", 7005)
        fatma = await person("Fatma Çelik", 7006)
        gul = await person("Gül Arslan", 7007, withdrawn=True)
        hakan = await person("Hakan Koç", 7008)
        irem = await person("İrem Yıldız", 7009, blocked=True)
        kemal = await person("Kemal Öztürk", None)
        coordinator = await person("Selin Kara", COORDINATOR_USER)
        colleague = await person("Meltem Ak", COLLEAGUE_USER, locale="en")
        stranger = await person("Orhan Er", OTHER_COORDINATOR_USER)
        far = await person("Uzak Menti", 7010)
        session.add_all([
            role(ayse, programme, g1, Role.MENTEE, now), role(burak, programme, g1, Role.MENTEE, now),
            role(cem, programme, g2, Role.MENTEE, now), role(elif_, programme, g3, Role.MENTEE, now),
            role(deniz, programme, g1, Role.MENTOR, now), role(deniz, programme, g2, Role.MENTOR, now),
            role(fatma, programme, g3, Role.MENTOR, now), role(fatma, programme, g2, Role.MENTEE, now),
            role(gul, programme, g1, Role.MENTEE, now), role(hakan, programme, g2, Role.MENTEE, now, left=now),
            role(irem, programme, g3, Role.MENTEE, now), role(kemal, programme, g3, Role.MENTEE, now),
            role(coordinator, programme, None, Role.COORDINATOR, now),
            role(colleague, programme, None, Role.COORDINATOR, now),
            role(stranger, other, None, Role.COORDINATOR, now), role(far, other, elsewhere, Role.MENTEE, now),
        ])
    return cast


async def member(sessions: async_sessionmaker[AsyncSession], user_id: int) -> MemberView:
    async with sessions() as session:
        view = await member_view(session, "telegram", str(user_id))
    assert view is not None
    return view


async def batch_rows(sessions: async_sessionmaker[AsyncSession], broadcast_id: int) -> list[OutboxMessage]:
    async with sessions() as session:
        rows = await session.scalars(
            select(OutboxMessage).where(OutboxMessage.batch_key == f"broadcast:{broadcast_id}")
            .order_by(OutboxMessage.person_id)
        )
        return list(rows.all())


async def settle(
    sessions: async_sessionmaker[AsyncSession], broadcast_id: int, person_ids: list[int], status: str,
    now: datetime, error: str | None = None,
) -> None:
    """Record results as the sender would."""
    async with sessions.begin() as session:
        rows = await session.scalars(
            select(OutboxMessage).where(OutboxMessage.batch_key == f"broadcast:{broadcast_id}",
                                        OutboxMessage.person_id.in_(person_ids))
        )
        for row in rows.all():
            row.status, row.last_error = status, error
            row.sent_at = now if status == "sent" else None
