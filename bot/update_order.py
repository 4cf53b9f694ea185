"""Updates from one person are handled in order; different people need not wait for each other."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor


class PerPersonUpdateProcessor(BaseUpdateProcessor):
    """Process updates concurrently, but one at a time per person.

    A person who taps two buttons quickly must see the second tap applied
    after the first (their answers are a sequence); someone else's update
    never waits for that. Updates without a user (e.g. channel posts) only
    share the global concurrency limit.
    """

    __slots__ = ("_locks", "_waiting")

    def __init__(self, max_concurrent_updates: int = 64) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self._waiting: dict[int, int] = {}

    async def process_update(self, update: object, coroutine: Awaitable[Any]) -> None:  # type: ignore[misc]
        """Take the person's turn first, then a global slot.

        PTB's base class takes the global slot first; then one person's burst of
        taps would hold every slot while queueing behind their own lock, and
        everyone else would wait.
        """
        user = update.effective_user if isinstance(update, Update) else None
        if user is None:
            async with self._semaphore:
                await self.do_process_update(update, coroutine)
            return
        lock = self._locks.setdefault(user.id, asyncio.Lock())
        self._waiting[user.id] = self._waiting.get(user.id, 0) + 1
        try:
            async with lock, self._semaphore:
                await self.do_process_update(update, coroutine)
        finally:
            self._waiting[user.id] -= 1
            # Forget idle people, so the table does not grow with every user ever seen.
            if not self._waiting[user.id]:
                del self._waiting[user.id]
                self._locks.pop(user.id, None)

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        await coroutine

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None
