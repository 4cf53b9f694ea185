"""WhatsApp alone (no Telegram token): the planner and the outbox sender without PTB, against the stand-in.

The real process (`narbot run`) is tested end to end in tests/e2e/test_whatsapp.py.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from bot.settings import load_settings
from bot.standalone import Standalone
from mentoring.clock import ManualClock
from storage.models import ChannelIdentity
from tests.support.sender import add_person, queue, row
from tests.support.whatsapp import free_port
from tests.whatsapp_standin import CloudApiStandIn

AYSE = "905551112233"


def whatsapp_env(cloud: CloudApiStandIn, port: int) -> dict[str, str]:
    return {
        "WHATSAPP_PHONE_NUMBER_ID": cloud.phone_number_id, "WHATSAPP_ACCESS_TOKEN": cloud.token,
        "WHATSAPP_APP_SECRET": cloud.app_secret, "WHATSAPP_VERIFY_TOKEN": "verify-me",
        "WHATSAPP_API_BASE_URL": cloud.base_url, "WHATSAPP_WEBHOOK_PORT": str(port),
    }


@pytest.fixture
async def cloud() -> AsyncIterator[CloudApiStandIn]:
    async with CloudApiStandIn() as standin:
        yield standin


async def test_the_standalone_sender_delivers_the_outbox_and_stops_cleanly(
    cloud, sessions, clock: ManualClock, database_url: str
) -> None:
    port = free_port()
    settings = load_settings(
        _env_file=None, database_url=database_url,
        **{k.lower(): v for k, v in whatsapp_env(cloud, port).items()},
    )
    now = clock.now()
    person_id = await add_person(sessions, now, None)
    async with sessions.begin() as session:
        session.add(ChannelIdentity(person_id=person_id, channel="whatsapp", external_user_id="TR.1",
                                    chat_id=AYSE, last_inbound_at=now - timedelta(hours=1), created_at=now))
    cloud.person(AYSE).last_message_at = time.time()  # the stand-in's clock is the real one
    await queue(sessions, now, "news", person_id=person_id, kind="broadcast")

    standalone = Standalone(settings, clock=clock, migrate_on_start=False)
    await standalone.start()
    try:
        [sent] = await cloud.wait_for_messages(AYSE, 1)
        assert sent.text == "news"
    finally:
        await standalone.stop()
    assert (await row(sessions, "news")).status == "sent"
    assert standalone.engine is None and standalone.channel is None
