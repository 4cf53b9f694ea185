"""/plan as a channel-neutral conversation: the steps driven without any channel.

What every adapter (Telegram today, WhatsApp next) relies on: which choices a
screen offers (data the codec reads), which free input it waits for, the
words in both languages, what is stored, and refusals worded by
mentoring/refusals.py.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mentoring import conversation
from mentoring.access import AccessDenied
from mentoring.clock import ManualClock
from mentoring.errors import DomainError
from mentoring.i18n import SUPPORTED_LOCALES, translator
from mentoring.joining.rules import MemberView
from mentoring.plans import goal_screens, screens
from mentoring.plans import rules as plans
from mentoring.plans.areas import Area, replace_areas
from mentoring.plans.buttons import PLAN
from mentoring.refusals import refusal
from mentoring.screens import (
    Awaits,
    Expect,
    Input,
    Pressed,
    Reply,
    Screen,
    Typed,
    Unsupported,
    short_labels_too_long,
)
from storage.models import Role
from storage.models.plans import PlanAreaChoice, SelfAssessment
from tests.support.plans import add_member, goals_of, set_dates
from tests.support.seed import Setup, seed_programme

TR, EN = translator("tr"), translator("en")


async def mentee(sessions: async_sessionmaker[AsyncSession], clock: ManualClock, *, locale: str = "en",
                 ends_on: date | None = date(2027, 5, 31)) -> tuple[Setup, MemberView]:
    setup = await seed_programme(sessions, clock.now())
    await set_dates(sessions, setup.programme.id, date(2026, 11, 16), ends_on)
    return setup, await add_member(sessions, clock.now(), setup.groups[0], locale=locale)


async def step(sessions: async_sessionmaker[AsyncSession], clock: ManualClock, member: MemberView,
               run: screens.Step, given: Input) -> Reply:
    """One step in one transaction, as an adapter runs it (a refusal rolls it back)."""
    async with sessions.begin() as session:
        return await run(session, member, given, clock.now())


async def shown(sessions: async_sessionmaker[AsyncSession], clock: ManualClock, member: MemberView,
                run: screens.Step, given: Input) -> Screen:
    reply = await step(sessions, clock, member, run, given)
    assert reply.notice is None and len(reply.screens) == 1
    return reply.screens[0]


def press(action: str, **values: object) -> Pressed:
    return Pressed(PLAN.encode(action, **values))


def actions(screen: Screen) -> list[list[str]]:
    """Each row's choices as the codec reads them back."""
    return [[Pressed(choice.data).decode(PLAN).action for choice in row] for row in screen.choices]


def labels(screen: Screen, tr: object = EN) -> list[str]:
    return [choice.label.render(tr) for choice in screen.all_choices()]  # type: ignore[arg-type]


async def refused_with(sessions: async_sessionmaker[AsyncSession], clock: ManualClock, member: MemberView,
                       run: screens.Step, given: Input) -> DomainError:
    with pytest.raises(DomainError) as caught:
        await step(sessions, clock, member, run, given)
    return caught.value


async def waiting(sessions: async_sessionmaker[AsyncSession], member: MemberView) -> tuple[str, str] | None:
    async with sessions() as session:
        state = await conversation.waiting(session, member.person_id)
    return None if state is None else (state.flow, state.step)


