"""Fixtures: an Application wired as in production, on a real database, with an offline bot.

Imported by tests/conftest.py, so every test package can use them."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram.ext import Application

from bot.app import build_application, post_shutdown, post_stop
from bot.settings import Settings
from handlers.services import SERVICES_KEY
from mentoring.clock import ManualClock
from tests.support.offline import ChatUser, OfflineBotApi

AppFactory = Callable[[], Awaitable[tuple[Application, OfflineBotApi]]]


async def stop_running(app: Application) -> None:  # type: ignore[type-arg]
    """Stop a started application as `run_polling` does: polling (if it polls), the application,
    post_stop, shutdown, post_shutdown."""
    if app.updater is not None and app.updater.running:
        await app.updater.stop()
    await app.stop()
    await post_stop(app)
    await app.shutdown()
    await post_shutdown(app)


@pytest.fixture
async def make_app(settings: Settings, clock: ManualClock) -> AsyncIterator[AppFactory]:
    """Start Applications on the same database; a second call is a restart.

    Every button the bot sends must be readable by mentoring.button_data (checked at the end).
    """
    started: list[Application] = []
    apis: list[OfflineBotApi] = []

    async def start() -> tuple[Application, OfflineBotApi]:
        api = OfflineBotApi()
        app = build_application(settings, clock=clock, request=api, get_updates_request=OfflineBotApi())
        await app.initialize()
        await app.post_init(app)  # type: ignore[misc]
        started.append(app)
        apis.append(api)
        return app, api

    yield start
    for app in started:
        await stop_app(app)
    unreadable = sorted({data for api in apis for data in api.unreadable_buttons})
    assert not unreadable, f"buttons that mentoring/button_data.py cannot read: {unreadable}"


async def stop_app(app: Application) -> None:
    if app.running:
        await app.stop()
    if app.bot_data.get("narbot.engine") is not None:
        await app.post_shutdown(app)  # type: ignore[misc]
        await app.shutdown()


@pytest.fixture
async def app_and_api(make_app: AppFactory) -> tuple[Application, OfflineBotApi]:
    return await make_app()


@pytest.fixture
def app_sessions(app_and_api: tuple[Application, OfflineBotApi]) -> async_sessionmaker[AsyncSession]:
    return app_and_api[0].bot_data[SERVICES_KEY].sessions


@pytest.fixture
def user(app_and_api: tuple[Application, OfflineBotApi]) -> ChatUser:
    app, api = app_and_api
    return ChatUser(app, api, user_id=5001)
