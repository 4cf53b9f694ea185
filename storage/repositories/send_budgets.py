"""The senders' shared limits on PostgreSQL: each channel's send budget, and chats another sender is writing to.

Used by bot/sender_budget.py only when the database is PostgreSQL (several bot
processes may send at once); on SQLite one process sends and paces itself.
The caller owns the transaction.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, or_, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import OutboxMessage
from storage.models.send_budget import SendBudget

# Namespaces of the two-key advisory locks a claim takes on the chats it is about to claim.
PERSON_LOCKS, CHAT_LOCKS = 1707, 1708


async def reserve(session: AsyncSession, channel: str, now: float, span: float, slack: float) -> float:
    """Book `span` seconds of the channel's slots from the next free one (at most `slack` in the past).

    One atomic statement; returns where the booked block ends (it starts `span` earlier).
    """
    start = now - slack
    table = SendBudget.__table__
    statement = (
        insert(table)
        .values(channel=channel, next_at=start + span)
        .on_conflict_do_update(
            index_elements=[table.c.channel],
            set_={"next_at": func.greatest(table.c.next_at, start) + span},
        )
        .returning(table.c.next_at)
    )
    return float((await session.execute(statement)).scalar_one())


async def hold_back(session: AsyncSession, channel: str, until: float) -> None:
    """The channel asked every sender to pause (a 429): no slot before `until` for anyone."""
    table = SendBudget.__table__
    await session.execute(
        insert(table)
        .values(channel=channel, next_at=until)
        .on_conflict_do_update(
            index_elements=[table.c.channel], set_={"next_at": func.greatest(table.c.next_at, until)}
        )
    )


@dataclass(frozen=True)
class ChatTraffic:
    """What other senders are doing with some chats: rows being sent, and when rows were sent lately."""

    sending: frozenset[int | str]
    sent: dict[int | str, list[datetime]]


async def lock_chats(
    session: AsyncSession, person_ids: Collection[int], chat_ids: Collection[str]
) -> tuple[set[int], set[str]]:
    """Try to lock these chats for this claim's transaction; the ones another claim holds are left out.

    A chat is a person's (rows with a person) or a chat id (rows without one).
    """
    people: set[int] = set()
    chats: set[str] = set()
    if person_ids:
        people = set(await session.scalars(
            text("SELECT k FROM unnest(CAST(:keys AS integer[])) AS k "
                 "WHERE pg_try_advisory_xact_lock(:space, k)"),
            {"keys": sorted(person_ids), "space": PERSON_LOCKS},
        ))
    if chat_ids:
        chats = set(await session.scalars(
            text("SELECT c FROM unnest(CAST(:keys AS text[])) AS c "
                 "WHERE pg_try_advisory_xact_lock(:space, hashtext(c))"),
            {"keys": sorted(chat_ids), "space": CHAT_LOCKS},
        ))
    return people, chats


async def chat_traffic(
    session: AsyncSession, person_ids: Collection[int], chat_ids: Collection[str], since: datetime,
    claimed_since: datetime,
) -> ChatTraffic:
    """Rows to these chats (by person, or by chat id) claimed since `claimed_since` and being sent,
    or sent since `since`. An older claim is a stopped sender's, left for the crash policy."""
    mine = []
    if person_ids:
        mine.append(OutboxMessage.person_id.in_(list(person_ids)))
    if chat_ids:
        mine.append(and_(OutboxMessage.person_id.is_(None), OutboxMessage.chat_id.in_(list(chat_ids))))
    if not mine:
        return ChatTraffic(frozenset(), {})
    rows = await session.execute(
        select(OutboxMessage.person_id, OutboxMessage.chat_id, OutboxMessage.status, OutboxMessage.sent_at)
        .where(or_(*mine))
        .where(or_(
            and_(OutboxMessage.status == "sending", OutboxMessage.claimed_at > claimed_since),
            and_(OutboxMessage.status == "sent", OutboxMessage.sent_at > since),
        ))
    )
    sending: set[int | str] = set()
    sent: dict[int | str, list[datetime]] = {}
    for person_id, chat_id, status, sent_at in rows:
        key: int | str = person_id if person_id is not None else chat_id
        if status == "sending":
            sending.add(key)
        elif sent_at is not None:
            sent.setdefault(key, []).append(sent_at)
    return ChatTraffic(frozenset(sending), sent)

