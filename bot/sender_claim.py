"""What the sender takes from the outbox for one pass: the claim, and each channel's daily limit of new people.

A pass reads due rows a page at a time (up to `MAX_SCAN`, so rows one channel
cannot take now never hold up another) and asks `mentoring.delivery.decide`
about each (`Claim.choose`, which writes nothing). It then settles the rows that
are deferred, dropped or failed and claims about a second's worth per channel of
the rest (`Claim.claim`), in the same transaction: the sender's other writes wait
only for that part (bot/sender_writer.py `read_then_write`). A row for a person
outside WhatsApp's 24-hour window goes as a template, and only while the
number's daily limit of new people allows it (`Claim.may_start`).

Kept apart from bot/sender.py, which runs the passes, paces and dispatches what
is claimed here and records the results: this part only reads the queue and
decides, within the one transaction the sender gives it.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.courier import Courier, Job
from bot.sender_budget import ChatGuard
from bot.sender_pacing import Timer
from mentoring.clock import Clock
from mentoring.delivery import CHANNELS, Decision, Defer, Drop, Fail, Send, decide
from mentoring.offload import Turns
from mentoring.privacy import consent
from storage.repositories import outbox

# A 429 pause longer than this gives claimed rows back instead of holding them.
RELEASE_AFTER_PAUSE = 30.0
# A person over the channel's daily limit of new conversations waits this long before the next try.
NEW_PEOPLE_RETRY = timedelta(hours=1)
# How often the count of people contacted outside the window is read again from the outbox.
NEW_PEOPLE_REFRESH = 60.0
# How long a template claimed here is counted before the outbox is sure to show it as sent.
IN_FLIGHT_MEMORY = 600.0
# How far the sender reads past rows no channel can take now, looking for ones another can.
MAX_SCAN = 2000
# Rows read in one statement at most: at paid-broadcast pace a pass's thousand rows are read in
# four pages, so the loop answers and sends between them (one page took 20-30 ms on the loop).
PAGE = 250
# The decide loop's longest stretch on the loop: at paid-broadcast pace a send is due every
# millisecond, and the token bucket makes up only about ten of them (`PAID_SLACK`), so a claim
# that held the loop for offload's usual 10 ms at a time lost sends every pass (issue #17).
DECIDE_STEP = 0.002


@dataclass
class Pass:
    """What one claim did: rows settled at once, rows claimed to send."""

    settled: int = 0
    jobs: list[Job] = field(default_factory=list)
    # When rows were due but their chats were still within a per-chat limit.
    chat_ready_at: float | None = None


@dataclass
class _NewPeople:
    """Whom a channel started a conversation with (a template) in the last 24 hours, read now and then."""

    people: set[int] = field(default_factory=set)
    read_at: float | None = None
    # People this sender claimed a template for, and when (timer seconds).
    claimed: dict[int, float] = field(default_factory=dict)


@dataclass
class Choice:
    """What `Claim.choose` read and decided, for `Claim.claim` to write."""

    now: datetime
    chosen: dict[tuple[str, str], Job] = field(default_factory=dict)
    per_channel: dict[str, int] = field(default_factory=dict)
    # Rows to defer, drop or fail.
    settle: list[tuple[int, Decision]] = field(default_factory=list)
    chat_ready_at: float | None = None


def long_pause(courier: Courier, now: float) -> float:
    """How much of a channel's 429 pause lies beyond what is worth waiting for with rows claimed."""
    return max(0.0, courier.limits.paused_until() - now - RELEASE_AFTER_PAUSE)


