"""A group's formal agenda ("formal gündem"): the topics its mentors plan to work on, in order.

Mentors of the group keep it; the group's mentees and the programme's
coordinators may read it (mentees also propose topics: `mentoring.sessions.proposals`).
The first topic not yet covered is "the next topic", shown in session invitations.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from mentoring import access, conversation
from mentoring.errors import DomainError
from mentoring.joining.rules import MemberView
from storage.models import Group, Person
from storage.models.agenda import AgendaProposal, AgendaRole
from storage.models.sessions import AgendaTopic

TITLE_MAX = 200
ADD_FLOW = "agenda_add"
GROUPS_SHOWN = 30


@dataclass(frozen=True)
class TopicView:
    id: int
    title: str
    covered: bool
    group_id: int


@dataclass(frozen=True)
class RoleLine:
    """A mentee asked to take a role on a topic, and their answer so far (shown to the group's mentors)."""

    id: int
    topic_id: int
    name: str
    role: str  # storage.models.agenda.ROLE_KINDS
    status: str  # "asked" | "accepted" | "declined"


@dataclass(frozen=True)
class AgendaView:
    group_id: int
    group_name: str
    topics: tuple[TopicView, ...]
    may_edit: bool
    may_propose: bool = False  # a mentee of the group
    pending: int = 0  # proposals waiting for a decision (mentors only)
    roles: tuple[RoleLine, ...] = ()  # mentors only


async def _group(session: AsyncSession, group_id: int) -> Group:
    group = await session.get(Group, group_id)
    if group is None:
        raise access.AccessDenied("agenda")
    return group


async def _topics(session: AsyncSession, group_id: int) -> list[AgendaTopic]:
    rows = await session.scalars(
        select(AgendaTopic)
        .where(AgendaTopic.group_id == group_id)
        .order_by(AgendaTopic.position, AgendaTopic.id)
    )
    return list(rows)


async def view(session: AsyncSession, member: MemberView, group_id: int) -> AgendaView:
    """The agenda of a group, for its mentors (to edit), its mentees (to read and propose) or its
    coordinators (to read)."""
    group = await _group(session, group_id)
    mentee = access.is_mentee_of(member, group.id)
    access.require(mentee or access.may_see_group_figures(member, group.id, group.programme_id), "agenda")
    topics = await _topics(session, group.id)
    may_edit = access.is_mentor_of(member, group.id)
    return AgendaView(
        group.id,
        group.name,
        tuple(TopicView(t.id, t.title, t.covered_at is not None, t.group_id) for t in topics),
        may_edit,
        may_propose=mentee,
        pending=await pending_count(session, group.id) if may_edit else 0,
        roles=tuple(await role_lines(session, [t.id for t in topics])) if may_edit and topics else (),
    )


async def pending_count(session: AsyncSession, group_id: int) -> int:
    return await session.scalar(select(func.count()).where(
        AgendaProposal.group_id == group_id, AgendaProposal.status == "pending")) or 0


async def role_lines(session: AsyncSession, topic_ids: list[int]) -> list[RoleLine]:
    """The roles asked on these topics, with the mentees' names, in the order they were asked."""
    rows = await session.execute(
        select(AgendaRole.id, AgendaRole.topic_id, Person.display_name, AgendaRole.role, AgendaRole.status)
        .join(Person, Person.id == AgendaRole.person_id)
        .where(AgendaRole.topic_id.in_(topic_ids))
        .order_by(AgendaRole.asked_at, AgendaRole.id)
    )
    return [RoleLine(*row) for row in rows.all()]


async def next_topic(session: AsyncSession, group_id: int) -> AgendaTopic | None:
    """The first topic of the agenda not yet covered."""
    return await session.scalar(
        select(AgendaTopic)
        .where(AgendaTopic.group_id == group_id, AgendaTopic.covered_at.is_(None))
        .order_by(AgendaTopic.position, AgendaTopic.id)
        .limit(1)
    )


async def open_topics(session: AsyncSession, group_id: int) -> list[AgendaTopic]:
    return [t for t in await _topics(session, group_id) if t.covered_at is None]


def clean_title(text: str) -> str:
    title = " ".join(text.split())
    if not title:
        raise DomainError("empty_topic")
    if len(title) > TITLE_MAX:
        raise DomainError("topic_too_long", limit=TITLE_MAX, length=len(title))
    return title


async def groups_for(session: AsyncSession, member: MemberView) -> list[tuple[int, str]]:
    """Groups whose agenda the member may open: those they mentor or are a mentee of, then their
    programmes' groups."""
    mine = {*access.mentored_groups(member), *access.mentee_groups(member)}
    found = {v.group_id: v.group_name or "" for v in member.roles if v.group_id in mine}
    programmes = access.coordinated_programmes(member)
    if programmes:
        rows = await session.execute(
            select(Group.id, Group.name)
            .where(Group.programme_id.in_(programmes))
            .order_by(Group.name)
            .limit(GROUPS_SHOWN)
        )
        for group_id, name in rows.all():
            found.setdefault(group_id, name)
    return list(found.items())


# The agenda is shown as one message with a row of buttons per topic: this
# keeps it well inside Telegram's 4096 characters and 100 buttons.
MAX_TOPICS = 15


async def _check_room(session: AsyncSession, group_id: int) -> None:
    count = await session.scalar(select(func.count()).where(AgendaTopic.group_id == group_id))
    if (count or 0) >= MAX_TOPICS:
        raise DomainError("agenda_full", limit=MAX_TOPICS)


async def begin_add(
    session: AsyncSession, member: MemberView, group_id: int, now: datetime
) -> None:
    """Wait for the title of a new topic."""
    access.require(access.may_plan_sessions(member, group_id), "agenda_edit")
    await _check_room(session, group_id)
    await conversation.expect(
        session, member.person_id, ADD_FLOW, "title", now, {"group_id": group_id}
    )


async def add_topic(
    session: AsyncSession, member: MemberView, group_id: int, text: str, now: datetime
) -> AgendaView:
    """Add a topic at the end of the agenda (mentors of the group only); ends the add flow."""
    group = await _group(session, group_id)
    access.require(access.may_plan_sessions(member, group.id), "agenda_edit")
    title = clean_title(text)
    await conversation.clear(session, member.person_id, ADD_FLOW)
    await append(session, group.id, title, member.person_id, now)
    return await view(session, member, group.id)


async def append(session: AsyncSession, group_id: int, title: str, by: int, now: datetime) -> AgendaTopic:
    """A new topic at the end of the group's agenda (the caller checked who may add it)."""
    await _check_room(session, group_id)
    last = await session.scalar(
        select(func.max(AgendaTopic.position)).where(AgendaTopic.group_id == group_id)
    )
    topic = AgendaTopic(group_id=group_id, title=title, position=(last or 0) + 1, created_by=by, created_at=now)
    session.add(topic)
    await session.flush()
    return topic


async def _editable_topic(session: AsyncSession, member: MemberView, topic_id: int) -> AgendaTopic:
    topic = await session.get(AgendaTopic, topic_id)
    if topic is None:
        raise DomainError("topic_gone")
    access.require(access.may_plan_sessions(member, topic.group_id), "agenda_edit")
    return topic


async def topic(session: AsyncSession, member: MemberView, topic_id: int) -> TopicView:
    found = await _editable_topic(session, member, topic_id)
    return TopicView(found.id, found.title, found.covered_at is not None, found.group_id)


async def move_topic(
    session: AsyncSession, member: MemberView, topic_id: int, step: int
) -> AgendaView:
    """Move a topic one place up (step -1) or down (+1); at either end nothing changes."""
    found = await _editable_topic(session, member, topic_id)
    topics = await _topics(session, found.group_id)
    index = next(i for i, t in enumerate(topics) if t.id == found.id)
    other = index + step
    if 0 <= other < len(topics):
        topics[index], topics[other] = topics[other], topics[index]
        # Renumber, so equal or gapped positions left by deletions never make a swap a no-op.
        for position, item in enumerate(topics, start=1):
            item.position = position
        await session.flush()
    return await view(session, member, found.group_id)


async def set_covered(
    session: AsyncSession, member: MemberView, topic_id: int, covered: bool, now: datetime
) -> AgendaView:
    found = await _editable_topic(session, member, topic_id)
    found.covered_at = (found.covered_at or now) if covered else None
    await session.flush()
    return await view(session, member, found.group_id)


async def delete_topic(session: AsyncSession, member: MemberView, topic_id: int) -> AgendaView:
    found = await _editable_topic(session, member, topic_id)
    group_id = found.group_id
    await session.delete(found)
    await session.flush()
    return await view(session, member, group_id)
