"""The weekly reflection ("yansıtma") of a mentee, one question at a time.

Principle 1: the reflection row and each answer are written when given; the
next question is the first one without an answer, so a restart continues
there. The conversation state only says which question the person's next
message answers (the next one, or one they chose to change).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from mentoring import conversation
from mentoring.access import mentee_groups
from mentoring.conversation import Waiting
from mentoring.i18n import Translator
from mentoring.joining.rules import MemberView
from mentoring.outbox import Button
from mentoring.reflection import prompts
from mentoring.reflection.questions import Question
from mentoring.reflection.steps import (
    FLOW,
    MAX_TEXT_CHARS,
    SKIP,
    Given,
    GroupChoice,
    Outcome,
    Step,
    awaited_question,
    first_unanswered,
    get_or_start,
    next_step,
    own_open,
    save_answer,
)
from mentoring.reflection.windows import earliest, group_rhythm
from mentoring.sessions import proposals
from storage.models.reflections import Reflection

# ---- the contract other features use ----


async def reflection_responders(session: AsyncSession, group_id: int, week: int) -> set[int]:
    """Person ids of the mentees who submitted that week's reflection in that group."""
    rows = await session.scalars(
        select(Reflection.person_id).where(
            Reflection.group_id == group_id,
            Reflection.week == week,
            Reflection.submitted_at.is_not(None),
        )
    )
    return set(rows.all())


def reflection_prompt(
    tr: Translator, week: int, closes_at: datetime, tz: ZoneInfo
) -> tuple[str, list[list[Button]]]:
    """The weekly invitation, with a start button that names the week (old ones are recognised)."""
    return prompts.queued(prompts.prompt(week, closes_at, tz.key), tr)


def reflection_reminder(
    tr: Translator, week: int, closes_at: datetime, tz: ZoneInfo
) -> tuple[str, list[list[Button]]]:
    """A gentle reminder to those who have not sent this week's reflection."""
    return prompts.queued(prompts.reminder(week, closes_at, tz.key), tr)


# ---- starting or continuing ----


async def open_reflection(
    session: AsyncSession,
    member: MemberView,
    now: datetime,
    *,
    week: int | None = None,
    group_id: int | None = None,
) -> Step:
    """`/reflect` or a prompt's button: start or continue the open reflection."""
    groups = mentee_groups(member)
    if not groups:
        return Step(Outcome.NOT_MENTEE)
    if group_id is not None and group_id not in groups:
        return Step(Outcome.FOREIGN)
    rhythms = [
        r
        for g in ([group_id] if group_id is not None else groups)
        if (r := await group_rhythm(session, g)) is not None
    ]
    open_now = [
        (r, w)
        for r in rhythms
        if (w := r.open_window(now)) is not None and (week is None or w.week == week)
    ]
    next_opening = earliest([r.next_opening(now) for r in rhythms])
    if not open_now:
        return Step(
            Outcome.STALE_WEEK if week is not None else Outcome.NOT_OPEN,
            moment=next_opening,
            week=week,
        )
    if len(open_now) > 1:
        return Step(
            Outcome.CHOOSE_GROUP,
            groups=tuple(GroupChoice(r.group_id, r.group_name, w.week) for r, w in open_now),
        )
    rhythm, window = open_now[0]
    reflection, view = await get_or_start(
        session, member.person_id, rhythm, window.week, window.closes_at, now
    )
    if reflection.submitted_at is not None:
        return Step(Outcome.ALREADY_SUBMITTED, week=reflection.week, moment=next_opening)
    return await next_step(session, member.person_id, view, now)


async def answer_button(
    session: AsyncSession,
    member: MemberView,
    reflection_id: int,
    index: int,
    value: str,
    now: datetime,
) -> Step:
    """A scale, choice or skip button of one question."""
    found = await own_open(session, member, reflection_id, now)
    if isinstance(found, Step):
        return found
    _, view = found
    if not 0 <= index < len(view.questions):
        return Step(Outcome.FOREIGN)
    question = view.questions[index]
    awaited, _ = await awaited_question(session, member.person_id, view)
    if index not in (awaited, first_unanswered(view)):
        return Step(Outcome.ANSWERED_BEFORE, view, index)
    values = _button_values(question, value)
    if values is None:
        return Step(Outcome.FOREIGN)
    view = await save_answer(session, view, question, values, now)
    return await next_step(session, member.person_id, view, now)


