"""What every channel adapter and every job needs from the running bot: sessions, the clock, defaults.

The composition root (bot/app.py) puts one `Services` in the application's
shared data under `SERVICES_KEY`; adapters and jobs read it from there. It
lives in the domain so that jobs need no channel adapter to find it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mentoring.clock import Clock

SERVICES_KEY = "narbot.services"


@dataclass
class Services:
    sessions: async_sessionmaker[AsyncSession]
    clock: Clock
    default_locale: str = "tr"
    default_timezone: str = "Europe/Istanbul"
    # Days a programme's texts are kept after it ends (RETENTION_DAYS_AFTER_PROGRAMME); the planner
    # applies retention once a day (mentoring/privacy/retention.py).
    retention_days_after_programme: int = 180


def services_in(shared: Mapping[str, Any]) -> Services:
    """The services kept in an application's shared data (PTB's `bot_data`)."""
    return shared[SERVICES_KEY]
