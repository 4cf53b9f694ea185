"""Planning or moving a session step by step: group -> day -> time -> place -> topic.

Where the mentor stands is a conversation state (flow "session_plan"), written
in the same transaction as each answer, so a restart continues at the same
step. Days and times are the group's local time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from mentoring import access, conversation, dates
from mentoring.errors import DomainError
from mentoring.joining.rules import MemberView
from mentoring.sessions import agenda
from mentoring.sessions import rules as sessions
from storage.models import ConversationState, Group

FLOW = "session_plan"
TIME_SLOTS = ("10:00", "14:00", "17:00", "19:00")
DAYS_OFFERED = 7
_TIME = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*$")


@dataclass(frozen=True)
class Prompt:
    """What to ask next (or what was done, at step "done" / "moved")."""

    step: str
    group_name: str = ""
    moving: bool = False
    groups: tuple[tuple[int, str], ...] = ()
    days: tuple[date, ...] = ()
    topics: tuple[tuple[int, str], ...] = ()
    view: sessions.SessionView | None = None
    invited: int = 0


async def give_typed_date(session: AsyncSession, member: MemberView, text: str, now: datetime) -> Prompt:
    """A typed day ("12.12.2026", "12 Aralık", "cuma", see `mentoring.dates`), read in the group's zone."""
    state = await _state(session, member, "date")
    _, zone = await _zone(session, state.data["group_id"])
    return await give_date(session, member, dates.parse_day(text, now.astimezone(zone).date()), now)


def parse_time(text: str) -> time:
    match = _TIME.match(text)
    if match is None or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise DomainError("bad_time")
    return time(int(match.group(1)), int(match.group(2)))


async def _zone(session: AsyncSession, group_id: int) -> tuple[Group, ZoneInfo]:
    group = await session.get(Group, group_id)
    if group is None:
        raise access.AccessDenied("session_plan")
    return group, ZoneInfo(await sessions.group_zone(session, group))


async def _ask_day(
    session: AsyncSession, member: MemberView, data: dict[str, Any], now: datetime
) -> Prompt:
    group, zone = await _zone(session, data["group_id"])
    await conversation.expect(session, member.person_id, FLOW, "date", now, data)
    today = now.astimezone(zone).date()
    days = tuple(today + timedelta(days=n) for n in range(1, DAYS_OFFERED + 1))
    return Prompt("date", group.name, "session_id" in data, days=days)


async def begin(
    session: AsyncSession, member: MemberView, now: datetime, group_id: int | None = None
) -> Prompt:
    """/session: ask which group (if the mentor has several), then the day."""
    groups = access.mentored_groups(member)
    access.require(bool(groups) and (group_id is None or group_id in groups), "session_plan")
    if group_id is None and len(groups) > 1:
        names = {v.group_id: v.group_name or "" for v in member.roles if v.group_id in groups}
        return Prompt("group", groups=tuple((g, names[g]) for g in groups))
    return await _ask_day(session, member, {"group_id": group_id or groups[0]}, now)


async def begin_move(
    session: AsyncSession, member: MemberView, session_id: int, now: datetime
) -> Prompt:
    """Moving a session asks for the new day and time only."""
    view = await sessions.manageable(session, member, session_id, now)
    return await _ask_day(
        session, member, {"group_id": view.group_id, "session_id": session_id}, now
    )


async def _state(session: AsyncSession, member: MemberView, step: str) -> ConversationState:
    state = await conversation.pending(session, member.person_id)
    if state is None or state.flow != FLOW or state.step != step:
        raise DomainError("stale")
    return state


async def current_step(session: AsyncSession, member: MemberView) -> str:
    state = await conversation.pending(session, member.person_id)
    return state.step if state is not None and state.flow == FLOW else ""


async def give_date(session: AsyncSession, member: MemberView, day: date, now: datetime) -> Prompt:
    state = await _state(session, member, "date")
    group, zone = await _zone(session, state.data["group_id"])
    today = now.astimezone(zone).date()
    if day < today:
        raise DomainError("date_in_past")
    if day > today + timedelta(days=366):
        raise DomainError("date_too_far")
    data = {**state.data, "day": day.isoformat()}
    await conversation.expect(session, member.person_id, FLOW, "time", now, data)
    return Prompt("time", group.name, "session_id" in data)


async def give_time(session: AsyncSession, member: MemberView, at: time, now: datetime) -> Prompt:
    state = await _state(session, member, "time")
    group, zone = await _zone(session, state.data["group_id"])
    starts_at = datetime.combine(date.fromisoformat(state.data["day"]), at, tzinfo=zone).astimezone(
        UTC
    )
    if starts_at <= now:
        raise DomainError("start_in_past")
    data = {**state.data, "starts_at": starts_at.isoformat()}
    if "session_id" in data:
        moved = await sessions.move(session, member, data["session_id"], starts_at, now)
        await conversation.clear(session, member.person_id, FLOW)
        return Prompt(
            "moved", group.name, True, view=await sessions.view_of(session, member, moved)
        )
    await conversation.expect(session, member.person_id, FLOW, "place", now, data)
    return Prompt("place", group.name)


async def give_place(session: AsyncSession, member: MemberView, text: str, now: datetime) -> Prompt:
    state = await _state(session, member, "place")
    data = {**state.data, "place": sessions.clean_place(text)}
    topics = await agenda.open_topics(session, data["group_id"])
    if not topics:
        return await _create(session, member, data, None, now)
    await conversation.expect(session, member.person_id, FLOW, "topic", now, data)
    group, _zone_info = await _zone(session, data["group_id"])
    return Prompt("topic", group.name, topics=tuple((t.id, t.title) for t in topics))


async def give_topic(
    session: AsyncSession, member: MemberView, topic_id: int | None, now: datetime
) -> Prompt:
    state = await _state(session, member, "topic")
    return await _create(session, member, dict(state.data), topic_id, now)


async def _create(
    session: AsyncSession,
    member: MemberView,
    data: dict[str, Any],
    topic_id: int | None,
    now: datetime,
) -> Prompt:
    spec = sessions.SessionPlan(
        data["group_id"], datetime.fromisoformat(data["starts_at"]), data["place"], topic_id
    )
    created = await sessions.plan(session, member, spec, now)
    await conversation.clear(session, member.person_id, FLOW)
    view = await sessions.view_of(session, member, created)
    invited = len(await sessions.members(session, created.group_id)) - 1
    return Prompt("done", view.facts.group_name, view=view, invited=invited)


async def stop(session: AsyncSession, member: MemberView) -> None:
    await conversation.clear(session, member.person_id, FLOW)
