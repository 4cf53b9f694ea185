"""Heartbeats of the bot's background workers (outbox sender, planner), for `narbot status`.

Each worker of each process writes its own row about once a minute, and at once when it
becomes degraded or recovers; a row nobody has written for a few minutes means the worker
(or its process) is gone. No personal data.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, UTCDateTime


class WorkerHeartbeat(Base):
    __tablename__ = "worker_heartbeats"

    # "sender" or "planner", with the process that runs it: "sender@host:pid".
    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    worker: Mapped[str] = mapped_column(String(32))
    beat_at: Mapped[datetime] = mapped_column(UTCDateTime)
    healthy: Mapped[bool] = mapped_column(Boolean)
    # Since when the worker has been failing (None while healthy).
    degraded_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The last fault's class and message (database errors carry no personal data).
    last_error: Mapped[str | None] = mapped_column(String(500))
