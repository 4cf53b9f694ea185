"""Mentors give to-dos to one mentee or the whole group (`/assign`).

The flow: group -> mentee or whole group -> text -> due. The text waits in the
mentor's conversation state until the due is chosen, so each mentee's to-do is
created with its due and the mentee is told once, through the outbox, with it.
A to-do given within 24 hours of the start of a group session (the group's latest
one, not cancelled) is linked to it (`mentoring.sessions.minutes.linked_session`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from mentoring import access, conversation
from mentoring.errors import DomainError
from mentoring.i18n import translator
from mentoring.joining.rules import MemberView
from mentoring.outbox import Button, Outgoing, enqueue
from mentoring.sessions.minutes import linked_session
from mentoring.todos.buttons import TODOS
from mentoring.todos.due import Due, due_label, due_of_kind, on_day, parse_day, programme_week
from mentoring.todos.views import check_text
from storage.models import Group, Membership, Person, Programme, Role
from storage.models.sessions import GroupSession
from storage.models.todos import Todo, TodoAssignment

FLOW_ASSIGN = "todo_assign"


@dataclass(frozen=True)
class Assigned:
    assignment_id: int
    todo_ids: list[int]
    names: list[str]
    whole_group: bool
    group_name: str


def mentor_groups(member: MemberView) -> list[tuple[int, str]]:
    """The groups the person mentors (id, name)."""
    return [
        (v.group_id, v.group_name or "")
        for v in member.roles
        if v.group_id is not None and access.may_assign_todos(member, v.group_id)
    ]


async def begin(
    session: AsyncSession, member: MemberView, now: datetime
) -> tuple[list[tuple[int, str]], list[tuple[int, str]] | None]:
    """The mentor's groups, and the mentees right away when there is only one group."""
    groups = mentor_groups(member)
    if not groups:
        raise DomainError("not_a_mentor")
    await conversation.clear(session, member.person_id, FLOW_ASSIGN)
    if len(groups) > 1:
        return groups, None
    return groups, await group_mentees(session, member, groups[0][0])


async def group_mentees(
    session: AsyncSession, member: MemberView, group_id: int
) -> list[tuple[int, str]]:
    """The group's current mentees (id, name), for the mentor's buttons."""
    access.require(access.may_assign_todos(member, group_id), "assign")
    rows = await session.execute(
        select(Person.id, Person.display_name)
        .join(Membership, Membership.person_id == Person.id)
        .where(
            Membership.group_id == group_id,
            Membership.role == Role.MENTEE.value,
            Membership.left_at.is_(None),
        )
        .order_by(Person.display_name, Person.id)
    )
    return [(pid, name) for pid, name in rows.all()]


async def choose_target(
    session: AsyncSession, member: MemberView, group_id: int, person_id: int | None, now: datetime
) -> str | None:
    """Wait for the to-do's text for one mentee (or the whole group, None); returns the mentee's name."""
    mentees = dict(await group_mentees(session, member, group_id))
    if person_id is not None and person_id not in mentees:
        raise DomainError("stale_button")
    if not mentees:
        raise DomainError("no_mentees")
    await conversation.expect(
        session,
        member.person_id,
        FLOW_ASSIGN,
        "text",
        now,
        {"group_id": group_id, "person_id": person_id},
    )
    return mentees.get(person_id) if person_id is not None else None


async def text_from_input(
    session: AsyncSession, member: MemberView, data: dict[str, Any], text: str | None, now: datetime
) -> None:
    """Keep the text and ask for the due next."""
    await conversation.expect(
        session, member.person_id, FLOW_ASSIGN, "due", now, {**data, "text": check_text(text)}
    )


async def _waiting(session: AsyncSession, member: MemberView, step: str) -> dict[str, Any]:
    state = await conversation.pending(session, member.person_id)
    if state is None or state.flow != FLOW_ASSIGN or state.step != step:
        raise DomainError("stale_button")
    return dict(state.data)


async def choose_due(
    session: AsyncSession, member: MemberView, kind: str, now: datetime
) -> Assigned | None:
    """A due button: create the to-dos, or (for "a date") wait for the date first."""
    data = await _waiting(session, member, "due")
    if kind == "date":
        await conversation.expect(session, member.person_id, FLOW_ASSIGN, "date", now, data)
        return None
    if kind not in ("week", "session", "none"):
        raise DomainError("stale_button")
    return await _assign(session, member, data, kind, None, now)


