"""The planner: weekly waves at each group's local time, reminders to those who have not answered."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from mentoring.clock import ManualClock
from mentoring.waves import PlanReport, plan_due
from storage.models.outbox import PRIORITY_BULK
from tests.support.waves import (
    add_group,
    add_mentee,
    add_pair,
    add_programme,
    answer_checkin,
    outbox,
    outbox_count,
    submit_reflection,
    waves,
)

MONDAY = date(2026, 11, 23)  # the clock fixture's day; week 1 of the programme
# Default rhythm: check-in Wednesday 10:00 for 48 h, reflection Friday 10:00 for 72 h (group's zone).
CHECKIN_OPENS = datetime(2026, 11, 25, 7, 0, tzinfo=UTC)  # 10:00 in Istanbul
REFLECTION_OPENS = datetime(2026, 11, 27, 7, 0, tzinfo=UTC)
REFLECTION_CLOSES = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)


async def plan(sessions: async_sessionmaker[AsyncSession], now: datetime) -> PlanReport:
    async with sessions.begin() as session:
        return await plan_due(session, now)


async def test_the_reflection_wave_opens_at_each_groups_local_time(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    async with sessions.begin() as session:
        programme = await add_programme(session, clock.now(), MONDAY)
        istanbul = await add_group(session, programme, clock.now())
        berlin = await add_group(session, programme, clock.now(), "Berlin", timezone="Europe/Berlin")
        ayse = await add_mentee(session, istanbul, clock.now())
        hans = await add_mentee(session, berlin, clock.now(), locale="en", timezone="Europe/Berlin")

    assert (await plan(sessions, clock.now())).queued == 0, "nothing has opened on Monday morning"
    clock.set(REFLECTION_OPENS - timedelta(minutes=1))
    await plan(sessions, clock.now())
    assert await outbox(sessions, "reflection_prompt") == []

    clock.set(REFLECTION_OPENS)
    report = await plan(sessions, clock.now())
    assert report.stages["reflection.prompt.planned"] == 1
    [row] = await outbox(sessions, "reflection_prompt")
    assert row.person_id == ayse and row.not_before == REFLECTION_OPENS
    assert row.expires_at == REFLECTION_CLOSES and row.respect_quiet_hours and row.priority == PRIORITY_BULK
    assert row.idempotency_key == f"reflection-prompt:{istanbul.id}:1:{ayse}"
    assert row.batch_key == f"wave:reflection:{istanbul.id}:1"
    assert row.status == "pending" and row.buttons is not None and row.buttons[0][0]["data"] == "rf:go:1"

    # 10:00 in Berlin is 09:00 UTC in November.
    clock.set(datetime(2026, 11, 27, 8, 59, tzinfo=UTC))
    await plan(sessions, clock.now())
    assert len(await outbox(sessions, "reflection_prompt")) == 1
    clock.set(datetime(2026, 11, 27, 9, 0, tzinfo=UTC))
    await plan(sessions, clock.now())
    rows = await outbox(sessions, "reflection_prompt")
    assert [(r.person_id, r.not_before) for r in rows] == [
        (ayse, REFLECTION_OPENS), (hans, datetime(2026, 11, 27, 9, 0, tzinfo=UTC))]


async def test_texts_speak_each_persons_language_and_zone(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    async with sessions.begin() as session:
        group = await add_group(session, await add_programme(session, clock.now(), MONDAY), clock.now())
        ayse = await add_mentee(session, group, clock.now())
        john = await add_mentee(session, group, clock.now(), locale="en", timezone="Europe/London")
    await plan(sessions, REFLECTION_OPENS)
    texts = {row.person_id: row.text for row in await outbox(sessions, "reflection_prompt")}
    # The window closes on Monday 07:00 UTC: 10:00 in Istanbul, 07:00 in London.
    assert "yansıtma" in texts[ayse] and "30 Kasım 2026 Pazartesi" in texts[ayse] and "10:00" in texts[ayse]
    assert "reflection" in texts[john] and "November 30, 2026" in texts[john] and "7:00" in texts[john]
    assert "10:00" not in texts[john]


async def test_reminders_go_only_to_those_who_have_not_answered_when_they_fall_due(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    async with sessions.begin() as session:
        group = await add_group(session, await add_programme(session, clock.now(), MONDAY), clock.now())
        early, late, never = [await add_mentee(session, group, clock.now()) for _ in range(3)]
    await plan(sessions, REFLECTION_OPENS)
    async with sessions.begin() as session:
        await submit_reflection(session, group, early, 1, REFLECTION_OPENS + timedelta(hours=2))

    first_due = REFLECTION_OPENS + timedelta(hours=24)
    await plan(sessions, first_due - timedelta(minutes=1))
    assert await outbox(sessions, "reflection_reminder") == [], "reminders are not planned in advance"
    await plan(sessions, first_due)
    first = await outbox(sessions, "reflection_reminder")
    assert sorted(r.person_id for r in first) == [late, never]
    assert {r.not_before for r in first} == {first_due} and {r.expires_at for r in first} == {REFLECTION_CLOSES}
    assert all(r.respect_quiet_hours for r in first)
    assert first[0].idempotency_key.startswith(f"reflection-reminder:{group.id}:1:after:")

    async with sessions.begin() as session:
        await submit_reflection(session, group, late, 1, first_due + timedelta(hours=1))
    last_due = REFLECTION_CLOSES - timedelta(hours=6)
    await plan(sessions, last_due)
    last = [r for r in await outbox(sessions, "reflection_reminder") if ":before:" in r.idempotency_key]
    assert [r.person_id for r in last] == [never]


async def test_checkins_go_to_partnered_mentees_and_remind_the_silent_one(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    async with sessions.begin() as session:
        group = await add_group(session, await add_programme(session, clock.now(), MONDAY), clock.now())
        a, b, alone = [await add_mentee(session, group, clock.now()) for _ in range(3)]
        pair = await add_pair(session, group, clock.now(), a, b)
    await plan(sessions, CHECKIN_OPENS)
    prompts = await outbox(sessions, "checkin_prompt")
    assert sorted(r.person_id for r in prompts) == [a, b]
    assert prompts[0].batch_key == f"wave:checkin:{group.id}:1"
    async with sessions.begin() as session:
        await answer_checkin(session, group, pair, a, 1, CHECKIN_OPENS + timedelta(hours=1))
    await plan(sessions, CHECKIN_OPENS + timedelta(hours=24))
    assert [r.person_id for r in await outbox(sessions, "checkin_reminder")] == [b]
    assert alone not in {r.person_id for r in await outbox(sessions)}


async def test_paused_withdrawn_blocked_and_former_members_are_skipped(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    async with sessions.begin() as session:
        group = await add_group(session, await add_programme(session, clock.now(), MONDAY), clock.now())
        active = await add_mentee(session, group, clock.now())
        pause_over = await add_mentee(session, group, clock.now(), paused_until=REFLECTION_OPENS)
        await add_mentee(session, group, clock.now(), paused_until=REFLECTION_OPENS + timedelta(days=3))
        await add_mentee(session, group, clock.now(), withdrawn=True)
        await add_mentee(session, group, clock.now(), blocked=True)
        await add_mentee(session, group, clock.now(), left=True)
    await plan(sessions, REFLECTION_OPENS)
    assert sorted(r.person_id for r in await outbox(sessions)) == [active, pause_over]


async def test_mentors_get_no_prompts(sessions: async_sessionmaker[AsyncSession], clock: ManualClock) -> None:
    from storage.models import Role

    async with sessions.begin() as session:
        group = await add_group(session, await add_programme(session, clock.now(), MONDAY), clock.now())
        await add_mentee(session, group, clock.now(), role=Role.MENTOR)
    await plan(sessions, REFLECTION_OPENS)
    assert await outbox_count(sessions) == 0


async def test_planning_again_creates_nothing_new(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    async with sessions.begin() as session:
        group = await add_group(session, await add_programme(session, clock.now(), MONDAY), clock.now())
        a, b = [await add_mentee(session, group, clock.now()) for _ in range(2)]
        await add_pair(session, group, clock.now(), a, b)
    moment = REFLECTION_OPENS + timedelta(hours=30)
    first = await plan(sessions, moment)
    before = (await outbox_count(sessions), len(await waves(sessions)))
    assert first.queued + first.dropped == before[0] > first.dropped > 0
    again = await plan(sessions, moment)
    later = await plan(sessions, moment + timedelta(minutes=1))
    assert again.queued == later.queued == 0 and not again.stages and not later.stages
    assert (await outbox_count(sessions), len(await waves(sessions))) == before


async def test_after_downtime_an_open_window_is_planned_once_and_a_closed_one_recorded_dropped(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    async with sessions.begin() as session:
        group = await add_group(session, await add_programme(session, clock.now(), MONDAY), clock.now())
        a, b = [await add_mentee(session, group, clock.now()) for _ in range(2)]
        await add_pair(session, group, clock.now(), a, b)
    # The bot was down from Monday until Saturday noon (Istanbul): the check-in
    # window (Wed-Fri) closed unseen; the reflection window (Fri-Mon) is still open.
    back = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
    report = await plan(sessions, back)

    prompts = await outbox(sessions, "reflection_prompt")
    assert [(r.status, r.not_before) for r in prompts] == [("pending", REFLECTION_OPENS)] * 2
    assert report.stages["reflection.reminder_after.skipped"] == 1, "no reminder on top of the prompt"
    assert await outbox(sessions, "reflection_reminder") == []

    missed = await outbox(sessions, "checkin_prompt")
    assert [(r.status, r.last_error) for r in missed] == [("dropped", "window closed while the bot was down")] * 2
    assert report.dropped == 2 and report.queued == 2
    logged = {(w.kind, w.stage): (w.outcome, w.recipients) for w in await waves(sessions)}
    assert logged[("checkin", "prompt")] == ("dropped", 2)
    assert logged[("checkin", "reminder_after")] == ("dropped", 0)
    assert logged[("reflection", "prompt")] == ("planned", 2)

    assert (await plan(sessions, back + timedelta(minutes=1))).queued == 0
    # The last reminder still falls due normally.
    await plan(sessions, REFLECTION_CLOSES - timedelta(hours=6))
    assert len(await outbox(sessions, "reflection_reminder")) == 2


async def test_a_reminder_missed_during_downtime_goes_out_while_its_window_is_open(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    async with sessions.begin() as session:
        group = await add_group(session, await add_programme(session, clock.now(), MONDAY), clock.now())
        mentee = await add_mentee(session, group, clock.now())
    await plan(sessions, REFLECTION_OPENS)
    back = REFLECTION_OPENS + timedelta(hours=40)  # down through the first reminder's moment
    await plan(sessions, back)
    [reminder] = await outbox(sessions, "reflection_reminder")
    assert reminder.person_id == mentee and reminder.status == "pending"
    assert reminder.not_before == REFLECTION_OPENS + timedelta(hours=24)


async def test_someone_who_joins_during_an_open_window_gets_its_prompt(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    async with sessions.begin() as session:
        group = await add_group(session, await add_programme(session, clock.now(), MONDAY), clock.now())
        await add_mentee(session, group, clock.now())
    await plan(sessions, REFLECTION_OPENS)
    joined = REFLECTION_OPENS + timedelta(hours=3)
    async with sessions.begin() as session:
        newcomer = await add_mentee(session, group, joined, joined_at=joined)
    report = await plan(sessions, joined + timedelta(minutes=1))
    assert report.queued == 1
    assert newcomer in {r.person_id for r in await outbox(sessions, "reflection_prompt")}
    assert (await plan(sessions, joined + timedelta(minutes=2))).queued == 0
    [wave] = [w for w in await waves(sessions) if (w.kind, w.stage) == ("reflection", "prompt")]
    assert wave.recipients == 2


async def test_the_end_self_assessment_goes_once_in_the_last_week(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    async with sessions.begin() as session:
        programme = await add_programme(session, clock.now(), MONDAY, ends_on=date(2026, 12, 9))
        group = await add_group(session, programme, clock.now())
        mentee = await add_mentee(session, group, clock.now())
    # Week 3 (the last) starts on Monday 7 December; at 10:00 Istanbul the offer goes out.
    last_week = datetime(2026, 12, 7, 7, 0, tzinfo=UTC)
    await plan(sessions, last_week - timedelta(minutes=1))
    assert await outbox(sessions, "self_assessment_prompt") == []
    await plan(sessions, last_week)
    await plan(sessions, last_week + timedelta(days=1))
    [offer] = await outbox(sessions, "self_assessment_prompt")
    assert offer.person_id == mentee and offer.idempotency_key == f"self-assessment:end:{programme.id}:{mentee}"
    assert offer.expires_at == datetime(2026, 12, 9, 21, 0, tzinfo=UTC)  # midnight after the last day
    # No reflection window opens after the programme has ended.
    await plan(sessions, datetime(2026, 12, 11, 7, 0, tzinfo=UTC))
    assert {w.week for w in await waves(sessions) if w.kind == "reflection"} <= {1, 2}


async def test_only_one_process_plans_at_a_time(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    async with sessions.begin() as session:
        group = await add_group(session, await add_programme(session, clock.now(), MONDAY), clock.now())
        await add_mentee(session, group, clock.now())
    async with sessions.begin() as first:
        mine = await plan_due(first, REFLECTION_OPENS)
        if first.bind.dialect.name == "postgresql":
            other = await plan(sessions, REFLECTION_OPENS)
            assert not other.planned_by_us and other.queued == 0
    assert mine.planned_by_us and mine.queued == 1
    assert await outbox_count(sessions) == 1


async def test_the_number_of_queries_does_not_grow_with_people_or_groups(
    sessions: async_sessionmaker[AsyncSession], engine: AsyncEngine, clock: ManualClock
) -> None:
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    async def wave_with(groups: int, mentees: int, starts_on: date) -> int:
        async with sessions.begin() as session:
            # A one-week programme: long over (and left alone) when the next one is measured.
            programme = await add_programme(session, clock.now(), starts_on, name=f"P{starts_on}",
                                            ends_on=starts_on + timedelta(days=6))
            for index in range(groups):
                group = await add_group(session, programme, clock.now(), f"G{index}")
                for _ in range(mentees):
                    await add_mentee(session, group, clock.now())
        statements.clear()
        opens = datetime.combine(starts_on + timedelta(days=4), datetime.min.time(), UTC) + timedelta(hours=7)
        event.listen(engine.sync_engine, "before_cursor_execute", count)
        try:
            report = await plan(sessions, opens)
        finally:
            event.remove(engine.sync_engine, "before_cursor_execute", count)
        # The week's reflection prompt and the end-of-programme self-assessment.
        assert report.queued == 2 * groups * mentees
        return len(statements)

    small = await wave_with(2, 2, MONDAY)
    large = await wave_with(8, 12, MONDAY + timedelta(days=35))
    assert large == small, [s[:60] for s in statements]
