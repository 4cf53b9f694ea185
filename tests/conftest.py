"""Fixtures shared by every test: databases on SQLite and PostgreSQL, a clock, settings."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime

import asyncpg
import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.settings import Settings
from mentoring.clock import ManualClock
from storage import migrate
from storage.db import create_engine, create_sessionmaker
from tests.support.postgres import TemporaryPostgres, find_bindir

TEST_TOKEN = "123456789:AAHtestTOKENtestTOKENtestTOKEN12345"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str | None]:
    """The URL of an admin database on a real PostgreSQL server, or None if there is none."""
    url = os.environ.get("NARBOT_TEST_POSTGRES_URL")
    if url:
        yield url
        return
    bindir = find_bindir()
    if bindir is None:
        if IN_CI:
            pytest.fail("CI must test on PostgreSQL: install it (apt-get install postgresql) "
                        "or set NARBOT_TEST_POSTGRES_URL")
        yield None
        return
    server = TemporaryPostgres(bindir)
    server.start()
    try:
        yield server.url
    finally:
        server.stop()


async def _create_database(admin_url: str) -> tuple[str, str]:
    url = make_url(admin_url)
    name = f"narbot_test_{uuid.uuid4().hex[:12]}"
    connection = await asyncpg.connect(
        user=url.username, password=url.password, host=url.host, port=url.port, database=url.database
    )
    try:
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()
    return url.set(drivername="postgresql+asyncpg", database=name).render_as_string(False), name


async def _drop_database(admin_url: str, name: str) -> None:
    url = make_url(admin_url)
    connection = await asyncpg.connect(
        user=url.username, password=url.password, host=url.host, port=url.port, database=url.database
    )
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await connection.close()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def database_url(request: pytest.FixtureRequest, tmp_path, postgres_server) -> AsyncIterator[str]:
    """A fresh, empty database on each backend (a file for SQLite, so restarts can share it)."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'narbot.db'}"
        return
    if postgres_server is None:
        pytest.skip("PostgreSQL is not installed here (apt-get install postgresql); CI runs these")
    url, name = await _create_database(postgres_server)
    try:
        yield url
    finally:
        await _drop_database(postgres_server, name)


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    """An engine on a fully migrated database."""
    engine = create_engine(database_url)
    await migrate.upgrade(engine)
    try:
        yield engine
    finally:
        await engine.dispose()


@pytest.fixture
def sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return create_sessionmaker(engine)


@pytest.fixture
def clock() -> ManualClock:
    # A Monday morning in Istanbul (06:00 UTC = 09:00 TRT).
    return ManualClock(datetime(2026, 11, 23, 6, 0, tzinfo=UTC))


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        telegram_bot_token=TEST_TOKEN,
        database_url=database_url,
        telegram_bot_username="narbot_test_bot",
    )


# The production Application with an offline bot, for every test package.
from tests.support.app import app_and_api, app_sessions, make_app, user  # noqa: E402, F401
