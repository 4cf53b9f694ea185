"""Group sessions ("grup mentorluk görüşmesi", standard E.1.3): plan, move, cancel, RSVP.

A mentor of the group plans a session; every member (its mentees and the other
mentors) is invited through the outbox, with reminders queued at planning time
(`not_before = start - offset`, `expires_at = start`). Moving or cancelling
cancels the rows still pending for the old time and queues the notices.
The digest feature reads `next_session` and `attendance`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from mentoring import access, outbox
from mentoring.errors import DomainError
from mentoring.joining.rules import MemberView
from mentoring.sessions import agenda, notices, roster
from mentoring.sessions.roster import RsvpCounts, RsvpNames
from storage.models import Group, Membership, OutboxMessage, Person, Programme, Role
from storage.models.sessions import (
    DEFAULT_REMINDER_HOURS,
    AgendaTopic,
    GroupSession,
    SessionAttendance,
    SessionRsvp,
)

PLACE_MAX = 300


@dataclass(frozen=True)
class NextSession:
    session_id: int
    starts_at: datetime
    zone: str
    place: str
    topic_title: str | None
    rsvp: RsvpCounts


@dataclass(frozen=True)
class HeldSession:
    session_id: int
    starts_at: datetime
    attendees: int
    members: int
    minutes_recorded: bool


@dataclass(frozen=True)
class SessionView:
    """A session as one reader sees it."""

    facts: notices.SessionFacts
    group_id: int
    cancelled: bool
    my_answer: str | None
    rsvp: RsvpCounts
    may_manage: bool
    may_answer: bool
    names: RsvpNames | None = None  # for the group's mentors; others see the counts only


@dataclass(frozen=True)
class SessionPlan:
    group_id: int
    starts_at: datetime
    place: str
    topic_id: int | None = None
    reminder_hours: tuple[int, ...] = tuple(DEFAULT_REMINDER_HOURS)


class SessionClosed(DomainError):
    """A button or request about a session that is cancelled or already started."""

    def __init__(self, reason: str) -> None:
        super().__init__("session_closed", reason=reason)


async def group_zone(session: AsyncSession, group: Group) -> str:
    if group.timezone:
        return group.timezone
    programme = await session.get(Programme, group.programme_id)
    assert programme is not None
    return programme.timezone


async def members(session: AsyncSession, group_id: int) -> list[Person]:
    """The group's current mentees and mentors (each once), in the order they joined."""
    rows = await session.scalars(
        select(Person)
        .join(Membership, Membership.person_id == Person.id)
        .where(
            Membership.group_id == group_id,
            Membership.left_at.is_(None),
            Membership.role.in_((Role.MENTEE.value, Role.MENTOR.value)),
        )
        .order_by(Membership.joined_at, Membership.id)
    )
    return list(dict.fromkeys(rows))


async def facts_of(session: AsyncSession, found: GroupSession) -> notices.SessionFacts:
    group = await session.get(Group, found.group_id)
    assert group is not None
    topic = await session.get(AgendaTopic, found.topic_id) if found.topic_id else None
    if topic is None:
        topic = await agenda.next_topic(session, group.id)
    return notices.SessionFacts(
        found.id,
        found.version,
        group.name,
        found.starts_at,
        await group_zone(session, group),
        found.place,
        topic.title if topic else None,
    )


def clean_place(text: str) -> str:
    place = text.strip()
    if not place:
        raise DomainError("empty_place")
    if len(place) > PLACE_MAX:
        raise DomainError("place_too_long", limit=PLACE_MAX, length=len(place))
    return place


async def _planned(session: AsyncSession, session_id: int, now: datetime) -> GroupSession:
    """A session that can still be answered, moved or cancelled (locked until the transaction ends).

    The lock orders an RSVP and a mentor's move: otherwise an answer read
    against the old time could bring back reminders the move had cancelled.
    It is taken with a write, which locks on both databases: PostgreSQL locks
    the row, SQLite begins its write transaction here. `SELECT ... FOR UPDATE`
    locks nothing on SQLite, where a read before a transaction's first write
    holds no lock and different people's updates run at once (bot/app.py). The
    row is then read afresh: a copy the caller loaded earlier may predate the
    lock (populate_existing).
    """
    await session.execute(
        update(GroupSession).where(GroupSession.id == session_id)
        .values(version=GroupSession.version).execution_options(synchronize_session=False)
    )
    found = await session.scalar(
        select(GroupSession).where(GroupSession.id == session_id)
        .execution_options(populate_existing=True)
    )
    if found is None:
        raise access.AccessDenied("session")
    if found.status == "cancelled":
        raise SessionClosed("cancelled")
    if found.starts_at <= now:
        raise SessionClosed("started")
    return found


