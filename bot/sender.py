"""The one sender: delivers the outbox on every channel while keeping each channel's limits (principle 3).

Each pass claims a small batch of due rows (about a second's worth per channel; the next batch
is claimed while this one goes out), each row decided by `mentoring.delivery.decide` (send on
which channel, defer, drop, fail) and a row for a person outside WhatsApp's 24-hour window sent
as an approved template within the number's daily limit of new people: that claim lives in
bot/sender_claim.py. This module runs the passes, books a send slot from the channel's `Limits`
for every row it sends, hands the row to that channel's courier (bot/courier.py) and records each
result through bot/sender_writer.py (results that finish together share one transaction). Sends
run concurrently (a hung request does not stall the queue) but start no faster than each
channel's rate.

The sender never ends of a fault while the bot runs: a pass that fails (the database restarting
or locked, anything else) is logged at once, reported each minute while it lasts
(`bot/health.py`) and tried again after a backoff; results and claims it could not write are kept
and written when the database is back.

Crash policy (docs/outbox.md): a row's request is marked as started, in a commit, just before it
goes out (rows whose slots have come together share one statement and one commit: a busy sender
at paid-broadcast pace). Rows a killed process claimed but never attempted go back to the queue
after the lease; only rows whose request had started are in doubt, and their kind decides
(`delivery.REPEAT_IN_DOUBT`): prompts, reminders, announcements, digests and session news are
sent again (better twice than never), the rest are failed as "delivery unknown". A graceful
`stop()` lets sends in flight finish and gives never-attempted rows back, so a stop and restart
loses and repeats nothing.
"""

from __future__ import annotations

import asyncio
import logging
import math
import random
from collections.abc import Awaitable, Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.courier import Courier, Job, Rejected, Throttled, Transient, Unreachable
from bot.health import WorkerHealth
from bot.sender_budget import shared_limits
from bot.sender_claim import Claim, Pass, long_pause
from bot.sender_pacing import Doorbell, LoopTimer, Timer
from bot.sender_results import Results
from bot.sender_writer import ResultWriter
from mentoring.clock import Clock
from mentoring.delivery import REPEAT_IN_DOUBT
from mentoring.outbox import on_queued
from storage.repositories import outbox

logger = logging.getLogger(__name__)

# Sends in flight: enough for this long at the channels' pace (a request takes tens of milliseconds).
IN_FLIGHT_SECONDS = 0.1
MIN_IN_FLIGHT = 32
# Jobs whose slots come within this long of the first share one mark (bot/sender.py `_dispatch`).
GROUP_SECONDS = 0.01
# Runs before the first real wait for a slot, given that wait in seconds (the dispatcher's `launch`).
BeforeWaiting = Callable[[float], Awaitable[None]]
IN_DOUBT = "interrupted while sending: delivery unknown, not retried"
SENT_AGAIN = "interrupted while sending: delivery unknown, sent again"


