"""Peer partners' domain: pairing (automatic, trio, by hand, history) and the weekly check-in."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mentoring.access import AccessDenied
from mentoring.clock import ManualClock
from mentoring.errors import DomainError
from mentoring.i18n import translator
from mentoring.peers import pairing, prompts
from mentoring.peers import rules as peers
from mentoring.plans import rules as plans
from storage.models import OutboxMessage, Role
from storage.models.peers import PeerCheckin, PeerPair
from tests.support.plans import add_member, set_dates
from tests.support.seed import seed_programme

# The clock fixture's Monday 23.11.2026 is in week 2 of a programme that starts on 16.11.2026; the
# default check-in window opens on Wednesday 25.11 at 10:00 Istanbul time (07:00 UTC) for 48 hours.
STARTS = date(2026, 11, 16)
OPEN = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)


async def group_with(sessions: async_sessionmaker[AsyncSession], clock: ManualClock, mentees: int):
    setup = await seed_programme(sessions, clock.now())
    await set_dates(sessions, setup.programme.id, STARTS, None)
    group = setup.groups[0]
    people = [await add_member(sessions, clock.now(), group, name=f"Menti {n}") for n in range(1, mentees + 1)]
    mentor = await add_member(sessions, clock.now(), group, Role.MENTOR, name="Mentor")
    return group, people, mentor


def sizes(view: pairing.GroupPairs) -> list[int]:
    return [len(pair.members) for pair in view.pairs]


async def test_four_mentees_make_two_pairs(sessions: async_sessionmaker[AsyncSession], clock: ManualClock) -> None:
    group, people, mentor = await group_with(sessions, clock, 4)
    async with sessions.begin() as session:
        view = await pairing.auto_pair(session, group, mentor.person_id, clock.now())
    assert sizes(view) == [2, 2] and not view.unpaired
    async with sessions() as session:
        assert await peers.partners_of(session, people[0].person_id) == [people[1].person_id]
        announced = (await session.scalars(select(OutboxMessage.idempotency_key))).all()
    assert len(announced) == 4 and all(key.startswith("peer-pair:") for key in announced)


async def test_five_mentees_make_a_pair_and_a_trio(sessions: async_sessionmaker[AsyncSession],
                                                   clock: ManualClock) -> None:
    group, people, mentor = await group_with(sessions, clock, 5)
    async with sessions.begin() as session:
        view = await pairing.auto_pair(session, group, mentor.person_id, clock.now())
        assert sizes(view) == [2, 3]
        assert sorted(await peers.partners_of(session, people[4].person_id)) == [
            people[2].person_id, people[3].person_id]
        with pytest.raises(DomainError):
            await pairing.auto_pair(session, group, mentor.person_id, clock.now())


async def test_a_late_mentee_joins_a_pair_as_a_trio_and_history_stays(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    group, _people, mentor = await group_with(sessions, clock, 2)
    async with sessions.begin() as session:
        await pairing.auto_pair(session, group, mentor.person_id, clock.now())
    late = await add_member(sessions, clock.now(), group, name="Geç")
    async with sessions.begin() as session:
        view = await pairing.auto_pair(session, group, mentor.person_id, clock.now())
        assert sizes(view) == [3]
        all_pairs = (await session.scalars(select(PeerPair).order_by(PeerPair.id))).all()
    assert len(all_pairs) == 2 and all_pairs[0].ended_at is not None and all_pairs[1].ended_at is None
    assert late.person_id in {m.person_id for m in view.pairs[0].members}


async def test_pairing_by_hand_ends_the_old_pairs(sessions: async_sessionmaker[AsyncSession],
                                                  clock: ManualClock) -> None:
    group, people, mentor = await group_with(sessions, clock, 4)
    ids = [p.person_id for p in people]
    async with sessions.begin() as session:
        await pairing.auto_pair(session, group, mentor.person_id, clock.now())  # (1,2) (3,4)
        view = await pairing.make_pair(session, group, [ids[0], ids[2]], mentor.person_id, clock.now())
        assert [[m.person_id for m in p.members] for p in view.pairs] == [[ids[0], ids[2]]]
        assert {m.person_id for m in view.unpaired} == {ids[1], ids[3]}
        ended = (await session.scalars(select(PeerPair).where(PeerPair.ended_at.is_not(None)))).all()
        assert len(ended) == 2
        for bad in ([ids[0]], ids, [ids[0], 999999]):
            with pytest.raises(DomainError):
                await pairing.make_pair(session, group, bad, mentor.person_id, clock.now())


async def test_only_the_groups_mentors_and_coordinators_pair(sessions: async_sessionmaker[AsyncSession],
                                                             clock: ManualClock) -> None:
    setup = await seed_programme(sessions, clock.now(), groups=2)
    first, second = setup.groups
    mentee = await add_member(sessions, clock.now(), first)
    mentor_of_second = await add_member(sessions, clock.now(), second, Role.MENTOR)
    coordinator = await add_member(sessions, clock.now(), first, Role.COORDINATOR)
    async with sessions() as session:
        for outsider in (mentee, mentor_of_second):
            with pytest.raises(AccessDenied):
                await pairing.managed_group(session, outsider, first.id)
        assert (await pairing.managed_group(session, coordinator, first.id)).id == first.id
        assert [g.id for g in await pairing.managed_groups(session, coordinator)] == [first.id, second.id]
        assert await pairing.managed_groups(session, mentee) == []


async def test_check_in_answers_are_kept_per_person_and_may_disagree(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    group, people, mentor = await group_with(sessions, clock, 2)
    ayse, elif_ = people
    async with sessions.begin() as session:
        await pairing.auto_pair(session, group, mentor.person_id, clock.now())
        ctx = await plans.plan_context(session, elif_)
        await plans.start_goal(session, ctx, clock.now())
        await plans.goal_text(session, ctx, "what", "Sakin kalmak", clock.now())
        await plans.goal_text(session, ctx, "measure", "Bir hafta", clock.now())
        goal = await plans.choose_due(session, ctx, "2w", None, clock.now())
        assert goal is not None
        await plans.set_shared(session, ctx, goal.id, True, clock.now())
    async with sessions.begin() as session:
        with pytest.raises(DomainError) as caught:  # Monday: the window is not open
            await peers.answer_talked(session, ayse.person_id, 2, "yes", clock.now())
        assert caught.value.code == "checkin_closed"
    clock.advance(OPEN - clock.now())
    async with sessions.begin() as session:
        answer, pair = await peers.answer_talked(session, ayse.person_id, 2, "yes", clock.now())
        assert answer.completed_at is None and [g.id for g in pair.shared[elif_.person_id]] == [goal.id]
        with pytest.raises(DomainError):
            await peers.answer_talked(session, ayse.person_id, 2, "no", clock.now())
        with pytest.raises(DomainError):  # not one of the partner's shared goals
            await peers.answer_support(session, ayse.person_id, 2, goal.id + 1000, clock.now())
        await peers.answer_support(session, ayse.person_id, 2, goal.id, clock.now())
        done, _pair = await peers.answer_usefulness(session, ayse.person_id, 2, 4, clock.now())
        assert done.completed_at is not None
        with pytest.raises(DomainError):
            await peers.answer_usefulness(session, ayse.person_id, 2, 5, clock.now())
        with pytest.raises(DomainError):  # an old week's button
            await peers.answer_talked(session, elif_.person_id, 1, "no", clock.now())
        await peers.answer_talked(session, elif_.person_id, 2, "no", clock.now())
    async with sessions() as session:
        rows = {row.person_id: row for row in (await session.scalars(select(PeerCheckin))).all()}
        assert await peers.checkin_responders(session, group.id, 2) == {ayse.person_id, elif_.person_id}
        assert await peers.checkin_responders(session, group.id, 3) == set()
    assert (rows[ayse.person_id].talked, rows[ayse.person_id].supported_goal_id,
            rows[ayse.person_id].usefulness) == ("yes", goal.id, 4)
    assert rows[elif_.person_id].talked == "no" and rows[elif_.person_id].completed_at is not None
    assert rows[ayse.person_id].pair_id == rows[elif_.person_id].pair_id


async def test_no_partner_no_check_in(sessions: async_sessionmaker[AsyncSession], clock: ManualClock) -> None:
    _group, people, _mentor = await group_with(sessions, clock, 1)
    clock.advance(OPEN - clock.now())
    async with sessions.begin() as session:
        with pytest.raises(DomainError) as caught:
            await peers.answer_talked(session, people[0].person_id, 2, "yes", clock.now())
    assert caught.value.code == "no_partner"


@pytest.mark.parametrize("locale", ["tr", "en"])
def test_prompt_and_reminder_carry_the_week(locale: str) -> None:
    tr, tz = translator(locale), ZoneInfo("Europe/Istanbul")
    closes = OPEN + timedelta(hours=47)
    for render in (prompts.checkin_prompt, prompts.checkin_reminder):
        text, rows = render(tr, 12, closes, tz)
        data = [b.data for row in rows for b in row]
        assert data == ["pc:t:12:yes", "pc:t:12:no", "pc:t:12:unreachable"]
        assert all(len(d.encode()) <= 64 for d in data)
        assert "10:00" in text  # 27.11 07:00 UTC is 10:00 in Istanbul
    assert "12" in prompts.checkin_prompt(tr, 12, closes, tz)[0]