async def _queue_for_time(
    session: AsyncSession,
    found: GroupSession,
    facts: notices.SessionFacts,
    first: list,
    now: datetime,
) -> None:
    """Queue the first notice (invitation or moved) and the reminders for the session's time."""
    answers = await roster.answers(session, found.id)
    reminders = [
        notices.reminder(facts, person, hours)
        for person in await members(session, found.group_id)
        if answers.get(person.id) != "no"
        for hours in found.reminder_hours
        if facts.starts_at - timedelta(hours=hours) > now
    ]
    await outbox.enqueue(session, first + reminders, now)


async def plan(
    session: AsyncSession, member: MemberView, spec: SessionPlan, now: datetime
) -> GroupSession:
    """Plan a session, invite every other member and queue the reminders."""
    access.require(access.may_plan_sessions(member, spec.group_id), "session_plan")
    if spec.starts_at <= now:
        raise DomainError("start_in_past")
    if spec.topic_id is not None:
        topic = await session.get(AgendaTopic, spec.topic_id)
        if topic is None or topic.group_id != spec.group_id:
            raise access.AccessDenied("session_topic")
    found = GroupSession(
        group_id=spec.group_id,
        starts_at=spec.starts_at,
        place=clean_place(spec.place),
        topic_id=spec.topic_id,
        reminder_hours=sorted(set(spec.reminder_hours), reverse=True),
        version=1,
        status="planned",
        created_by=member.person_id,
        created_at=now,
    )
    session.add(found)
    await session.flush()
    session.add(
        SessionRsvp(session_id=found.id, person_id=member.person_id, answer="yes", answered_at=now)
    )
    await session.flush()
    facts = await facts_of(session, found)
    invited = [p for p in await members(session, found.group_id) if p.id != member.person_id]
    await _queue_for_time(
        session, found, facts, [notices.invitation(facts, p, now) for p in invited], now
    )
    return found


async def _cancel_pending(
    session: AsyncSession, batch: str, *, person_id: int | None = None, kind: str | None = None
) -> None:
    statement = update(OutboxMessage).where(
        OutboxMessage.batch_key == batch, OutboxMessage.status == "pending"
    )
    if person_id is not None:
        statement = statement.where(OutboxMessage.person_id == person_id)
    if kind is not None:
        statement = statement.where(OutboxMessage.kind == kind)
    await session.execute(statement.values(status="cancelled"))


async def _managed(
    session: AsyncSession, member: MemberView, session_id: int, now: datetime
) -> GroupSession:
    found = await _planned(session, session_id, now)
    access.require(access.may_plan_sessions(member, found.group_id), "session_manage")
    return found


async def manageable(
    session: AsyncSession, member: MemberView, session_id: int, now: datetime
) -> SessionView:
    """A session the member may still move or cancel (refused early, before asking anything)."""
    return await view_of(session, member, await _managed(session, member, session_id, now))


async def move(
    session: AsyncSession, member: MemberView, session_id: int, starts_at: datetime, now: datetime
) -> GroupSession:
    """Move a session: the old time's pending rows are cancelled, everyone hears of the new time."""
    found = await _managed(session, member, session_id, now)
    if starts_at <= now:
        raise DomainError("start_in_past")
    if starts_at == found.starts_at:
        return found
    await _cancel_pending(session, notices.batch_key(found.id, found.version))
    found.starts_at, found.version = starts_at, found.version + 1
    await session.flush()
    facts = await facts_of(session, found)
    others = [p for p in await members(session, found.group_id) if p.id != member.person_id]
    await _queue_for_time(
        session, found, facts, [notices.moved(facts, p, now) for p in others], now
    )
    return found


async def cancel(
    session: AsyncSession, member: MemberView, session_id: int, now: datetime
) -> SessionView:
    """Cancel a session: nothing more is sent for it, and everyone is told."""
    found = await _managed(session, member, session_id, now)
    await _cancel_pending(session, notices.batch_key(found.id, found.version))
    found.status, found.cancelled_at = "cancelled", now
    await session.flush()
    facts = await facts_of(session, found)
    others = [p for p in await members(session, found.group_id) if p.id != member.person_id]
    await outbox.enqueue(session, [notices.cancelled(facts, p, now) for p in others], now)
    return await view_of(session, member, found)


async def answer(
    session: AsyncSession, member: MemberView, session_id: int, reply: str, now: datetime
) -> SessionView:
    """A member's own RSVP; the latest answer wins.

    "No" cancels their pending reminders; a later yes or maybe restores those still ahead.
    """
    if reply not in notices.ANSWER_CODES:
        raise access.AccessDenied("session_rsvp")
    found = await session.get(GroupSession, session_id)
    if found is None or not access.may_answer_sessions_of(member, found.group_id):
        raise access.AccessDenied("session_rsvp")
    found = await _planned(session, session_id, now)
    row = await session.get(SessionRsvp, (found.id, member.person_id))
    if row is None:
        session.add(
            SessionRsvp(
                session_id=found.id, person_id=member.person_id, answer=reply, answered_at=now
            )
        )
    else:
        row.answer, row.answered_at = reply, now
    batch = notices.batch_key(found.id, found.version)
    if reply == "no":
        await _cancel_pending(session, batch, person_id=member.person_id, kind="session_reminder")
    else:
        await _restore_reminders(session, found, member.person_id, now)
    await session.flush()
    return await view_of(session, member, found)


