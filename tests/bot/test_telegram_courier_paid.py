"""Paid broadcasts (TELEGRAM_PAID_BROADCAST_RATE): bulk kinds go with `allow_paid_broadcast`, replies never."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from pydantic import ValidationError
from telegram import Bot

from bot import telegram_courier
from bot.app import build_application, post_init
from bot.courier import Job
from bot.sender_job import start_sending
from bot.sender_pacing import Limits
from bot.settings import Settings
from bot.telegram_courier import (
    PAID_BROADCAST_KINDS,
    PAID_BROADCAST_LIMIT,
    PAID_SLACK,
    TelegramCourier,
)
from mentoring.delivery import REPEAT_IN_DOUBT
from tests.conftest import TEST_TOKEN
from tests.standin import BotApiStandIn
from tests.support.app import stop_running
from tests.support.offline import ChatUser
from tests.support.sender import VirtualTimer

NOW = datetime(2026, 3, 6, 7, 0, tzinfo=UTC)
BULK = ("reflection_prompt", "checkin_reminder", "broadcast", "digest")
NOT_BULK = ("reply", "session_invite", "feedback_reply", "safeguarding")


@pytest.fixture
async def api() -> AsyncIterator[BotApiStandIn]:
    async with BotApiStandIn(TEST_TOKEN) as standin:
        yield standin


@pytest.fixture
async def bot(api: BotApiStandIn) -> AsyncIterator[Bot]:
    async with Bot(TEST_TOKEN, base_url=api.base_url) as the_bot:
        yield the_bot


def job(n: int, kind: str) -> Job:
    return Job(n, n, str(9000 + n), f"mesaj {n}", None, None, 0, None, NOW, kind=kind)


async def deliver(courier: TelegramCourier, the_job: Job) -> None:
    async def part_sent(_: str) -> None:
        raise AssertionError("a text alone has one part")

    async def wait_for_slot() -> bool:
        return True

    await courier.deliver(the_job, part_sent=part_sent, wait_for_slot=wait_for_slot)


def flags(api: BotApiStandIn) -> dict[str, bool]:
    """Each message's text and whether it went as a paid broadcast."""
    return {
        params["text"]: params.get("allow_paid_broadcast") is True
        for method, params in api.requests if method == "sendMessage"
    }


async def test_with_paid_broadcasts_on_only_bulk_kinds_carry_the_flag(api: BotApiStandIn, bot: Bot) -> None:
    courier = TelegramCourier(bot, 25, paid_broadcast_rate=300, timer=VirtualTimer())
    kinds = BULK + NOT_BULK
    for n, kind in enumerate(kinds):
        await deliver(courier, job(n, kind))
    assert flags(api) == {f"mesaj {n}": kind in BULK for n, kind in enumerate(kinds)}
    assert api.stats.paid == len(BULK)


async def test_without_the_setting_nothing_is_a_paid_broadcast(api: BotApiStandIn, bot: Bot) -> None:
    courier = TelegramCourier(bot, 25)
    for n, kind in enumerate(BULK + NOT_BULK):
        await deliver(courier, job(n, kind))
    assert set(flags(api).values()) == {False}
    assert not any("allow_paid_broadcast" in params for _, params in api.requests)
    assert courier.limits.interval == pytest.approx(1 / 25)


async def test_paid_pace_for_all_and_the_free_rate_for_the_rest(api: BotApiStandIn, bot: Bot) -> None:
    timer = VirtualTimer()
    courier = TelegramCourier(bot, 2, paid_broadcast_rate=300, timer=timer)
    assert courier.limits.interval == pytest.approx(1 / 300)  # the sender paces every send at 300/s
    for n in range(4):
        await deliver(courier, job(n, "digest"))
    assert timer.sleeps == []  # paid sends are not held to the free rate
    for n in range(4, 8):
        await deliver(courier, job(n, "reply"))
    # Replies keep Telegram's free rate (2/s here): three waits of half a second after the first.
    assert timer.sleeps == pytest.approx([0.5, 0.5, 0.5])


async def test_no_second_sees_more_paid_requests_start_than_the_window_allows(
    api: BotApiStandIn, bot: Bot, monkeypatch
) -> None:
    # Slots are booked ahead; a request that starts late would leave together with the next ones.
    # The window counts requests as they start: the fourth of a second waits for the first to age.
    monkeypatch.setattr(telegram_courier, "PAID_WINDOW_CAP", 3)
    timer = VirtualTimer()
    courier = TelegramCourier(bot, 25, paid_broadcast_rate=1000, timer=timer)
    for n in range(7):
        await deliver(courier, job(n, "reflection_prompt"))
    assert timer.sleeps == [1.0, 1.0]
    assert api.stats.paid == 7


