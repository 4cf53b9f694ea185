"""Coordinator broadcasts: compose a draft, preview it, confirm, cancel.

Every step is written to the draft's `broadcasts` row (and, while Narbot waits
for the text or a send time, to `conversation_states`), so a restart in the
middle of the flow continues where the coordinator was. Confirming queues one
outbox row per recipient in the same transaction as the status change; the
sender delivers them and records each result.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from mentoring import conversation
from mentoring.access import AccessDenied, may_compose_broadcast, may_coordinate, require
from mentoring.broadcasts.audience import (
    AudienceSize,
    audience_size,
    group_in_programme,
    group_names,
    province_has_groups,
    recipients,
)
from mentoring.broadcasts.progress import Counts
from mentoring.dates import example, local_today, parse_day
from mentoring.errors import DomainError
from mentoring.i18n import translator
from mentoring.joining.rules import MemberView
from mentoring.outbox import Outgoing, enqueue
from mentoring.screens import Lines, Raw, Text, Words
from storage.models import OutboxMessage, Person, Programme, Province, Role
from storage.models.broadcasts import AUDIENCE_ROLES, Broadcast
from storage.models.outbox import PRIORITY_BULK

FLOW = "broadcast"
# Telegram allows 4096 characters; the rest is room for the translated header.
MAX_TEXT_LENGTH = 3500
# A day as people type it (mentoring.dates), then a time: "31.12.2026 10:00", "yarın 9:30", "cuma 18.00".
_TYPED_TIME = re.compile(r"^(.*\S)\s+(\d{1,2})[:.](\d{2})$")
EXAMPLE_TIME = "10:00"


class BroadcastGone(DomainError):
    """The draft was sent, discarded or replaced: its buttons no longer apply."""

    def __init__(self) -> None:
        super().__init__("broadcast_gone")


@dataclass(frozen=True)
class DraftView:
    broadcast_id: int
    programme_id: int
    programme_name: str
    author_name: str
    scope: str | None
    province_name: str | None
    group_ids: tuple[int, ...]
    group_names: tuple[str, ...]
    audience_role: str | None
    text: str | None
    send_at: datetime | None
    size: AudienceSize | None = None  # only computed for the preview


@dataclass(frozen=True)
class Confirmed:
    broadcast_id: int
    queued: int
    send_at: datetime
    already: bool = False  # a second tap: nothing new was queued


def text_length(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units, so an emoji counts twice)."""
    return len(text.encode("utf-16-le")) // 2


def checked_text(text: str) -> str:
    """The announcement's text as kept: stripped; an empty or too long one is refused."""
    text = text.strip()
    if not text:
        raise DomainError("broadcast_empty")
    if text_length(text) > MAX_TEXT_LENGTH:
        raise DomainError("broadcast_too_long", length=text_length(text), limit=MAX_TEXT_LENGTH)
    return text


def announcement_words(author_name: str, text: str) -> Words:
    """The message as a reader receives it: a header in their language, then the coordinator's words."""
    header = Lines(Raw("📣"), Text("Announcement from the coordinator {name}", name=author_name), sep=" ")
    return Lines(header, Raw(""), Raw(text))


def announcement(locale: str, author_name: str, text: str) -> str:
    """The announcement rendered for a reader of `locale` (each copy is queued already worded)."""
    return announcement_words(author_name, text).render(translator(locale))


def programmes_to_coordinate(member: MemberView) -> list[tuple[int, str]]:
    seen: dict[int, str] = {}
    for view in member.roles:
        if view.role is Role.COORDINATOR:
            seen.setdefault(view.programme_id, view.programme_name)
    return list(seen.items())


async def _view(session: AsyncSession, broadcast: Broadcast, *, with_size: bool = False) -> DraftView:
    programme = await session.get(Programme, broadcast.programme_id)
    author = await session.get(Person, broadcast.person_id)
    province = await session.get(Province, broadcast.province_id) if broadcast.province_id else None
    assert programme is not None and author is not None
    names = await group_names(session, broadcast.programme_id, broadcast.group_ids or [])
    return DraftView(
        broadcast_id=broadcast.id,
        programme_id=programme.id,
        programme_name=programme.name,
        author_name=author.display_name,
        scope=broadcast.scope,
        province_name=province.name if province else None,
        group_ids=tuple(broadcast.group_ids or ()),
        group_names=tuple(names),
        audience_role=broadcast.audience_role,
        text=broadcast.text,
        send_at=broadcast.send_at,
        size=await audience_size(session, broadcast) if with_size else None,
    )