def _button_values(question: Question, value: str) -> dict[str, object] | None:
    if value == SKIP:
        return {"skipped": True} if question.optional else None
    if question.kind == "scale" and value in ("1", "2", "3", "4", "5"):
        return {"scale_value": int(value)}
    # isascii(): "²" and "١" pass isdigit() but not int().
    if question.kind == "choice" and value.isascii() and value.isdigit() and int(value) < len(question.options):
        return {"choice_value": question.options[int(value)].key}
    return None


async def answer_input(
    session: AsyncSession,
    member: MemberView,
    reflection_id: int,
    given: Given,
    now: datetime,
    state: Waiting | None = None,
) -> Step:
    """A message (text, voice note, photo, or something else) while a question waits.

    `state` is the wait that routed the message here, if the caller has read it.
    """
    found = await own_open(session, member, reflection_id, now)
    if isinstance(found, Step):
        # Stop routing messages to a reflection that can no longer take them.
        await conversation.clear(session, member.person_id, FLOW)
        return found
    _, view = found
    index, editing = await awaited_question(session, member.person_id, view, state)
    if index is None:
        return (
            Step(Outcome.USE_BUTTONS, view)
            if first_unanswered(view) is None
            else await next_step(session, member.person_id, view, now)
        )
    question = view.questions[index]
    if question.kind != "text":
        return Step(Outcome.USE_BUTTONS, view, index, editing)
    if not given.supported:
        return Step(Outcome.UNSUPPORTED, view, index, editing)
    if given.text is not None and len(given.text) > MAX_TEXT_CHARS:
        return Step(Outcome.TOO_LONG, view, index, editing)
    if given.text is not None:
        values: dict[str, object] = {"text": given.text.strip()}
    else:
        values = {
            "file_kind": given.file_kind,
            "file_id": given.file_id,
            "file_duration": given.duration,
            "caption": given.caption or None,
        }
    view = await save_answer(session, view, question, values, now)
    return await next_step(session, member.person_id, view, now)


# ---- the summary: change an answer, numbers only, submit ----


async def show_summary(
    session: AsyncSession, member: MemberView, reflection_id: int, now: datetime
) -> Step:
    """Back to the summary (or to the next question, if one is still open)."""
    found = await own_open(session, member, reflection_id, now)
    if isinstance(found, Step):
        return found
    return await next_step(session, member.person_id, found[1], now)


async def change_menu(
    session: AsyncSession, member: MemberView, reflection_id: int, now: datetime
) -> Step:
    found = await own_open(session, member, reflection_id, now)
    if isinstance(found, Step):
        return found
    return Step(Outcome.CHANGE_MENU, found[1])


async def change_answer(
    session: AsyncSession, member: MemberView, reflection_id: int, index: int, now: datetime
) -> Step:
    """Ask one question again; its answer is kept until a new one is given."""
    found = await own_open(session, member, reflection_id, now)
    if isinstance(found, Step):
        return found
    _, view = found
    if not 0 <= index < len(view.questions):
        return Step(Outcome.FOREIGN)
    await conversation.expect(
        session,
        member.person_id,
        FLOW,
        view.questions[index].key,
        now,
        {"reflection_id": view.id, "edit": True},
    )
    return Step(Outcome.QUESTION, view, index, editing=True)


async def toggle_numbers_only(
    session: AsyncSession, member: MemberView, reflection_id: int, now: datetime
) -> Step:
    found = await own_open(session, member, reflection_id, now)
    if isinstance(found, Step):
        return found
    reflection, view = found
    reflection.numbers_only = not reflection.numbers_only
    await session.flush()
    view = replace(view, numbers_only=reflection.numbers_only)
    return await next_step(session, member.person_id, view, now)


async def submit(
    session: AsyncSession, member: MemberView, reflection_id: int, now: datetime
) -> Step:
    opened = await own_open(session, member, reflection_id, now)
    if isinstance(opened, Step):
        return opened
    found, view = opened
    if first_unanswered(view) is not None:
        return await next_step(session, member.person_id, view, now)
    # Conditional, so two taps racing on two processes submit once.
    done = await session.execute(
        update(Reflection)
        .where(Reflection.id == found.id, Reflection.submitted_at.is_(None))
        .values(submitted_at=now)
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:
        return Step(Outcome.ALREADY_SUBMITTED, week=found.week)
    await conversation.clear(session, member.person_id, FLOW)
    # "Bring it to the group session: yes" proposes a topic for the group's agenda.
    await proposals.from_reflection(session, found, now)
    rhythm = await group_rhythm(session, found.group_id)
    return Step(
        Outcome.SUBMITTED,
        view,
        week=found.week,
        moment=rhythm.next_opening(found.closes_at) if rhythm else None,
    )
