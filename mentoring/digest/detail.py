"""One mentee's detail, opened from a digest button: for the group's mentors only, and audited.

Shows the latest submitted reflection in full (scale answers only when the
mentee chose "numbers only"), the development plan's goals, the to-dos and the
confidence over the weeks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.ext.asyncio import AsyncSession

from mentoring import access, audit
from mentoring.digest.data import CONFIDENCE_KEY
from mentoring.i18n import Translator
from mentoring.joining.rules import MemberView
from mentoring.reflection.questions import from_json
from mentoring.reports.texts import GOAL_STATUSES
from mentoring.screens import Lines, Raw, Text, Words
from storage.models import Membership, Person, Role
from storage.models.plans import PlanGoal
from storage.models.reflections import Reflection, ReflectionAnswer, ReflectionQuestionSet
from storage.models.todos import Todo

DETAIL_ACTION = "mentee.detail"
TEXT_LIMIT = 3900  # the whole message stays under Telegram's 4096 characters
TODOS_SHOWN = 8


@dataclass(frozen=True)
class MenteeDetail:
    person_id: int
    name: str
    week: int | None  # of the latest reflection
    numbers_only: bool
    answers: tuple[tuple[str, str], ...]  # (question wording by locale key, shown value)
    goals: tuple[tuple[str, str], ...]  # (what, status)
    todos: tuple[tuple[str, str], ...]  # (text, status)
    confidence: tuple[tuple[int, int], ...]  # (week, 1-5)
    reflection_id: int | None = None  # the latest submitted reflection (its feedback buttons)
    files: int = 0  # its voice notes and photos (none shown for numbers only)


async def mentee_detail(session: AsyncSession, member: MemberView, group_id: int, person_id: int,
                        now: datetime, locale: str) -> MenteeDetail:
    """A current mentee of a group, for a mentor of that group; anything else is refused."""
    access.require(access.may_read_texts_of_group(member, group_id), "digest_detail")
    found = await session.execute(
        select(Person.display_name, Membership.programme_id)
        .join(Membership, Membership.person_id == Person.id)
        .where(Person.id == person_id, Membership.group_id == group_id,
               Membership.role == Role.MENTEE.value, Membership.left_at.is_(None))
    )
    row = found.first()
    if row is None:
        raise access.AccessDenied("digest_detail")
    name, programme_id = row
    latest = await session.execute(
        select(Reflection, ReflectionQuestionSet.questions)
        .join(ReflectionQuestionSet, ReflectionQuestionSet.id == Reflection.question_set_id)
        .where(Reflection.person_id == person_id, Reflection.group_id == group_id,
               Reflection.submitted_at.is_not(None))
        .order_by(Reflection.week.desc()).limit(1)
    )
    answers: tuple[tuple[str, str], ...] = ()
    reflection = None
    if (first := latest.first()) is not None:
        reflection, questions = first
        answers = await _answers(session, reflection, questions, locale)
    goals = (await session.execute(
        select(PlanGoal.what, PlanGoal.status)
        .where(PlanGoal.person_id == person_id, PlanGoal.programme_id == programme_id)
        .order_by(PlanGoal.created_at, PlanGoal.id)
    )).all()
    todos = (await session.execute(
        select(Todo.text, Todo.status).where(Todo.person_id == person_id, Todo.group_id == group_id)
        .order_by(Todo.status != "open", Todo.created_at.desc(), Todo.id.desc()).limit(TODOS_SHOWN)
    )).all()
    trend = (await session.execute(
        select(Reflection.week, ReflectionAnswer.scale_value)
        .join(ReflectionAnswer, and_(ReflectionAnswer.reflection_id == Reflection.id,
                                     ReflectionAnswer.question_key == CONFIDENCE_KEY))
        .where(Reflection.person_id == person_id, Reflection.group_id == group_id,
               Reflection.submitted_at.is_not(None), ReflectionAnswer.scale_value.is_not(None))
        .order_by(Reflection.week)
    )).all()
    await audit.record(session, member.person_id, DETAIL_ACTION, person_id, {"group_id": group_id}, now=now)
    return MenteeDetail(
        person_id, name, reflection.week if reflection else None, bool(reflection and reflection.numbers_only),
        answers, tuple((what or "", status) for what, status in goals),
        tuple((text or "", status) for text, status in todos), tuple(trend),
        reflection.id if reflection else None,
        len(await _files(session, reflection)) if reflection else 0,
    )


async def _files(session: AsyncSession, reflection: Reflection) -> list[int]:
    """The ids of the reflection's answers that hold a voice note or photo (none for numbers only)."""
    if reflection.numbers_only:
        return []
    return list(await session.scalars(
        select(ReflectionAnswer.id).where(ReflectionAnswer.reflection_id == reflection.id,
                                          ReflectionAnswer.file_id.is_not(None), ReflectionAnswer.skipped.is_(False))
    ))


