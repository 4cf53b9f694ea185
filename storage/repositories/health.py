"""Workers' heartbeats (storage/models/health.py); the caller owns the transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.health import WorkerHeartbeat
from storage.upsert import upsert_statement

_COLUMNS = ("worker", "beat_at", "healthy", "degraded_since", "last_error")


async def beat(
    session: AsyncSession,
    name: str,
    worker: str,
    now: datetime,
    *,
    degraded_since: datetime | None,
    last_error: str | None,
) -> None:
    """Write (or overwrite) one worker's heartbeat."""
    await session.execute(
        upsert_statement(session, WorkerHeartbeat, ("name",), _COLUMNS),
        {
            "name": name,
            "worker": worker,
            "beat_at": now,
            "healthy": degraded_since is None,
            "degraded_since": degraded_since,
            "last_error": last_error[:500] if last_error else None,
        },
    )


async def heartbeats(session: AsyncSession) -> Sequence[WorkerHeartbeat]:
    """Every worker's last heartbeat, newest first."""
    return (
        await session.scalars(select(WorkerHeartbeat).order_by(WorkerHeartbeat.beat_at.desc()))
    ).all()
