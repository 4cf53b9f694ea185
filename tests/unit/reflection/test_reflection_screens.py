"""/reflect as a channel-neutral conversation: the steps driven without any channel.

What every adapter relies on: which choices each screen offers (data the codec
reads), which free input a question waits for, the words in both languages
(short labels that fit small buttons), what is stored, and refusals worded by
mentoring/refusals.py.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mentoring import conversation
from mentoring.clock import ManualClock
from mentoring.errors import DomainError
from mentoring.i18n import SUPPORTED_LOCALES, translator
from mentoring.joining.rules import MemberView
from mentoring.reflection import prompts, screens
from mentoring.reflection.buttons import REFLECTION
from mentoring.refusals import refusal
from mentoring.screens import (
    Awaits,
    Expect,
    Input,
    Photo,
    Pressed,
    Reply,
    Screen,
    Typed,
    Unsupported,
    Voice,
    short_labels_too_long,
)
from storage.models import Role
from storage.models.reflections import Reflection, ReflectionAnswer
from storage.models.todos import Todo
from tests.support.reflection import WEEK1_CLOSES, WEEK1_OPEN, make_member
from tests.support.seed import seed_programme

TR, EN = translator("tr"), translator("en")
Run = Callable[[AsyncSession, MemberView, Input, datetime], Awaitable[Reply]]


async def step(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock, member: MemberView,
    run: Run, given: Input,
) -> Reply:
    """One step in one transaction, as an adapter runs it (a refusal rolls it back)."""
    async with sessions.begin() as session:
        return await run(session, member, given, clock.now())


def only_screen(reply: Reply) -> Screen:
    assert reply.notice is None and len(reply.screens) == 1
    return reply.screens[0]


def actions(screen: Screen) -> list[list[str]]:
    return [[Pressed(c.data).decode(REFLECTION).action for c in row] for row in screen.choices]


def fits_small_buttons(screen: Screen) -> bool:
    return all(short_labels_too_long(screen, translator(locale)) == [] for locale in SUPPORTED_LOCALES)


async def answers(sessions: async_sessionmaker[AsyncSession]) -> dict[str, ReflectionAnswer]:
    async with sessions() as session:
        return {a.question_key: a for a in (await session.scalars(select(ReflectionAnswer))).all()}


async def waits_for(sessions: async_sessionmaker[AsyncSession], member: MemberView) -> str | None:
    async with sessions() as session:
        state = await conversation.waiting(session, member.person_id)
    return state.step if state is not None and state.flow == screens.FLOW else None


async def refused_code(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock, member: MemberView, run: Run, given: Input
) -> DomainError:
    with pytest.raises(DomainError) as refused:
        await step(sessions, clock, member, run, given)
    return refused.value


def test_the_prompt_and_reminder_carry_the_week_and_fit_small_buttons() -> None:
    prompt = prompts.prompt(3, WEEK1_CLOSES, "Europe/Istanbul")
    assert "3. hafta" in prompt.text.render(TR)
    assert "30 Kasım 2026 Pazartesi saat 10:00" in prompt.text.render(TR)
    assert [[Pressed(c.data).decode(REFLECTION)["week"] for c in row] for row in prompt.choices] == [[3]]
    reminder = prompts.reminder(3, WEEK1_CLOSES, "Europe/London")
    assert "November 30, 2026 at 7:00" in reminder.text.render(EN)
    assert reminder.choices[0][0].label.render(EN) == "Continue my reflection"
    assert reminder.choices[0][0].short_label(TR) == "Yansıtmaya devam"
    assert fits_small_buttons(prompt) and fits_small_buttons(reminder)
    text, buttons = prompts.queued(reminder, TR)
    assert text == reminder.text.render(TR) and [(b.text, b.data) for b in buttons[0]] == [
        ("Yansıtmaya devam et", "rf:go:3")
    ]


async def test_a_whole_reflection_screen_by_screen(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    setup = await seed_programme(sessions, clock.now())
    member = await make_member(sessions, setup.groups, "7401", clock.now(), locale="en")
    clock.set(WEEK1_OPEN)

    first = only_screen(await step(sessions, clock, member, screens.start, Typed("/reflect")))
    assert first.text.render(EN).startswith(
        "Reflection · week 1 · question 1 of 9\n\nDid you try something from your development plan this week?")
    assert [[c.label.render(EN) for c in row] for row in first.choices] == [["Yes"], ["Partly"], ["No chance"]]
    assert first.awaits is None and fits_small_buttons(first) and first.replace
    # The hint about children is for the questions that take words, voice notes and photos.
    assert "Please do not name children" not in first.text.render(EN)
    assert await waits_for(sessions, member) == "plan_tried"
    typed = only_screen(await step(sessions, clock, member, screens.answer, Typed("yes")))
    assert typed.text.render(EN).startswith("Please answer with the buttons below.\n\nReflection")

    skill = only_screen(await step(sessions, clock, member, screens.press, Pressed(first.choices[1][0].data)))
    assert "Which skill did you use most with the children this week?" in skill.text.render(EN)
    assert [row[0].label.render(EN) for row in skill.choices] == [
        "Empathy", "Active listening", "Asking questions", "Feedback", "Encouragement", "Problem solving",
        "Stress management"]
    assert fits_small_buttons(skill)
    stress = only_screen(await step(sessions, clock, member, screens.press, Pressed(skill.choices[1][0].data)))
    assert "How well did you cope with stress this week? (1 = not at all, 5 = very well)" in stress.text.render(EN)
    assert [[c.label.render(EN) for c in row] for row in stress.choices] == [["1", "2", "3", "4", "5"]]
    assert [Pressed(c.data).decode(REFLECTION)["value"] for c in stress.choices[0]] == [1, 2, 3, 4, 5]
    confidence = only_screen(await step(sessions, clock, member, screens.press,
                                        Pressed(stress.choices[0][2].data)))
    assert "How confident do you feel at work?" in confidence.text.render(EN)
    happened = only_screen(await step(sessions, clock, member, screens.press,
                                      Pressed(confidence.choices[0][3].data)))
    assert happened.text.render(EN).startswith("Reflection · week 1 · question 5 of 9\n\nIn short: what happened")
    assert happened.text.render(EN).endswith("Answer in writing, or send a voice note or a photo.\n"
                                             "Please do not name children or send a photo in which a child "
                                             "can be recognised.")
    assert happened.awaits == Awaits(Expect.ANY, "reflection") and happened.choices == ()
    assert await waits_for(sessions, member) == "happened"

    # A sticker and a text too long keep the question; nothing is stored.
    sticker = only_screen(await step(sessions, clock, member, screens.answer, Unsupported("sticker")))
    assert sticker.text.render(TR).startswith("Burada yazılı yanıt, sesli mesaj ya da fotoğraf alabilirim")
    assert "soru 5/9" in sticker.text.render(TR)
    long = only_screen(await step(sessions, clock, member, screens.answer, Typed("a" * 8001)))
    assert long.text.render(EN).startswith("That is 8001 characters; one answer can have at most 8000.")
    assert sorted(await answers(sessions)) == ["confidence", "plan_tried", "skill", "stress"]

    hard = only_screen(await step(sessions, clock, member, screens.answer, Voice("voice-1", 75)))
    # Each text question carries the hint; optional ones say so and have Skip.
    assert "Please do not name children" in hard.text.render(EN) and "This question is optional." in hard.text.render(EN)
    assert [[c.label.render(EN) for c in row] for row in hard.choices] == [["Skip"]]
    after_photo = only_screen(await step(sessions, clock, member, screens.answer, Photo("photo-1", "A drawing")))
    # A photo answer is taken with a reminder to check that no child can be recognised in it.
    assert after_photo.text.render(EN).startswith("Photo received. Please check that no child can be recognised")
    assert "question 7 of 9" in after_photo.text.render(EN)
    assert "At the summary you can add it to your to-do list." in after_photo.text.render(EN)
    choice = only_screen(await step(sessions, clock, member, screens.answer, Typed("  Try it at dinner ")))
    assert [[c.label.render(EN) for c in row] for row in choice.choices] == [["Yes"], ["Maybe"], ["No"]]
    optional = only_screen(await step(sessions, clock, member, screens.press, Pressed(choice.choices[1][0].data)))
    assert "This question is optional." in optional.text.render(EN)
    assert [[c.label.render(TR) for c in row] for row in optional.choices] == [["Geç"]]
    assert optional.awaits == screens.AWAITS_ANSWER

    summary = only_screen(await step(sessions, clock, member, screens.press, Pressed(optional.choices[0][0].data)))
    words = summary.text.render(EN)
    for expected in ("Your reflection for week 1:", "→ Partly", "→ Active listening", "→ 3/5", "→ 4/5",
                     "Voice note (1:15)", "Photo: A drawing", "→ Try it at dinner", "→ Maybe", "(skipped)",
                     "It is open until Monday, November 30, 2026 at 10:00"):
        assert expected in words
    assert actions(summary) == [["sub"], ["chg"], ["no"], ["td"]] and fits_small_buttons(summary)
    assert summary.choices[2][0].label.render(TR) == "☐ Mentorlarım yalnızca sayıları görsün"
    assert summary.choices[2][0].short_label(TR) == "☐ Yalnızca sayılar"
    assert summary.choices[3][0].label.render(EN) == "➕ Add my next step to my to-do list"
    assert summary.choices[3][0].short_label(TR) == "➕ Yapılacaklara ekle"
    assert await waits_for(sessions, member) == "summary"

    stored = await answers(sessions)
    assert stored["plan_tried"].choice_value == "partly" and stored["skill"].choice_value == "listening"
    assert stored["stress"].scale_value == 3 and stored["confidence"].scale_value == 4
    assert (stored["happened"].file_kind, stored["happened"].file_id, stored["happened"].file_duration) == (
        "voice", "voice-1", 75)
    assert (stored["hard"].file_id, stored["hard"].caption) == ("photo-1", "A drawing")
    assert stored["next"].text == "Try it at dinner" and stored["bring_to_session"].choice_value == "maybe"
    assert stored["to_mentors"].skipped

    # "What next" onto the to-do list with one button; a second tap adds nothing.
    added = only_screen(await step(sessions, clock, member, screens.press, Pressed(summary.choices[3][0].data)))
    assert added.text.render(EN).startswith("Added to your to-do list. You can give it a date there.\n\n"
                                            "Your reflection for week 1:")
    twice = only_screen(await step(sessions, clock, member, screens.press, Pressed(summary.choices[3][0].data)))
    assert twice.text.render(TR).startswith("Bu adım zaten yapılacaklar listenizde.")
    async with sessions() as session:
        todos = (await session.scalars(select(Todo))).all()
    assert [(t.person_id, t.text, t.status, t.due_kind) for t in todos] == [
        (member.person_id, "Try it at dinner", "open", "none")]
    assert await waits_for(sessions, member) == "summary"

    # Change an answer: the menu, the question with its answer so far, back to the summary.
    menu = only_screen(await step(sessions, clock, member, screens.press, Pressed(summary.choices[1][0].data)))
    assert menu.text.render(EN) == "Which answer would you like to change?"
    assert actions(menu) == [["ed"]] * 9 + [["sum"]] and fits_small_buttons(menu)
    assert menu.choices[0][0].label.render(EN).startswith("1. Did you try something")
    again = only_screen(await step(sessions, clock, member, screens.press, Pressed(menu.choices[3][0].data)))
    assert "Your answer so far: 4/5" in again.text.render(EN) and actions(again)[-1] == ["sum"]
    assert await waits_for(sessions, member) == "confidence"
    changed = only_screen(await step(sessions, clock, member, screens.press, Pressed(again.choices[0][1].data)))
    assert "→ 2/5" in changed.text.render(EN) and (await answers(sessions))["confidence"].scale_value == 2

    numbers = only_screen(await step(sessions, clock, member, screens.press, Pressed(changed.choices[2][0].data)))
    assert "Numbers only: your mentors will see your 1–5 answers" in numbers.text.render(EN)
    assert numbers.choices[2][0].label.render(EN) == "☑ Numbers only for my mentors"
    sent = only_screen(await step(sessions, clock, member, screens.press, Pressed(numbers.choices[0][0].data)))
    assert sent.text.render(EN) == (
        "Thank you! Your reflection for week 1 has been sent to your mentors.\n"
        "They will see only your 1–5 answers.\n"
        "The next reflection opens on Friday, December 4, 2026 at 10:00\u202fAM."
    )
    # The one choice left after sending: the safeguarding path.
    assert [[c.data for c in row] for row in sent.choices] == [["sg:go"]]
    assert await waits_for(sessions, member) is None

    # The old summary's button again: refused, worded once, nothing changes.
    twice = await refused_code(sessions, clock, member, screens.press, Pressed(numbers.choices[0][0].data))
    assert refusal(twice).render(EN) == (
        "You have already sent your reflection for week 1. Thank you! Nothing was changed."
    )


async def test_refusals_change_nothing_and_are_worded_once(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    setup = await seed_programme(sessions, clock.now())
    owner = await make_member(sessions, setup.groups, "7402", clock.now())
    other = await make_member(sessions, setup.groups, "7403", clock.now())
    mentor = await make_member(sessions, setup.groups, "7404", clock.now(), role=Role.MENTOR)

    closed = only_screen(await step(sessions, clock, owner, screens.start, Typed("/reflect")))
    assert closed.text.render(TR) == (
        "Şu anda açık bir yansıtma yok. Bir sonraki 27 Kasım 2026 Cuma saat 10:00 açılacak."
    )
    clock.set(WEEK1_OPEN)
    first = only_screen(await step(sessions, clock, owner, screens.start, Typed("/reflect")))
    async with sessions() as session:
        rid = (await session.scalars(select(Reflection.id))).one()

    for data in (f"rf:sub:{rid}", f"rf:no:{rid}", f"rf:ed:{rid}:0"):
        assert (await refused_code(sessions, clock, other, screens.press, Pressed(data))).code == "access_denied"
    assert (await refused_code(sessions, clock, owner, screens.press, Pressed("rf:a:x:1:2"))).code == "stale_button"
    assert (await refused_code(sessions, clock, owner, screens.press, Pressed("rf:go:2"))).values == {"week": 2}
    not_mentee = await refused_code(sessions, clock, mentor, screens.start, Typed("/reflect"))
    assert refusal(not_mentee).render(EN).startswith("Weekly reflections are written by mentees")
    assert (await refused_code(sessions, clock, other, screens.answer, Typed("hi"))).code == "access_denied"

    await step(sessions, clock, owner, screens.press, Pressed(f"rf:a:{rid}:0:1"))
    assert first.awaits is None and len(first.choices) == 3
    late = await refused_code(sessions, clock, owner, screens.press, Pressed(f"rf:a:{rid}:0:0"))
    assert late.code == "reflection_answered"

    # After the window closes a message is answered, and the reflection stops taking messages.
    clock.set(WEEK1_CLOSES + timedelta(hours=1))
    reply = await step(sessions, clock, owner, screens.answer, Typed("late"))
    assert reply.screens == () and reply.notice is not None and reply.notice.alert
    assert reply.notice.text == refusal(DomainError("reflection_closed", week=1))
    assert reply.notice.text.render(TR).startswith("1. haftanın yansıtması kapandı")
    assert await waits_for(sessions, owner) is None
    async with sessions() as session:
        reflection = (await session.scalars(select(Reflection))).one()
        count = await session.scalar(select(func.count()).select_from(ReflectionAnswer))
    assert count == 1 and reflection.submitted_at is None and not reflection.numbers_only


async def test_a_mentee_of_two_groups_chooses_by_name(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    setup = await seed_programme(sessions, clock.now(), groups=2)
    member = await make_member(sessions, setup.groups, "7405", clock.now(), locale="en")
    clock.set(WEEK1_OPEN)
    choose = only_screen(await step(sessions, clock, member, screens.start, Typed("/reflect")))
    assert choose.text.render(EN).startswith("You are a mentee in more than one group.")
    assert [[c.label.render(EN) for c in row] for row in choose.choices] == [["Grup 1"], ["Grup 2"]]
    picked = [Pressed(c.data).decode(REFLECTION) for c in choose.all_choices()]
    assert [(p.action, p["group"], p["week"]) for p in picked] == [
        ("grp", setup.groups[0].id, 1), ("grp", setup.groups[1].id, 1)]
    asked = only_screen(await step(sessions, clock, member, screens.press, Pressed(choose.choices[1][0].data)))
    assert asked.text.render(EN).startswith("Reflection · week 1 · question 1 of 9")
    async with sessions() as session:
        assert (await session.scalars(select(Reflection.group_id))).all() == [setup.groups[1].id]