async def _answers(session: AsyncSession, reflection: Reflection, questions: list[dict[str, Any]], locale: str
                   ) -> tuple[tuple[str, str], ...]:
    wording = {q.key: (q.wording(locale), q) for q in from_json(questions)}
    rows = (await session.scalars(
        select(ReflectionAnswer).where(ReflectionAnswer.reflection_id == reflection.id).order_by(ReflectionAnswer.id)
    )).all()
    shown: list[tuple[str, str]] = []
    for answer in rows:
        text, question = wording.get(answer.question_key, (answer.question_key, None))
        if answer.skipped:
            continue
        if answer.kind == "scale":
            shown.append((text, str(answer.scale_value)))
        elif reflection.numbers_only:
            continue  # the mentee let mentors see the numbers only
        elif answer.kind == "choice":
            option = next((o for o in question.options if o.key == answer.choice_value), None) if question else None
            shown.append((text, option.text.get(locale) or option.text["tr"] if option else answer.choice_value or ""))
        else:
            shown.append((text, answer.text or answer.caption or f"[{answer.file_kind or '–'}]"))
    return tuple(shown)


def render_detail(detail: MenteeDetail, tr: Translator) -> str:
    """The detail as one text in the reader's language, cut to `TEXT_LIMIT`."""
    return fitted(detail_words(detail), tr)


def fitted(words: Words, tr: Translator) -> str:
    text = words.render(tr)
    return text if len(text) <= TEXT_LIMIT else cut(text)


def cut(text: str) -> str:
    """A detail too long for one message, cut to `TEXT_LIMIT` with an ellipsis."""
    return text[:TEXT_LIMIT - 1] + "…"


def detail_words(detail: MenteeDetail) -> Words:
    """The detail as message ids and values (the answers are already in the reader's language)."""
    parts: list[Words] = [Text("👤 {name}", name=detail.name)]
    if detail.week is None:
        parts.append(Text("No reflection sent yet."))
    else:
        head = Lines(Text("Latest reflection (week {week}):", week=detail.week),
                     Text("The mentee shares the numbers only.") if detail.numbers_only else None)
        parts.append(Lines(head, Lines(*(Raw(f"• {q}\n  {a}") for q, a in detail.answers))))
    if detail.goals:
        parts.append(Lines(Text("Development plan goals:"), *(
            Lines(Raw(f"• {what} ("), _status(status), Raw(")"), sep="") for what, status in detail.goals)))
    if detail.todos:
        marks = {"open": "○", "done": "✅", "not_done": "❌"}
        parts.append(Lines(Text("To-do list:"), *(
            Lines(Raw(marks.get(status, "•") + " "), Raw(text) if text else Text("(text erased)"), sep="")
            for text, status in detail.todos)))
    if detail.confidence:
        parts.append(Text("Confidence by week: {trend}",
                          trend=", ".join(f"{week}: {value}" for week, value in detail.confidence)))
    return Lines(*parts, sep="\n\n")


def _status(status: str) -> Words:
    return Text(GOAL_STATUSES[status]) if status in GOAL_STATUSES else Raw(status)
