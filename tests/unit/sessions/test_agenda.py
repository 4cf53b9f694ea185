"""The group agenda in the domain: order, covered topics, the next topic, access."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mentoring.access import AccessDenied
from mentoring.clock import ManualClock
from mentoring.errors import DomainError
from mentoring.sessions import agenda
from tests.support.sessions import cast


async def test_topics_keep_their_order_and_the_next_one_is_the_first_uncovered(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    people = await cast(sessions, clock.now())
    async with sessions.begin() as session:
        for title in ("A", "B", "C", "D"):
            view = await agenda.add_topic(
                session, people.zeynep, people.group.id, f"  {title}  ", clock.now()
            )
        ids = {t.title: t.id for t in view.topics}
        await agenda.delete_topic(session, people.zeynep, ids["B"])
        await agenda.move_topic(session, people.zeynep, ids["D"], -1)
        view = await agenda.move_topic(session, people.zeynep, ids["D"], -1)
        assert [t.title for t in view.topics] == ["D", "A", "C"]
        view = await agenda.move_topic(session, people.zeynep, ids["C"], 1)
        assert [t.title for t in view.topics] == ["D", "A", "C"], "the last topic stays last"
        await agenda.set_covered(session, people.zeynep, ids["D"], True, clock.now())
        topic = await agenda.next_topic(session, people.group.id)
        assert topic is not None and topic.title == "A"
        assert [t.title for t in await agenda.open_topics(session, people.group.id)] == ["A", "C"]
        view = await agenda.view(session, people.mark, people.group.id)
        assert view.may_edit and [t.covered for t in view.topics] == [True, False, False]


async def test_titles_are_checked(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    people = await cast(sessions, clock.now())
    for text, code in (("   ", "empty_topic"), ("x" * 201, "topic_too_long")):
        with pytest.raises(DomainError) as error:
            async with sessions.begin() as session:
                await agenda.add_topic(session, people.zeynep, people.group.id, text, clock.now())
        assert error.value.code == code


async def test_only_the_groups_mentors_edit(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    people = await cast(sessions, clock.now())
    async with sessions.begin() as session:
        view = await agenda.add_topic(session, people.zeynep, people.group.id, "A", clock.now())
    topic_id = view.topics[0].id
    for who in (people.ayse, people.deniz):
        for attempt in (
            lambda s, who=who: agenda.add_topic(s, who, people.group.id, "B", clock.now()),
            lambda s, who=who: agenda.delete_topic(s, who, topic_id),
        ):
            with pytest.raises(AccessDenied):
                async with sessions.begin() as session:
                    await attempt(session)
    with pytest.raises(AccessDenied):  # another group's mentor does not even read it
        async with sessions.begin() as session:
            await agenda.view(session, people.deniz, people.group.id)
    async with sessions() as session:  # the group's mentees read it and may propose (issue #14)
        read = await agenda.view(session, people.ayse, people.group.id)
    assert ([t.title for t in read.topics], read.may_edit, read.may_propose) == (["A"], False, True)
    async with sessions() as session:
        assert [
            t.title for t in (await agenda.view(session, people.zeynep, people.group.id)).topics
        ] == ["A"]


async def test_the_agenda_stays_within_one_message(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    people = await cast(sessions, clock.now())
    async with sessions.begin() as session:
        for number in range(agenda.MAX_TOPICS):
            await agenda.add_topic(session, people.zeynep, people.group.id, f"Konu {number}", clock.now())
    with pytest.raises(DomainError) as caught:
        async with sessions.begin() as session:
            await agenda.add_topic(session, people.zeynep, people.group.id, "Bir tane daha", clock.now())
    assert caught.value.code == "agenda_full"
