"""The reflection flow in the domain: windows, answers, summary, submit, and the contract."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mentoring import conversation
from mentoring.clock import ManualClock
from mentoring.i18n import translator
from mentoring.reflection import flow as reflections
from mentoring.reflection.flow import reflection_prompt, reflection_reminder
from mentoring.reflection.questions import DEFAULT_QUESTIONS
from mentoring.reflection.steps import Given, Outcome
from storage.models import Role
from storage.models.reflections import Reflection, ReflectionAnswer
from tests.support.reflection import WEEK1_CLOSES, WEEK1_OPEN, WEEK1_OPENS, make_member
from tests.support.seed import seed_programme

ISTANBUL = ZoneInfo("Europe/Istanbul")


def test_prompt_and_reminder_say_until_when_in_the_readers_zone_and_carry_the_week() -> None:
    text, buttons = reflection_prompt(translator("tr"), 3, WEEK1_CLOSES, ISTANBUL)
    assert "3. hafta" in text and "30 Kasım 2026 Pazartesi saat 10:00" in text
    assert [[(b.text, b.data) for b in row] for row in buttons] == [
        [("Yansıtmaya başla", "rf:go:3")]
    ]
    text, buttons = reflection_reminder(
        translator("en"), 3, WEEK1_CLOSES, ZoneInfo("Europe/London")
    )
    assert "week 3" in text and "November 30, 2026 at 7:00" in text
    assert buttons[0][0].data == "rf:go:3" and len(buttons[0][0].data.encode()) <= 64


async def test_a_whole_reflection_is_saved_answer_by_answer_and_submitted_once(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    setup = await seed_programme(sessions, clock.now())
    member = await make_member(sessions, setup.groups, "7001", clock.now())
    clock.set(WEEK1_OPEN)
    async with sessions.begin() as session:
        step = await reflections.open_reflection(session, member, clock.now())
    assert step.outcome is Outcome.QUESTION and step.question == 0 and step.reflection is not None
    rid = step.reflection.id
    async with sessions.begin() as session:
        for value in ("0", "1", "3", "4"):  # tried: yes; skill: active listening; stress 3; confidence 4
            step = await reflections.answer_button(session, member, rid, step.question, value, clock.now())
    assert step.outcome is Outcome.QUESTION and DEFAULT_QUESTIONS[step.question].kind == "text"
    for text in ("Çocuklar katıldı", "Zaman yetmedi", "Tekrar deneyeceğim"):
        async with sessions.begin() as session:
            step = await reflections.answer_input(
                session, member, rid, Given(text=text), clock.now()
            )
    assert step.outcome is Outcome.QUESTION and DEFAULT_QUESTIONS[step.question].kind == "choice"
    async with sessions.begin() as session:
        step = await reflections.answer_button(
            session, member, rid, step.question, "0", clock.now()
        )
        step = await reflections.answer_button(
            session, member, rid, step.question, "s", clock.now()
        )
    assert step.outcome is Outcome.SUMMARY
    async with sessions.begin() as session:
        assert await reflections.reflection_responders(session, setup.groups[0].id, 1) == set()
        step = await reflections.submit(session, member, rid, clock.now())
    assert step.outcome is Outcome.SUBMITTED and step.moment == WEEK1_OPENS + timedelta(days=7)
    async with sessions.begin() as session:
        assert await reflections.reflection_responders(session, setup.groups[0].id, 1) == {
            member.person_id
        }
        assert await reflections.reflection_responders(session, setup.groups[0].id, 2) == set()
        again = await reflections.submit(session, member, rid, clock.now())
        assert await conversation.pending(session, member.person_id) is None
        answers = {
            a.question_key: a for a in (await session.scalars(select(ReflectionAnswer))).all()
        }
    assert again.outcome is Outcome.ALREADY_SUBMITTED
    assert answers["plan_tried"].choice_value == "yes" and answers["skill"].choice_value == "listening"
    assert answers["stress"].scale_value == 3 and answers["confidence"].scale_value == 4
    assert answers["happened"].text == "Çocuklar katıldı" and answers["next"].text == "Tekrar deneyeceğim"
    assert answers["bring_to_session"].choice_value == "yes" and answers["to_mentors"].skipped


async def test_outside_the_window_it_says_when_the_next_one_opens(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    setup = await seed_programme(sessions, clock.now())
    member = await make_member(sessions, setup.groups, "7002", clock.now())
    async with sessions.begin() as session:
        step = await reflections.open_reflection(session, member, clock.now())
        assert await session.scalar(select(func.count()).select_from(Reflection)) == 0
    assert step.outcome is Outcome.NOT_OPEN and step.moment == WEEK1_OPENS


async def test_answers_after_the_window_closed_change_nothing(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    setup = await seed_programme(sessions, clock.now())
    member = await make_member(sessions, setup.groups, "7003", clock.now())
    clock.set(WEEK1_OPEN)
    async with sessions.begin() as session:
        opened = await reflections.open_reflection(session, member, clock.now())
    assert opened.reflection is not None
    rid = opened.reflection.id
    clock.set(WEEK1_CLOSES)
    async with sessions.begin() as session:
        step = await reflections.answer_input(session, member, rid, Given(text="geç"), clock.now())
        assert step.outcome is Outcome.CLOSED and step.week == 1
        assert await conversation.pending(session, member.person_id) is None, "no longer routed"
        assert await session.scalar(select(func.count()).select_from(ReflectionAnswer)) == 0


async def test_another_persons_reflection_and_forged_values_are_refused(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    setup = await seed_programme(sessions, clock.now())
    owner = await make_member(sessions, setup.groups, "7004", clock.now())
    other = await make_member(sessions, setup.groups, "7005", clock.now())
    mentor = await make_member(sessions, setup.groups, "7006", clock.now(), role=Role.MENTOR)
    clock.set(WEEK1_OPEN)
    async with sessions.begin() as session:
        opened = await reflections.open_reflection(session, owner, clock.now())
    assert opened.reflection is not None
    rid = opened.reflection.id
    async with sessions.begin() as session:
        assert (
            await reflections.submit(session, other, rid, clock.now())
        ).outcome is Outcome.FOREIGN
        assert (
            await reflections.toggle_numbers_only(session, other, rid, clock.now())
        ).outcome is Outcome.FOREIGN
        assert (
            await reflections.answer_button(session, owner, rid, 0, "3", clock.now())
        ).outcome is Outcome.FOREIGN
        assert (
            await reflections.answer_button(session, owner, rid, 4, "9", clock.now())
        ).outcome is Outcome.ANSWERED_BEFORE
        assert (
            await reflections.answer_button(session, owner, rid, 99, "1", clock.now())
        ).outcome is Outcome.FOREIGN
        assert (
            await reflections.open_reflection(session, mentor, clock.now())
        ).outcome is Outcome.NOT_MENTEE
        assert (
            await reflections.submit(session, mentor, rid, clock.now())
        ).outcome is Outcome.NOT_MENTEE
        assert await session.scalar(select(func.count()).select_from(ReflectionAnswer)) == 0
        reflection = await session.get(Reflection, rid)
    assert (
        reflection is not None and not reflection.numbers_only and reflection.submitted_at is None
    )


async def test_a_mentee_of_two_groups_chooses_and_a_stale_week_is_recognised(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    setup = await seed_programme(sessions, clock.now(), groups=2)
    member = await make_member(sessions, setup.groups, "7007", clock.now())
    clock.set(WEEK1_OPEN)
    async with sessions.begin() as session:
        choose = await reflections.open_reflection(session, member, clock.now())
        stale = await reflections.open_reflection(session, member, clock.now(), week=2)
        picked = await reflections.open_reflection(
            session, member, clock.now(), group_id=setup.groups[1].id, week=1
        )
        stored = (await session.scalars(select(Reflection))).all()
    assert choose.outcome is Outcome.CHOOSE_GROUP
    assert [(g.name, g.week) for g in choose.groups] == [("Grup 1", 1), ("Grup 2", 1)]
    assert stale.outcome is Outcome.STALE_WEEK and stale.week == 2
    assert picked.outcome is Outcome.QUESTION
    assert [(r.group_id, r.week) for r in stored] == [(setup.groups[1].id, 1)]
