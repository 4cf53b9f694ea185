"""The reflection flow's state: what a step returns, and reading and writing a reflection.

`mentoring.reflection.flow` drives the flow with these; the next question is always
derived from the stored answers (principle 1).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlalchemy import Select, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from mentoring import conversation
from mentoring.access import is_mentee_of, mentee_groups
from mentoring.conversation import Waiting
from mentoring.joining.rules import MemberView
from mentoring.reflection.questions import Question, questions_of, set_id_for_week
from mentoring.reflection.windows import GroupRhythm
from storage.models.reflections import Reflection, ReflectionAnswer
from storage.upsert import insert_for, upsert_statement

FLOW = "reflection"
SUMMARY_STEP = "summary"
# One written answer: a long paste arrives in parts (Telegram: 4,096 characters each) and is
# joined first (mentoring.entries.take); longer than this it is refused whole. Screens that
# show an answer clip it (summary_screens.answer_words).
MAX_TEXT_CHARS = 8000
SKIP = "s"

# ---- what the flow returns to its caller ----


class Outcome(enum.Enum):
    QUESTION = "question"  # ask `question`
    SUMMARY = "summary"  # every question answered: show the summary
    CHANGE_MENU = "change_menu"  # which answer to change
    SUBMITTED = "submitted"
    CHOOSE_GROUP = "choose_group"  # open in several groups (rare)
    NOT_OPEN = "not_open"  # no window open; `moment` is the next opening (None: no more)
    STALE_WEEK = "stale_week"  # a button of another week's prompt
    CLOSED = "closed"  # the reflection's window has closed
    ALREADY_SUBMITTED = "already_submitted"
    ANSWERED_BEFORE = "answered_before"  # an old question's button
    NOT_MENTEE = "not_mentee"
    FOREIGN = "foreign"  # someone else's reflection, or forged data
    TOO_LONG = "too_long"
    UNSUPPORTED = "unsupported"  # a sticker or other media where text is expected
    USE_BUTTONS = "use_buttons"  # text where buttons are expected


@dataclass(frozen=True)
class ReflectionView:
    id: int
    week: int
    closes_at: datetime
    numbers_only: bool
    questions: tuple[Question, ...]
    answers: dict[str, ReflectionAnswer]


@dataclass(frozen=True)
class GroupChoice:
    group_id: int
    name: str
    week: int


@dataclass(frozen=True)
class Step:
    outcome: Outcome
    reflection: ReflectionView | None = None
    question: int | None = None  # index into reflection.questions
    editing: bool = False
    groups: tuple[GroupChoice, ...] = field(default_factory=tuple)
    moment: datetime | None = None
    week: int | None = None


@dataclass(frozen=True)
class Given:
    """What the person sent for a text question."""

    text: str | None = None
    file_kind: str | None = None  # "voice" | "photo"
    file_id: str | None = None
    duration: int | None = None
    caption: str | None = None

    @property
    def supported(self) -> bool:
        return bool(self.text and self.text.strip()) or self.file_id is not None


async def get_or_start(
    session: AsyncSession,
    person_id: int,
    rhythm: GroupRhythm,
    week: int,
    closes_at: datetime,
    now: datetime,
) -> tuple[Reflection, ReflectionView]:
    """The person's reflection of that week in that group, started now if there is none yet."""
    where = {"person_id": person_id, "group_id": rhythm.group_id, "week": week}
    found = await _with_answers(session, _OF_WEEK, where)
    if found is not None:
        return found
    question_set_id = await set_id_for_week(session, rhythm.programme_id, week, now)
    # A double tap on "start" must not make two reflections (nor fail).
    await session.execute(
        insert_for(session, Reflection)
        .values(
            **where,
            question_set_id=question_set_id,
            closes_at=closes_at,
            started_at=now,
            numbers_only=False,
        )
        .on_conflict_do_nothing(index_elements=["person_id", "group_id", "week"])
    )
    found = await _with_answers(session, _OF_WEEK, where)
    assert found is not None
    return found


