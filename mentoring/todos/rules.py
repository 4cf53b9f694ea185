"""The mentee's to-do list (standard E.5.1-E.5.5): add, due, done, not done, postpone, delete.

Every function that changes a to-do checks, in the same transaction, that the
to-do still exists, belongs to the person (mentoring.access) and is in a state
the action fits; otherwise it raises and nothing changes. Figures for the
mentors' digest: `todo_counts` and `not_done_reasons` (see docs/todos.md).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from mentoring import access, conversation
from mentoring.errors import DomainError
from mentoring.joining.rules import MemberView
from mentoring.todos.due import Due, due_of_kind, end_of_week, on_day, parse_day, programme_week
from mentoring.todos.views import (
    DueSet,
    TodoPage,
    TodoView,
    check_text,
    goals_of,
    list_page,
    own_todo,
    place_of,
    to_view,
    view,
)
from storage.models.todos import REASON_CODES, Todo, TodoReason

FLOW_ADD = "todo_add"
FLOW_DATE = "todo_date"
FLOW_REASON = "todo_reason"
FLOW_SMALLER = "todo_smaller"  # after "not done": a smaller step (mentoring.todos.next_steps)
MY_FLOWS = (FLOW_ADD, FLOW_DATE, FLOW_REASON, FLOW_SMALLER)


async def start_adding(session: AsyncSession, member: MemberView, now: datetime) -> None:
    """The person's next message becomes a new to-do."""
    await place_of(session, member)
    await conversation.expect(session, member.person_id, FLOW_ADD, "text", now)


async def add(
    session: AsyncSession, member: MemberView, text: str | None, now: datetime
) -> TodoView:
    """Save the text as an open to-do without a date (the due is asked next)."""
    place = await place_of(session, member)
    todo = Todo(
        person_id=member.person_id,
        group_id=place.group_id,
        text=check_text(text),
        status="open",
        due_kind="none",
        week=programme_week(place.programme, now),
        created_at=now,
        updated_at=now,
    )
    session.add(todo)
    await session.flush()
    await conversation.clear(session, member.person_id, FLOW_ADD)
    return to_view(todo, None, None, now)


async def set_due(
    session: AsyncSession, member: MemberView, todo_id: int, kind: str, now: datetime
) -> DueSet:
    """Set the due of an open to-do: this week, before the next session, or no date."""
    todo = await own_todo(session, member, todo_id, open_only=True)
    if todo.assignment_id is not None:
        raise DomainError("todo_from_mentor")
    place = await place_of(session, member)
    _apply_due(todo, due_of_kind(kind, place.programme, place.tz, now), now)
    return await _due_set(session, member, todo, now)


async def _due_set(session: AsyncSession, member: MemberView, todo: Todo, now: datetime) -> DueSet:
    await session.flush()
    goals = await goals_of(session, member.person_id) if todo.goal_id is None else []
    return DueSet(await view(session, member, todo.id, now), goals)


async def ask_date(
    session: AsyncSession, member: MemberView, todo_id: int, purpose: str, now: datetime
) -> None:
    """The person's next message is a date for this to-do (`purpose`: "due" or "postpone")."""
    todo = await _for(session, member, todo_id, purpose)
    await conversation.expect(
        session, member.person_id, FLOW_DATE, purpose, now, {"todo_id": todo.id}
    )


async def date_from_input(
    session: AsyncSession,
    member: MemberView,
    todo_id: int,
    purpose: str,
    text: str | None,
    now: datetime,
) -> DueSet:
    """The typed date: the to-do's due (when adding) or its new date (when postponing)."""
    todo = await _for(session, member, todo_id, purpose)
    place = await place_of(session, member)
    due = on_day(parse_day(text or "", now.astimezone(place.tz).date()), place.tz)
    await conversation.clear(session, member.person_id, FLOW_DATE)
    if purpose == "postpone":
        _postpone(todo, due, now)
        await session.flush()
        return DueSet(await view(session, member, todo.id, now), [])
    _apply_due(todo, due, now)
    return await _due_set(session, member, todo, now)


async def _for(session: AsyncSession, member: MemberView, todo_id: int, purpose: str) -> Todo:
    """The to-do a date is for: an own open one for its due, any not done yet for postponing."""
    if purpose == "postpone":
        return await unfinished_todo(session, member, todo_id)
    todo = await own_todo(session, member, todo_id, open_only=True)
    if todo.assignment_id is not None:
        raise DomainError("todo_from_mentor")
    return todo


def _apply_due(todo: Todo, due: Due, now: datetime) -> None:
    todo.due_kind, todo.due_on, todo.due_at, todo.updated_at = due.kind, due.on, due.at, now


def _postpone(todo: Todo, due: Due, now: datetime) -> None:
    _apply_due(todo, due, now)
    # A to-do that was not done gets a new chance (E.5.5: new steps).
    todo.status, todo.closed_at = "open", None
    todo.postponed_count += 1


async def set_goal(
    session: AsyncSession, member: MemberView, todo_id: int, goal_id: int | None, now: datetime
) -> TodoView:
    todo = await own_todo(session, member, todo_id)
    if goal_id is not None and goal_id not in {
        g for g, _ in await goals_of(session, member.person_id)
    }:
        raise DomainError("stale_button")
    todo.goal_id, todo.updated_at = goal_id, now
    await session.flush()
    return await view(session, member, todo.id, now)


async def mark_done(
    session: AsyncSession, member: MemberView, todo_id: int, now: datetime
) -> TodoView:
    todo = await own_todo(session, member, todo_id, open_only=True)
    todo.status, todo.closed_at, todo.updated_at = "done", now, now
    await session.flush()
    return await view(session, member, todo.id, now)


