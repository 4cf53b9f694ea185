"""Polling skips an update python-telegram-bot cannot read, wherever it sits in a batch.

Real PTB polling over real HTTP against the Bot API stand-in; only the
getUpdates connection is Narbot's (`SkipUnreadableUpdates`).
"""

from __future__ import annotations

import asyncio
import datetime as dtm
import logging
from collections.abc import AsyncIterator

import pytest
from telegram import Update
from telegram.ext import Application, ApplicationBuilder, ContextTypes, MessageHandler, filters
from telegram.request import HTTPXRequest

from bot.unreadable_updates import SkipUnreadableUpdates
from tests.standin import BotApiStandIn

TOKEN = "123456:TEST-TOKEN"
USER = 1001


@pytest.fixture
async def api() -> AsyncIterator[BotApiStandIn]:
    async with BotApiStandIn(TOKEN) as standin:
        yield standin


class Polling:
    def __init__(self, api: BotApiStandIn) -> None:
        self.request = SkipUnreadableUpdates(HTTPXRequest(connection_pool_size=1))
        self.app: Application = (
            ApplicationBuilder().token(TOKEN).base_url(api.base_url).base_file_url(api.base_file_url)
            .get_updates_request(self.request).build()
        )
        self.texts: list[str] = []
        self.seen = asyncio.Event()

        async def record(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
            assert update.message is not None and update.message.text is not None
            self.texts.append(update.message.text)
            self.seen.set()

        self.app.add_handler(MessageHandler(filters.TEXT, record))

    async def start(self) -> None:
        await self.app.initialize()
        assert self.app.updater is not None
        await self.app.updater.start_polling(poll_interval=0, timeout=dtm.timedelta(seconds=1))
        await self.app.start()

    async def stop(self) -> None:
        assert self.app.updater is not None
        await self.app.updater.stop()
        await self.app.stop()
        await self.app.shutdown()

    async def wait_for(self, *texts: str) -> None:
        async def all_seen() -> None:
            while not set(texts) <= set(self.texts):
                self.seen.clear()
                await self.seen.wait()
        await asyncio.wait_for(all_seen(), timeout=10)


def push_unreadable(api: BotApiStandIn) -> int:
    update = api.push_message(USER, "Ayşe'nin sırrı")
    update["message"]["date"] = "yesterday"  # PTB cannot build a Message from it
    return update["update_id"]


def offsets(api: BotApiStandIn) -> list[int]:
    return [int(params.get("offset", 0)) for method, params in api.requests if method == "getUpdates"]


async def test_an_unreadable_update_amid_a_batch_is_dropped_and_the_rest_handled(
    api: BotApiStandIn, caplog: pytest.LogCaptureFixture
) -> None:
    api.push_message(USER, "first")
    bad = push_unreadable(api)
    api.push_message(USER, "third")
    polling = Polling(api)
    await polling.start()
    try:
        await polling.wait_for("first", "third")
    finally:
        await polling.stop()

    assert polling.texts == ["first", "third"]
    assert polling.request.skipped == [bad]
    assert offsets(api).count(offsets(api)[0]) == 2, "the batch is asked for twice, not once per poll"
    [skipped] = [r for r in caplog.records if r.name == "bot.unreadable_updates"]
    assert skipped.levelno == logging.CRITICAL
    assert skipped.getMessage().startswith(f"Skipped update {bad} (message) from Telegram")


async def test_an_unreadable_newest_update_is_confirmed_past(api: BotApiStandIn) -> None:
    api.push_message(USER, "first")
    bad = push_unreadable(api)
    polling = Polling(api)
    await polling.start()
    try:
        await polling.wait_for("first")
        await api.wait_for_request("getUpdates", lambda p: int(p.get("offset", 0)) == bad + 1, timeout=10)
        asked_after = len(api.requests)
        api.push_message(USER, "later")
        await polling.wait_for("later")
        alone = push_unreadable(api)  # an unreadable update alone in its batch
        await api.wait_for_request("getUpdates", lambda p: int(p.get("offset", 0)) == alone + 1, timeout=10)
        api.push_message(USER, "last")
        await polling.wait_for("last")
    finally:
        await polling.stop()

    assert polling.texts == ["first", "later", "last"]
    assert polling.request.skipped == [bad, alone]
    later = [int(p.get("offset", 0)) for m, p in api.requests[asked_after:] if m == "getUpdates"]
    assert min(later) > bad, "Telegram was told to forget the skipped update"
