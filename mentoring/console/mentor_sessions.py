"""A mentor's group in the web console: its sessions and the answers to them (issue #16).

The group's upcoming sessions (cancelled ones marked) and its latest past ones (`PAST_SHOWN`), each
with its time (shown in the reader's zone), place and topic (the session's, else the agenda's next
open topic, as the invitations say), who said yes, no, not sure and who has not answered
(`mentoring.sessions.roster.tally` over the group's current members, as /sessions shows the
mentors), and for a held session who was there and who read the current minutes (📝 / ⏳, as
/sessions says it). For the group's mentors only (`mentor.mentored_group`); audited (ids only).
A fixed number of queries for the whole page, whatever the number of sessions.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from mentoring import audit
from mentoring.console.mentor import MentoredGroup, mentored_group
from mentoring.joining.rules import MemberView
from mentoring.screens import Words
from mentoring.sessions import agenda, roster
from mentoring.sessions import rules as sessions
from mentoring.sessions.followup_screens import readers_words
from mentoring.sessions.minutes import Readers
from mentoring.sessions.roster import RsvpCounts, RsvpNames
from storage.models import Group, Person
from storage.models.sessions import (
    AgendaTopic,
    GroupSession,
    SessionAttendance,
    SessionMinutesAck,
    SessionRsvp,
)

SESSIONS_VIEWED = "console.sessions"
PAST_SHOWN = 12


@dataclass(frozen=True)
class SessionRow:
    id: int
    starts_at: datetime
    place: str
    topic: str | None
    cancelled: bool
    counts: RsvpCounts
    names: RsvpNames
    present: tuple[str, ...] | None = None  # a held session whose attendance was marked: who came
    minutes: bool = False  # minutes were written
    readers: Words | None = None  # who read the current minutes (📝) and who not yet (⏳)


@dataclass(frozen=True)
class SessionsPage:
    group: MentoredGroup
    zone: str  # the group's, in which sessions are planned
    upcoming: tuple[SessionRow, ...]
    past: tuple[SessionRow, ...]  # newest first


async def sessions_page(session: AsyncSession, person: MemberView, group_id: int, now: datetime) -> SessionsPage:
    """The group's upcoming and latest past sessions with their answers, attendance and minutes read."""
    group = await mentored_group(session, person, group_id)
    found = await session.get(Group, group.id)
    assert found is not None
    zone = await sessions.group_zone(session, found)
    upcoming = list((await session.execute(
        select(GroupSession, AgendaTopic.title).outerjoin(AgendaTopic, AgendaTopic.id == GroupSession.topic_id)
        .where(GroupSession.group_id == group.id, GroupSession.starts_at > now)
        .order_by(GroupSession.starts_at, GroupSession.id)
    )).all())
    past = list((await session.execute(
        select(GroupSession, AgendaTopic.title).outerjoin(AgendaTopic, AgendaTopic.id == GroupSession.topic_id)
        .where(GroupSession.group_id == group.id, GroupSession.starts_at <= now)
        .order_by(GroupSession.starts_at.desc(), GroupSession.id.desc()).limit(PAST_SHOWN)
    )).all())
    ids = [row[0].id for row in upcoming + past]
    people = await sessions.members(session, group.id)
    answers: dict[int, dict[int, str]] = defaultdict(dict)
    present: dict[int, list[str]] = defaultdict(list)
    acks: dict[int, dict[int, int]] = defaultdict(dict)
    if ids:
        for session_id, person_id, reply in await session.execute(
                select(SessionRsvp.session_id, SessionRsvp.person_id, SessionRsvp.answer)
                .where(SessionRsvp.session_id.in_(ids))):
            answers[session_id][person_id] = reply
        for session_id, name in await session.execute(
                select(SessionAttendance.session_id, Person.display_name)
                .join(Person, Person.id == SessionAttendance.person_id)
                .where(SessionAttendance.session_id.in_(ids), Person.erased_at.is_(None))
                .order_by(SessionAttendance.session_id, Person.display_name, Person.id)):
            present[session_id].append(name)
        for session_id, person_id, version in await session.execute(
                select(SessionMinutesAck.session_id, SessionMinutesAck.person_id, SessionMinutesAck.minutes_version)
                .where(SessionMinutesAck.session_id.in_(ids))):
            acks[session_id][person_id] = version
    next_topic = await agenda.next_topic(session, group.id)

    def row(found: GroupSession, title: str | None) -> SessionRow:
        counts, names = roster.tally(people, answers.get(found.id, {}))
        held = found.status != "cancelled" and found.starts_at <= now
        marked = found.attendance_recorded_at is not None or bool(present.get(found.id))
        readers = None
        if held and found.minutes is not None:
            read = acks.get(found.id, {})
            others = [p for p in people if p.id != found.minutes_by]
            readers = readers_words(Readers(
                tuple(p.display_name for p in others if read.get(p.id) == found.minutes_version),
                tuple(p.display_name for p in others if read.get(p.id) != found.minutes_version)))
        return SessionRow(found.id, found.starts_at, found.place,
                          # An upcoming session without a topic takes the agenda's next one, as its invitation says.
                          title or (next_topic.title if next_topic is not None and found.starts_at > now else None),
                          found.status == "cancelled", counts, names,
                          tuple(present.get(found.id, ())) if held and marked else None,
                          held and found.minutes is not None, readers)

    page = SessionsPage(group, zone, tuple(row(*r) for r in upcoming), tuple(row(*r) for r in past))
    await audit.record(session, person.person_id, SESSIONS_VIEWED,
                       details={"group_id": group.id, "sessions": ids}, now=now)
    return page