async def check_open(session: AsyncSession, member: MemberView, todo_id: int) -> None:
    """Refuse a button on a to-do that is gone, foreign or closed (before asking a follow-up)."""
    await own_todo(session, member, todo_id, open_only=True)


async def mark_not_done(
    session: AsyncSession, member: MemberView, todo_id: int, reason: str, now: datetime
) -> TodoView:
    """Close the to-do as not done and keep why; "other" then waits for an optional text."""
    if reason not in REASON_CODES:
        raise DomainError("stale_button")
    todo = await own_todo(session, member, todo_id, open_only=True)
    place = await place_of(session, member)
    todo.status, todo.closed_at, todo.updated_at = "not_done", now, now
    row = TodoReason(
        todo_id=todo.id,
        person_id=member.person_id,
        group_id=todo.group_id or place.group_id,
        reason=reason,
        week=programme_week(place.programme, now),
        created_at=now,
    )
    session.add(row)
    await session.flush()
    if reason == "other":
        await conversation.expect(
            session,
            member.person_id,
            FLOW_REASON,
            "text",
            now,
            {"todo_id": todo.id, "reason_id": row.id},
        )
    return await view(session, member, todo.id, now)


async def reason_text(
    session: AsyncSession, member: MemberView, reason_id: int, text: str | None, now: datetime
) -> TodoView:
    """Add the person's own words to an "other" reason (or finish without them, text None)."""
    row = await session.get(TodoReason, reason_id)
    if row is None:
        raise DomainError("todo_gone")
    access.require(access.may_change_todo(member, row.person_id), "todo")
    if text is not None:
        row.text = check_text(text)
    await conversation.clear(session, member.person_id, FLOW_REASON)
    return await view(session, member, row.todo_id, now)


async def skip_reason_text(
    session: AsyncSession, member: MemberView, todo_id: int, now: datetime
) -> TodoView:
    """Finish an "other" reason without words (the Skip button)."""
    state = await conversation.pending(session, member.person_id)
    if state is None or state.flow != FLOW_REASON or state.data.get("todo_id") != todo_id:
        raise DomainError("stale_button")
    return await reason_text(session, member, int(state.data["reason_id"]), None, now)


async def postpone_week(
    session: AsyncSession, member: MemberView, todo_id: int, now: datetime
) -> TodoView:
    """Move the to-do to the end of next programme week."""
    todo = await unfinished_todo(session, member, todo_id)
    place = await place_of(session, member)
    _postpone(todo, end_of_week(place.programme, place.tz, now, weeks_ahead=1), now)
    await session.flush()
    return await view(session, member, todo.id, now)


async def unfinished_todo(session: AsyncSession, member: MemberView, todo_id: int) -> Todo:
    """The member's own to-do that is not done (open or not done); `todo_closed` when it is done."""
    todo = await own_todo(session, member, todo_id)
    if todo.status == "done":
        raise DomainError("todo_closed")
    return todo


async def check_postponable(session: AsyncSession, member: MemberView, todo_id: int) -> None:
    await unfinished_todo(session, member, todo_id)


async def check_deletable(session: AsyncSession, member: MemberView, todo_id: int) -> None:
    todo = await own_todo(session, member, todo_id)
    if todo.assignment_id is not None:
        raise DomainError("todo_from_mentor")


async def delete(
    session: AsyncSession, member: MemberView, todo_id: int, now: datetime
) -> TodoPage:
    """Delete one of the person's own to-dos (a mentor's one can only be done or explained).

    Returns the list's first page as it is afterwards.
    """
    await check_deletable(session, member, todo_id)
    todo = await session.get(Todo, todo_id)
    await session.delete(todo)
    await session.flush()
    return await list_page(session, member, 0, now)


async def open_list(session: AsyncSession, member: MemberView, now: datetime) -> TodoPage:
    """`/todo`: the first page; a to-do input left half-way is forgotten."""
    await stop_waiting(session, member.person_id)
    return await list_page(session, member, 0, now)


async def stop_waiting(session: AsyncSession, person_id: int) -> None:
    """Forget a to-do input the person left half-way (when they open the list anew)."""
    state = await conversation.pending(session, person_id)
    if state is not None and state.flow in MY_FLOWS:
        await conversation.clear(session, person_id)


# --- Figures for the mentors' digest -------------------------------------------------


async def todo_counts(
    session: AsyncSession, person_ids: list[int], now: datetime
) -> dict[int, tuple[int, int, int]]:
    """(done, open, overdue) per person, in one query; overdue ones are counted in open too."""
    if not person_ids:
        return {}
    is_open = Todo.status == "open"
    rows = await session.execute(
        select(
            Todo.person_id,
            func.sum(case((Todo.status == "done", 1), else_=0)),
            func.sum(case((is_open, 1), else_=0)),
            func.sum(case((and_(is_open, Todo.due_at <= now), 1), else_=0)),
        )
        .where(Todo.person_id.in_(person_ids))
        .group_by(Todo.person_id)
    )
    counts = {person_id: (0, 0, 0) for person_id in person_ids}
    counts.update({pid: (int(d or 0), int(o or 0), int(od or 0)) for pid, d, o, od in rows.all()})
    return counts


async def not_done_reasons(
    session: AsyncSession, group_id: int, since_week: int | None = None
) -> list[tuple[int, str, int]]:
    """(person_id, reason code, programme week) of every "not done" in the group, oldest first."""
    query = select(TodoReason.person_id, TodoReason.reason, TodoReason.week).where(
        TodoReason.group_id == group_id
    )
    if since_week is not None:
        query = query.where(TodoReason.week >= since_week)
    rows = await session.execute(query.order_by(TodoReason.week, TodoReason.id))
    return [(pid, reason, week) for pid, reason, week in rows.all()]
