"""What to do with a due outbox row: send it, wait, drop it or give up (no channel code here).

The sender (bot/sender.py) asks `decide()` for every due row before claiming it;
the rules live here so they are the same for any channel and easy to test.
"""

from __future__ import annotations

import random
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ChannelIdentity, Person

TELEGRAM = "telegram"
WHATSAPP = "whatsapp"
CHANNELS = (TELEGRAM, WHATSAPP)

# Channels that take free-form messages only for a while after the person last wrote
# (WhatsApp: 24 hours). Outside it the sender sends an approved template instead. The
# margin keeps a message from leaving just as the window closes.
WINDOWS = {WHATSAPP: timedelta(hours=24)}
WINDOW_MARGIN = timedelta(minutes=5)
# A row for a channel the sender does not run waits this long before it is looked at again.
CHANNEL_WAIT = timedelta(minutes=10)

# Prompts and their reminders make no sense after a pause: they are dropped.
# Everything else a paused person is owed waits until the pause ends.
PAUSE_DROPS_KINDS = frozenset(
    {"reflection_prompt", "reflection_reminder", "checkin_prompt", "checkin_reminder"}
)

# A row whose request had started when its sender died may or may not have arrived.
# These kinds are sent again (someone may read it twice): a missed weekly prompt or
# reminder costs the person the week's reflection or check-in, a missed announcement,
# digest or session notice leaves them uninformed, and every button in them is safe to
# press twice. Every other kind (replies to what someone just did, which would arrive
# minutes late and out of context; anything new until it is weighed) is failed as
# "delivery unknown" and counted, never repeated.
REPEAT_IN_DOUBT = frozenset({
    "reflection_prompt", "reflection_reminder", "checkin_prompt", "checkin_reminder",
    "self_assessment_prompt", "broadcast", "digest", "progress_report",
    "session_invite", "session_reminder", "session_moved", "session_cancelled",
    "session_feedback", "session_minutes", "todo_assigned", "peer_pair",
    # A worry about a child (mentoring.safeguarding): better twice than never.
    "safeguarding",
    # A request about personal data to the coordinators, and their answer (mentoring.objections):
    # missed, a legal 30-day answer is missed; the "Answer" button is safe to press twice.
    "objection_request", "objection_answer",
    # The programme's closing steps and agenda news (issue #14): an offer or a request with buttons
    # that are safe to press twice; missed, a mentee never hears of it.
    "closing_offer", "agenda_decision", "agenda_role",
    # Someone moved to another group (mentoring/console/moves.py): told twice beats never (no buttons).
    "group_move",
})

NO_IDENTITY = "no channel identity for this person"
BLOCKED = "the person blocked the bot"
EXPIRED = "expired"
PAUSED = "paused"
CONSENT_WITHDRAWN = "consent withdrawn"


@dataclass(frozen=True)
class Send:
    chat_id: str
    channel: str = TELEGRAM
    # Outside the channel's window (WhatsApp's 24 hours): only an approved template may go.
    window_closed: bool = False


@dataclass(frozen=True)
class Defer:
    until: datetime


@dataclass(frozen=True)
class Drop:
    reason: str


@dataclass(frozen=True)
class Fail:
    reason: str


Decision = Send | Defer | Drop | Fail


# What `decide` reads. The sender passes plain rows of just these columns (issue #17: loading
# a claim's rows, people and identities as ORM objects kept the event loop busy); the models
# OutboxMessage, Person and ChannelIdentity have the same attributes.
class DueMessage(Protocol):
    @property
    def kind(self) -> str: ...
    @property
    def chat_id(self) -> str | None: ...
    @property
    def expires_at(self) -> datetime | None: ...
    @property
    def respect_quiet_hours(self) -> bool: ...


class Recipient(Protocol):
    @property
    def timezone(self) -> str: ...
    @property
    def quiet_hours_start(self) -> time: ...
    @property
    def quiet_hours_end(self) -> time: ...
    @property
    def paused_until(self) -> datetime | None: ...


