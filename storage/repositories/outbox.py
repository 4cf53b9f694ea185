"""Claiming and settling outbox rows for the sender; the caller owns the transaction.

Every state change is a conditional UPDATE (`WHERE status = ...`), so two
senders racing for the same row cannot both win, on SQLite or PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Row, bindparam, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ChannelIdentity, OutboxMessage, Person

_TABLE = OutboxMessage.__table__


# What the sender's claim reads, as plain rows of just these columns: loading a page of rows, their
# people and identities as ORM objects (every column, each object registered in the session) kept
# the event loop busy for 30-55 ms a page at paid-broadcast pace (issue #17), and nothing is changed
# through them. `mentoring.delivery.decide` names what it reads of each.
_DUE = select(
    _TABLE.c.id, _TABLE.c.person_id, _TABLE.c.chat_id, _TABLE.c.kind, _TABLE.c.text, _TABLE.c.buttons,
    _TABLE.c.attachment, _TABLE.c.expires_at, _TABLE.c.respect_quiet_hours, _TABLE.c.attempts,
    _TABLE.c.sent_message_id,
)
_PEOPLE, _IDENTITIES = Person.__table__.c, ChannelIdentity.__table__.c
_RECIPIENTS = select(
    _PEOPLE.id, _PEOPLE.locale, _PEOPLE.timezone, _PEOPLE.quiet_hours_start, _PEOPLE.quiet_hours_end,
    _PEOPLE.paused_until,
)
_ADDRESSES = select(
    _IDENTITIES.id, _IDENTITIES.person_id, _IDENTITIES.channel, _IDENTITIES.chat_id,
    _IDENTITIES.blocked_at, _IDENTITIES.last_inbound_at,
)


async def due(session: AsyncSession, now: datetime, limit: int, offset: int = 0) -> Sequence[Row[Any]]:
    """Due pending rows, most urgent first; on PostgreSQL locked so no other sender sees them."""
    query = (
        _DUE.where(
            _TABLE.c.status == "pending",
            _TABLE.c.not_before <= now,
            or_(_TABLE.c.next_attempt_at.is_(None), _TABLE.c.next_attempt_at <= now),
        )
        .order_by(_TABLE.c.priority, _TABLE.c.not_before, _TABLE.c.id)
        .limit(limit)
        .offset(offset)
    )
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True, of=_TABLE)
    return (await session.execute(query)).all()


async def people_and_identities(
    session: AsyncSession, person_ids: Iterable[int], channels: Collection[str]
) -> tuple[dict[int, Row[Any]], dict[int, list[Row[Any]]]]:
    """The people (locale, time zone, quiet hours, pause) and their identities on these channels."""
    ids = set(person_ids)
    if not ids:
        return {}, {}
    people = {p.id: p for p in await session.execute(_RECIPIENTS.where(_PEOPLE.id.in_(ids)))}
    identities: dict[int, list[Row[Any]]] = {}
    for identity in await session.execute(
        _ADDRESSES.where(_IDENTITIES.person_id.in_(ids), _IDENTITIES.channel.in_(list(channels)))
    ):
        identities.setdefault(identity.person_id, []).append(identity)
    return people, identities


async def _move(
    session: AsyncSession,
    ids: Iterable[int],
    from_status: str,
    values: dict[str, Any],
    claimed_at: datetime | None = None,
) -> list[int]:
    """Move rows still in `from_status` (and, given `claimed_at`, still held by that claim)."""
    ids = list(ids)
    if not ids:
        return []
    held = () if claimed_at is None else (_TABLE.c.claimed_at == claimed_at,)
    # On the table, not the mapped class: the ORM would also look for each row among the objects
    # the pass loaded, to update them in memory (issue #17: a fifth of a claim's cost), and no one
    # reads a row's status from those objects again.
    result = await session.execute(
        update(_TABLE)
        .where(_TABLE.c.id.in_(ids), _TABLE.c.status == from_status, *held)
        .values(**values)
        .returning(_TABLE.c.id)
    )
    return list(result.scalars())


async def claim(session: AsyncSession, ids: Iterable[int], now: datetime) -> list[int]:
    """Mark pending rows as being sent by us; returns the ids we actually won."""
    return await _move(session, ids, "pending", {"status": "sending", "claimed_at": now})


async def release(session: AsyncSession, ids: Iterable[int]) -> list[int]:
    """Give claimed rows that were never attempted back to the queue."""
    return await _move(
        session, ids, "sending", {"status": "pending", "claimed_at": None, "attempt_started_at": None}
    )


async def mark_started(
    session: AsyncSession, row_id: int, claimed_at: datetime, now: datetime
) -> bool:
    """Note, before the request goes out, that a row we still hold is being attempted.

    Committed before the send: after a crash only rows with this mark are in doubt.
    False if the row is no longer ours (a long outage let its lease run out).
    """
    return bool(await mark_started_many(session, [row_id], claimed_at, now))

# The sender's two writes per message, built and compiled once (issue #17: at hundreds of
# messages a second, building an UPDATE per row cost more than running it).
_STARTED = (
    update(_TABLE)
    .where(
        _TABLE.c.id.in_(bindparam("ids", expanding=True)),
        _TABLE.c.status == "sending",
        _TABLE.c.claimed_at == bindparam("held_since"),
    )
    .values(attempt_started_at=bindparam("started_at"))
    .returning(_TABLE.c.id)
)
_SENT = (
    update(_TABLE)
    .where(
        _TABLE.c.id == bindparam("row_id"),
        _TABLE.c.status == "sending",
        _TABLE.c.claimed_at == bindparam("held_since"),
    )
    .values(
        status="sent", attempts=bindparam("tries"), sent_message_id=bindparam("message_id"),
        sent_at=bindparam("sent_moment"), last_error=None, channel=bindparam("sent_on"),
        template=bindparam("sent_as"),
    )
)


async def mark_started_many(
    session: AsyncSession, row_ids: Collection[int], claimed_at: datetime, now: datetime
) -> list[int]:
    """`mark_started` for rows of one claim whose requests go out now, in one statement: the ids still ours."""
    if not row_ids:
        return []
    result = await session.execute(
        _STARTED, {"ids": list(row_ids), "held_since": claimed_at, "started_at": now}
    )
    return list(result.scalars())


@dataclass(frozen=True)
class Sent:
    """A row the channel took: what `mark_sent_many` writes."""

    row_id: int
    attempts: int
    message_id: str
    at: datetime
    claimed_at: datetime
    channel: str | None = None
    template: str | None = None


async def mark_sent_many(session: AsyncSession, sent: Sequence[Sent]) -> None:
    """`mark_sent` for many rows in one prebuilt statement (rows no longer held by that claim are left)."""
    if not sent:
        return
    await session.execute(_SENT, [
        {"row_id": s.row_id, "tries": s.attempts, "message_id": s.message_id, "sent_moment": s.at,
         "held_since": s.claimed_at, "sent_on": s.channel, "sent_as": s.template}
        for s in sent
    ])


async def defer(session: AsyncSession, row_id: int, until: datetime) -> None:
    await _move(session, [row_id], "pending", {"not_before": until})


async def close_pending(session: AsyncSession, row_id: int, status: str, reason: str) -> None:
    """Drop or fail a row that was never claimed."""
    await _move(session, [row_id], "pending", {"status": status, "last_error": reason[:500]})


async def mark_sent(
    session: AsyncSession, row_id: int, attempts: int, message_id: str, now: datetime,
    claimed_at: datetime | None = None, *, channel: str | None = None, template: str | None = None,
) -> None:
    await _move(
        session,
        [row_id],
        "sending",
        {
            "status": "sent",
            "attempts": attempts,
            "sent_message_id": message_id,
            "sent_at": now,
            "last_error": None,
            "channel": channel,
            "template": template,
        },
        claimed_at,
    )


async def templated_people_since(session: AsyncSession, channel: str, since: datetime) -> set[int]:
    """People a channel sent a template to since then (WhatsApp counts them against a daily limit)."""
    return set(await session.scalars(
        select(OutboxMessage.person_id).distinct().where(
            OutboxMessage.channel == channel,
            OutboxMessage.template.is_not(None),
            OutboxMessage.sent_at >= since,
            OutboxMessage.person_id.is_not(None),
        )
    ))


async def note_first_part(
    session: AsyncSession, row_id: int, message_id: str, claimed_at: datetime | None = None
) -> None:
    """The attachment of a two-part message went out; only its text is left."""
    await _move(session, [row_id], "sending", {"sent_message_id": message_id}, claimed_at)


async def retry_later(
    session: AsyncSession, row_id: int, attempts: int, at: datetime, reason: str,
    claimed_at: datetime | None = None,
) -> None:
    await _move(
        session,
        [row_id],
        "sending",
        {
            "status": "pending",
            "attempts": attempts,
            "next_attempt_at": at,
            "claimed_at": None,
            "attempt_started_at": None,
            "last_error": reason[:500],
        },
        claimed_at,
    )


async def mark_failed(
    session: AsyncSession, row_id: int, attempts: int, reason: str,
    claimed_at: datetime | None = None,
) -> None:
    await _move(
        session,
        [row_id],
        "sending",
        {"status": "failed", "attempts": attempts, "last_error": reason[:500]},
        claimed_at,
    )


async def fail_pending_for_person(session: AsyncSession, person_id: int, reason: str) -> int:
    """Give up every message still waiting for a person the channel says is unreachable."""
    result = await session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.person_id == person_id,
            OutboxMessage.status == "pending",
            OutboxMessage.chat_id.is_(None),
        )
        .values(status="failed", last_error=reason[:500])
        .returning(OutboxMessage.id)
    )
    return len(result.all())


async def reachable(session: AsyncSession, person_id: int) -> bool:
    """Whether the person still has an account on some channel that has not blocked the bot."""
    found = await session.scalar(
        select(ChannelIdentity.id).where(
            ChannelIdentity.person_id == person_id, ChannelIdentity.blocked_at.is_(None)
        ).limit(1)
    )
    return found is not None


async def block_identity(
    session: AsyncSession, channel: str, chat_id: str, now: datetime
) -> list[int]:
    """Note that the account behind a chat blocked the bot; returns the people it belongs to."""
    result = await session.execute(
        update(ChannelIdentity)
        .where(
            ChannelIdentity.channel == channel,
            ChannelIdentity.chat_id == chat_id,
            ChannelIdentity.blocked_at.is_(None),
        )
        .values(blocked_at=now)
        .returning(ChannelIdentity.person_id)
    )
    return list(result.scalars())


@dataclass(frozen=True)
class Recovered:
    """What became of the rows dead senders left "sending" past their lease."""

    requeued: int = 0  # never attempted: back to the queue, nothing in doubt
    repeated: int = 0  # attempted, of a kind better repeated than lost: queued again
    failed: int = 0  # attempted, of a kind better lost than repeated: failed

    @property
    def in_doubt(self) -> int:
        return self.repeated + self.failed


async def recover_stale(
    session: AsyncSession,
    claimed_before: datetime,
    repeat_kinds: Collection[str],
    repeat_note: str,
    fail_reason: str,
) -> Recovered:
    """Settle rows a dead sender left mid-send: only those whose request had started are in doubt."""
    stale = (OutboxMessage.status == "sending", OutboxMessage.claimed_at < claimed_before)
    started = OutboxMessage.attempt_started_at.is_not(None)
    again = {"status": "pending", "claimed_at": None, "attempt_started_at": None}

    async def move(*where: Any, values: dict[str, Any]) -> int:
        result = await session.execute(
            update(OutboxMessage).where(*stale, *where).values(**values).returning(OutboxMessage.id)
        )
        return len(result.all())

    return Recovered(
        requeued=await move(OutboxMessage.attempt_started_at.is_(None), values=again),
        repeated=await move(
            started, OutboxMessage.kind.in_(list(repeat_kinds)),
            values={**again, "in_doubt": True, "last_error": repeat_note[:500]},
        ),
        failed=await move(
            started, values={"status": "failed", "in_doubt": True, "last_error": fail_reason[:500]}
        ),
    )


@dataclass(frozen=True)
class QueueState:
    """The outbox at a glance, for health lines and `narbot status`."""

    waiting: int
    oldest_due: datetime | None
    sending: int


async def queue_state(session: AsyncSession, now: datetime) -> QueueState:
    """How many rows are due and waiting, since when, and how many are being sent."""
    due = (
        OutboxMessage.status == "pending",
        OutboxMessage.not_before <= now,
        or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= now),
    )
    waiting, oldest = (
        await session.execute(select(func.count(), func.min(OutboxMessage.not_before)).where(*due))
    ).one()
    sending = await session.scalar(
        select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == "sending")
    )
    return QueueState(int(waiting), oldest, int(sending or 0))
