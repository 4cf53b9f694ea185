"""What the sender records for each send's outcome: sent, retried later, failed, or unreachable.

Every result goes through the ResultWriter (bot/sender_writer.py): results that finish
together share one transaction, and a result the database cannot take yet is kept in
memory and written when it is back, so a retry never sends a file part twice.
"""

from __future__ import annotations

import logging
import random
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.courier import Delivered, Job
from bot.sender_writer import ResultWriter
from mentoring.clock import Clock
from mentoring.delivery import BLOCKED, backoff
from storage.repositories import outbox

logger = logging.getLogger(__name__)


class Results:
    """Records the outcome of one send of a claimed row."""

    def __init__(self, writer: ResultWriter, clock: Clock, rng: random.Random, max_attempts: int) -> None:
        self._writer, self._clock, self._rng, self._max_attempts = writer, clock, rng, max_attempts

    async def sent(self, job: Job, attempts: int, delivered: Delivered) -> None:
        await self._writer.record_sent(outbox.Sent(
            job.row_id, attempts, delivered.message_id, self._clock.now(), job.claimed_at,
            job.channel, delivered.template,
        ))

    async def first_part_sent(self, job: Job, first: str) -> None:
        # Kept in memory if the database is away, so a retry never sends the file again.
        await self._writer.record(lambda s: outbox.note_first_part(s, job.row_id, first, job.claimed_at))

    async def retry(self, job: Job, attempts: int, after: timedelta, reason: str) -> None:
        at = self._clock.now() + after
        await self._writer.record(lambda s: outbox.retry_later(
            s, job.row_id, attempts, at, reason, job.claimed_at
        ))

    async def transient(self, job: Job, attempts: int, reason: str) -> None:
        """A fault that may pass: tried again after a backoff, until the attempts run out."""
        if attempts >= self._max_attempts:
            await self.failed(job, attempts, f"gave up after {attempts} attempts: {reason}")
        else:
            await self.retry(job, attempts, backoff(attempts, self._rng), reason)

    async def failed(self, job: Job, attempts: int, reason: str) -> None:
        logger.warning("Outbox: row %d failed after %d attempt(s)", job.row_id, attempts)
        await self._writer.record(lambda s: outbox.mark_failed(
            s, job.row_id, attempts, reason, job.claimed_at
        ))

    async def unreachable(self, job: Job, attempts: int, reason: str) -> None:
        now = self._clock.now()

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
