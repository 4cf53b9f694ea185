"""A channel's sending limits as a schedule of slots, on a monotonic timer the tests can replace.

The limits: an overall rate (Telegram: below its ~30/s so replies have room;
WhatsApp: the number's throughput), a gap between two messages to one person
(Telegram: one a second; WhatsApp: its pair rate), 20 per minute to a Telegram
group chat (chat id < 0), and a pause for everyone after a 429 for as long as
the channel asks. Each channel's courier keeps its own `Limits`.
"""

from __future__ import annotations

import asyncio
import math
from collections import deque
from typing import Protocol

PRIVATE_CHAT_INTERVAL = 1.0
GROUP_CHAT_LIMIT, GROUP_CHAT_WINDOW = 20, 60.0


class Timer(Protocol):
    """Monotonic seconds and a way to wait for them."""

    def now(self) -> float: ...

    async def sleep(self, seconds: float) -> None: ...


class LoopTimer:
    """The event loop's monotonic clock; a sleep ends early when `wake()` is called (and every
    sleep after it ends at once).

    A sleep is one future and one timer handle (no task): at hundreds of sends a second the
    sender sleeps until nearly every slot.
    """

    def __init__(self) -> None:
        self._woken = False
        self._sleeping: set[asyncio.Future[None]] = set()

    def now(self) -> float:
        return asyncio.get_running_loop().time()

    async def sleep(self, seconds: float) -> None:
        if seconds <= 0 or self._woken:
            await asyncio.sleep(0)
            return
        loop = asyncio.get_running_loop()
        done = loop.create_future()
        self._sleeping.add(done)
        handle = loop.call_later(seconds, _end, done)
        try:
            await done
        finally:
            handle.cancel()
            self._sleeping.discard(done)

    def wake(self) -> None:
        self._woken = True
        for done in self._sleeping:
            _end(done)


def _end(done: asyncio.Future[None]) -> None:
    if not done.done():
        done.set_result(None)


class Doorbell:
    """An idle sender's rest: it ends after its seconds on the timer, or as soon as `ring()` is called
    (rows were queued in this process: mentoring.outbox `on_queued`).

    Without it a wave or a broadcast the planner had just queued waited for the sender's next look
    at the queue, up to `idle_interval` (a second) later (issue #17). Only the rest between passes
    listens: a wait for a send's slot is never cut short.
    """

    def __init__(self, timer: Timer) -> None:
        self.timer = timer
        self._rung = asyncio.Event()

    def ring(self) -> None:
        self._rung.set()

    async def rest(self, seconds: float) -> None:
        if not self._rung.is_set():
            resting = asyncio.ensure_future(self.timer.sleep(seconds))
            rung = asyncio.ensure_future(self._rung.wait())
            try:
                done, _ = await asyncio.wait((resting, rung), return_when=asyncio.FIRST_COMPLETED)
                if resting in done:
                    resting.result()  # the timer's own error, if it had one
            finally:
                resting.cancel()
                rung.cancel()
        self._rung.clear()


class Limits:
    """Hands out send slots that keep every limit; `reserve` books one and says when it starts.

    The overall rate is a token bucket holding `slack` seconds of sends: time
    lost between two batches (a database round trip) is made up at once, and
    no one-second window sees more than rate * (1 + slack) + 1 sends (28.5 at 25/s).
    """

    def __init__(
        self, rate_per_second: float, slack: float = 0.1, *, private_interval: float = PRIVATE_CHAT_INTERVAL
    ) -> None:
        if rate_per_second <= 0:
            raise ValueError("the sending rate must be positive")
        self.interval = 1.0 / rate_per_second
        self.batch = max(1, math.ceil(rate_per_second))  # about a second's worth of sends
        self.slack = slack
        self.private_interval = private_interval
        self._next_slot = 0.0
        self._paused_until = 0.0
        self._private: dict[str, float] = {}
        self._groups: dict[str, deque[float]] = {}

    def chat_ready_at(self, chat_id: str) -> float:
        """The earliest moment this chat may receive the next message."""
        if is_group(chat_id):
            stamps = self._groups.get(chat_id)
            if stamps is None or len(stamps) < GROUP_CHAT_LIMIT:
                return 0.0
            return stamps[-GROUP_CHAT_LIMIT] + GROUP_CHAT_WINDOW
        return self._private.get(chat_id, 0.0)

    def reserve(self, chat_id: str, now: float) -> float:
        """Book the next slot for a message to `chat_id`; returns when it may be sent."""
        start = max(
            now - self.slack, self._next_slot, self._paused_until, self.chat_ready_at(chat_id)
        )
        self._next_slot = start + self.interval
        at = max(start, now)
        self._note_chat(chat_id, at)
        return at

    def give_way(self, now: float) -> None:
        """A reply went out beside the sender (bot/reply_bot.py): it uses up one send of the burst
        the bucket holds (time the sender fell behind), never more.

        Replies are never held back and the channel counts them too: taking the burst keeps
        sender and replies together within the limit, while a sender on pace keeps its pace
        (its rate leaves the replies their room: 25 of Telegram's ~30/s).
        """
        caught_up = max(self._next_slot, now)
        self._next_slot = min(max(self._next_slot, now - self.slack) + self.interval, caught_up)

    def book(self, chat_id: str, at: float) -> None:
        """A slot the shared budget gave (bot/sender_budget.py): keep the chat's limits from it."""
        self._next_slot = max(self._next_slot, at + self.interval)
        self._note_chat(chat_id, at)

    def _note_chat(self, chat_id: str, at: float) -> None:
        if is_group(chat_id):
            stamps = self._groups.setdefault(chat_id, deque(maxlen=GROUP_CHAT_LIMIT))
            stamps.append(at)
        else:
            self._private[chat_id] = at + self.private_interval

    def hold(self, chat_id: str, until: float) -> None:
        """The channel asked to wait before writing to this chat again (WhatsApp's pair rate)."""
        self._private[chat_id] = max(self._private.get(chat_id, 0.0), until)

    def pause(self, now: float, seconds: float) -> None:
        """A 429: nothing at all goes out for `seconds`."""
        self._paused_until = max(self._paused_until, now + seconds)

    def paused_until(self) -> float:
        return self._paused_until

    def forget_idle_chats(self, now: float) -> None:
        """Drop per-chat bookkeeping that no longer limits anything (keeps memory flat)."""
        self._private = {c: t for c, t in self._private.items() if t > now}
        self._groups = {
            c: s for c, s in self._groups.items() if s and s[-1] + GROUP_CHAT_WINDOW > now
        }


def is_group(chat_id: str) -> bool:
    return chat_id.startswith("-")
