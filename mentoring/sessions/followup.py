"""After a session: attendance, minutes ("toplantı tutanağı", E.1.6) and feedback (E.6.3).

A mentor of the group marks who came and writes the decisions, which reach the
other members (mentoring.sessions.minutes); attending mentees are asked through
the outbox how useful the session was (1-5), whether they could speak freely
(1-5) and for one concrete thing they take away (free text, optional), which
they can turn into a to-do linked to the session.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from mentoring import access, conversation, outbox
from mentoring.errors import DomainError
from mentoring.joining.rules import MemberView
from mentoring.sessions import minutes as minutes_
from mentoring.sessions import notices
from mentoring.sessions import rules as sessions
from mentoring.todos.due import programme_week
from storage.models import Group, Membership, Programme, Role
from storage.models.sessions import GroupSession, SessionAttendance, SessionFeedback
from storage.models.todos import TODO_TEXT_MAX, Todo

MINUTES_FLOW = "session_minutes"
TAKEAWAY_FLOW = "session_takeaway"
MINUTES_MAX = 3000
TAKEAWAY_MAX = 1000
RECENT = timedelta(days=30)


@dataclass(frozen=True)
class Attendee:
    person_id: int
    name: str
    present: bool


@dataclass(frozen=True)
class AttendanceSheet:
    facts: notices.SessionFacts
    people: tuple[Attendee, ...]


async def _held(
    session: AsyncSession, member: MemberView, session_id: int, now: datetime
) -> GroupSession:
    """A session that has started and was not cancelled, of a group the member mentors."""
    found = await session.get(GroupSession, session_id)
    if found is None or not access.may_plan_sessions(member, found.group_id):
        raise access.AccessDenied("session_followup")
    if found.status == "cancelled":
        raise sessions.SessionClosed("cancelled")
    if found.starts_at > now:
        raise DomainError("not_started")
    return found


async def recent_held(
    session: AsyncSession, member: MemberView, now: datetime, limit: int = 3
) -> list[GroupSession]:
    """The mentor's sessions of the last 30 days, newest first (to mark attendance and minutes)."""
    rows = await session.scalars(
        select(GroupSession)
        .where(
            GroupSession.group_id.in_(access.mentored_groups(member)),
            GroupSession.status == "planned",
            GroupSession.starts_at <= now,
            GroupSession.starts_at > now - RECENT,
        )
        .order_by(GroupSession.starts_at.desc())
        .limit(limit)
    )
    return list(rows)


async def sheet(
    session: AsyncSession, member: MemberView, session_id: int, now: datetime
) -> AttendanceSheet:
    found = await _held(session, member, session_id, now)
    present = set(
        await session.scalars(
            select(SessionAttendance.person_id).where(SessionAttendance.session_id == found.id)
        )
    )
    people = await sessions.members(session, found.group_id)
    return AttendanceSheet(
        await sessions.facts_of(session, found),
        tuple(Attendee(p.id, p.display_name, p.id in present) for p in people),
    )


async def toggle(
    session: AsyncSession, member: MemberView, session_id: int, person_id: int, now: datetime
) -> AttendanceSheet:
    found = await _held(session, member, session_id, now)
    if person_id not in {p.id for p in await sessions.members(session, found.group_id)}:
        raise access.AccessDenied("session_attendance")
    row = await session.get(SessionAttendance, (found.id, person_id))
    if row is None:
        session.add(SessionAttendance(session_id=found.id, person_id=person_id, marked_at=now))
    else:
        await session.delete(row)
    await session.flush()
    return await sheet(session, member, session_id, now)


async def finish_attendance(
    session: AsyncSession, member: MemberView, session_id: int, now: datetime
) -> int:
    """Attendance is complete: ask attending mentees for feedback, then wait for the minutes.

    Returns how many feedback prompts were newly queued (a second "done" queues none twice).
    """
    found = await _held(session, member, session_id, now)
    found.attendance_recorded_at = now
    mentees = set(
        await session.scalars(
            select(Membership.person_id).where(
                Membership.group_id == found.group_id,
                Membership.role == Role.MENTEE.value,
                Membership.left_at.is_(None),
            )
        )
    )
    present = set(
        await session.scalars(
            select(SessionAttendance.person_id).where(SessionAttendance.session_id == found.id)
        )
    )
    facts = await sessions.facts_of(session, found)
    people = [
        p for p in await sessions.members(session, found.group_id) if p.id in present & mentees
    ]
    queued = await outbox.enqueue(
        session, [notices.feedback_prompt(facts, p, now) for p in people], now
    )
    await conversation.expect(
        session, member.person_id, MINUTES_FLOW, "text", now, {"session_id": found.id}
    )
    return queued


