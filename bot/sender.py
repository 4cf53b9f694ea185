"""The one sender: delivers the outbox on every channel while keeping each channel's limits (principle 3).

Each pass claims a small batch of due rows (about a second's worth per
channel; the next batch is claimed while this one goes out), each row decided
by `mentoring.delivery.decide` (send on which channel, defer, drop, fail) and
a row for a person outside WhatsApp's 24-hour window sent as an approved
template within the number's daily limit of new people: that claim lives in
bot/sender_claim.py. This module runs the passes, books a send slot from the
channel's `Limits` for every row it sends, hands the row to that channel's
courier (bot/courier.py) and records each result through bot/sender_writer.py
(results that finish together share one transaction). Sends run concurrently (a hung request does not stall
the queue) but start no faster than each channel's rate.

The sender never ends of a fault while the bot runs: a pass that fails (the
database restarting or locked, anything else) is logged at once, reported
each minute while it lasts (`bot/health.py`) and tried again after a backoff;
results and claims it could not write are kept and written when the database
is back.

Crash policy (docs/outbox.md): a row's request is marked as started, in its
own commit, just before it goes out. Rows a killed process claimed but never
attempted go back to the queue after the lease; only rows whose request had
started are in doubt, and their kind decides (`delivery.REPEAT_IN_DOUBT`):
prompts, reminders, announcements, digests and session news are sent again
(better twice than never), the rest are failed as "delivery unknown". A
graceful `stop()` lets sends in flight finish and gives never-attempted rows
back, so a stop and restart loses and repeats nothing.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.courier import (
    Courier,
    Delivered,
    Job,
    Rejected,
    Throttled,
    Transient,
    Unreachable,
)
from bot.health import WorkerHealth
from bot.sender_budget import shared_limits
from bot.sender_claim import Claim, Pass, long_pause
from bot.sender_pacing import LoopTimer, Timer
from bot.sender_writer import ResultWriter
from mentoring.clock import Clock
from mentoring.delivery import BLOCKED, REPEAT_IN_DOUBT, backoff
from storage.repositories import outbox

logger = logging.getLogger(__name__)

IN_DOUBT = "interrupted while sending: delivery unknown, not retried"
SENT_AGAIN = "interrupted while sending: delivery unknown, sent again"


@dataclass(frozen=True)
class SenderConfig:
    rate_per_second: float = 25.0
    # Transient faults are retried with backoff 1, 2, 4 ... s: ten attempts span about 8 minutes.
    max_attempts: int = 10
    max_in_flight: int = 32
    # A row "sending" for longer than this was left by a dead sender.
    lease: timedelta = timedelta(minutes=5)
    idle_interval: float = 1.0
    # On PostgreSQL, draw from one budget per channel shared by every process (bot/sender_budget.py).
    shared_budget: bool = True


class Sender:
    """Delivers due outbox rows; `run()` until `stop()`, or `run_once()`/`drain()` in tests.

    `couriers`: one per configured channel; a PTB `Bot` alone means Telegram at the configured rate.
    """

    def __init__(
        self,
        couriers: Any,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        config: SenderConfig | None = None,
        *,
        timer: Timer | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.sessions, self.clock = sessions, clock
        self.config = config or SenderConfig()
        if not isinstance(couriers, Mapping):
            from bot.telegram_courier import TelegramCourier

            couriers = {"telegram": TelegramCourier(couriers, self.config.rate_per_second)}
        self.couriers: dict[str, Courier] = dict(couriers)
        self.timer: Timer = timer or LoopTimer()
        self._budgets, guard = shared_limits(
            self.couriers, sessions, clock, self.timer, self.config.shared_budget
        )
        self._claims = Claim(self.couriers, clock, self.timer, guard)
        self._rng = rng or random.Random()
        self._room = asyncio.Semaphore(self.config.max_in_flight)
        self._in_flight: set[asyncio.Task[None]] = set()
        self._stopping = False
        self._next_recovery = 0.0
        self._writer = ResultWriter(sessions)
        self.health = WorkerHealth(
            "sender", "Outbox sender", sessions, clock, self.timer, probe=outbox.queue_state
        )

    # ------------------------------------------------------------------ running

    async def run(self) -> None:
        """Deliver until `stop()`, through any fault; sends in flight finish before it returns."""
        try:
            while not self._stopping:
                try:
                    await self._passes()
                except Exception as error:  # noqa: BLE001 - the sender outlives any fault
                    wait = self.health.failed(error)
                    await self.health.beat()
                    await self.timer.sleep(wait)
        finally:
            await self._finish_in_flight()
            await self._writer.leave()

    async def _passes(self) -> None:
        """Passes until stopped; a fault ends them, and `run` starts them again after a backoff."""
        ahead: asyncio.Task[Pass] | None = None
        try:
            while not self._stopping:
                await self._writer.catch_up()
                await self._recover_when_due()
                progress = await ahead if ahead is not None else await self._claim()
                ahead = None
                self.health.succeeded()
                await self.health.beat()
                if progress.jobs and not self._stopping:
                    # Claim the next batch while this one goes out: database time costs no sends.
                    busy = {(job.channel, job.chat_id) for job in progress.jobs}
                    ahead = asyncio.create_task(self._claim(busy))
                await self._dispatch(progress.jobs)
                if self._stopping:
                    break
                if self._long_pause() > 0:
                    # Every channel asked for a long pause and the rows went back: hold nothing,
                    # claim nothing, until a pause is short enough to wait for with rows in hand.
                    if ahead is not None:
                        self._writer.to_release += [job.row_id for job in (await ahead).jobs]
                        ahead = None
                    await self._writer.catch_up()
                    await self.timer.sleep(self._long_pause())
                    continue
                if progress.settled or progress.jobs:
                    continue
                wait = self.config.idle_interval
                if progress.chat_ready_at is not None:
                    wait = min(wait, max(0.0, progress.chat_ready_at - self.timer.now()))
                await self.timer.sleep(wait)
        finally:
            if ahead is not None:
                try:
                    self._writer.to_release += [job.row_id for job in (await ahead).jobs]
                except Exception as error:  # noqa: BLE001 - a failed claim rolled back: holds nothing
                    logger.debug("Outbox: the claim ahead failed too (%s)", type(error).__name__)

    async def stop(self) -> None:
        """Stop claiming; `run()` then finishes sends in flight and gives back the rest."""
        self._stopping = True
        if isinstance(self.timer, LoopTimer):
            self.timer.wake()

    async def run_once(self) -> int:
        """One pass, waiting for its sends: how many rows it sent, deferred, dropped or failed."""
        progress = await self._step()
        await self._finish_in_flight()
        return progress.settled + len(progress.jobs)

    async def drain(self) -> int:
        """Passes until nothing is due (per-chat waits are slept through on the timer)."""
        total = 0
        while True:
            progress = await self._step()
            await self._finish_in_flight()
            total += progress.settled + len(progress.jobs)
            if progress.settled or progress.jobs:
                continue
            if progress.chat_ready_at is None:
                return total
            await self.timer.sleep(progress.chat_ready_at - self.timer.now())

    async def recover(self) -> outbox.Recovered:
        """Settle rows a dead sender left "sending" for longer than the lease (crash policy)."""
        before = self.clock.now() - self.config.lease
        recovered = await self._writer.write(
            lambda s: outbox.recover_stale(s, before, REPEAT_IN_DOUBT, SENT_AGAIN, IN_DOUBT)
        )
        if recovered.requeued:
            logger.warning(
                "Outbox: %d rows a stopped sender had claimed but not sent are queued again",
                recovered.requeued,
            )
        if recovered.in_doubt:
            logger.warning(
                "Outbox: %d rows were interrupted mid-send: %d sent again, %d failed (in doubt)",
                recovered.in_doubt, recovered.repeated, recovered.failed,
            )
        return recovered

    # ------------------------------------------------------------------ one pass

    async def _step(self) -> Pass:
        await self._writer.catch_up()
        await self._recover_when_due()
        progress = await self._claim()
        await self._dispatch(progress.jobs)
        return progress

    async def _recover_when_due(self) -> None:
        if self.timer.now() >= self._next_recovery:
            await self.recover()
            self._next_recovery = self.timer.now() + self.config.lease.total_seconds() / 2

    async def _claim(self, busy: Collection[tuple[str, str]] = frozenset()) -> Pass:
        """A pass's claim (`Claim.take`) in a transaction of its own."""
        return await self._writer.write(lambda session: self._claims.take(session, busy))

    async def _dispatch(self, jobs: list[Job]) -> None:
        for index, job in enumerate(jobs):
            await self._room.acquire()
            try:
                if not await self._wait_for_slot(job):
                    self._room.release()
                    if self._stopping:
                        self._writer.to_release += [j.row_id for j in jobs[index:]]
                        await self._writer.catch_up()
                        return
                    # A long 429 pause on this row's channel: give it back, the others go on.
                    self._writer.to_release.append(job.row_id)
                    continue
                if not await self._start(job):
                    self._room.release()
                    continue
            except BaseException:
                # The database failed us: what was not started is given back when it is back.
                self._room.release()
                self._writer.to_release += [j.row_id for j in jobs[index:]]
                raise
            task = asyncio.get_running_loop().create_task(self._deliver(job))
            self._in_flight.add(task)
            task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task[None]) -> None:
        self._in_flight.discard(task)
        self._room.release()
        if not task.cancelled() and task.exception() is not None:
            logger.error("Outbox delivery crashed", exc_info=task.exception())

    async def _start(self, job: Job) -> bool:
        """Commit that this row's request is about to start (so a crash leaves it in doubt).

        Results waiting to be written go in the same commit.
        """
        now = self.clock.now()
        started = await self._writer.flush(
            lambda s: outbox.mark_started(s, job.row_id, job.claimed_at, now)
        )
        if not started:
            logger.warning("Outbox: row %d is no longer ours; not sending it", job.row_id)
        return bool(started)

    def _long_pause_of(self, courier: Courier) -> float:
        """The part of a channel's 429 pause not worth waiting for with rows claimed (`long_pause`)."""
        return long_pause(courier, self.timer.now())

    def _long_pause(self) -> float:
        """The long pause every channel is in (0 when one of them may send)."""
        return min(self._long_pause_of(c) for c in self.couriers.values())

    async def _wait_for_slot(self, job: Job) -> bool:
        """Sleep until the booked slot; False if stopping or a long 429 pause says give the row back."""
        courier = self.couriers[job.channel]
        limits = courier.limits
        if self._stopping or self._long_pause_of(courier) > 0:
            return False  # checked before booking: a slot booked now would only push others back
        budget = self._budgets.get(job.channel)
        if budget is None:
            return await self._sleep_until(courier, limits.reserve(job.chat_id, self.timer.now()))
        # A shared slot is taken only once the chat and any pause allow it: it cannot be used late.
        if not await self._sleep_until(courier, limits.chat_ready_at(job.chat_id)):
            return False
        at = await budget.take()
        limits.book(job.chat_id, at)
        return await self._sleep_until(courier, at)

    async def _sleep_until(self, courier: Courier, at: float) -> bool:
        """Sleep until `at` and past any pause; False if stopping or a long 429 pause gives the row back."""
        while True:
            if self._stopping:
                return False
            if self._long_pause_of(courier) > 0:
                return False
            wait = max(at, courier.limits.paused_until()) - self.timer.now()
            if wait <= 0:
                return True
            await self.timer.sleep(wait)

    async def _pause_everyone(self, channel: str, seconds: float) -> None:
        """On PostgreSQL a 429 holds every process's sends on the channel (the shared budget)."""
        budget = self._budgets.get(channel)
        if budget is None:
            return
        try:
            await budget.pause(seconds)
        except Exception as error:  # noqa: BLE001 - this process pauses anyway; the others meet their own 429
            logger.warning("Outbox: the shared pause could not be written (%s)", type(error).__name__)

    async def _finish_in_flight(self) -> None:
        while self._in_flight:
            await asyncio.gather(*list(self._in_flight), return_exceptions=True)
        for courier in self.couriers.values():
            courier.limits.forget_idle_chats(self.timer.now())

    # ------------------------------------------------------------------ one message

    async def _deliver(self, job: Job) -> None:
        attempts = job.attempts + 1
        courier = self.couriers[job.channel]
        try:
            delivered = await courier.deliver(
                job, part_sent=lambda part: self._first_part_sent(job, part),
                wait_for_slot=lambda: self._wait_for_slot(job),
            )
        except Throttled as exc:
            now = self.timer.now()
            if exc.everyone:
                courier.limits.pause(now, exc.seconds)
                await self._pause_everyone(job.channel, exc.seconds)
            else:
                courier.limits.hold(job.chat_id, now + exc.seconds)
            logger.warning(
                "Outbox: %s asked to pause %.0fs (row %d)", job.channel, exc.seconds, job.row_id
            )
            # Throttling is not the message's fault: it does not count towards giving up.
            await self._settle_retry(job, job.attempts, timedelta(seconds=exc.seconds), exc.reason)
        except Unreachable as exc:
            await self._settle_unreachable(job, attempts, exc.reason)
        except Rejected as exc:
            await self._settle_failed(job, attempts, exc.reason)
        except Transient as exc:
            if attempts >= self.config.max_attempts:
                await self._settle_failed(
                    job, attempts, f"gave up after {attempts} attempts: {exc.reason}"
                )
            else:
                await self._settle_retry(job, attempts, backoff(attempts, self._rng), exc.reason)
        except Exception as exc:  # unforeseen: retried like a network fault
            logger.error("Outbox: row %d met an unexpected error", job.row_id, exc_info=exc)
            reason = f"unexpected error: {type(exc).__name__}"
            if attempts >= self.config.max_attempts:
                await self._settle_failed(job, attempts, reason)
            else:
                await self._settle_retry(job, attempts, backoff(attempts, self._rng), reason)
        else:
            await self._settle_sent(job, attempts, delivered)

    async def _settle_sent(self, job: Job, attempts: int, delivered: Delivered) -> None:
        now = self.clock.now()
        await self._writer.record(lambda s: outbox.mark_sent(
            s, job.row_id, attempts, delivered.message_id, now, job.claimed_at,
            channel=job.channel, template=delivered.template,
        ))

    async def _first_part_sent(self, job: Job, first: str) -> None:
        # Kept in memory if the database is away, so a retry never sends the file again.
        await self._writer.record(lambda s: outbox.note_first_part(s, job.row_id, first, job.claimed_at))

    # ------------------------------------------------------------------ results

    async def _settle_retry(self, job: Job, attempts: int, after: timedelta, reason: str) -> None:
        at = self.clock.now() + after
        await self._writer.record(lambda s: outbox.retry_later(
            s, job.row_id, attempts, at, reason, job.claimed_at
        ))

    async def _settle_failed(self, job: Job, attempts: int, reason: str) -> None:
        logger.warning("Outbox: row %d failed after %d attempt(s)", job.row_id, attempts)
        await self._writer.record(lambda s: outbox.mark_failed(
            s, job.row_id, attempts, reason, job.claimed_at
        ))

    async def _settle_unreachable(self, job: Job, attempts: int, reason: str) -> None:
        now = self.clock.now()

        async def unreachable(session: AsyncSession) -> None:
            await outbox.mark_failed(
                session, job.row_id, attempts, f"{BLOCKED}: {reason}", job.claimed_at
            )
            people = await outbox.block_identity(session, job.channel, job.chat_id, now)
            given_up = 0
            for person_id in people:
                # Still reachable on another channel: the queue waits for that one instead.
                if not await outbox.reachable(session, person_id):
                    given_up += await outbox.fail_pending_for_person(session, person_id, BLOCKED)
            logger.warning(
                "Outbox: row %d: unreachable; %d more rows given up", job.row_id, given_up
            )

        await self._writer.record(unreachable)