class Address(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def channel(self) -> str: ...
    @property
    def chat_id(self) -> str: ...
    @property
    def blocked_at(self) -> datetime | None: ...
    @property
    def last_inbound_at(self) -> datetime | None: ...


def quiet_until(person: Recipient, now: datetime) -> datetime | None:
    """The end of the person's quiet hours if `now` falls inside them, else None."""
    zone = ZoneInfo(person.timezone)
    local = now.astimezone(zone)
    start, end = person.quiet_hours_start, person.quiet_hours_end
    if start == end:
        return None
    clock_time = local.time().replace(tzinfo=None)
    inside = start <= clock_time < end if start < end else clock_time >= start or clock_time < end
    if not inside:
        return None
    day = local.date() if clock_time < end else local.date() + timedelta(days=1)
    return _local_moment(day, end, zone)


def _local_moment(day: date, moment: time, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, moment, tzinfo=zone).astimezone(UTC)


def decide(
    message: DueMessage,
    person: Recipient | None,
    identities: Sequence[Address],
    now: datetime,
    *,
    consent_withdrawn: bool = False,
    channels: Collection[str] = CHANNELS,
) -> Decision:
    """The rules, in order: expiry, consent, reachability, pause, quiet hours.

    `channels`: those the sender runs. A person reachable only on another one waits for it
    (a process that runs one channel for a while must not fail the other's rows).
    """
    if message.expires_at is not None and message.expires_at <= now:
        return Drop(EXPIRED)
    if consent_withdrawn:
        # KVKK: after a withdrawal nothing more is sent, whoever queued it.
        return Drop(CONSENT_WITHDRAWN)
    chat_id, channel, window_closed = message.chat_id, TELEGRAM, False
    if chat_id is None:
        usable = [i for i in identities if i.blocked_at is None]
        if not usable:
            return Fail(BLOCKED if identities else NO_IDENTITY)
        # One person uses one channel at a time: the account they joined with last, on a channel running here.
        running = [i for i in usable if i.channel in channels]
        if not running:
            return Defer(now + CHANNEL_WAIT)
        newest = max(running, key=lambda i: i.id)
        chat_id, channel = newest.chat_id, newest.channel
        window_closed = not window_open(newest.channel, newest.last_inbound_at, now)
    elif TELEGRAM not in channels:
        return Defer(now + CHANNEL_WAIT)  # a group chat is Telegram's
    if person is not None and message.respect_quiet_hours:
        if person.paused_until is not None and person.paused_until > now:
            if message.kind in PAUSE_DROPS_KINDS:
                return Drop(PAUSED)
            return Defer(person.paused_until)
        if (until := quiet_until(person, now)) is not None:
            return Defer(until)
    return Send(chat_id, channel, window_closed)


def window_open(channel: str, last_inbound_at: datetime | None, now: datetime) -> bool:
    """Whether the channel takes a free-form message now (always, except inside a closed window)."""
    window = WINDOWS.get(channel)
    if window is None:
        return True
    return last_inbound_at is not None and now < last_inbound_at + window - WINDOW_MARGIN


def backoff(
    attempts: int, rng: random.Random, *, base: float = 1.0, cap: float = 300.0
) -> timedelta:
    """The wait before retry number `attempts`: exponential, capped, with jitter ("equal jitter")."""
    delay = min(cap, base * 2 ** max(0, attempts - 1))
    return timedelta(seconds=delay / 2 + rng.uniform(0, delay / 2))


def reachable(person_id: ColumnElement[int]) -> ColumnElement[bool]:
    """In SQL: the bot can write to this person on some channel (an identity, not blocked)."""
    return exists().where(ChannelIdentity.person_id == person_id, ChannelIdentity.blocked_at.is_(None))


async def unreachable_people(session: AsyncSession, person_ids: Iterable[int]) -> set[int]:
    """Of these people (a few; for a whole programme select `reachable` beside them instead: one
    bind parameter per id would not scale), those the bot cannot write to on any channel."""
    wanted = set(person_ids)
    if not wanted:
        return set()
    found = await session.scalars(select(Person.id).where(Person.id.in_(wanted), reachable(Person.id)))
    return wanted - set(found)
