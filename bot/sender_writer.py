"""The sender's writes to the database: one transaction at a time, shared by sends that finish together.

On SQLite every commit is a disk sync and concurrent writers only wait for each
other, so the sender writes through one lock, and the results of sends that
finish while a write is in progress share the next transaction (group commit).
A write that fails (the database restarting or locked) loses nothing: its
results and the claims it should have given back stay here and are written
when the database is back, or, at a stop, left to the crash policy.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.repositories import outbox

logger = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")


class ResultWriter:
    """Writes the sender's results and claims; keeps what a failed write could not write."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.sessions = sessions
        # One sender transaction at a time: on SQLite concurrent writers only wait for each other.
        self._database = asyncio.Lock()
        self._flushing = asyncio.Lock()
        self._results: list[Callable[[AsyncSession], Awaitable[object]]] = []
        # Rows the channel took, written together by one prebuilt statement (the common result).
        self._sent: list[outbox.Sent] = []
        # Claims to give back that a failed write could not (kept until the database is back).
        self.to_release: list[int] = []

    async def catch_up(self) -> None:
        """Write what a failed write left in memory: results of sends, claims to give back."""
        if self._results or self._sent:
            await self.flush()
        if self.to_release:
            ids = list(self.to_release)
            await self.write(lambda s: outbox.release(s, ids))
            del self.to_release[: len(ids)]

    async def leave(self) -> None:
        """On the way out, one last try to write what is left; say what could not be written."""
        try:
            await self.catch_up()
        except Exception as error:  # noqa: BLE001 - the crash policy settles what is left
            logger.warning(
                "Outbox sender stopped with %d results and %d claims unwritten (%s); "
                "the crash policy settles those rows after the lease",
                len(self._results) + len(self._sent), len(self.to_release), type(error).__name__,
            )

    async def record(self, result: Callable[[AsyncSession], Awaitable[object]]) -> None:
        """Write a send's result; results waiting meanwhile share one transaction (group commit).

        On SQLite every commit is a disk sync: one per send would cap the rate.
        A result that cannot be written now stays in memory for the next pass.
        """
        self._results.append(result)
        try:
            await self.flush()
        except Exception as error:  # noqa: BLE001 - kept, and written when the database is back
            logger.warning(
                "Outbox: a send's result could not be written yet (%s)", type(error).__name__
            )

    async def record_sent(self, sent: outbox.Sent) -> None:
        """`record` for a row the channel took: such rows share one statement as well as the commit."""
        self._sent.append(sent)
        try:
            await self.flush()
        except Exception as error:  # noqa: BLE001 - kept, and written when the database is back
            logger.warning(
                "Outbox: a send's result could not be written yet (%s)", type(error).__name__
            )

    async def flush(self, then: Callable[[AsyncSession], Awaitable[T]] | None = None) -> T | None:
        """Write the results waiting (and `then`, if given) in one transaction."""
        async with self._flushing:
            batch, self._results = self._results, []
            sent, self._sent = self._sent, []
            if not batch and not sent and then is None:
                return None  # an earlier flush took ours

            async def apply(session: AsyncSession) -> T | None:
                await outbox.mark_sent_many(session, sent)
                for each in batch:
                    await each(session)
                return await then(session) if then is not None else None

            try:
                return await self.write(apply)
            except BaseException:
                self._results[:0] = batch
                self._sent[:0] = sent
                raise

    async def read_then_write(
        self, read: Callable[[AsyncSession], Awaitable[R]], work: Callable[[AsyncSession, R], Awaitable[T]]
    ) -> T:
        """`read`, then `work` with what it found, in one transaction; only `work` waits its turn.

        A pass's claim reads and decides about a thousand rows at paid-broadcast pace (tens of
        milliseconds); holding the turn meanwhile stopped every send's mark and result, and with
        them the sends (issue #17). On SQLite reads before a transaction's first write take no
        lock (`work` begins it); on PostgreSQL the rows `read` locks stay locked until the commit.
        """
        async with self.sessions() as session:
            found = await read(session)
            async with self._database:
                result = await work(session, found)
                await session.commit()
            return result

    async def write(self, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
        """`work` in its own transaction, one at a time per sender (SQLite writers only queue)."""
        async with self._database, self.sessions.begin() as session:
            return await work(session)
