"""The console's route tests: the reporting world and a client on the console's ASGI app (both databases)."""

from __future__ import annotations

import httpx
import pytest

from bot.console.app import create_app
from mentoring.runtime import Services
from tests.support.console import CONFIG, URL
from tests.support.reporting import seed_reporting


@pytest.fixture
async def world(sessions, clock):
    return await seed_reporting(sessions, clock.now())


@pytest.fixture
async def client(sessions, clock):
    app = create_app(Services(sessions=sessions, clock=clock), CONFIG)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=URL) as client:
        yield client