async def test_the_plan_at_a_glance_offers_areas_goals_and_the_self_assessment(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    _setup, member = await mentee(sessions, clock, locale="tr")
    screen = await shown(sessions, clock, member, screens.start, Typed("/plan"))
    assert screen.text.render(TR).startswith("Gelişim planınız")
    assert "(henüz seçilmedi)" in screen.text.render(TR).splitlines()
    assert actions(screen) == [["areas"], ["l", "new"], ["sa_go"]]
    assert labels(screen, TR) == ["Öncelikli alanlar", "Hedeflerim", "Yeni hedef", "Öz değerlendirme"]
    assert screen.awaits is None and screen.replace


async def test_areas_are_ticked_stored_and_untoggled(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    _setup, member = await mentee(sessions, clock)
    areas = await shown(sessions, clock, member, screens.press, press("areas"))
    assert actions(areas) == [["a"]] * 8 + [["menu"]]
    assert not any(label.startswith("✓") for label in labels(areas))

    # The defaults are the care topics; the programme outcomes are not areas to choose any more.
    assert "Trauma-informed care" in labels(areas) and "Managing my own stress" in labels(areas)
    assert "Self-confidence and motivation in my role" not in labels(areas)
    ticked = await shown(sessions, clock, member, screens.press, press("a", area="positive_discipline"))
    assert "✓ Positive discipline and limits" in labels(ticked)
    [choice] = [c for c in ticked.all_choices() if c.label.render(EN).startswith("✓")]
    assert choice.short_label(EN) == "✓ Discipline, limits" and choice.short_label(TR) == "✓ Disiplin, sınırlar"
    async with sessions() as session:
        assert (await session.scalars(select(PlanAreaChoice.area_key))).all() == ["positive_discipline"]
    menu = await shown(sessions, clock, member, screens.press, press("menu"))
    assert "• Positive discipline and limits" in menu.text.render(EN).splitlines()

    await step(sessions, clock, member, screens.press, press("a", area="positive_discipline"))
    async with sessions() as session:
        assert (await session.scalars(select(PlanAreaChoice.area_key))).all() == []
    assert (await refused_with(sessions, clock, member, screens.press, press("a", area="confidence"))).code == "stale"
    assert (await refused_with(sessions, clock, member, screens.press, press("a", area="nope"))).code == "stale"


async def test_a_programmes_own_long_area_titles_get_clipped_short_labels(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    setup, member = await mentee(sessions, clock, locale="tr")
    async with sessions.begin() as session:
        await replace_areas(session, setup.programme.id, (
            Area("empathy", "Empathy with children who have lived through loss", "Kayıp yaşamış çocuklarla empati"),
            Area("play", "Play", "Oyun"),
        ))
    await step(sessions, clock, member, screens.press, press("a", area="empathy"))
    screen = await shown(sessions, clock, member, screens.press, press("areas"))
    first, second, _done = screen.all_choices()
    assert first.label.render(TR) == "✓ Kayıp yaşamış çocuklarla empati"
    assert first.short_label(TR).startswith("✓ Kayıp") and first.short_label(TR).endswith("…")
    assert len(first.short_label(TR)) <= 20 and second.short_label(TR) == "Oyun"
    assert short_labels_too_long(screen, TR) == []


async def test_the_goal_form_waits_for_text_step_by_step_and_saves_the_goal(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    _setup, member = await mentee(sessions, clock)
    what = await shown(sessions, clock, member, screens.press, press("new"))
    assert what.text.render(EN).startswith("New goal, step 1 of 3") and "500 characters" in what.text.render(EN)
    assert what.awaits == Awaits(Expect.TEXT, plans.GOAL_FLOW) and actions(what) == [["cancel"]]
    assert await waiting(sessions, member) == (plans.GOAL_FLOW, "what")

    measure = await shown(sessions, clock, member, screens.answer, Typed("Talk calmly in hard moments"))
    assert measure.text.render(EN) == "Step 2 of 3: how will you know you have achieved it?"
    due = await shown(sessions, clock, member, screens.answer, Typed("Three times a week, noted"))
    assert due.text.render(EN) == "Step 3 of 3: by when?" and due.awaits is not None
    assert actions(due) == [["due", "due"], ["due"], ["due"], ["cancel"]]
    assert labels(due) == ["In 2 weeks", "In a month", "By the end of the programme", "Type a date", "Cancel"]
    assert await waiting(sessions, member) == (plans.GOAL_FLOW, "due")

    saved = await shown(sessions, clock, member, screens.press, press("due", kind="1m"))
    text = saved.text.render(EN)
    assert text.startswith("Your goal is saved.\n\nGoal: Talk calmly in hard moments")
    assert "By: Wednesday, December 23, 2026" in text and "Status: Not started" in text and "Your mentors can see this goal; your peer partner cannot." in text
    assert actions(saved) == [["st", "st", "st"], ["n"], ["sh"], ["l"]]
    [goal] = await goals_of(sessions, member.person_id)
    assert (goal.what, goal.measure, goal.due_kind, goal.due_on) == (
        "Talk calmly in hard moments", "Three times a week, noted", "1m", date(2026, 12, 23))
    assert await waiting(sessions, member) is None


async def test_typed_dates_and_wrong_answers_are_refused_and_the_question_stays_open(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    _setup, member = await mentee(sessions, clock, ends_on=None)
    await step(sessions, clock, member, screens.press, press("new"))
    sticker = await refused_with(sessions, clock, member, screens.answer, Unsupported("sticker"))
    assert sticker.code == "text_expected"
    long = await refused_with(sessions, clock, member, screens.answer, Typed("x" * 600))
    assert refusal(long).render(EN) == "That is 600 characters; please keep it to at most 500."
    assert await waiting(sessions, member) == (plans.GOAL_FLOW, "what")

    await step(sessions, clock, member, screens.answer, Typed("A goal"))
    due = await shown(sessions, clock, member, screens.answer, Typed("A measure"))
    assert "By the end of the programme" not in labels(due)  # no end date, no such button
    typed = await shown(sessions, clock, member, screens.press, press("due", kind="date"))
    assert typed.text.render(EN) == "Type the date, for example 30.11.2026, “31 December”, “tomorrow” or a weekday."
    assert await waiting(sessions, member) == (plans.GOAL_FLOW, "date")
    for text, words in (
        ("31.02.2027", "31 February does not exist: February 2027 has 28 days."),
        ("someday", "I could not read that date. Type it like 30.11.2026, “31 December”, “tomorrow” or a weekday."),
        ("01.01.2035", "That date is too far away; please choose one within three years."),
        ("01.01.2020", "That date has already passed; please choose a later one."),
    ):
        error = await refused_with(sessions, clock, member, screens.answer, Typed(text))
        assert refusal(error).render(EN) == words
    assert await goals_of(sessions, member.person_id) == []
    saved = await shown(sessions, clock, member, screens.answer, Typed("15.01.2027"))
    assert "By: Friday, January 15, 2027" in saved.text.render(EN)

    # Cancel leaves the form; its old buttons are stale afterwards.
    await step(sessions, clock, member, screens.press, press("new"))
    cancelled = await shown(sessions, clock, member, screens.press, press("cancel"))
    assert cancelled.text.render(TR) == "Hiçbir şey kaydedilmedi." and cancelled.choices == () and cancelled.replace
    assert await waiting(sessions, member) is None
    assert (await refused_with(sessions, clock, member, screens.press, press("due", kind="2w"))).code == "stale"
    assert (await refused_with(sessions, clock, member, screens.answer, Typed("late"))).code == "stale"


async def test_a_goals_status_sharing_and_note(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    setup, member = await mentee(sessions, clock)
    for answer in (press("new"), Typed("Goal"), Typed("Measure"), press("due", kind="2w")):
        run = screens.press if isinstance(answer, Pressed) else screens.answer
        await step(sessions, clock, member, run, answer)
    [goal] = await goals_of(sessions, member.person_id)

    doing = await shown(sessions, clock, member, screens.press, press("st", goal=goal.id, status="in_progress"))
    assert "Status: In progress" in doing.text.render(EN) and "• In progress" in labels(doing)
    shared = await shown(sessions, clock, member, screens.press, press("sh", goal=goal.id, shared=True))
    assert "Your mentors and your peer partner can see this goal." in shared.text.render(EN)
    [stop] = [c for c in shared.all_choices() if Pressed(c.data).decode(PLAN).action == "sh"]
    assert stop.label.render(EN) == "Stop sharing with my partner" and stop.short_label(EN) == "Stop sharing goal"
    assert Pressed(stop.data).decode(PLAN)["shared"] is False

    note = await shown(sessions, clock, member, screens.press, press("n", goal=goal.id))
    assert note.awaits == Awaits(Expect.TEXT, plans.NOTE_FLOW) and note.choices == ()
    assert await waiting(sessions, member) == (plans.NOTE_FLOW, "note")
    card = await shown(sessions, clock, member, screens.answer, Typed("Twice in the first week {x}"))
    assert "Note: Twice in the first week {x}" in card.text.render(EN)  # the person's words, as typed
    assert "Change the note" in labels(card) and await waiting(sessions, member) is None
    [goal] = await goals_of(sessions, member.person_id)
    assert (goal.status, goal.shared, goal.note) == ("in_progress", True, "Twice in the first week {x}")

    # Someone else's goal is refused; nothing changes.
    other = await add_member(sessions, clock.now(), setup.groups[0], name="Elif")
    for given in (press("st", goal=goal.id, status="done"), press("g", goal=goal.id), press("n", goal=goal.id)):
        error = await refused_with(sessions, clock, other, screens.press, given)
        assert isinstance(error, AccessDenied) and refusal(error).render(TR) == "Bu işlem size açık değil."
    assert (await goals_of(sessions, member.person_id))[0].status == "in_progress"


async def test_goals_come_five_to_a_page(sessions: async_sessionmaker[AsyncSession], clock: ManualClock) -> None:
    _setup, member = await mentee(sessions, clock)
    empty = await shown(sessions, clock, member, screens.press, press("l", page=0))
    assert empty.text.render(EN) == "Your plan has no goals yet. Add your first one!"
    assert actions(empty) == [["new"], ["menu"]]
    for number in range(1, 7):
        for answer in (press("new"), Typed(f"Goal {number}"), Typed("Measure"), press("due", kind="2w")):
            run = screens.press if isinstance(answer, Pressed) else screens.answer
            await step(sessions, clock, member, run, answer)

    first = await shown(sessions, clock, member, screens.press, press("l", page=0))
    assert first.text.render(EN).startswith("Your goals (page 1 of 2):")
    assert "1. ○ Goal 1 (by Monday, December 7, 2026)" in first.text.render(EN) and "Goal 6" not in first.text.render(EN)
    assert actions(first) == [["g"] * 5, ["l"], ["new", "menu"]] and labels(first)[:6] == [*"12345", "▶"]
    second = await shown(sessions, clock, member, screens.press, press("l", page=1))
    assert second.text.render(EN).startswith("Your goals (page 2 of 2):")
    assert labels(second)[:2] == ["6", "◀"]
    beyond = await shown(sessions, clock, member, screens.press, press("l", page=9))
    assert beyond == second


async def test_the_self_assessment_goes_area_by_area_and_is_offered_until_done(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    setup, member = await mentee(sessions, clock, locale="tr")
    async with sessions.begin() as session:
        offer = await screens.baseline_offer(session, member, clock.now())
    assert offer is not None and offer.text.render(TR).startswith("Başlamadan önce kısa bir öz değerlendirme")
    [start] = offer.all_choices()
    assert start.label.render(TR) == "Öz değerlendirmeye başla" and start.short_label(TR) == "Öz değerlendirme"

    question = await shown(sessions, clock, member, screens.press, Pressed(start.data))
    # Statements to agree with: the eight programme outcomes, then the seven skills.
    assert question.text.render(TR).startswith("Öz değerlendirme (1/15)")
    assert question.text.render(EN).startswith("Self-assessment (1 of 15)")
    assert "“I know the development stages of the children I care for and what they need.”" in question.text.render(EN)
    assert "1 = strongly disagree, 5 = strongly agree" in question.text.render(EN)
    assert "1 = hiç katılmıyorum, 5 = tamamen katılıyorum" in question.text.render(TR)
    assert labels(question) == [*"12345"] and actions(question) == [["sa"] * 5]
    after = await shown(sessions, clock, member, screens.press, Pressed(next(question.all_choices()).data))
    assert after.text.render(EN).startswith("Self-assessment (2 of 15)")
    again = await refused_with(sessions, clock, member, screens.press, Pressed(next(question.all_choices()).data))
    assert again.code == "stale"

    screen = after
    asked = [after.text.render(EN)]
    for _ in range(14):
        screen = await shown(sessions, clock, member, screens.press, Pressed(list(screen.all_choices())[2].data))
        asked.append(screen.text.render(EN))
    assert "“I put myself in the children's place and understand how they feel.”" in asked[7]  # the first skill, question 9
    assert "“I manage my own stress at work.”" in asked[13]
    assert screen.text.render(EN) == "Thank you! Your self-assessment is saved." and actions(screen) == [["menu"]]
    async with sessions() as session:
        stored = (await session.execute(
            select(SelfAssessment.area_key, SelfAssessment.score).order_by(SelfAssessment.id))).all()
        assert await screens.baseline_offer(session, member, clock.now()) is None
    assert [score for _, score in stored] == [1] + [3] * 14
    assert [key for key, _ in stored][7:9] == ["confidence", "skill_empathy"]
    assert actions(await shown(sessions, clock, member, screens.start, Typed("/plan"))) == [["areas"], ["l", "new"]]

    mentor = await add_member(sessions, clock.now(), setup.groups[0], Role.MENTOR, name="Can")
    async with sessions() as session:
        assert await screens.baseline_offer(session, mentor, clock.now()) is None
    error = await refused_with(sessions, clock, mentor, screens.start, Typed("/plan"))
    assert refusal(error).render(EN) == "That is not available to you."


def test_the_outbox_offer_is_the_offers_screen() -> None:
    for stage in ("baseline", "end"):
        screen = screens.assessment_offer(stage)
        text, rows = plans.self_assessment_prompt(EN, stage)
        assert text == screen.text.render(EN) and [[b.text for b in row] for row in rows] == [labels(screen)]
        assert [[b.data for b in row] for row in rows] == [[f"plan:sa:{stage}:go"]]
    with pytest.raises(ValueError):
        screens.assessment_offer("middle")


async def test_every_screen_offers_codec_data_and_short_labels_that_fit(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    """Walk every screen by pressing every choice; the form's date question is reached by typing."""
    _setup, member = await mentee(sessions, clock)
    for answer in (press("new"), Typed("Goal"), Typed("Measure"), press("due", kind="2w")):
        run = screens.press if isinstance(answer, Pressed) else screens.answer
        await step(sessions, clock, member, run, answer)
    # Two chosen areas: the goal form asks which one the goal serves.
    for key in ("stage_care", "own_stress"):
        await step(sessions, clock, member, screens.press, press("a", area=key))
    await step(sessions, clock, member, screens.press, press("new"))
    await step(sessions, clock, member, screens.press, press("ga", area="own_stress"))
    await step(sessions, clock, member, screens.answer, Typed("Goal"))
    due = await shown(sessions, clock, member, screens.answer, Typed("Measure"))

    seen: set[str] = set()
    walked: list[Screen] = [due]
    todo = [await shown(sessions, clock, member, screens.start, Typed("/plan")), due]
    while todo:
        screen = todo.pop()
        walked.append(screen)
        for choice in screen.all_choices():
            if choice.data in seen:
                continue
            seen.add(choice.data)
            try:
                todo.extend((await step(sessions, clock, member, screens.press, Pressed(choice.data))).screens)
            except DomainError:
                pass  # a form button after the form moved on, a score already given
    # Every action but the mentors' view of a mentee's plan (offered under the digest's detail).
    assert {Pressed(data).decode(PLAN).action for data in seen} == set(PLAN.actions) - {"m"}
    assert any(screen.awaits is not None for screen in walked)
    walked.append(screens.assessment_offer("end"))
    walked.append(goal_screens.goal_card((await goals_of(sessions, member.person_id))[0]))
    for locale in SUPPORTED_LOCALES:
        for screen in walked:
            assert short_labels_too_long(screen, translator(locale)) == [], (locale, screen.text.render(EN))