async def _restore_reminders(
    session: AsyncSession, found: GroupSession, person_id: int, now: datetime
) -> None:
    """Reminders still ahead for someone who now comes: queue the missing, revive the cancelled."""
    person = await session.get(Person, person_id)
    assert person is not None
    facts = await facts_of(session, found)
    ahead = [h for h in found.reminder_hours if facts.starts_at - timedelta(hours=h) > now]
    await outbox.enqueue(session, [notices.reminder(facts, person, h) for h in ahead], now)
    await session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.batch_key == notices.batch_key(found.id, found.version),
            OutboxMessage.person_id == person_id,
            OutboxMessage.kind == "session_reminder",
            OutboxMessage.status == "cancelled",
            OutboxMessage.not_before > now,
        )
        .values(status="pending")
    )


async def _roster(session: AsyncSession, found: GroupSession) -> tuple[RsvpCounts, RsvpNames]:
    """The session's RSVP roster over the group's current members (`roster.tally`)."""
    people = await members(session, found.group_id)
    return roster.tally(people, await roster.answers(session, found.id))


async def view_of(session: AsyncSession, member: MemberView, found: GroupSession) -> SessionView:
    group = await session.get(Group, found.group_id)
    assert group is not None
    access.require(
        access.may_see_group_figures(member, group.id, group.programme_id)
        or access.may_answer_sessions_of(member, group.id),
        "session_view",
    )
    mine = await session.get(SessionRsvp, (found.id, member.person_id))
    counts, names = await _roster(session, found)
    return SessionView(
        await facts_of(session, found),
        found.group_id,
        found.status == "cancelled",
        mine.answer if mine else None,
        counts,
        access.may_plan_sessions(member, group.id),
        access.may_answer_sessions_of(member, group.id),
        # Names are for the group's mentors (a mentor sees the groups they mentor); a coordinator
        # sees numbers only, a mentee their own answer.
        names if access.is_mentor_of(member, group.id) else None,
    )


async def view(session: AsyncSession, member: MemberView, session_id: int) -> SessionView:
    found = await session.get(GroupSession, session_id)
    if found is None:
        raise access.AccessDenied("session_view")
    return await view_of(session, member, found)


async def upcoming(
    session: AsyncSession, member: MemberView, now: datetime, limit: int = 5
) -> list[SessionView]:
    """The next planned sessions of the member's groups (for coordinators: of their programmes)."""
    groups = set(access.mentee_groups(member)) | set(access.mentored_groups(member))
    condition = GroupSession.group_id.in_(groups)
    programmes = access.coordinated_programmes(member)
    if programmes:
        condition = condition | GroupSession.group_id.in_(
            select(Group.id).where(Group.programme_id.in_(programmes))
        )
    rows = await session.scalars(
        select(GroupSession)
        .where(condition, GroupSession.status == "planned", GroupSession.starts_at > now)
        .order_by(GroupSession.starts_at, GroupSession.id)
        .limit(limit)
    )
    return [await view_of(session, member, found) for found in rows]


async def next_session(session: AsyncSession, group_id: int, now: datetime) -> NextSession | None:
    """For the digest: the group's next planned session with its RSVP counts."""
    found = await session.scalar(
        select(GroupSession)
        .where(
            GroupSession.group_id == group_id,
            GroupSession.status == "planned",
            GroupSession.starts_at > now,
        )
        .order_by(GroupSession.starts_at, GroupSession.id)
        .limit(1)
    )
    if found is None:
        return None
    facts = await facts_of(session, found)
    return NextSession(
        found.id,
        found.starts_at,
        facts.zone,
        found.place,
        facts.topic,
        (await _roster(session, found))[0],
    )


async def attendance(session: AsyncSession, group_id: int) -> list[HeldSession]:
    """For the digest and reports: the group's held sessions (attendance recorded), oldest first."""
    rows = await session.execute(
        select(GroupSession, func.count(SessionAttendance.person_id))
        .outerjoin(SessionAttendance, SessionAttendance.session_id == GroupSession.id)
        .where(
            GroupSession.group_id == group_id,
            GroupSession.status == "planned",
            GroupSession.attendance_recorded_at.is_not(None),
        )
        .group_by(GroupSession.id)
        .order_by(GroupSession.starts_at)
    )
    size = len(await members(session, group_id))
    return [
        HeldSession(found.id, found.starts_at, count, size, found.minutes_at is not None)
        for found, count in rows.all()
    ]