@dataclass(frozen=True)
class SenderConfig:
    rate_per_second: float = 25.0
    # Transient faults are retried with backoff 1, 2, 4 ... s: ten attempts span about 8 minutes.
    max_attempts: int = 10
    # Sends in flight at most; None: 32, or 0.1 s of the channels' pace if more (paid broadcasts).
    max_in_flight: int | None = None
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
        # Rows queued in this process end an idle rest at once.
        self._doorbell = Doorbell(self.timer)
        self._budgets, guard = shared_limits(
            self.couriers, sessions, clock, self.timer, self.config.shared_budget
        )
        self._claims = Claim(self.couriers, clock, self.timer, guard)
        self._rng = rng or random.Random()
        room = self.config.max_in_flight
        if room is None:
            pace = sum(1 / courier.limits.interval for courier in self.couriers.values())
            room = max(MIN_IN_FLIGHT, math.ceil(pace * IN_FLIGHT_SECONDS))
        self._room = asyncio.Semaphore(room)
        self._in_flight: set[asyncio.Task[None]] = set()
        self._stopping = False
        self._next_recovery = 0.0
        self._writer = ResultWriter(sessions)
        self._results = Results(self._writer, clock, self._rng, self.config.max_attempts)
        self.health = WorkerHealth(
            "sender", "Outbox sender", sessions, clock, self.timer, probe=outbox.queue_state
        )

    # ------------------------------------------------------------------ running

    async def run(self) -> None:
        """Deliver until `stop()`, through any fault; sends in flight finish before it returns."""
        stop_listening = on_queued(self.sessions, self._doorbell.ring)
        try:
            while not self._stopping:
                try:
                    await self._passes()
                except Exception as error:  # noqa: BLE001 - the sender outlives any fault
                    wait = self.health.failed(error)
                    await self.health.beat()
                    await self.timer.sleep(wait)
        finally:
            stop_listening()
            await self._finish_in_flight()
            await self._writer.leave()
            await self.close()

    async def close(self) -> None:
        """Let the couriers close what they hold open (connections of their own); `run()` ends with it."""
        for courier in self.couriers.values():
            close = getattr(courier, "close", None)
            if close is not None:
                await close()

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
                await self._doorbell.rest(wait)
        finally:
            if ahead is not None:
                try:
                    self._writer.to_release += [job.row_id for job in (await ahead).jobs]
                except Exception as error:  # noqa: BLE001 - a failed claim rolled back: holds nothing
                    logger.debug("Outbox: the claim ahead failed too (%s)", type(error).__name__)

    async def stop(self) -> None:
        """Stop claiming; `run()` then finishes sends in flight and gives back the rest."""
        self._stopping = True
        self._doorbell.ring()
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
        """A pass's claim in a transaction of its own: rows chosen while sends go on, then claimed."""
        return await self._writer.read_then_write(
            lambda session: self._claims.choose(session, busy), self._claims.claim
        )

    async def _dispatch(self, jobs: list[Job]) -> None:
        """Send each job in its slot; jobs whose slots have come are marked started together.

        Jobs whose slots have come (all of them, behind the pace), or come within GROUP_SECONDS
        of the first ready one, share one statement and one commit, and their requests start
        right after it: at 1,000 a second one commit per ten jobs instead of one each, a third of
        the sender's CPU (issue #17). Before a longer wait for a slot, and when no more may be in
        flight, the jobs ready so far go first, so a mark is never committed long before its
        request (the crash policy: only started rows are in doubt).
        """
        ready: list[Job] = []
        first_ready = 0.0

        async def launch(wait: float = math.inf) -> None:
            """Start the jobs ready, unless the next slot (`wait` s away) and the first one's are near."""
            if not ready or (wait < GROUP_SECONDS and self.timer.now() - first_ready < GROUP_SECONDS):
                return
            batch = ready[:]
            ready.clear()
            await self._launch(batch)

        for index, job in enumerate(jobs):
            try:
                if ready and self._room.locked():
                    await launch()
                await self._room.acquire()
                try:
                    slot = await self._wait_for_slot(job, before_waiting=launch)
                except BaseException:
                    self._room.release()
                    raise
                if not slot:
                    self._room.release()
                    if self._stopping:
                        self._writer.to_release += [j.row_id for j in ready + jobs[index:]]
                        for _ in ready:
                            self._room.release()
                        ready.clear()
                        await self._writer.catch_up()
                        return
                    # A long 429 pause on this row's channel: give it back, the others go on.
                    self._writer.to_release.append(job.row_id)
                    continue
                if not ready:
                    first_ready = self.timer.now()
                ready.append(job)
            except BaseException:
                # The database failed us: what was not started is given back when it is back.
                self._writer.to_release += [j.row_id for j in ready + jobs[index:]]
                for _ in ready:
                    self._room.release()
                ready.clear()
                raise
        if ready:
            await launch()

    async def _launch(self, jobs: list[Job]) -> None:
        """Mark these jobs started in one commit, then start their requests (each holds a room)."""
        try:
            started = await self._start(jobs)
        except BaseException:
            for _ in jobs:
                self._room.release()
            self._writer.to_release += [j.row_id for j in jobs]
            raise
        loop = asyncio.get_running_loop()
        for job in jobs:
            if job.row_id not in started:
                self._room.release()
                continue
            task = loop.create_task(self._deliver(job))
            self._in_flight.add(task)
            task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task[None]) -> None:
        self._in_flight.discard(task)
        self._room.release()
        if not task.cancelled() and task.exception() is not None:
            logger.error("Outbox delivery crashed", exc_info=task.exception())

    async def _start(self, jobs: list[Job]) -> set[int]:
        """Commit that these rows' requests are about to start (so a crash leaves them in doubt).

        Results waiting to be written go in the same commit. Returns the rows still ours.
        """
        now = self.clock.now()
        claims: dict[Any, list[int]] = {}
        for job in jobs:
            claims.setdefault(job.claimed_at, []).append(job.row_id)

        async def mark(session: AsyncSession) -> set[int]:
            won: set[int] = set()
            for claimed_at, ids in claims.items():
                won.update(await outbox.mark_started_many(session, ids, claimed_at, now))
            return won

        started = await self._writer.flush(mark) or set()
        for job in jobs:
            if job.row_id not in started:
                logger.warning("Outbox: row %d is no longer ours; not sending it", job.row_id)
        return started

    def _long_pause_of(self, courier: Courier) -> float:
        """The part of a channel's 429 pause not worth waiting for with rows claimed (`long_pause`)."""
        return long_pause(courier, self.timer.now())

    def _long_pause(self) -> float:
        """The long pause every channel is in (0 when one of them may send)."""
        return min(self._long_pause_of(c) for c in self.couriers.values())

    async def _wait_for_slot(self, job: Job, before_waiting: BeforeWaiting | None = None) -> bool:
        """Sleep until the booked slot; False if stopping or a long 429 pause says give the row back.
        `before_waiting` runs once, before the first real sleep (the dispatcher starts the jobs ready)."""
        courier = self.couriers[job.channel]
        limits = courier.limits
        if self._stopping or self._long_pause_of(courier) > 0:
            return False  # checked before booking: a slot booked now would only push others back
        budget = self._budgets.get(job.channel)
        if budget is None:
            at = limits.reserve(job.chat_id, self.timer.now())
            return await self._sleep_until(courier, at, before_waiting)
        # A shared slot is taken only once the chat and any pause allow it: it cannot be used late.
        if not await self._sleep_until(courier, limits.chat_ready_at(job.chat_id), before_waiting):
            return False
        if before_waiting is not None:
            await before_waiting(math.inf)  # booking a shared block may take a database round trip
        at = await budget.take()
        limits.book(job.chat_id, at)
        return await self._sleep_until(courier, at)

    async def _sleep_until(self, courier: Courier, at: float, before_waiting: BeforeWaiting | None = None) -> bool:
        """Sleep until `at` and past any pause; False if stopping or a long 429 pause gives the row back."""
        while True:
            if self._stopping:
                return False
            if self._long_pause_of(courier) > 0:
                return False
            wait = max(at, courier.limits.paused_until()) - self.timer.now()
            if wait <= 0:
                return True
            if before_waiting is not None:
                await before_waiting(wait)
                before_waiting = None
                continue  # that took time: look again
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
                job, part_sent=lambda part: self._results.first_part_sent(job, part),
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
            await self._results.retry(job, job.attempts, timedelta(seconds=exc.seconds), exc.reason)
        except Unreachable as exc:
            await self._results.unreachable(job, attempts, exc.reason)
        except Rejected as exc:
            await self._results.failed(job, attempts, exc.reason)
        except Transient as exc:
            await self._results.transient(job, attempts, exc.reason)
        except Exception as exc:  # unforeseen: retried like a network fault
            logger.error("Outbox: row %d met an unexpected error", job.row_id, exc_info=exc)
            await self._results.transient(job, attempts, f"unexpected error: {type(exc).__name__}")
        else:
            await self._results.sent(job, attempts, delivered)
