"""After "not done", a new step (standard E.5.5): make it smaller, try it later, or ask for help.

Offered once the reason is recorded (`mentoring.todos.screens`), for a to-do of
the person's own that is not done (an open one too: an old offer still works
after the to-do was moved; a done one is refused as closed).

- *Make it smaller*: the person's next message becomes a new open to-do (flow
  `rules.FLOW_SMALLER`), under the same goal; its due is asked next as for any
  new to-do. The missed one stays as it was.
- *Try it later*: the same to-do gets a typed new date and opens again (the
  postpone path, `rules.ask_date(..., "postpone")`).
- *Ask for help*: the group's active mentors are named first (who will see it,
  `mentoring.audiences`), then each gets one outbox message (kind `todo_help`)
  with the to-do's text and why it was not done, in their own language. The key
  is the to-do, its latest reason and the mentor, so a second tap tells no one
  twice; the message records the mentee as mentioned (erasure clears it).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from mentoring import conversation
from mentoring.errors import DomainError
from mentoring.i18n import translator
from mentoring.joining.rules import MemberView
from mentoring.outbox import Outgoing, enqueue
from mentoring.todos.due import programme_week
from mentoring.todos.list_screens import REASON_LABELS  # the mentee's words for each reason
from mentoring.todos.rules import FLOW_SMALLER, unfinished_todo
from mentoring.todos.views import TodoView, check_text, own_todo, place_of, to_view, view
from storage.models import Group, Membership, Person, Role
from storage.models.todos import Todo, TodoReason

logger = logging.getLogger(__name__)

KIND_HELP = "todo_help"



@dataclass(frozen=True)
class Mentor:
    person_id: int
    name: str
    locale: str


@dataclass(frozen=True)
class HelpAsked:
    item: TodoView
    mentors: tuple[str, ...]  # the names of those told
    new: bool  # False: they had been told already (a second tap)


async def check_offer(session: AsyncSession, member: MemberView, todo_id: int) -> None:
    """Refuse a next-step button on a to-do that is gone, foreign or done."""
    await unfinished_todo(session, member, todo_id)


# ----------------------------------------------------------------------------- make it smaller


async def start_smaller(session: AsyncSession, member: MemberView, todo_id: int, now: datetime) -> TodoView:
    """The person's next message is a smaller step of this to-do."""
    todo = await unfinished_todo(session, member, todo_id)
    await conversation.expect(session, member.person_id, FLOW_SMALLER, "text", now, {"todo_id": todo.id})
    return await view(session, member, todo.id, now)


async def add_smaller(
    session: AsyncSession, member: MemberView, todo_id: int, text: str | None, now: datetime
) -> TodoView:
    """Save the smaller step as a new open to-do under the same goal (its due is asked next)."""
    cleaned = check_text(text)
    original = await own_todo(session, member, todo_id)
    place = await place_of(session, member)
    todo = Todo(
        person_id=member.person_id,
        group_id=place.group_id,
        text=cleaned,
        status="open",
        due_kind="none",
        goal_id=original.goal_id,
        week=programme_week(place.programme, now),
        created_at=now,
        updated_at=now,
    )
    session.add(todo)
    await session.flush()
    await conversation.clear(session, member.person_id, FLOW_SMALLER)
    return to_view(todo, None, None, now)


# ----------------------------------------------------------------------------- ask for help


async def mentors_to_ask(session: AsyncSession, member: MemberView, todo_id: int) -> tuple[Todo, list[Mentor]]:
    """The to-do and its group's active mentors (by name); refused when the group has none."""
    todo = await unfinished_todo(session, member, todo_id)
    group_id = todo.group_id or (await place_of(session, member)).group_id
    rows = await session.execute(
        select(Person.id, Person.display_name, Person.locale)
        .join(Membership, Membership.person_id == Person.id)
        .where(
            Membership.group_id == group_id,
            Membership.role == Role.MENTOR.value,
            Membership.left_at.is_(None),
            Person.erased_at.is_(None),
            Person.id != member.person_id,
        )
        .order_by(Person.display_name, Person.id)
    )
    mentors = [Mentor(pid, name, locale) for pid, name, locale in rows.all()]
    if not mentors:
        raise DomainError("todo_no_mentor")
    return todo, mentors


async def who_will_see(session: AsyncSession, member: MemberView, todo_id: int) -> list[str]:
    """The names of the mentors a help request would reach (asked before it is sent)."""
    _todo, mentors = await mentors_to_ask(session, member, todo_id)
    return [mentor.name for mentor in mentors]


async def ask_help(session: AsyncSession, member: MemberView, todo_id: int, now: datetime) -> HelpAsked:
    """Tell each mentor of the to-do's group, through the outbox, with its text and why it was not done."""
    todo, mentors = await mentors_to_ask(session, member, todo_id)
    reason = await session.scalar(
        select(TodoReason).where(TodoReason.todo_id == todo.id).order_by(TodoReason.id.desc()).limit(1)
    )
    group_name = await session.scalar(select(Group.name).where(Group.id == todo.group_id)) if todo.group_id else None
    messages = [
        Outgoing(
            idempotency_key=f"{KIND_HELP}:{todo.id}:{reason.id if reason else 0}:{mentor.person_id}",
            kind=KIND_HELP,
            text=_message(mentor.locale, member.display_name, group_name, todo.text or "…", reason),
            not_before=now,
            person_id=mentor.person_id,
            mentions=(member.person_id,),
        )
        for mentor in mentors
    ]
    added = await enqueue(session, messages, now)
    # Never the to-do's text or a name in the log.
    logger.info("Person %s asked %s mentors for help with to-do %s (%s new)",
                member.person_id, len(mentors), todo.id, added)
    return HelpAsked(await view(session, member, todo.id, now), tuple(m.name for m in mentors), added > 0)


def _message(locale: str, name: str, group: str | None, text: str, reason: TodoReason | None) -> str:
    """What a mentor reads, in their language."""
    tr = translator(locale)
    _ = tr.gettext
    lines = [
        _("🙋 {name} ({group}) asks for your help with a to-do they could not do:").format(name=name, group=group)
        if group else _("🙋 {name} asks for your help with a to-do they could not do:").format(name=name),
        "",
        f"“{text}”",
    ]
    if reason is not None:
        why = _(REASON_LABELS.get(reason.reason, reason.reason)) + (f" — {reason.text}" if reason.text else "")
        lines.append(_("Why it was not done: {reason}").format(reason=why))
    lines += ["", _("Please get in touch with them, or take it up in the next group mentoring session.")]
    return "\n".join(lines)
