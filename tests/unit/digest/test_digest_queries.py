"""The digest's queries do not grow with the number of groups in a batch, mentees or weeks."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from bench.digest import seed
from mentoring.digest.data import Target
from mentoring.digest.rules import build_digests
from storage.db import create_sessionmaker


async def _queries(engine: AsyncEngine, groups: int, week: int, now: Any) -> tuple[int, int]:
    counted = [0]

    def count(*_: Any) -> None:
        counted[0] += 1

    targets = [Target(g, f"Grup {g}", 1, week, 26) for g in range(1, groups + 1)]
    event.listen(engine.sync_engine, "before_cursor_execute", count)
    try:
        async with create_sessionmaker(engine)() as session:
            digests = await build_digests(session, targets, {}, now)
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", count)
    return counted[0], sum(d.mentees for d in digests)


async def test_query_count_is_fixed_per_batch(engine: AsyncEngine) -> None:
    now = await seed(engine, 40, 8)
    small, small_mentees = await _queries(engine, 10, 2, now)
    large, large_mentees = await _queries(engine, 40, 8, now)
    assert (small_mentees, large_mentees) == (50, 200)  # the digests were really built
    assert small == large <= 16