async def view_of(session: AsyncSession, broadcast: Broadcast, *, with_size: bool = False) -> DraftView:
    """Any broadcast, sent ones too, as the screens read it (who may see it is the caller's rule)."""
    return await _view(session, broadcast, with_size=with_size)


async def _draft(session: AsyncSession, member: MemberView, broadcast_id: int) -> Broadcast:
    """The member's own draft; someone else's is refused, a finished one is stale."""
    broadcast = await session.get(Broadcast, broadcast_id)
    if broadcast is None:
        raise BroadcastGone()
    require(may_compose_broadcast(member, broadcast.person_id, broadcast.programme_id), "broadcast")
    if broadcast.status != "draft":
        raise BroadcastGone()
    return broadcast


async def start_draft(session: AsyncSession, member: MemberView, programme_id: int, now: datetime) -> DraftView:
    """A fresh draft for the programme; an unfinished earlier draft of the member is dropped."""
    require(may_coordinate(member, programme_id), "broadcast")
    await _drop_drafts(session, member.person_id)
    broadcast = Broadcast(
        programme_id=programme_id, person_id=member.person_id, status="draft", group_ids=[], created_at=now
    )
    session.add(broadcast)
    await session.flush()
    return await _view(session, broadcast)


async def _drop_drafts(session: AsyncSession, person_id: int) -> None:
    old = await session.scalars(
        select(Broadcast).where(Broadcast.person_id == person_id, Broadcast.status == "draft")
    )
    for unfinished in old.all():
        await session.delete(unfinished)
    await conversation.clear(session, person_id, flow=FLOW)
    await session.flush()


async def stop_waiting(session: AsyncSession, person_id: int) -> None:
    """Forget a wait for text whose draft is gone."""
    await conversation.clear(session, person_id, flow=FLOW)


async def draft(session: AsyncSession, member: MemberView, broadcast_id: int) -> DraftView:
    return await _view(session, await _draft(session, member, broadcast_id))


async def choose_scope(session: AsyncSession, member: MemberView, broadcast_id: int, scope: str) -> DraftView:
    """The whole programme, or start choosing groups (a province is chosen with `choose_province`)."""
    broadcast = await _draft(session, member, broadcast_id)
    if scope not in ("programme", "groups") or (scope == "groups" and not broadcast.group_ids):
        raise BroadcastGone()
    broadcast.scope = scope
    if scope == "programme":
        broadcast.province_id, broadcast.group_ids = None, []
    await session.flush()
    return await _view(session, broadcast)


async def choose_province(
    session: AsyncSession, member: MemberView, broadcast_id: int, province_id: int
) -> DraftView:
    broadcast = await _draft(session, member, broadcast_id)
    # A province without groups in this programme is not on offer (or the data was forged).
    require(await province_has_groups(session, broadcast.programme_id, province_id), "broadcast")
    broadcast.scope, broadcast.province_id, broadcast.group_ids = "province", province_id, []
    await session.flush()
    return await _view(session, broadcast)


async def toggle_group(session: AsyncSession, member: MemberView, broadcast_id: int, group_id: int) -> DraftView:
    broadcast = await _draft(session, member, broadcast_id)
    require(await group_in_programme(session, broadcast.programme_id, group_id), "broadcast")
    chosen = list(broadcast.group_ids or [])
    # A new list (not an in-place change) so the JSON column is written.
    broadcast.group_ids = [g for g in chosen if g != group_id] if group_id in chosen else [*chosen, group_id]
    broadcast.scope, broadcast.province_id = "groups", None
    await session.flush()
    return await _view(session, broadcast)


async def choose_role(
    session: AsyncSession, member: MemberView, broadcast_id: int, role: str, now: datetime
) -> DraftView:
    """Set the role filter; wait for the text unless the draft already has one."""
    broadcast = await _draft(session, member, broadcast_id)
    if role not in AUDIENCE_ROLES or broadcast.scope is None:
        raise BroadcastGone()
    if broadcast.scope == "groups" and not broadcast.group_ids:
        raise BroadcastGone()
    broadcast.audience_role = role
    if broadcast.text is None:
        await conversation.expect(session, member.person_id, FLOW, "text", now, {"broadcast_id": broadcast.id})
    await session.flush()
    return await _view(session, broadcast, with_size=broadcast.text is not None)


