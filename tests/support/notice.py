"""A complete KVKK notice for test programmes (nobody can be invited to a programme without one), and
members created directly who have read it.

Its transfer safeguard is named, so members are not asked the transfer-abroad consent unless a test
loads a notice without one (`ASKS_ABROAD`).
"""

from __future__ import annotations

import dataclasses
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mentoring.privacy import notice as notices
from mentoring.privacy.notice import NoticeFields, NoticeView
from storage.models import ChannelIdentity, ConsentRecord, Membership, Person, Role
from tests.support.offline import ChatUser

TEST_NOTICE = NoticeFields(
    institution="Ankara İl Müdürlüğü",
    address="Örnek Cad. No: 1, Çankaya/Ankara",
    contact="KVKK irtibat kişisi, 0312 000 00 00",
    email="kvkk@example.gov.tr",
    transfer_safeguard="standard contractual clauses notified to the Authority",
)
ASKS_ABROAD = dataclasses.replace(TEST_NOTICE, transfer_safeguard="")


async def give_notice(
    session: AsyncSession, programme_id: int, now: datetime, fields: NoticeFields = TEST_NOTICE,
    retention_days: int = 180,
) -> NoticeView:
    view, _new = await notices.load(session, programme_id, fields, retention_days, now)
    return view


async def notice_version(session: AsyncSession, programme_id: int) -> str:
    """The notice version a member of this programme has read when they are current."""
    found = await notices.current(session, programme_id)
    return notices.version_of(found.id if found is not None else None)


def shown_notice(user: ChatUser) -> str:
    """The notice as the person last received it: longer than one message, it comes in two parts."""
    return "\n".join(user.texts()[-2:])


async def add_coordinator(sessions: async_sessionmaker[AsyncSession], programme_id: int, user_id: int,
                          now: datetime, *, locale: str = "tr") -> int:
    """A coordinator of the programme, as if they had joined as Telegram user `user_id` and read its notice."""
    async with sessions.begin() as session:
        person = Person(display_name="Koordinatör Kaya", locale=locale, timezone="Europe/Istanbul", created_at=now)
        session.add(person)
        await session.flush()
        session.add_all([
            ChannelIdentity(person_id=person.id, channel="telegram", external_user_id=str(user_id),
                            chat_id=str(user_id), created_at=now),
            ConsentRecord(person_id=person.id, notice_version=await notice_version(session, programme_id),
                          accepted_at=now),
            Membership(person_id=person.id, programme_id=programme_id, group_id=None,
                       role=Role.COORDINATOR.value, joined_at=now),
        ])
    return person.id
