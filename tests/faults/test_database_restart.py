"""PostgreSQL gone for a moment: the person is asked to try again, nothing is half-written,
and the next update works again (PostgreSQL only; a server of its own, so it can be stopped)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import asyncpg
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram.ext import Application

from bot.app import build_application
from bot.settings import Settings
from handlers.services import SERVICES_KEY
from mentoring.clock import ManualClock
from storage.models.reflections import ReflectionAnswer
from tests.conftest import TEST_TOKEN
from tests.security.conftest import errors_of, watch_errors
from tests.support.app import stop_app
from tests.support.offline import ChatUser, OfflineBotApi
from tests.support.postgres import StoppablePostgres
from tests.support.reflection import WEEK1_OPEN, use_text_questions
from tests.support.seed import seed_programme
from tests.support.snapshot import changed_tables, fingerprint
from tests.support.world import join

pytestmark = pytest.mark.postgres
APOLOGY = "Lütfen birazdan tekrar deneyin."


@pytest.fixture
async def app_api(server: StoppablePostgres) -> AsyncIterator[tuple[Application, OfflineBotApi]]:
    connection = await asyncpg.connect(host="127.0.0.1", port=server.port, user="postgres", database="postgres")
    await connection.execute('CREATE DATABASE "narbot_faults"')
    await connection.close()
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        telegram_bot_token=TEST_TOKEN,
        database_url=server.url.rsplit("/", 1)[0] + "/narbot_faults",
        telegram_bot_username="narbot_test_bot",
    )
    clock = ManualClock(datetime(2026, 11, 23, 6, 0, tzinfo=UTC))
    api = OfflineBotApi()
    application = build_application(settings, clock=clock, request=api, get_updates_request=OfflineBotApi())
    await application.initialize()
    await application.post_init(application)  # type: ignore[misc]
    try:
        yield application, api
    finally:
        await stop_app(application)


async def answers(sessions: async_sessionmaker[AsyncSession]) -> int:
    async with sessions() as session:
        return await session.scalar(select(func.count()).select_from(ReflectionAnswer)) or 0


async def test_a_reflection_survives_the_database_going_away(
    server: StoppablePostgres, app_api: tuple[Application, OfflineBotApi]
) -> None:
    app, api = app_api
    sessions = app.bot_data[SERVICES_KEY].sessions
    clock: ManualClock = app.bot_data["narbot.clock"]
    user = ChatUser(app, api, user_id=4242)
    setup = await seed_programme(sessions, clock.now())
    await use_text_questions(sessions, setup.programme.id, clock.now())  # written answers from question 1
    await join(user, setup.codes["mentee1"])
    clock.set(WEEK1_OPEN)
    await user.send("/reflect")
    await user.send("Oyun saatinde sırayla konuşmayı denedim.")
    assert "soru 2/7" in user.last_text()
    errors = watch_errors(app)

    # A restart between two updates goes unnoticed: the pool checks its connections first.
    server.restart()
    await user.send("Çocuklar sıralarını bekledi.")
    assert "soru 3/7" in user.last_text()
    assert await answers(sessions) == 2 and not errors

    # The database is down while the person answers: an apology, and nothing is stored.
    before = await fingerprint(sessions)
    server.halt()
    seen = len(user.messages())
    await user.send("Gelecek hafta akşam deneyeceğim.")
    replies = [m["text"] for m in user.messages()[seen:]]
    assert len(replies) == 1 and APOLOGY in replies[0], replies
    assert errors, "the error handler saw the fault"
    server.resume()
    assert not changed_tables(before, await fingerprint(sessions)), "nothing half-written"

    # Back again: the person sends the same answer and the reflection goes on at question 3's successor.
    await user.send("Gelecek hafta akşam deneyeceğim.")
    assert "soru 4/7" in user.last_text()
    assert await answers(sessions) == 3
    assert "soru 4/7" not in "\n".join(user.texts()[:-1]), "no question was skipped or asked twice"
    assert errors_of(app) == errors
