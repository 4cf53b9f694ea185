"""The demo programme: its current week is open whenever it is seeded, it has a history, and a
newcomer mentee gets a partner at once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mentoring.demo import (
    DEMO_PROGRAMME,
    HISTORY_WEEKS,
    demo_start,
    demo_week,
    pair_newcomer,
    seed_demo,
)
from mentoring.peers import rules as peers
from mentoring.programmes import ProgrammeSpec, create_group, create_programme
from mentoring.reflection.windows import group_rhythm
from mentoring.waves import plan_due
from storage.models import Group, Membership, OutboxMessage, Person, Role
from storage.models.peers import PeerCheckin
from storage.models.reflections import Reflection
from storage.models.sessions import GroupSession
from storage.repositories import programmes as repo

ISTANBUL = ZoneInfo("Europe/Istanbul")


def test_both_windows_are_open_and_the_session_is_ahead_at_any_hour_of_any_day() -> None:
    first = datetime(2026, 11, 23, 0, 30, tzinfo=UTC)
    for hour in range(24 * 8):
        now = first + timedelta(hours=hour)
        week = demo_week(demo_start(now), now)
        assert week.week == HISTORY_WEEKS + 1
        for found in (week.reflection, week.checkin):
            assert found.is_open(now) and found.closes_at - now >= timedelta(hours=24), (now, found)
        week_ends = datetime.combine(demo_start(now) + timedelta(weeks=HISTORY_WEEKS + 1), datetime.min.time(),
                                     tzinfo=ISTANBUL)
        assert now < week.session_at < week_ends, now


async def _newcomer(session: AsyncSession, group: Group, name: str, now: datetime) -> int:
    person = Person(display_name=name, locale="tr", timezone="Europe/Istanbul", created_at=now)
    session.add(person)
    await session.flush()
    session.add(Membership(person_id=person.id, programme_id=group.programme_id, group_id=group.id,
                           role=Role.MENTEE.value, joined_at=now))
    await session.flush()
    return person.id


async def test_seeded_demo_is_open_now_with_four_weeks_behind_it(sessions: async_sessionmaker[AsyncSession]) -> None:
    now = datetime(2026, 11, 29, 20, 45, tzinfo=UTC)  # Sunday, 23:45 in Istanbul
    async with sessions.begin() as session:
        demo = await seed_demo(session, now)
    assert demo.created and [(i.role, i.group) for i in demo.invites] == [
        (Role.MENTEE, "Ankara 1"), (Role.MENTEE, "İstanbul 1"), (Role.MENTOR, "Ankara 1"),
        (Role.MENTOR, "İstanbul 1"), (Role.COORDINATOR, None)]
    assert all(item.max_uses is None for item in demo.invites)

    async with sessions.begin() as session:
        programme = await repo.programme_by_name(session, DEMO_PROGRAMME)
        assert programme is not None
        groups = (await session.scalars(select(Group).where(Group.programme_id == programme.id))).all()
        for group in groups:
            rhythm = await group_rhythm(session, group.id)
            assert rhythm is not None
            reflection = rhythm.open_window(now)
            checkin = await peers.checkin_window(session, group.id, now)
            assert reflection is not None and reflection.week == 5
            assert checkin is not None and checkin.week == 5
        weeks = (await session.execute(
            select(Reflection.week, func.count()).group_by(Reflection.week).order_by(Reflection.week))).all()
        assert [tuple(row) for row in weeks] == [(1, 10), (2, 10), (3, 8), (4, 8)]
        assert await session.scalar(select(func.count()).select_from(PeerCheckin)) == 2 * 2 * 2 * HISTORY_WEEKS
        coming = (await session.scalars(select(GroupSession).where(GroupSession.starts_at > now))).all()
        assert len(coming) == 2 and all(s.starts_at - now < timedelta(days=3) for s in coming)
        # The example people have no chat: the planner queues nothing for them.
        report = await plan_due(session, now)
        assert report.groups == 2 and report.queued == 0
        assert await session.scalar(select(func.count()).select_from(OutboxMessage)) == 0

    async with sessions.begin() as session:
        again = await seed_demo(session, now + timedelta(days=1))
        assert not again.created
        assert [i.code for i in again.invites] == [i.code for i in demo.invites]
        assert await session.scalar(select(func.count()).select_from(Reflection)) == 36


async def test_newcomers_get_a_partner_at_once_and_other_programmes_are_left_alone(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    now = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
    async with sessions.begin() as session:
        await seed_demo(session, now)
        programme = await repo.programme_by_name(session, DEMO_PROGRAMME)
        assert programme is not None
        group = await repo.group_by_name(session, programme.id, "Ankara 1")
        assert group is not None
        first = await _newcomer(session, group, "Zehra", now)
        await pair_newcomer(session, programme, group.id, Role.MENTEE.value, first, now)
        second = await _newcomer(session, group, "Yusuf", now)
        await pair_newcomer(session, programme, group.id, Role.MENTEE.value, second, now)
        mentor = await _newcomer(session, group, "Ozan", now)
        await pair_newcomer(session, programme, group.id, Role.MENTOR.value, mentor, now)

        elif_id = await session.scalar(select(Person.id).join(Membership, Membership.person_id == Person.id)
                                       .where(Person.display_name == "Elif", Membership.group_id == group.id))
        assert sorted(await peers.partners_of(session, first)) == sorted([elif_id, second])
        assert sorted(await peers.partners_of(session, second)) == sorted([elif_id, first])
        assert await peers.partners_of(session, mentor) == [], "only mentees are paired"

        other = await create_programme(session, ProgrammeSpec("Başka program"), now)
        elsewhere = await create_group(session, other, "Grup 1", now)
        for name in ("A", "B"):
            person_id = await _newcomer(session, elsewhere, name, now)
            await pair_newcomer(session, other, elsewhere.id, Role.MENTEE.value, person_id, now)
            assert await peers.partners_of(session, person_id) == []
