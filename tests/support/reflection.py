"""Helpers for reflection tests: members made directly in the database, and a photo message."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mentoring.joining import rules as joining
from mentoring.joining.rules import MemberView
from storage.models import ChannelIdentity, ConsentRecord, Group, Membership, Person, Role
from tests.support.notice import notice_version
from tests.support.offline import ChatUser

# The default rhythm opens reflections on Friday 10:00 Istanbul for 72 hours;
# the test programme starts on Monday 23 November 2026 (the clock fixture's day).
WEEK1_OPENS = datetime(2026, 11, 27, 7, 0, tzinfo=UTC)
WEEK1_CLOSES = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)
WEEK1_OPEN = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


async def make_member(
    sessions: async_sessionmaker[AsyncSession],
    groups: list[Group],
    external_id: str,
    now: datetime,
    *,
    role: Role = Role.MENTEE,
    locale: str = "tr",
) -> MemberView:
    """A person holding `role` in each of `groups` (skipping the join flow)."""
    async with sessions.begin() as session:
        person = Person(
            display_name=f"Kişi {external_id}",
            locale=locale,
            timezone="Europe/Istanbul",
            created_at=now,
        )
        session.add(person)
        await session.flush()
        session.add(
            ChannelIdentity(
                person_id=person.id,
                channel="telegram",
                external_user_id=external_id,
                chat_id=external_id,
                created_at=now,
            )
        )
        session.add(
            ConsentRecord(person_id=person.id, notice_version=await notice_version(session, groups[0].programme_id), accepted_at=now)
        )
        session.add_all(
            [
                Membership(
                    person_id=person.id,
                    programme_id=g.programme_id,
                    group_id=g.id,
                    role=role.value,
                    joined_at=now,
                )
                for g in groups
            ]
        )
        await session.flush()
        member = await joining.member_view(session, "telegram", external_id)
    assert member is not None
    return member


async def send_photo(user: ChatUser, caption: str | None = None) -> None:
    content = {
        "photo": [
            {"file_id": "small", "file_unique_id": "s", "width": 90, "height": 90},
            {"file_id": "photo-big", "file_unique_id": "b", "width": 1280, "height": 960},
        ]
    }
    if caption is not None:
        content["caption"] = caption
    await user.process({"message": user._message(**content)})
