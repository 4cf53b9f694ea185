"""/reflect as a conversation any channel can hold: what each step says, offers and waits for.

Every step takes `(session, member, given, now)`, where `given` is the person's
input (`mentoring.screens`), and returns a `Reply`; the adapters only translate
it (principle 2). `start` answers /reflect, `press` a reflection button, `answer`
a message (text, a voice note, a photo, or something no question takes) while a
question or the summary waits.

The flow itself (`mentoring.reflection.flow`) decides the next step from the
stored answers and returns a `steps.Step`; this module words it. Buttons carry
their state (`rf:<action>:<reflection id>[:<question>[:<value>]]`, written and
read by `mentoring.reflection.buttons.REFLECTION`); the question a message answers is
in the database (conversation flow "reflection"). Refusals raise `DomainError`s,
worded once in `mentoring.refusals`. The summary, the change menu and the thanks
after sending are in `mentoring.reflection.summary_screens`.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from mentoring import button_data, conversation
from mentoring.conversation import Waiting
from mentoring.errors import DomainError
from mentoring.joining.rules import MemberView
from mentoring.reflection import flow
from mentoring.reflection.buttons import REFLECTION
from mentoring.reflection.next_todo import add_next
from mentoring.reflection.prompts import when
from mentoring.reflection.questions import questions_of
from mentoring.reflection.steps import (
    FLOW,
    MAX_TEXT_CHARS,
    SKIP,
    Given,
    GroupChoice,
    Outcome,
    ReflectionView,
    Step,
)
from mentoring.reflection.summary_screens import (
    answer_words,
    back_to_summary,
    change_menu,
    local,
    raw_label,
    submitted,
    summary,
    with_note,
)
from mentoring.refusals import refused
from mentoring.safeguarding.hint import NO_CHILD_NAMES
from mentoring.screens import (
    Awaits,
    Choice,
    Expect,
    Input,
    Number,
    Photo,
    Raw,
    Reply,
    Screen,
    Text,
    Typed,
    Voice,
    Words,
    button_of,
)
from storage.models.reflections import Reflection

logger = logging.getLogger(__name__)

# A written answer, a voice note or a photo: what a text question takes.
AWAITS_ANSWER = Awaits(Expect.ANY, FLOW)


# ----------------------------------------------------------------------------- screens


def question(view: ReflectionView, index: int, editing: bool, locale: str, note: Words | None = None) -> Screen:
    """One question: its wording, how to answer, and its buttons (a score, an option, Skip)."""
    asked = view.questions[index]
    how = {
        "text": Text("Answer in writing, or send a voice note or a photo."),
        "scale": Text("Tap a number from 1 to 5."),
    }.get(asked.kind, Text("Tap one of the answers."))
    current = view.answers.get(asked.key)
    so_far = editing and current is not None
    text = with_note(
        note,
        Text("Reflection · week {week} · question {number} of {total}",
             week=view.week, number=index + 1, total=len(view.questions)),
        Raw(""),
        Raw(asked.wording(locale)),
        Raw(""),
        how,
        NO_CHILD_NAMES if asked.kind == "text" else None,
        Text("This question is optional.") if asked.optional else None,
        Raw("") if so_far else None,
        Text("Your answer so far: {answer}", answer=answer_words(asked, current, locale))
        if so_far and current is not None else None,
    )

    def answer(value: int | str) -> str:
        return REFLECTION.encode("a", reflection=view.id, question=index, value=value)

    rows: list[list[Choice]] = []
    if asked.kind == "scale":
        rows.append([Choice(answer(n), Raw(str(n))) for n in range(1, 6)])
    elif asked.kind == "choice":
        rows += [[Choice(answer(i), *raw_label(local(o.text, locale)))] for i, o in enumerate(asked.options)]
    if asked.optional:
        rows.append([Choice(answer(SKIP), Text("Skip"))])
    if editing:
        rows.append([back_to_summary(view)])
    awaits = AWAITS_ANSWER if asked.kind == "text" else None
    return Screen(text, rows, awaits=awaits, replace=True)


def choose_group(groups: tuple[GroupChoice, ...]) -> Screen:
    return Screen(
        Text("You are a mentee in more than one group. Which group is this reflection for?"),
        [[Choice(REFLECTION.encode("grp", group=g.group_id, week=g.week), *raw_label(g.name))] for g in groups],
        replace=True,
    )


def not_open(next_opening: datetime | None, zone: str) -> Screen:
    if next_opening is None:
        return Screen(Text("There are no more reflections in your programme. Thank you for all of them!"),
                      replace=True)
    return Screen(Text("There is no reflection open right now. The next one opens on {when}.",
                       when=when(next_opening, zone)), replace=True)


def screen_of(step: Step, member: MemberView, note: Words | None = None) -> Screen:
    """The screen for a step of the flow that is not a refusal (`note`: about the last input)."""
    view, zone = step.reflection, member.timezone
    if step.outcome is Outcome.CHOOSE_GROUP:
        return choose_group(step.groups)
    if step.outcome is Outcome.NOT_OPEN:
        return not_open(step.moment, zone)
    assert view is not None
    if step.outcome is Outcome.SUBMITTED:
        return submitted(view, step.moment, zone)
    if step.outcome is Outcome.CHANGE_MENU:
        return change_menu(view, member.locale)
    if step.question is not None:
        return question(view, step.question, step.editing, member.locale, note)
    return summary(view, member.locale, zone, note)


def refusal_of(step: Step) -> DomainError | None:
    """Why a step changes nothing, if it is a refusal (worded in mentoring/refusals.py)."""
    match step.outcome:
        case Outcome.FOREIGN:
            return DomainError("access_denied", action="reflection")
        case Outcome.NOT_MENTEE:
            return DomainError("reflection_not_mentee")
        case Outcome.STALE_WEEK:
            return DomainError("reflection_stale_week", week=step.week)
        case Outcome.CLOSED:
            return DomainError("reflection_closed", week=step.week)
        case Outcome.ALREADY_SUBMITTED:
            return DomainError("reflection_submitted", week=step.week)
        case Outcome.ANSWERED_BEFORE:
            return DomainError("reflection_answered")
    return None


def _shown(step: Step, member: MemberView) -> Reply:
    """The step's screen; a refusal is raised, so nothing the step did is kept."""
    error = refusal_of(step)
    if error is not None:
        raise error
    return Reply(screen_of(step, member))


