"""How far a broadcast has gone out, read from its outbox rows, and its delivery report.

The counts come from one aggregate query over the rows of the batch
("broadcast:<id>"), so they are right after any restart: the database, not
the process, knows what was sent. WhatsApp also reports, by webhook, when a
message was delivered and read (`mentoring.statuses` writes it on the row);
Telegram reports neither, so those two counts are WhatsApp's only.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, exists, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ChannelIdentity, OutboxMessage, Person
from storage.models.broadcasts import Broadcast

_BUCKET = {
    "pending": "waiting", "sending": "waiting", "sent": "sent",
    "failed": "failed", "dropped": "failed", "cancelled": "cancelled",
}


@dataclass(frozen=True)
class Counts:
    sent: int = 0
    failed: int = 0
    waiting: int = 0
    cancelled: int = 0
    # Rows a crashed sender may already have delivered, sent again or failed (docs/outbox.md).
    in_doubt: int = 0
    # Rows the channel reported delivered (read ones included) and read: WhatsApp only.
    delivered: int = 0
    read: int = 0

    def as_dict(self) -> dict[str, int]:
        shown = {"sent": self.sent, "failed": self.failed, "waiting": self.waiting, "cancelled": self.cancelled,
                 "in_doubt": self.in_doubt}
        # Only once a channel reported them, so a Telegram-only broadcast's counts read as before.
        reported = {"delivered": self.delivered, "read": self.read} if self.delivered or self.read else {}
        return shown | reported

    @property
    def reported(self) -> bool:
        """Whether a channel (WhatsApp) reported any message of the batch delivered or read."""
        return bool(self.delivered or self.read)

    @property
    def finished(self) -> bool:
        return self.waiting == 0


@dataclass(frozen=True)
class Unreachable:
    name: str
    reason: str  # "blocked", "no_account" or "failed"


@dataclass(frozen=True)
class Progress:
    broadcast_id: int
    chat_id: str | None
    message_id: int | None
    locale: str
    timezone: str
    send_at: datetime | None
    counts: Counts
    cancelled: bool
    unreachable: tuple[Unreachable, ...] = ()  # filled in once the broadcast has finished

    @property
    def finished(self) -> bool:
        return self.counts.finished


def batch_key(broadcast_id: int) -> str:
    return f"broadcast:{broadcast_id}"


async def counts_of(session: AsyncSession, broadcast_ids: list[int]) -> dict[int, Counts]:
    """The counts of many broadcasts in one aggregate query."""
    if not broadcast_ids:
        return {}
    keys = {batch_key(bid): bid for bid in broadcast_ids}
    rows = await session.execute(
        select(OutboxMessage.batch_key, OutboxMessage.status, OutboxMessage.in_doubt, func.count(),
               func.count(OutboxMessage.delivered_at), func.count(OutboxMessage.read_at))
        .where(OutboxMessage.batch_key.in_(keys))
        .group_by(OutboxMessage.batch_key, OutboxMessage.status, OutboxMessage.in_doubt)
    )
    tally: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for key, status, in_doubt, number, delivered, read in rows.all():
        tally[keys[key]][_BUCKET[status]] += number
        if in_doubt:
            tally[keys[key]]["in_doubt"] += number
        tally[keys[key]]["delivered"] += delivered
        tally[keys[key]]["read"] += read
    return {bid: Counts(**tally[bid]) for bid in broadcast_ids}


async def unreachable(session: AsyncSession, broadcast_id: int) -> list[Unreachable]:
    """Who could not be reached, and why, by name."""
    # On any channel: blocked means every account the person has blocked Narbot (or is unreachable).
    has_account = exists().where(ChannelIdentity.person_id == Person.id)
    blocked = and_(has_account, ~exists().where(
        ChannelIdentity.person_id == Person.id, ChannelIdentity.blocked_at.is_(None)
    ))
    rows = await session.execute(
        select(Person.display_name, has_account, blocked, OutboxMessage.last_error)
        .join(Person, Person.id == OutboxMessage.person_id)
        .where(OutboxMessage.batch_key == batch_key(broadcast_id), OutboxMessage.status.in_(("failed", "dropped")))
        .order_by(Person.display_name, Person.id)
    )
    return [
        Unreachable(name, _reason(bool(account), bool(is_blocked), error))
        for name, account, is_blocked, error in rows.all()
    ]


def _reason(has_account: bool, blocked: bool, last_error: str | None) -> str:
    if not has_account:
        return "no_account"
    error = (last_error or "").lower()
    if blocked or "blocked" in error or "forbidden" in error or "deactivated" in error:
        return "blocked"
    return "failed"


async def _progress(
    session: AsyncSession, broadcast: Broadcast, locale: str, zone: str, counts: Counts
) -> Progress:
    return Progress(
        broadcast_id=broadcast.id,
        chat_id=broadcast.progress_chat_id,
        message_id=broadcast.progress_message_id,
        locale=locale,
        timezone=zone,
        send_at=broadcast.send_at,
        counts=counts,
        cancelled=broadcast.cancelled_at is not None,
        unreachable=tuple(await unreachable(session, broadcast.id)) if counts.finished else (),
    )


async def changed_progress(session: AsyncSession) -> list[Progress]:
    """Every broadcast going out whose counts differ from what its progress message shows."""
    rows = (await session.execute(
        select(Broadcast, Person.locale, Person.timezone)
        .join(Person, Person.id == Broadcast.person_id)
        .where(Broadcast.status == "sending")
        .order_by(Broadcast.id)
    )).all()
    counts = await counts_of(session, [broadcast.id for broadcast, _locale, _zone in rows])
    return [
        await _progress(session, broadcast, locale, zone, counts[broadcast.id])
        for broadcast, locale, zone in rows
        if counts[broadcast.id].as_dict() != broadcast.shown_counts or counts[broadcast.id].finished
    ]


async def progress_of(session: AsyncSession, broadcast_id: int) -> Progress | None:
    row = (await session.execute(
        select(Broadcast, Person.locale, Person.timezone)
        .join(Person, Person.id == Broadcast.person_id)
        .where(Broadcast.id == broadcast_id)
    )).first()
    if row is None:
        return None
    broadcast, locale, zone = row
    return await _progress(session, broadcast, locale, zone, (await counts_of(session, [broadcast.id]))[broadcast.id])


async def record_shown(session: AsyncSession, progress: Progress, now: datetime) -> None:
    """The progress message now shows these counts; a finished broadcast is closed."""
    values: dict[str, object] = {"shown_counts": progress.counts.as_dict()}
    if progress.finished:
        values |= {"status": "cancelled" if progress.cancelled else "done", "finished_at": now}
    await session.execute(
        update(Broadcast)
        .where(Broadcast.id == progress.broadcast_id, Broadcast.status == "sending")
        .values(**values)
        .execution_options(synchronize_session=False)
    )
