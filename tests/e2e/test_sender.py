"""The outbox sender in real time, over real HTTP: two senders at once, the bot process, the benchmark."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import Bot

from bench.broadcast import broadcast
from bot.app import build_application, post_init
from bot.sender import Sender, SenderConfig
from bot.settings import Settings
from handlers.services import SERVICES_KEY
from mentoring.clock import SystemClock
from tests.conftest import TEST_TOKEN
from tests.standin import BotApiStandIn
from tests.support.app import stop_running
from tests.support.sender import ScriptedRequest, add_person, queue, row


@pytest.fixture
async def api() -> AsyncIterator[BotApiStandIn]:
    async with BotApiStandIn(TEST_TOKEN, per_chat_interval=1.0) as standin:
        yield standin


async def test_two_senders_never_send_the_same_row(
    api, sessions: async_sessionmaker[AsyncSession]
) -> None:
    clock = SystemClock()
    people = [await add_person(sessions, clock.now(), 5000 + n) for n in range(120)]
    for n, person in enumerate(people):
        await queue(
            sessions, clock.now(), f"duyuru {n}", person_id=person, respect_quiet_hours=False
        )

    requests = [ScriptedRequest(), ScriptedRequest()]
    bots = [Bot(TEST_TOKEN, base_url=api.base_url, request=r) for r in requests]
    senders = [Sender(b, sessions, clock, SenderConfig(rate_per_second=60)) for b in bots]
    for b in bots:
        await b.initialize()
    tasks = [asyncio.create_task(s.run()) for s in senders]
    try:
        for _ in range(200):
            if len(api.stats.delivered) >= 120:
                break
            await asyncio.sleep(0.05)
    finally:
        for s in senders:
            await s.stop()
        await asyncio.gather(*tasks)
        for b in bots:
            await b.shutdown()

    assert len(api.stats.delivered) == 120 and api.stats.duplicates() == {}
    assert all(r.calls > 0 for r in requests)  # both took part
    assert (await row(sessions, "duyuru 0")).status == "sent"


async def test_the_running_bot_delivers_its_outbox_and_stops_cleanly(
    api, settings: Settings
) -> None:
    settings = settings.model_copy(update={"telegram_api_base_url": api.base_url})
    app = build_application(settings)
    await app.initialize()
    await post_init(app)
    sessions = app.bot_data[SERVICES_KEY].sessions
    clock = SystemClock()
    person = await add_person(sessions, clock.now(), 6001)
    await queue(sessions, clock.now(), "Hoş geldin", person_id=person, respect_quiet_hours=False)
    await app.start()
    try:
        [message] = await api.wait_for_messages(6001, 1, timeout=10)
    finally:
        await stop_running(app)
    assert message["text"] == "Hoş geldin"
    assert "narbot.sender" not in app.bot_data


@pytest.mark.parametrize("mode", ["normal", "restart"])
async def test_the_broadcast_benchmark_loses_and_repeats_nothing(mode: str, tmp_path) -> None:
    result = await broadcast(
        100, mode, rate=50, telegram_rate=100, fault_rate=0.05, hang_seconds=0.3, workdir=tmp_path
    )
    assert (result["duplicates"], result["lost"]) == (0, 0)
    assert result["rows"] == {"sent": 100}
    assert result["restarts"] == (1 if mode == "restart" else 0)