async def date_from_input(
    session: AsyncSession, member: MemberView, text: str | None, now: datetime
) -> Assigned:
    data = await _waiting(session, member, "date")
    today = now.astimezone(ZoneInfo(member.timezone)).date()
    return await _assign(session, member, data, "date", parse_day(text or "", today), now)


async def _assign(
    session: AsyncSession,
    member: MemberView,
    data: dict[str, Any],
    kind: str,
    day: date | None,
    now: datetime,
) -> Assigned:
    group_id, person_id = int(data["group_id"]), data.get("person_id")
    mentees = dict(await group_mentees(session, member, group_id))
    targets = list(mentees) if person_id is None else [int(person_id)]
    if not targets or any(target not in mentees for target in targets):
        raise DomainError("stale_button")
    group = await session.get(Group, group_id)
    assert group is not None
    programme = await session.get(Programme, group.programme_id)
    assert programme is not None
    assignment = TodoAssignment(
        group_id=group_id, mentor_id=member.person_id, whole_group=person_id is None, created_at=now
    )
    session.add(assignment)
    await session.flush()
    people = {
        p.id: p for p in (await session.scalars(select(Person).where(Person.id.in_(targets)))).all()
    }
    held = await linked_session(session, group_id, now)
    todos = []
    for target in targets:
        tz = ZoneInfo(people[target].timezone)
        due = on_day(day, tz) if day is not None else due_of_kind(kind, programme, tz, now)
        todos.append(
            Todo(
                person_id=target,
                group_id=group_id,
                text=data["text"],
                status="open",
                due_kind=due.kind,
                due_on=due.on,
                due_at=due.at,
                assignment_id=assignment.id,
                session_id=held,
                week=programme_week(programme, now),
                created_at=now,
                updated_at=now,
            )
        )
    session.add_all(todos)
    await session.flush()
    await notify_assigned(session, [todo.id for todo in todos], now)
    await conversation.clear(session, member.person_id, FLOW_ASSIGN)
    return Assigned(
        assignment.id,
        [t.id for t in todos],
        [mentees[t] for t in targets],
        person_id is None,
        group.name,
    )


async def notify_assigned(session: AsyncSession, todo_ids: list[int], now: datetime) -> int:
    """Tell each mentee about a to-do from their mentor (once per to-do); returns how many were queued."""
    rows = (
        await session.execute(
            select(Todo, Person.display_name, TodoAssignment.mentor_id, GroupSession.starts_at)
            .join(TodoAssignment, TodoAssignment.id == Todo.assignment_id)
            .outerjoin(Person, Person.id == TodoAssignment.mentor_id)
            .outerjoin(GroupSession, GroupSession.id == Todo.session_id)
            .where(Todo.id.in_(todo_ids))
        )
    ).all()
    mentees = {
        pid: (locale, zone)
        for pid, locale, zone in (
            await session.execute(
                select(Person.id, Person.locale, Person.timezone).where(
                    Person.id.in_([row[0].person_id for row in rows])
                )
            )
        ).all()
    }
    messages = []
    for todo, mentor, mentor_id, held_at in rows:
        locale, zone = mentees.get(todo.person_id, (None, "UTC"))
        tr = translator(locale)
        _ = tr.gettext
        text = "\n".join(
            [
                _("Your mentor {name} gave you a to-do:").format(name=mentor or _("your mentor")),
                "",
                todo.text or "",
                "",
                *(
                    [_("From the group session of {date}").format(
                        date=tr.day(held_at.astimezone(ZoneInfo(zone)).date()))]
                    if held_at is not None else []
                ),
                _("Due: {due}").format(
                    due=due_label(tr, Due(todo.due_kind, todo.due_on, todo.due_at))
                ),
            ]
        )
        messages.append(
            Outgoing(
                idempotency_key=f"todo-assigned:{todo.id}",
                kind="todo_assigned",
                text=text,
                not_before=now,
                person_id=todo.person_id,
                buttons=[[Button(_("Open the to-do"), TODOS.encode("v", todo=todo.id, page=0))]],
                mentions=(mentor_id,) if mentor_id is not None else (),
            )
        )
    return await enqueue(session, messages, now)
