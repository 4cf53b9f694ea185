"""The minutes reach the group (E.1.6): each member gets them, acknowledges them, and the mentors see who did.

When a mentor saves a held session's minutes, every current member of the group
(its mentees and the other mentors, not the writer) gets them through the
outbox (kind `session_minutes`) with the to-dos set in that session for them and
an "I have read them" button (`ses:ma:<session>:<version>`). Saving the minutes
again makes a new version: the new text goes out again, a message of an older
version still waiting is withdrawn, and an acknowledgement counts only for the
version it names (an older button is refused politely).

To-dos set in a session (the rule, docs/sessions.md): a to-do a mentor gives
with /assign belongs to the group's latest session that started within the last
`LINK_WINDOW` (24 hours) and was not cancelled; a takeaway turned into a to-do
belongs to its session.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from mentoring import access, outbox
from mentoring.errors import DomainError
from mentoring.i18n import translator
from mentoring.joining.rules import MemberView
from mentoring.outbox import Button, Outgoing
from mentoring.sessions import rules as sessions
from mentoring.sessions.buttons import SESSIONS
from storage.models import OutboxMessage, Person
from storage.models.sessions import GroupSession, SessionMinutesAck
from storage.models.todos import Todo

KIND = "session_minutes"
LINK_WINDOW = timedelta(hours=24)
# The minutes are the group's record: worth reading for a month after they were sent.
READABLE = timedelta(days=30)


@dataclass(frozen=True)
class Readers:
    """Who of the group read the current minutes, and who not yet (the writer is left out)."""

    read: tuple[str, ...]
    unread: tuple[str, ...]


def batch_key(session_id: int) -> str:
    return f"session:{session_id}:minutes"


async def session_todos(session: AsyncSession, session_id: int, person_id: int) -> list[str]:
    """The texts of the to-dos set in this session for this person, oldest first."""
    rows = await session.scalars(
        select(Todo.text)
        .where(Todo.session_id == session_id, Todo.person_id == person_id, Todo.text.is_not(None))
        .order_by(Todo.id)
    )
    return [text for text in rows if text]


def _message(found: GroupSession, group_name: str, writer: str, reader: Person, todos: list[str],
             now: datetime) -> Outgoing:
    tr = translator(reader.locale)
    _ = tr.gettext
    day = tr.day(found.starts_at.astimezone(ZoneInfo(reader.timezone)).date())
    if found.minutes_version > 1:
        headline = _("📝 {name} updated the minutes of the group mentoring session of {date} ({group}):")
    else:
        headline = _("📝 The minutes of the group mentoring session of {date} ({group}), from {name}:")
    parts = [headline.format(name=writer, date=day, group=group_name), found.minutes or ""]
    if todos:
        parts.append("\n".join([_("To-dos set in this session for you:"), *(f"• {text}" for text in todos)]))
    parts.append(_("Please press the button once you have read them."))
    return Outgoing(
        idempotency_key=f"session-minutes:{found.id}:{reader.id}:{found.minutes_version}",
        kind=KIND,
        text="\n\n".join(parts),
        not_before=now,
        person_id=reader.id,
        buttons=[[Button(_("I have read them"),
                         SESSIONS.encode("ma", session=found.id, version=found.minutes_version))]],
        expires_at=now + READABLE,
        batch_key=batch_key(found.id),
        mentions=(found.minutes_by,) if found.minutes_by is not None else (),
    )


async def send(session: AsyncSession, found: GroupSession, now: datetime) -> int:
    """Queue the current minutes to every member but the writer; withdraw an older version still waiting."""
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.batch_key == batch_key(found.id), OutboxMessage.status == "pending",
               OutboxMessage.kind == KIND)
        .values(status="cancelled")
    )
    facts = await sessions.facts_of(session, found)
    writer = await session.get(Person, found.minutes_by) if found.minutes_by is not None else None
    readers = [p for p in await sessions.members(session, found.group_id) if p.id != found.minutes_by]
    messages = [
        _message(found, facts.group_name, writer.display_name if writer else "…", person,
                 await session_todos(session, found.id, person.id), now)
        for person in readers
    ]
    return await outbox.enqueue(session, messages, now)


async def acknowledge(
    session: AsyncSession, member: MemberView, session_id: int, version: int, now: datetime
) -> GroupSession:
    """The member read this version of the minutes; an older version's button is refused politely."""
    found = await session.get(GroupSession, session_id)
    groups = {*access.mentee_groups(member), *access.mentored_groups(member)}
    if found is None or found.group_id not in groups or found.minutes is None or found.status == "cancelled":
        raise access.AccessDenied("minutes_ack")
    if version != found.minutes_version:
        raise DomainError("minutes_changed")
    row = await session.get(SessionMinutesAck, (session_id, member.person_id))
    if row is None:
        session.add(SessionMinutesAck(session_id=session_id, person_id=member.person_id,
                                      minutes_version=version, acknowledged_at=now))
    elif row.minutes_version != version:
        row.minutes_version, row.acknowledged_at = version, now
    await session.flush()
    return found


async def readers(session: AsyncSession, found: GroupSession) -> Readers | None:
    """Who acknowledged the current minutes and who not yet; None while there are no minutes."""
    if found.minutes is None:
        return None
    acked = set(
        await session.scalars(
            select(SessionMinutesAck.person_id).where(
                SessionMinutesAck.session_id == found.id,
                SessionMinutesAck.minutes_version == found.minutes_version,
            )
        )
    )
    people = [p for p in await sessions.members(session, found.group_id) if p.id != found.minutes_by]
    return Readers(tuple(p.display_name for p in people if p.id in acked),
                   tuple(p.display_name for p in people if p.id not in acked))


async def linked_session(session: AsyncSession, group_id: int, now: datetime) -> int | None:
    """The session a to-do given now belongs to: the group's latest one that started within LINK_WINDOW."""
    return await session.scalar(
        select(GroupSession.id)
        .where(
            GroupSession.group_id == group_id,
            GroupSession.status == "planned",
            GroupSession.starts_at <= now,
            GroupSession.starts_at > now - LINK_WINDOW,
        )
        .order_by(GroupSession.starts_at.desc(), GroupSession.id.desc())
        .limit(1)
    )
