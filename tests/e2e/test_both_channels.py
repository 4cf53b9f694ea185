"""One outbox, two channels: a broadcast and a digest reach Telegram and WhatsApp people alike, once each.

The sender runs with both couriers against both stand-ins over real HTTP;
each person gets the announcement on the channel they joined with last,
inside WhatsApp's window as text, outside it as the template.
"""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import pytest
from pywa_async import WhatsApp
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import Bot

from bot.sender import Sender, SenderConfig
from bot.telegram_courier import TelegramCourier
from bot.whatsapp.courier import WhatsAppCourier
from mentoring.clock import ManualClock
from mentoring.delivery import BLOCKED, TELEGRAM, WHATSAPP
from mentoring.outbox import Outgoing, enqueue
from storage.models import ChannelIdentity
from tests.standin import BotApiStandIn
from tests.support.broadcasting import batch_rows, seed_cast
from tests.support.sender import VirtualTimer, add_person, queue, row
from tests.support.whatsapp import client_for
from tests.unit.broadcasts.test_broadcasts import compose, confirm
from tests.whatsapp_standin import CloudApiStandIn

TOKEN = "123456:TEST-TOKEN"
KEMAL, CEM = "905551110001", "905551110002"


@pytest.fixture
async def couriers(clock: ManualClock) -> AsyncIterator[tuple[BotApiStandIn, CloudApiStandIn, WhatsApp, Bot]]:
    async with BotApiStandIn(TOKEN) as telegram, CloudApiStandIn(clock=lambda: clock.now().timestamp()) as cloud:
        async with (
            client_for(cloud) as client,
            Bot(TOKEN, base_url=telegram.base_url, base_file_url=telegram.base_file_url) as bot,
        ):
            yield telegram, cloud, client, bot


def sender_of(
    bot: Bot, client: WhatsApp, cloud: CloudApiStandIn, sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> Sender:
    whatsapp = WhatsAppCourier(client, cloud.phone_number_id, rate_per_second=20, pair_seconds=6,
                               daily_new_people=250, template_prefix="narbot")
    return Sender({TELEGRAM: TelegramCourier(bot, 25), WHATSAPP: whatsapp}, sessions, clock,
                  SenderConfig(), timer=VirtualTimer(), rng=random.Random(1))


async def on_whatsapp(
    sessions: async_sessionmaker[AsyncSession], cloud: CloudApiStandIn, person_id: int, wa_id: str,
    now: datetime, wrote: datetime,
) -> None:
    person = cloud.person(wa_id)
    person.last_message_at = wrote.timestamp()
    async with sessions.begin() as session:
        session.add(ChannelIdentity(person_id=person_id, channel=WHATSAPP, external_user_id=person.user_id,
                                    chat_id=wa_id, last_inbound_at=wrote, created_at=now))


async def test_a_broadcast_reaches_both_channels_once_each(couriers, sessions, clock: ManualClock) -> None:
    telegram, cloud, client, bot = couriers
    now = clock.now()
    cast = await seed_cast(sessions, now)
    # Kemal has no Telegram account: he joined on WhatsApp and wrote an hour ago.
    await on_whatsapp(sessions, cloud, cast.people["Kemal"], KEMAL, now, now - timedelta(hours=1))
    # Cem moved to WhatsApp (his newest account) and last wrote three days ago.
    await on_whatsapp(sessions, cloud, cast.people["Cem"], CEM, now, now - timedelta(days=3))

    view = await compose(sessions, cast, now, text="Toplantı cuma 10:00'da.")
    assert view.size is not None and (view.size.reachable, view.size.unreachable) == (7, 1)  # İrem blocked us
    await confirm(sessions, view.broadcast_id, now)
    await sender_of(bot, client, cloud, sessions, clock).drain()

    by_id = {pid: name for name, pid in cast.people.items()}
    rows = {by_id[row.person_id]: row for row in await batch_rows(sessions, view.broadcast_id)}
    assert {name for name, row in rows.items() if row.status == "sent"} == {
        "Ayşe", "Burak", "Cem", "Elif", "Deniz", "Fatma", "Kemal"}
    assert rows["İrem"].status == "failed" and rows["İrem"].last_error == BLOCKED
    assert {name: row.channel for name, row in rows.items() if row.channel == WHATSAPP} == {
        "Cem": WHATSAPP, "Kemal": WHATSAPP}

    # Telegram: each of its five once; nothing for the two on WhatsApp.
    telegram_chats = [chat for chat, _ in telegram.stats.delivered]
    assert sorted(telegram_chats) == sorted(set(telegram_chats)) and len(telegram_chats) == 5
    assert 7003 not in telegram_chats  # Cem's old Telegram account
    # WhatsApp: Kemal inside his window gets the words, Cem outside his gets the template.
    [to_kemal] = cloud.messages_to(KEMAL)
    assert "Toplantı cuma 10:00'da." in to_kemal.text and not to_kemal.template
    [to_cem] = cloud.messages_to(CEM)
    assert to_cem.template and to_cem.body["name"] == "narbot_announcement"
    assert rows["Cem"].template == "narbot_announcement" and rows["Kemal"].template is None


async def test_rows_one_channel_cannot_take_now_do_not_hold_up_the_other(
    couriers, sessions, clock: ManualClock
) -> None:
    """Two hundred messages for one WhatsApp person (one a pass, at the pair rate) sit ahead of a Telegram one."""
    telegram, cloud, client, bot = couriers
    now = clock.now()
    kemal = await add_person(sessions, now, None)
    await on_whatsapp(sessions, cloud, kemal, KEMAL, now, now - timedelta(hours=1))
    async with sessions.begin() as session:
        await enqueue(session, [
            Outgoing(idempotency_key=f"wa:{n}", kind="broadcast", text=f"{n}", not_before=now, person_id=kemal)
            for n in range(200)
        ], now)
    ayse = await add_person(sessions, now, 7001)
    await queue(sessions, now, "for Ayşe on Telegram", person_id=ayse)

    await sender_of(bot, client, cloud, sessions, clock).run_once()

    assert (await row(sessions, "for Ayşe on Telegram")).status == "sent"
    assert [text for _, text in telegram.stats.delivered] == ["for Ayşe on Telegram"]
    assert len(cloud.messages_to(KEMAL)) == 1  # one to Kemal this pass: the pair rate holds the rest
