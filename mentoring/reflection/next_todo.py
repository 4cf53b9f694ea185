"""The reflection's "what next" answer, put on the mentee's to-do list with one button at the summary.

The to-do is made by the to-do list's own rule (`mentoring.todos.rules.add`), so
it is an ordinary to-do of the mentee: no date yet, which they can give it in
the list. A second tap (or a tap on an old summary) does not add it twice: a
to-do of the person with the same text is taken as the one already added.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from mentoring.errors import DomainError
from mentoring.joining.rules import MemberView
from mentoring.reflection.questions import NEXT_KEY
from mentoring.reflection.steps import ReflectionView, Step, next_step, own_open
from mentoring.text import clip
from mentoring.todos import rules as todos
from storage.models.todos import TODO_TEXT_MAX, Todo


def next_text(view: ReflectionView) -> str | None:
    """The written "what next" answer, if the reflection has one (not skipped, not a voice note)."""
    if not any(q.key == NEXT_KEY and q.kind == "text" for q in view.questions):
        return None
    answer = view.answers.get(NEXT_KEY)
    if answer is None or answer.skipped or not (answer.text or "").strip():
        return None
    text = answer.text.strip()
    return text if len(text) <= TODO_TEXT_MAX else clip(text, TODO_TEXT_MAX)


async def add_next(
    session: AsyncSession, member: MemberView, reflection_id: int, now: datetime
) -> tuple[Step, bool]:
    """Put the "what next" answer on the to-do list; the summary again, and whether it was added now."""
    found = await own_open(session, member, reflection_id, now)
    if isinstance(found, Step):
        return found, False
    _, view = found
    text = next_text(view)
    if text is None:  # the answer was changed to a voice note, or skipped, since the summary was shown
        raise DomainError("stale_button")
    already = await session.scalar(
        select(Todo.id).where(Todo.person_id == member.person_id, Todo.text == text).limit(1)
    )
    if already is None:
        await todos.add(session, member, text, now)
    return await next_step(session, member.person_id, view, now), already is None
