"""Fingerprints of the whole database, to prove that a refused action changed nothing."""

from __future__ import annotations

import hashlib

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.models import Base


async def fingerprint(sessions: async_sessionmaker[AsyncSession]) -> dict[str, tuple[int, str]]:
    """Every table's row count and a hash of its rows (ordered by primary key)."""
    result: dict[str, tuple[int, str]] = {}
    async with sessions() as session:
        for table in Base.metadata.sorted_tables:
            order = list(table.primary_key.columns) or list(table.columns)
            rows = (await session.execute(select(table).order_by(*order))).all()
            digest = hashlib.sha256(repr([tuple(row) for row in rows]).encode()).hexdigest()[:16]
            result[table.name] = (len(rows), digest)
    return result


def changed_tables(before: dict[str, tuple[int, str]], after: dict[str, tuple[int, str]]) -> list[str]:
    return [name for name in after if before.get(name) != after[name]]
