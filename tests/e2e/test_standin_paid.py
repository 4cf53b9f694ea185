"""The stand-in's paid broadcasts: Telegram's ~30/s refuses more, `allow_paid_broadcast` goes up to 1,000/s."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from telegram import Bot
from telegram.error import RetryAfter

from tests.standin import BotApiStandIn

TOKEN = "123456:PAID-TEST"
CHATS = range(7000, 7060)  # 60 chats, one message each: only the overall limit can refuse


@pytest.fixture
async def api() -> AsyncIterator[BotApiStandIn]:
    async with BotApiStandIn(TOKEN, rate_limit_per_second=30, per_chat_interval=1.0) as standin:
        yield standin


async def _send_all(bot: Bot, **extra: bool) -> list[BaseException | None]:
    async def one(chat: int) -> BaseException | None:
        try:
            await bot.send_message(chat, f"duyuru {chat}", **extra)
        except RetryAfter as error:
            return error
        return None

    return list(await asyncio.gather(*(one(chat) for chat in CHATS)))


async def test_more_than_30_a_second_without_the_flag_meets_429(api: BotApiStandIn) -> None:
    async with Bot(TOKEN, base_url=api.base_url) as bot:
        outcomes = await _send_all(bot)
    refused = [o for o in outcomes if o is not None]
    assert len(refused) == 30 and api.stats.rate_limited == 30
    assert len(api.stats.delivered) == 30 and api.stats.paid == 0


async def test_paid_broadcasts_go_past_30_a_second(api: BotApiStandIn) -> None:
    async with Bot(TOKEN, base_url=api.base_url) as bot:
        outcomes = await _send_all(bot, allow_paid_broadcast=True)
        assert outcomes == [None] * len(CHATS)
        # Paid sends do not use up the free limit: a reply right after still goes.
        await bot.send_message(8000, "yanıt")
    assert len(api.stats.delivered) == 61 and api.stats.paid == 60 and api.stats.rate_limited == 0
    assert api.stats.as_dict()["paid"] == 60


async def test_paid_broadcasts_have_their_own_ceiling() -> None:
    async with BotApiStandIn(TOKEN, rate_limit_per_second=30, paid_rate_limit_per_second=40) as api:
        async with Bot(TOKEN, base_url=api.base_url) as bot:
            outcomes = await _send_all(bot, allow_paid_broadcast=True)
    assert sum(o is not None for o in outcomes) == 20
    assert api.stats.paid == 40 and api.stats.rate_limited == 20
