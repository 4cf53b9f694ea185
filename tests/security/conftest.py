"""A populated world on each backend, and a guard that fails a test if the error handler runs."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram.ext import Application, ContextTypes

from handlers.services import SERVICES_KEY
from mentoring.clock import ManualClock
from tests.support.app import AppFactory
from tests.support.world import World, build_world


@pytest.fixture
async def world(make_app: AppFactory, clock: ManualClock) -> World:
    app, api = await make_app()
    world = await build_world(app, api, app.bot_data[SERVICES_KEY].sessions, clock.now())
    watch_errors(app)
    return world


@pytest.fixture
def world_sessions(world: World) -> async_sessionmaker[AsyncSession]:
    return world.app.bot_data[SERVICES_KEY].sessions


ERRORS_KEY = "tests.errors"


def watch_errors(app: Application) -> list[BaseException]:
    """Record every error that reaches the error handlers (the test then asserts none did)."""
    errors: list[BaseException] = app.bot_data.setdefault(ERRORS_KEY, [])

    async def record(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        errors.append(context.error)  # type: ignore[arg-type]

    # First in line: Narbot's own error handler stops the chain (ApplicationHandlerStop).
    existing = dict(app.error_handlers)
    app.error_handlers.clear()
    app.add_error_handler(record)
    for callback, block in existing.items():
        app.add_error_handler(callback, block=block)
    return errors


def errors_of(app: Application) -> list[BaseException]:
    return app.bot_data.get(ERRORS_KEY, [])