async def ask_text(session: AsyncSession, member: MemberView, broadcast_id: int, now: datetime) -> DraftView:
    broadcast = await _draft(session, member, broadcast_id)
    await conversation.expect(session, member.person_id, FLOW, "text", now, {"broadcast_id": broadcast.id})
    return await _view(session, broadcast)


async def set_text(
    session: AsyncSession, member: MemberView, broadcast_id: int, text: str, now: datetime
) -> DraftView:
    """Keep the announcement's text and show the preview; too long a text is refused and kept waiting."""
    broadcast = await _draft(session, member, broadcast_id)
    broadcast.text = checked_text(text)
    await conversation.clear(session, member.person_id, flow=FLOW)
    await session.flush()
    return await _view(session, broadcast, with_size=True)


@dataclass(frozen=True)
class Composition:
    """A whole draft given at once (the web console's form): audience, text and send time."""

    scope: str  # "programme", "province" or "groups"
    audience_role: str  # "all", "mentor" or "mentee"
    text: str
    province_id: int | None = None
    group_ids: tuple[int, ...] = ()
    send_at: datetime | None = None  # None: as soon as confirmed


async def compose(
    session: AsyncSession, member: MemberView, programme_id: int, given: Composition, now: datetime,
    *, broadcast_id: int | None = None,
) -> DraftView:
    """Write a draft from one form, ready for the preview, without waiting in the chat for anything.

    A new draft replaces the member's unfinished one (as /broadcast does); `broadcast_id` changes
    the member's own draft instead. Provinces and groups outside the programme are refused.
    """
    require(may_coordinate(member, programme_id), "broadcast")
    if given.scope not in ("programme", "province", "groups") or given.audience_role not in AUDIENCE_ROLES:
        raise BroadcastGone()
    if given.scope == "province":
        require(given.province_id is not None
                and await province_has_groups(session, programme_id, given.province_id), "broadcast")
    if given.scope == "groups":
        require(bool(given.group_ids), "broadcast")
        for group_id in given.group_ids:
            require(await group_in_programme(session, programme_id, group_id), "broadcast")
    if given.send_at is not None and given.send_at <= now:
        raise DomainError("broadcast_time_passed")
    text = checked_text(given.text)
    if broadcast_id is None:
        await _drop_drafts(session, member.person_id)
        broadcast = Broadcast(programme_id=programme_id, person_id=member.person_id, status="draft",
                              group_ids=[], created_at=now)
        session.add(broadcast)
    else:
        broadcast = await _draft(session, member, broadcast_id)
        require(broadcast.programme_id == programme_id, "broadcast")
        await conversation.clear(session, member.person_id, flow=FLOW)  # the chat waits for nothing now
    broadcast.scope, broadcast.audience_role, broadcast.text = given.scope, given.audience_role, text
    broadcast.province_id = given.province_id if given.scope == "province" else None
    broadcast.group_ids = sorted(set(given.group_ids)) if given.scope == "groups" else []
    broadcast.send_at = given.send_at
    await session.flush()
    return await _view(session, broadcast, with_size=True)


async def ask_send_time(session: AsyncSession, member: MemberView, broadcast_id: int, now: datetime) -> DraftView:
    broadcast = await _draft(session, member, broadcast_id)
    await conversation.expect(session, member.person_id, FLOW, "time", now, {"broadcast_id": broadcast.id})
    return await _view(session, broadcast)


def time_example(zone: str, now: datetime) -> str:
    """A send time to show as an example: a week from today in the reader's zone, at 10:00."""
    return f"{example(local_today(now, zone))} {EXAMPLE_TIME}"


def parse_send_time(typed: str, zone: str, now: datetime) -> datetime:
    """A typed local day and time ("31.12.2026 10:00", "yarın 9:30") as a UTC moment in the future."""
    match = _TYPED_TIME.match(typed.strip())
    if match is None:
        raise DomainError("broadcast_bad_time", example=time_example(zone, now))
    day = parse_day(match[1], local_today(now, zone))  # refused as bad_date or no_such_date
    hour, minute = int(match[2]), int(match[3])
    if hour > 23 or minute > 59:
        raise DomainError("broadcast_bad_time", example=time_example(zone, now))
    local = datetime.combine(day, time(hour, minute), tzinfo=ZoneInfo(zone))
    moment = local.astimezone(UTC)
    if moment <= now:
        raise DomainError("broadcast_time_passed")
    return moment


