"""Replies while Telegram throttles or is slow, over real HTTP: the running bot against the Bot API
stand-in.

An announcement is going out under a tight limit with server faults, and
several people send /help at the same moment. Replies that meet a 429 or a 5xx
are queued in the outbox at reply priority (bot/reply_bot.py) and the running
sender delivers them: everyone gets exactly one answer.
"""

from __future__ import annotations

import asyncio
import logging

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import Update

from bot.app import build_application, post_init
from bot.reply_bot import REPLY_KIND
from bot.settings import Settings
from handlers.services import SERVICES_KEY
from mentoring.clock import SystemClock
from mentoring.outbox import Outgoing, enqueue
from storage.models import OutboxMessage, Role
from storage.models.outbox import PRIORITY_BULK
from tests.conftest import TEST_TOKEN
from tests.standin import BotApiStandIn
from tests.support.app import stop_running
from tests.support.broadcasting import add_person, role
from tests.support.seed import seed_programme

ASKERS = [8101 + n for n in range(8)]
READERS = [8201 + n for n in range(6)]


async def outbox_settled(sessions: async_sessionmaker[AsyncSession], timeout: float) -> None:
    """Wait (in real time: the bot runs for real here) until no row is pending or sending."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        async with sessions() as session:
            waiting = await session.scalar(
                select(func.count()).select_from(OutboxMessage)
                .where(OutboxMessage.status.in_(("pending", "sending")))
            )
        if not waiting:
            return
        if loop.time() > deadline:
            raise AssertionError(f"{waiting} outbox rows still waiting after {timeout}s")
        await asyncio.sleep(0.1)


async def test_everyone_who_asks_for_help_while_telegram_throttles_gets_one_answer(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot")
    async with BotApiStandIn(
        TEST_TOKEN, rate_limit_per_second=3, fault_rate=0.25, timeout_delay=0.2, seed=10
    ) as api:
        app = build_application(settings.model_copy(update={"telegram_api_base_url": api.base_url}))
        await app.initialize()
        await post_init(app)
        sessions = app.bot_data[SERVICES_KEY].sessions
        now = SystemClock().now()
        setup = await seed_programme(sessions, now)
        async with sessions.begin() as session:
            for n, user_id in enumerate(ASKERS):
                asker = await add_person(session, f"Soran Kişi{n}", now, user_id=user_id,
                                         programme_id=setup.programme.id)
                session.add(role(asker, setup.programme, setup.groups[0], Role.MENTEE, now))
            announcement = []
            for n, user_id in enumerate(READERS):
                reader = await add_person(session, f"Okuyan Kişi{n}", now, user_id=user_id)
                announcement.append(Outgoing(
                    f"duyuru:{n}", "broadcast", "Yarın toplantı var.", now, person_id=reader.id,
                    priority=PRIORITY_BULK, respect_quiet_hours=False,
                ))
            await enqueue(session, announcement, now)
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0.02, allowed_updates=Update.ALL_TYPES)
        await app.start()
        try:
            for user_id in ASKERS:
                api.push_message(user_id, "/help", language_code="tr")
            for user_id in ASKERS + READERS:
                await api.wait_for_messages(user_id, 1, timeout=60)
            await outbox_settled(sessions, timeout=60)
            async with sessions() as session:
                replies = (await session.scalars(
                    select(OutboxMessage).where(OutboxMessage.kind == REPLY_KIND)
                )).all()
        finally:
            await stop_running(app)
        stats = api.stats

    for user_id in ASKERS:
        [answer] = api.messages_to(user_id)
        assert answer["text"].startswith("Yapabilecekleriniz:"), answer["text"]
    for user_id in READERS:
        assert [m["text"] for m in api.messages_to(user_id)] == ["Yarın toplantı var."]
    assert stats.duplicates() == {}
    assert stats.rate_limited > 0, "Telegram throttled the bot"
    assert replies, "some replies met a 429 or a fault and went through the outbox"
    assert {r.status for r in replies} == {"sent"}
    assert "Unhandled error" not in caplog.text
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "Soran" not in logged and "Yapabilecekleriniz" not in logged


async def test_a_reply_slow_on_its_way_holds_up_nobody_else(settings: Settings) -> None:
    """While one person's reply waits on Telegram, the next person is answered (bot/app.py: several
    updates at once on either database; one at a time, the second would wait out the first's
    five-second read timeout)."""
    slow, quick = ASKERS[0], ASKERS[1]
    async with BotApiStandIn(TEST_TOKEN) as api:
        app = build_application(settings.model_copy(update={"telegram_api_base_url": api.base_url}))
        await app.initialize()
        await post_init(app)
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0.02, allowed_updates=Update.ALL_TYPES)
        await app.start()
        try:
            api.hold_sends(slow)
            api.push_message(slow, "/help", language_code="tr")
            await api.wait_for_request("sendMessage", lambda params: int(params["chat_id"]) == slow)
            api.push_message(quick, "/help", language_code="tr")
            [answer] = await api.wait_for_messages(quick, 1, timeout=3)
            assert api.messages_to(slow) == [], "the first reply is still on its way"
            api.release_sends(slow)
            [held] = await api.wait_for_messages(slow, 1, timeout=10)
        finally:
            api.release_sends(slow)  # stopping waits for the update whose reply is held
            await stop_running(app)
    assert "/start" in answer["text"], "a stranger's /help says how to join"
    assert held["text"] == answer["text"]