async def resume(session: AsyncSession, waiting: Waiting) -> Choice | None:
    """The button back to a reflection another flow paused: its question again (the one being
    changed, if it was a change), or the summary."""
    reflection_id = waiting.data.get("reflection_id")
    if not isinstance(reflection_id, int):
        return None
    data = REFLECTION.encode("sum", reflection=reflection_id)
    if waiting.data.get("edit"):
        reflection = await session.get(Reflection, reflection_id)
        keys = [q.key for q in await questions_of(session, reflection.question_set_id)] if reflection else []
        if waiting.step in keys:
            data = REFLECTION.encode("ed", reflection=reflection_id, question=keys.index(waiting.step))
    return Choice(data, Text("Back to the reflection"), short=Text("Continue reflection"))


# ----------------------------------------------------------------------------- steps


async def start(session: AsyncSession, member: MemberView, given: Input, now: datetime) -> Reply:
    """/reflect: start or continue this week's reflection."""
    return _shown(await flow.open_reflection(session, member, now), member)


async def press(session: AsyncSession, member: MemberView, given: Input, now: datetime) -> Reply:
    """Every button of the reflection: start, answer, summary, change, numbers only, submit."""
    button = button_of(given, REFLECTION)
    if button.action == "td":
        step, added = await add_next(session, member, button["reflection"], now)
        error = refusal_of(step)
        if error is not None:
            raise error
        note = (Text("Added to your to-do list. You can give it a date there.") if added
                else Text("This step is already on your to-do list."))
        return Reply(screen_of(step, member, note))
    return _shown(await _dispatch(session, member, button, now), member)


async def _dispatch(session: AsyncSession, member: MemberView, button: button_data.Pressed, now: datetime) -> Step:
    """The flow's step a button stands for."""
    action = button.action
    if action == "go":
        return await flow.open_reflection(session, member, now, week=button["week"])
    if action == "grp":
        return await flow.open_reflection(session, member, now, group_id=button["group"], week=button["week"])
    reflection_id = button["reflection"]
    if action == "a":
        # The flow reads the value as the question's kind expects (a score, an option, skip).
        return await flow.answer_button(session, member, reflection_id, button["question"],
                                        str(button["value"]), now)
    if action == "ed":
        return await flow.change_answer(session, member, reflection_id, button["question"], now)
    simple = {
        "sum": flow.show_summary,
        "chg": flow.change_menu,
        "no": flow.toggle_numbers_only,
        "sub": flow.submit,
    }
    return await simple[action](session, member, reflection_id, now)


async def answer(session: AsyncSession, member: MemberView, given: Input, now: datetime) -> Reply:
    """A message while a question (or the summary) waits; a mistake is explained and the question stays."""
    state = await conversation.waiting(session, member.person_id)
    reflection_id = state.data.get("reflection_id") if state is not None and state.flow == FLOW else None
    if not isinstance(reflection_id, int):
        raise DomainError("access_denied", action="reflection")
    step = await flow.answer_input(session, member, reflection_id, _given(given), now, state)
    error = refusal_of(step)
    if error is not None:
        # Not raised: the flow stopped routing messages to a reflection that cannot take them.
        return refused(error)
    if step.outcome in (Outcome.QUESTION, Outcome.SUMMARY):
        logger.info("Person %s answered in reflection %s", member.person_id, reflection_id)
    return Reply(screen_of(step, member, _note(step.outcome, given)))


def _given(given: Input) -> Given:
    accepted = AWAITS_ANSWER.accept(given)
    if isinstance(accepted, Typed):
        return Given(text=accepted.text)
    if isinstance(accepted, Number):
        return Given(text=str(accepted.value))
    if isinstance(accepted, Voice):
        return Given(file_kind="voice", file_id=accepted.ref, duration=accepted.duration)
    if isinstance(accepted, Photo):
        return Given(file_kind="photo", file_id=accepted.ref, caption=accepted.caption)
    return Given()


def _note(outcome: Outcome, given: Input) -> Words | None:
    """What to say about the input before the question that still waits."""
    if outcome is Outcome.TOO_LONG:
        length = len(given.text) if isinstance(given, Typed) else 0
        return Text("That is {length} characters; one answer can have at most {limit}. Please shorten "
                    "it or send a voice note. The question is still waiting:",
                    length=length, limit=MAX_TEXT_CHARS)
    if outcome is Outcome.UNSUPPORTED:
        return Text("Here I can take a written answer, a voice note or a photo. The question is still waiting:")
    if outcome is Outcome.USE_BUTTONS:
        return Text("Please answer with the buttons below.")
    if isinstance(given, Photo) and outcome in (Outcome.QUESTION, Outcome.SUMMARY):
        return Text("Photo received. Please check that no child can be recognised in it; if one can, "
                    "change this answer before you send the reflection.")
    return None