def test_the_paid_window_keeps_a_margin_below_telegrams_1000_and_above_the_target() -> None:
    # Issue #17: at least 0.95 of 1,000 a second; requests reach Telegram a little unevenly.
    assert 950 < telegram_courier.PAID_WINDOW_CAP <= PAID_BROADCAST_LIMIT - 20


def test_the_paid_pace_keeps_every_second_within_telegrams_1000() -> None:
    courier = TelegramCourier(Bot(TEST_TOKEN), 25, paid_broadcast_rate=1000)
    rate = 1 / courier.limits.interval
    # The token bucket's worst one-second window: rate * (1 + slack) + 1.
    assert 950 < rate and rate * (1 + PAID_SLACK) + 1 <= PAID_BROADCAST_LIMIT


def test_bulk_kinds_are_ones_sent_again_when_in_doubt() -> None:
    # Bulk, not in answer to anyone: the same kinds the crash policy treats as safe to repeat.
    assert PAID_BROADCAST_KINDS - {"resource_shared", "closing_offer"} <= REPEAT_IN_DOUBT


def test_the_setting_is_off_by_default_and_capped_at_1000(monkeypatch) -> None:
    monkeypatch.delenv("TELEGRAM_PAID_BROADCAST_RATE", raising=False)
    assert Settings(_env_file=None).telegram_paid_broadcast_rate == 0  # type: ignore[call-arg]
    monkeypatch.setenv("TELEGRAM_PAID_BROADCAST_RATE", "300")
    assert Settings(_env_file=None).telegram_paid_broadcast_rate == 300  # type: ignore[call-arg]
    monkeypatch.setenv("TELEGRAM_PAID_BROADCAST_RATE", "1001")
    with pytest.raises(ValidationError):
        Settings(_env_file=None)  # type: ignore[call-arg]


def test_the_bot_hands_the_paid_rate_to_its_sender(settings: Settings) -> None:
    paid = settings.model_copy(update={"telegram_paid_broadcast_rate": 500.0})
    job_ = start_sending(build_application(paid), paid)
    assert job_.data[2] == 500.0  # type: ignore[index]


async def test_a_reply_uses_up_the_burst_the_sender_holds(app_and_api, user: ChatUser) -> None:
    app, api = app_and_api
    timer = VirtualTimer()
    courier = TelegramCourier(app.bot, 20, timer=timer)
    timer.moment = 10.0  # the sender was idle: its bucket holds 0.1 s of sends, 3 may go at once
    app.bot.give_way(courier.reply_sent)
    try:
        await user.send("/help")
    finally:
        app.bot.give_way(None)
    assert len([p for p in api.calls_of("sendMessage") if int(p["chat_id"]) == user.user_id]) == 1
    slots = [courier.limits.reserve(str(n), timer.now()) for n in range(4)]
    # The reply took one of them (without it: 10, 10, 10, 10.05), so together they stay within.
    assert slots == pytest.approx([10.0, 10.0, 10.05, 10.1])


def test_a_sender_on_pace_keeps_its_pace_beside_replies() -> None:
    limits = Limits(20)
    assert [limits.reserve(str(n), 5.0) for n in range(3)] == [5.0] * 3  # the burst, used up
    limits.give_way(5.0)
    limits.give_way(5.01)
    assert limits.reserve("9", 5.01) == pytest.approx(5.05)  # the rate leaves replies their room


async def test_the_running_bot_has_replies_make_room_in_the_sender(api: BotApiStandIn, settings: Settings) -> None:
    settings = settings.model_copy(update={"telegram_api_base_url": api.base_url})
    app = build_application(settings)
    await app.initialize()
    await post_init(app)
    await app.start()
    try:
        for _ in range(100):
            if "narbot.sender" in app.bot_data:
                break
            await asyncio.sleep(0.02)
        sender = app.bot_data["narbot.sender"]
        assert app.bot._on_reply == sender.couriers["telegram"].reply_sent  # type: ignore[attr-defined]
    finally:
        await stop_running(app)
    assert app.bot._on_reply is None  # type: ignore[attr-defined]
