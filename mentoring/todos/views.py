"""What a mentee's to-do list holds, as the conversation shows it: pages, one to-do, goals.

Also the checks every change starts with: the person is a mentee, and the to-do
exists and is theirs (mentoring.access).
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Select, bindparam, column, select, table
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from mentoring import access
from mentoring.errors import DomainError
from mentoring.joining.rules import MemberView, RoleView
from mentoring.todos.due import Due
from storage.models import Person, Programme
from storage.models.sessions import GroupSession
from storage.models.todos import TODO_TEXT_MAX, Todo, TodoAssignment, TodoReason

PAGE_SIZE = 8

# The development plan's goals, read with a plain query so this module does not
# depend on the plan feature's domain code.
_plan_goals = table(
    "plan_goals", column("id"), column("person_id"), column("what"), column("status")
)
_mentor = aliased(Person, name="mentor")


@dataclass(frozen=True)
class TodoView:
    id: int
    text: str | None  # None once erased
    status: str
    due: Due
    overdue: bool
    from_mentor: bool
    mentor_name: str | None
    goal_title: str | None
    postponed_count: int
    closed_at: datetime | None
    reasons: tuple[tuple[str, str | None], ...] = ()  # (code, text), oldest first; detail view only
    session_day: date | None = None  # the reader's day of the group session it was set in


@dataclass(frozen=True)
class TodoPage:
    items: list[TodoView]
    page: int
    pages: int
    version: str
    open: int
    done: int
    not_done: int


@dataclass(frozen=True)
class DueSet:
    """A to-do whose due was just set, and the goals it could still be linked to."""

    item: TodoView
    goals: list[tuple[int, str]]


@dataclass(frozen=True)
class MenteePlace:
    group_id: int
    programme: Programme
    tz: ZoneInfo


def mentee_role(member: MemberView) -> RoleView:
    """The role that gives the member a to-do list; other people have none."""
    role = next((v for v in member.roles if v.group_id in access.mentee_groups(member)), None)
    if role is None or role.group_id is None:
        raise DomainError("not_a_mentee")
    return role


async def place_of(session: AsyncSession, member: MemberView) -> MenteePlace:
    """The mentee's group and programme; other people have no to-do list."""
    role = mentee_role(member)
    assert role.group_id is not None
    programme = await session.get(Programme, role.programme_id)
    assert programme is not None
    return MenteePlace(role.group_id, programme, ZoneInfo(member.timezone))


def check_text(text: str | None) -> str:
    cleaned = (text or "").strip()
    if not cleaned:
        raise DomainError("todo_empty")
    if len(cleaned) > TODO_TEXT_MAX:
        raise DomainError("todo_too_long", length=len(cleaned), limit=TODO_TEXT_MAX)
    return cleaned


def to_view(
    todo: Todo,
    mentor_name: str | None,
    goal_title: str | None,
    now: datetime,
    reasons: tuple[tuple[str, str | None], ...] = (),
    session_day: date | None = None,
) -> TodoView:
    return TodoView(
        id=todo.id,
        text=todo.text,
        status=todo.status,
        due=Due(todo.due_kind, todo.due_on, todo.due_at),
        overdue=todo.status == "open" and todo.due_at is not None and todo.due_at <= now,
        from_mentor=todo.assignment_id is not None,
        mentor_name=mentor_name,
        goal_title=goal_title,
        postponed_count=todo.postponed_count,
        closed_at=todo.closed_at,
        reasons=reasons,
        session_day=session_day,
    )


def with_names() -> Select[tuple[Todo, str | None, str | None, datetime | None]]:
    """To-dos with their mentor's name, their goal's title and the start of the session they were set in."""
    return (
        select(Todo, _mentor.display_name, _plan_goals.c.what, GroupSession.starts_at)
        .outerjoin(TodoAssignment, TodoAssignment.id == Todo.assignment_id)
        .outerjoin(_mentor, _mentor.id == TodoAssignment.mentor_id)
        .outerjoin(_plan_goals, _plan_goals.c.id == Todo.goal_id)
        .outerjoin(GroupSession, GroupSession.id == Todo.session_id)
    )


def _day(moment: datetime | None, zone: str) -> date | None:
    return moment.astimezone(ZoneInfo(zone)).date() if moment is not None else None


# Built once: `/todo` runs it every time (storage/upsert.py says why).
_OWN_LIST = with_names().where(Todo.person_id == bindparam("person_id"))


def _version(todos: list[Todo]) -> str:
    """A short fingerprint of the list: page buttons from an older list are refused."""
    raw = ";".join(
        f"{t.id}:{t.status}:{t.updated_at.timestamp()}" for t in sorted(todos, key=lambda t: t.id)
    )
    return format(zlib.crc32(raw.encode()) & 0xFFFFFF, "06x")


async def list_page(
    session: AsyncSession, member: MemberView, page: int, now: datetime
) -> TodoPage:
    """One page of the list: open to-dos first (soonest due first), then the closed ones, newest first."""
    mentee_role(member)
    rows = (await session.execute(_OWN_LIST, {"person_id": member.person_id})).all()
    status_order = {"open": 0, "not_done": 1, "done": 2}
    rows.sort(
        key=lambda r: (
            status_order[r[0].status],
            r[0].due_at is None if r[0].status == "open" else False,
            r[0].due_at.timestamp() if r[0].status == "open" and r[0].due_at else 0,
            -(r[0].closed_at.timestamp() if r[0].closed_at else 0),
            r[0].id,
        )
    )
    pages = max(1, -(-len(rows) // PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    shown = rows[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    todos = [r[0] for r in rows]
    return TodoPage(
        items=[to_view(todo, name, goal, now, session_day=_day(held, member.timezone))
               for todo, name, goal, held in shown],
        page=page,
        pages=pages,
        version=_version(todos),
        open=sum(t.status == "open" for t in todos),
        done=sum(t.status == "done" for t in todos),
        not_done=sum(t.status == "not_done" for t in todos),
    )


async def own_todo(
    session: AsyncSession, member: MemberView, todo_id: int, *, open_only: bool = False
) -> Todo:
    """The person's to-do, locked for the change; a missing or foreign one is refused."""
    todo = await session.scalar(select(Todo).where(Todo.id == todo_id).with_for_update())
    if todo is None:
        raise DomainError("todo_gone")
    access.require(access.may_change_todo(member, todo.person_id), "todo")
    if open_only and todo.status != "open":
        raise DomainError("todo_closed")
    return todo


async def view(session: AsyncSession, member: MemberView, todo_id: int, now: datetime) -> TodoView:
    todo = await own_todo(session, member, todo_id)
    row = (await session.execute(with_names().where(Todo.id == todo.id))).one()
    reasons = (
        await session.execute(
            select(TodoReason.reason, TodoReason.text)
            .where(TodoReason.todo_id == todo.id)
            .order_by(TodoReason.id)
        )
    ).all()
    return to_view(row[0], row[1], row[2], now, tuple((code, text) for code, text in reasons),
                   session_day=_day(row[3], member.timezone))


async def goals_of(session: AsyncSession, person_id: int) -> list[tuple[int, str]]:
    """The person's goals that are not done yet, for the "belongs to a goal" buttons."""
    rows = await session.execute(
        select(_plan_goals.c.id, _plan_goals.c.what)
        .where(_plan_goals.c.person_id == person_id, _plan_goals.c.status != "done")
        .order_by(_plan_goals.c.id)
    )
    return [(goal_id, what or "…") for goal_id, what in rows.all()]