async def begin_minutes(
    session: AsyncSession, member: MemberView, session_id: int, now: datetime
) -> str | None:
    """Wait for the minutes of a held session; returns the minutes written so far, if any."""
    found = await _held(session, member, session_id, now)
    await conversation.expect(
        session, member.person_id, MINUTES_FLOW, "text", now, {"session_id": found.id}
    )
    return found.minutes


async def save_minutes(
    session: AsyncSession, member: MemberView, session_id: int, text: str, now: datetime
) -> int:
    """Save the minutes as a new version and send them to the other members; returns how many were queued.

    The same text again is no new version: nothing is sent twice.
    """
    minutes = text.strip()
    if not minutes:
        raise DomainError("empty_text")
    if len(minutes) > MINUTES_MAX:
        raise DomainError("text_too_long", limit=MINUTES_MAX, length=len(minutes))
    found = await _held(session, member, session_id, now)
    await conversation.clear(session, member.person_id, MINUTES_FLOW)
    if found.minutes == minutes:
        return 0
    found.minutes, found.minutes_at, found.minutes_by = minutes, now, member.person_id
    found.minutes_version = (found.minutes_version or 0) + 1
    await session.flush()
    return await minutes_.send(session, found, now)


async def skip_minutes(session: AsyncSession, member: MemberView) -> None:
    await conversation.clear(session, member.person_id, MINUTES_FLOW)


async def _attended(session: AsyncSession, member: MemberView, session_id: int) -> GroupSession:
    """A session the member was marked present at (feedback is theirs to give)."""
    found = await session.get(GroupSession, session_id)
    present = (
        await session.get(SessionAttendance, (session_id, member.person_id)) if found else None
    )
    if found is None or present is None or found.status == "cancelled":
        raise access.AccessDenied("session_feedback")
    return found


async def _feedback_of(
    session: AsyncSession, member: MemberView, session_id: int, score: int
) -> SessionFeedback | None:
    """The attendee's feedback so far on this session, once the score (1-5) and their presence are checked."""
    if not 1 <= score <= 5:
        raise access.AccessDenied("session_feedback")
    await _attended(session, member, session_id)
    return await session.get(SessionFeedback, (session_id, member.person_id))


async def rate(
    session: AsyncSession, member: MemberView, session_id: int, score: int, now: datetime
) -> None:
    """An attendee's "how useful" (1-5); the latest answer wins. "Could you speak freely" is asked next."""
    row = await _feedback_of(session, member, session_id, score)
    if row is None:
        session.add(
            SessionFeedback(
                session_id=session_id, person_id=member.person_id, usefulness=score, answered_at=now
            )
        )
    else:
        row.usefulness, row.answered_at = score, now
    await session.flush()
    await conversation.clear(session, member.person_id, TAKEAWAY_FLOW)


async def speak_freely(
    session: AsyncSession, member: MemberView, session_id: int, score: int, now: datetime
) -> None:
    """"I could speak freely in the session" (1 = not at all, 5 = fully); then wait for the takeaway."""
    row = await _feedback_of(session, member, session_id, score)
    if row is None:
        raise DomainError("stale")
    row.spoke_freely, row.answered_at = score, now
    await session.flush()
    await conversation.expect(
        session, member.person_id, TAKEAWAY_FLOW, "text", now, {"session_id": session_id}
    )


async def take_away(
    session: AsyncSession, member: MemberView, session_id: int, text: str | None, now: datetime
) -> None:
    """The attendee's one takeaway, or None when they skip."""
    if text is not None:
        text = text.strip()
        if not text:
            raise DomainError("empty_text")
        if len(text) > TAKEAWAY_MAX:
            raise DomainError("text_too_long", limit=TAKEAWAY_MAX, length=len(text))
    row = await session.get(SessionFeedback, (session_id, member.person_id))
    if row is None:
        raise DomainError("stale")
    if text is not None:
        row.takeaway, row.answered_at = text, now
    await conversation.clear(session, member.person_id, TAKEAWAY_FLOW)


async def takeaway_todo(session: AsyncSession, member: MemberView, session_id: int, now: datetime) -> int:
    """Turn the attendee's takeaway into an open to-do linked to the session; returns its id (once only)."""
    found = await _attended(session, member, session_id)
    row = await session.get(SessionFeedback, (session_id, member.person_id))
    if row is None or not row.takeaway:
        raise DomainError("stale")
    text = row.takeaway[:TODO_TEXT_MAX]
    existing = await session.scalar(
        select(Todo.id).where(Todo.person_id == member.person_id, Todo.session_id == session_id,
                              Todo.assignment_id.is_(None), Todo.text == text)
    )
    if existing is not None:
        return existing
    group = await session.get(Group, found.group_id)
    programme = await session.get(Programme, group.programme_id) if group else None
    assert programme is not None
    todo = Todo(person_id=member.person_id, group_id=found.group_id, text=text, status="open",
                due_kind="none", session_id=session_id, week=programme_week(programme, now),
                created_at=now, updated_at=now)
    session.add(todo)
    await session.flush()
    return todo.id
