"""A member who had blocked the bot and writes again is reachable again."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mentoring import delivery
from mentoring.clock import ManualClock
from storage.models import ChannelIdentity
from tests.support.offline import ChatUser
from tests.support.privacy import join, person_id_of
from tests.support.seed import seed_programme


async def test_writing_again_undoes_a_block(
    user: ChatUser, app_sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    setup = await seed_programme(app_sessions, clock.now())
    await join(user, setup.codes["mentee1"])
    person_id = await person_id_of(app_sessions, user)
    await user.send("/help")  # the member is now in the bot's cache, not blocked
    async with app_sessions.begin() as session:  # as the sender does on a 403 "bot was blocked"
        await session.execute(update(ChannelIdentity).values(blocked_at=clock.now()))
    async with app_sessions() as session:
        assert await delivery.unreachable_people(session, [person_id]) == {person_id}

    await user.send("/help")

    assert user.last_text().startswith("Yapabilecekleriniz:"), "the update is answered as usual"
    async with app_sessions() as session:
        assert await session.scalar(select(ChannelIdentity.blocked_at)) is None
        assert await delivery.unreachable_people(session, [person_id]) == set()