# A reflection and its answers in one query, fresh from the database. Built once:
# every reflection step runs one of these (storage/upsert.py says why).
_WITH_ANSWERS = (
    select(Reflection, ReflectionAnswer)
    .outerjoin(ReflectionAnswer, ReflectionAnswer.reflection_id == Reflection.id)
    .execution_options(populate_existing=True)
)
_BY_ID = _WITH_ANSWERS.where(Reflection.id == bindparam("reflection_id"))
_OF_WEEK = _WITH_ANSWERS.where(
    Reflection.person_id == bindparam("person_id"),
    Reflection.group_id == bindparam("group_id"),
    Reflection.week == bindparam("week"),
)
_ANSWER_COLUMNS = (
    "kind", "skipped", "scale_value", "choice_value", "text", "file_kind", "file_id",
    "file_duration", "caption", "answered_at",
)


async def _with_answers(
    session: AsyncSession, statement: Select[tuple[Reflection, ReflectionAnswer]], params: dict[str, int]
) -> tuple[Reflection, ReflectionView] | None:
    rows = (await session.execute(statement, params)).all()
    if not rows:
        return None
    reflection = rows[0][0]
    answers = {answer.question_key: answer for _, answer in rows if answer is not None}
    return reflection, await _view(session, reflection, answers)


async def _view(
    session: AsyncSession, reflection: Reflection, answers: dict[str, ReflectionAnswer]
) -> ReflectionView:
    return ReflectionView(
        reflection.id,
        reflection.week,
        reflection.closes_at,
        reflection.numbers_only,
        await questions_of(session, reflection.question_set_id),
        answers,
    )


def first_unanswered(view: ReflectionView) -> int | None:
    return next((i for i, q in enumerate(view.questions) if q.key not in view.answers), None)


async def next_step(
    session: AsyncSession, person_id: int, view: ReflectionView, now: datetime
) -> Step:
    """Ask the first unanswered question, or show the summary; remember which input is awaited."""
    index = first_unanswered(view)
    data = {"reflection_id": view.id}
    if index is None:
        await conversation.expect(session, person_id, FLOW, SUMMARY_STEP, now, data)
        return Step(Outcome.SUMMARY, view)
    await conversation.expect(session, person_id, FLOW, view.questions[index].key, now, data)
    return Step(Outcome.QUESTION, view, index)


# ---- acting on one's own open reflection ----


async def own_open(
    session: AsyncSession, member: MemberView, reflection_id: int, now: datetime
) -> tuple[Reflection, ReflectionView] | Step:
    """The member's own reflection, still open, with its answers; otherwise why not."""
    if not mentee_groups(member):
        return Step(Outcome.NOT_MENTEE)
    found = await _with_answers(session, _BY_ID, {"reflection_id": reflection_id})
    reflection = found[0] if found is not None else None
    if (
        found is None
        or reflection is None
        or reflection.person_id != member.person_id
        or not is_mentee_of(member, reflection.group_id)
    ):
        return Step(Outcome.FOREIGN)
    if reflection.submitted_at is not None:
        return Step(Outcome.ALREADY_SUBMITTED, week=reflection.week)
    if now >= reflection.closes_at:
        return Step(Outcome.CLOSED, week=reflection.week, moment=reflection.closes_at)
    return found


async def awaited_question(
    session: AsyncSession,
    person_id: int,
    view: ReflectionView,
    state: Waiting | None = None,
) -> tuple[int | None, bool]:
    """The question being changed (if any) and whether that is an edit.

    `state` is the person's wait as the caller already read it in this update.
    """
    if state is None:
        state = await conversation.waiting(session, person_id)
    if state is not None and state.flow == FLOW and state.data.get("reflection_id") == view.id:
        for index, question in enumerate(view.questions):
            if question.key == state.step:
                return index, bool(state.data.get("edit"))
    return None, False


async def save_answer(
    session: AsyncSession,
    view: ReflectionView,
    question: Question,
    values: dict[str, object],
    now: datetime,
) -> ReflectionView:
    """Write (or replace) the answer to one question; the view with it."""
    row = {
        "skipped": False,
        "scale_value": None,
        "choice_value": None,
        "text": None,
        "file_kind": None,
        "file_id": None,
        "file_duration": None,
        "caption": None,
        **values,
        "answered_at": now,
        "kind": question.kind,
    }
    statement = upsert_statement(
        session, ReflectionAnswer, ("reflection_id", "question_key"), _ANSWER_COLUMNS, returning=True
    )
    params = {"reflection_id": view.id, "question_key": question.key, **row}
    answer = (
        await session.scalars(statement, params, execution_options={"populate_existing": True})
    ).one()
    return replace(view, answers={**view.answers, question.key: answer})