async def set_send_time(
    session: AsyncSession, member: MemberView, broadcast_id: int, typed: str, now: datetime
) -> DraftView:
    broadcast = await _draft(session, member, broadcast_id)
    broadcast.send_at = parse_send_time(typed, member.timezone, now)
    await conversation.clear(session, member.person_id, flow=FLOW)
    await session.flush()
    return await _view(session, broadcast, with_size=True)


async def send_now_instead(session: AsyncSession, member: MemberView, broadcast_id: int) -> DraftView:
    broadcast = await _draft(session, member, broadcast_id)
    broadcast.send_at = None
    await conversation.clear(session, member.person_id, flow=FLOW)
    await session.flush()
    return await _view(session, broadcast, with_size=True)


async def preview(session: AsyncSession, member: MemberView, broadcast_id: int) -> DraftView:
    return await _view(session, await _draft(session, member, broadcast_id), with_size=True)


async def discard(session: AsyncSession, member: MemberView, broadcast_id: int) -> None:
    await _draft(session, member, broadcast_id)
    await _drop_drafts(session, member.person_id)


async def confirm(
    session: AsyncSession, member: MemberView, broadcast_id: int, now: datetime,
    *, progress_chat_id: str | None, progress_message_id: int | None,
) -> Confirmed:
    """Queue one message per recipient and mark the broadcast "sending", in one transaction.

    A second tap finds it already sending and queues nothing (the outbox keys
    would refuse a second copy anyway).
    """
    broadcast = await session.get(Broadcast, broadcast_id)
    if broadcast is None:
        raise BroadcastGone()
    require(may_compose_broadcast(member, broadcast.person_id, broadcast.programme_id), "broadcast")
    if broadcast.status != "draft":
        return Confirmed(broadcast.id, 0, broadcast.send_at or now, already=True)
    if broadcast.text is None or broadcast.scope is None or broadcast.audience_role is None:
        raise BroadcastGone()
    people = await recipients(session, broadcast)
    if not people:
        raise DomainError("broadcast_nobody")
    send_at = max(broadcast.send_at or now, now)
    # Conditional, so two taps racing in two transactions confirm once.
    taken = await session.execute(
        update(Broadcast)
        .where(Broadcast.id == broadcast.id, Broadcast.status == "draft")
        .values(
            status="sending", confirmed_at=now, send_at=send_at,
            progress_chat_id=progress_chat_id, progress_message_id=progress_message_id,
            shown_counts=Counts(waiting=len(people)).as_dict(),
        )
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != 1:
        return Confirmed(broadcast.id, 0, send_at, already=True)
    author = await session.get(Person, broadcast.person_id)
    assert author is not None
    batch = f"broadcast:{broadcast.id}"
    queued = await enqueue(session, [
        Outgoing(
            idempotency_key=f"{batch}:{person.person_id}",
            kind="broadcast",
            text=announcement(person.locale, author.display_name, broadcast.text),
            not_before=send_at,
            person_id=person.person_id,
            priority=PRIORITY_BULK,
            respect_quiet_hours=True,
            batch_key=batch,
            mentions=(author.id,),  # signed with their name, and their words
        )
        for person in people
    ], now)
    await conversation.clear(session, member.person_id, flow=FLOW)
    return Confirmed(broadcast.id, queued, send_at)


async def cancel(session: AsyncSession, member: MemberView, broadcast_id: int, now: datetime) -> int:
    """Stop what has not gone out yet; returns how many messages were cancelled.

    Any coordinator of the broadcast's programme may cancel it. Messages the
    sender has already sent (or is sending this moment) are not recalled.
    """
    broadcast = await session.get(Broadcast, broadcast_id)
    if broadcast is None:
        raise BroadcastGone()
    if not may_coordinate(member, broadcast.programme_id):
        raise AccessDenied("broadcast_cancel")
    if broadcast.status != "sending" or broadcast.cancelled_at is not None:
        raise BroadcastGone()
    stopped = await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.batch_key == f"broadcast:{broadcast.id}", OutboxMessage.status == "pending")
        .values(status="cancelled")
        .execution_options(synchronize_session=False)
    )
    broadcast.cancelled_at = now
    await session.flush()
    return stopped.rowcount or 0