class Claim:
    """Chooses and claims a pass's rows for the sender's couriers; remembers whom each channel templated."""

    def __init__(
        self, couriers: Mapping[str, Courier], clock: Clock, timer: Timer, guard: ChatGuard | None = None
    ) -> None:
        self.couriers, self.clock, self.timer = couriers, clock, timer
        # On PostgreSQL: leaves out chats another process's sender is writing to (bot/sender_budget.py).
        self.guard = guard
        self._new_people: dict[str, _NewPeople] = {}

    async def choose(self, session: AsyncSession, busy: Collection[tuple[str, str]]) -> Choice:
        """Read and decide about a second's worth of due rows, skipping chats in `busy` (being sent to).

        Writes nothing: on SQLite these reads take no lock, so the sender's marks and results go on
        meanwhile (bot/sender_writer.py); `claim` writes what was decided.
        """
        now, moment = self.clock.now(), self.timer.now()
        choice = Choice(now)
        wanted = sum(c.limits.batch for c in self.couriers.values())
        # Four passes' worth, or at hundreds a second (paid broadcasts) one pass's worth in pages of
        # PAGE: every row read is loaded with its person, and rows read past `wanted` are read again
        # by the next pass. Pages go on while a channel has room. On PostgreSQL a page is locked
        # while it is read, so it is kept small.
        page = min(wanted, PAGE) if wanted >= 100 else wanted * 4
        # Rows one channel cannot take now stay at the head of the queue: read on past them (a page
        # at a time) while another channel still has room, so one channel never holds up the other.
        turns = Turns(DECIDE_STEP)
        for offset in range(0, MAX_SCAN, page):
            rows = await outbox.due(session, now, page, offset)
            await self._choose(session, rows, busy, choice, moment, turns)
            full = all(choice.per_channel.get(name, 0) >= c.limits.batch for name, c in self.couriers.items())
            if len(rows) < page or full:
                break
        return choice

    async def claim(self, session: AsyncSession, choice: Choice) -> Pass:
        """Settle the rows `choose` deferred, dropped or failed, and claim the chosen ones still pending."""
        progress = Pass(settled=len(choice.settle), chat_ready_at=choice.chat_ready_at)
        for row_id, decision in choice.settle:
            if isinstance(decision, Defer):
                await outbox.defer(session, row_id, decision.until)
            elif isinstance(decision, Drop):
                await outbox.close_pending(session, row_id, "dropped", decision.reason)
            elif isinstance(decision, Fail):
                await outbox.close_pending(session, row_id, "failed", decision.reason)
        candidates = list(choice.chosen.values())
        if self.guard is not None and candidates:
            held, ready = await self.guard.held(session, candidates)
            candidates = [job for job in candidates if job.row_id not in held]
            if ready is not None:
                progress.chat_ready_at = min(progress.chat_ready_at or ready, ready)
        won = set(await outbox.claim(session, [j.row_id for j in candidates], choice.now))
        jobs = [job for job in candidates if job.row_id in won]
        # Chats that may receive now go first; one still within its interval waits at the end.
        progress.jobs = sorted(
            jobs, key=lambda job: self.couriers[job.channel].limits.chat_ready_at(job.chat_id)
        )
        return progress

    async def _choose(
        self, session: AsyncSession, rows: Sequence[Any], busy: Collection[tuple[str, str]],
        choice: Choice, moment: float, turns: Turns,
    ) -> None:
        """Decide each row: choose it for this pass, or note it to be deferred, dropped or failed."""
        now, chosen, per_channel = choice.now, choice.chosen, choice.per_channel
        person_ids = {r.person_id for r in rows if r.person_id is not None}
        people, identities = await outbox.people_and_identities(session, person_ids, CHANNELS)
        withdrawn = await consent.withdrawn_among(session, person_ids)
        wanted = sum(c.limits.batch for c in self.couriers.values())
        for row in rows:
            if sum(per_channel.values()) >= wanted:
                return  # every channel has its pass's worth: the rest wait for the next pass
            await turns.take()  # a thousand rows a pass at paid-broadcast pace: sends go on between
            person = people.get(row.person_id) if row.person_id is not None else None
            decision: Decision = decide(
                row, person, identities.get(row.person_id or 0, []), now,
                consent_withdrawn=row.person_id in withdrawn, channels=self.couriers.keys(),
            )
            if isinstance(decision, Send):
                courier = self.couriers[decision.channel]
                pause = long_pause(courier, self.timer.now())
                if pause > 0:
                    # The channel asked for a long pause: its rows leave the head of the queue until then.
                    decision = Defer(now + timedelta(seconds=pause))
                elif decision.window_closed and not await self.may_start(session, courier, row.person_id):
                    decision = Defer(now + NEW_PEOPLE_RETRY)
            if not isinstance(decision, Send):
                choice.settle.append((row.id, decision))
                continue
            limits = courier.limits
            key = (decision.channel, decision.chat_id)
            if key in chosen or key in busy or per_channel.get(decision.channel, 0) >= limits.batch:
                continue
            # Two batches ahead: a batch claimed in advance goes out after the current one.
            horizon = moment + 2 * limits.batch * limits.interval
            ready = limits.chat_ready_at(decision.chat_id)
            if ready > horizon:
                choice.chat_ready_at = min(choice.chat_ready_at or ready, ready)
                continue
            locale = person.locale if person is not None else None
            chosen[key] = _job_of(row, decision, now, locale)
            per_channel[decision.channel] = per_channel.get(decision.channel, 0) + 1
            if decision.window_closed and row.person_id is not None:
                known = self._new_people.setdefault(decision.channel, _NewPeople())
                known.people.add(row.person_id)
                known.claimed[row.person_id] = moment

    async def may_start(self, session: AsyncSession, courier: Courier, person_id: int | None) -> bool:
        """Whether the channel's daily limit of new people lets this person get a template now.

        The count is read from the outbox (rows sent as templates in the last 24 hours) at
        most once a minute, and kept up to date in between by what this sender claims.
        """
        limit = courier.daily_new_people
        if limit is None:
            return True
        known = self._new_people.setdefault(courier.channel, _NewPeople())
        moment = self.timer.now()
        if known.read_at is None or moment - known.read_at >= NEW_PEOPLE_REFRESH:
            since = self.clock.now() - timedelta(hours=24)
            # Claimed lately but perhaps not recorded as sent yet: still counted.
            known.claimed = {p: at for p, at in known.claimed.items() if moment - at < IN_FLIGHT_MEMORY}
            known.people = await outbox.templated_people_since(session, courier.channel, since)
            known.people |= known.claimed.keys()
            known.read_at = moment
        return person_id in known.people or len(known.people) < limit


def _job_of(row: Any, send: Send, claimed_at: datetime, locale: str | None) -> Job:
    """The claimed row as its courier sends it."""
    return Job(
        row.id, row.person_id, send.chat_id, row.text, row.buttons, row.attachment, row.attempts,
        row.sent_message_id, claimed_at, kind=row.kind, channel=send.channel,
        locale=locale or "tr", window_closed=send.window_closed,
    )
