"""The reflection flow's state: what a step returns, and reading and writing a reflection.

`mentoring.reflections` drives the flow with these; the next question is always
derived from the stored answers (principle 1).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from mentoring import conversation
from mentoring.access import is_mentee_of, mentee_groups
from mentoring.joining import MemberView
from mentoring.reflection_questions import Question, from_json, set_for_week
from mentoring.reflection_windows import GroupRhythm
from storage.models.reflections import Reflection, ReflectionAnswer, ReflectionQuestionSet

FLOW = "reflection"
SUMMARY_STEP = "summary"
MAX_TEXT_CHARS = 3500
CALLBACK_PREFIX = "rf"
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
) -> Reflection:
    question_set = await set_for_week(session, rhythm.programme_id, week, now)
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    # A double tap on "start" must not make two reflections (nor fail).
    await session.execute(
        insert(Reflection)
        .values(
            person_id=person_id,
            group_id=rhythm.group_id,
            week=week,
            question_set_id=question_set.id,
            closes_at=closes_at,
            started_at=now,
            numbers_only=False,
        )
        .on_conflict_do_nothing(index_elements=["person_id", "group_id", "week"])
    )
    reflection = await session.scalar(
        select(Reflection)
        .where(
            Reflection.person_id == person_id,
            Reflection.group_id == rhythm.group_id,
            Reflection.week == week,
        )
        .execution_options(populate_existing=True)
    )
    assert reflection is not None
    return reflection


async def view_of(session: AsyncSession, reflection: Reflection) -> ReflectionView:
    question_set = await session.get(ReflectionQuestionSet, reflection.question_set_id)
    assert question_set is not None
    answers = await session.scalars(
        select(ReflectionAnswer)
        .where(ReflectionAnswer.reflection_id == reflection.id)
        .execution_options(populate_existing=True)
    )
    return ReflectionView(
        reflection.id,
        reflection.week,
        reflection.closes_at,
        reflection.numbers_only,
        from_json(question_set.questions),
        {a.question_key: a for a in answers.all()},
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
) -> Reflection | Step:
    if not mentee_groups(member):
        return Step(Outcome.NOT_MENTEE)
    reflection = await session.get(Reflection, reflection_id, populate_existing=True)
    if (
        reflection is None
        or reflection.person_id != member.person_id
        or not is_mentee_of(member, reflection.group_id)
    ):
        return Step(Outcome.FOREIGN)
    if reflection.submitted_at is not None:
        return Step(Outcome.ALREADY_SUBMITTED, week=reflection.week)
    if now >= reflection.closes_at:
        return Step(Outcome.CLOSED, week=reflection.week, moment=reflection.closes_at)
    return reflection


async def awaited_question(
    session: AsyncSession, person_id: int, view: ReflectionView
) -> tuple[int | None, bool]:
    """The question being changed (if any) and whether that is an edit."""
    state = await conversation.pending(session, person_id)
    if state is not None and state.flow == FLOW and state.data.get("reflection_id") == view.id:
        for index, question in enumerate(view.questions):
            if question.key == state.step:
                return index, bool(state.data.get("edit"))
    return None, False


async def save_answer(
    session: AsyncSession,
    reflection_id: int,
    question: Question,
    values: dict[str, object],
    now: datetime,
) -> None:
    """Write (or replace) the answer to one question."""
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
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(ReflectionAnswer).values(
        reflection_id=reflection_id, question_key=question.key, **row
    )
    await session.execute(
        statement.on_conflict_do_update(index_elements=["reflection_id", "question_key"], set_=row)
    )
