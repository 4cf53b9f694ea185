"""End to end on WhatsApp: the real `narbot run` process serves its webhook beside Telegram.

The process gets both channels' settings; the WhatsApp stand-in posts signed
webhooks to it and takes its sends. A newcomer joins by the code the wa.me
link fills in; a badly signed post is refused; the process stops cleanly.
Without a Telegram token the same command runs WhatsApp alone.
"""

from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mentoring.clock import SystemClock
from storage.models import ChannelIdentity, Person
from tests.conftest import TEST_TOKEN
from tests.e2e.test_join import ROOT, narbot_command, standin  # noqa: F401  (the Bot API stand-in fixture)
from tests.standin import BotApiStandIn
from tests.support.seed import seed_programme
from tests.support.whatsapp import free_port
from tests.whatsapp_standin import CloudApiStandIn

WA_ID = "905321234567"


def narbot_env(cloud: CloudApiStandIn, port: int, database_url: str, **more: str) -> dict[str, str]:
    """The environment of a `narbot run` process with WhatsApp pointed at the stand-in (and `more`)."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TELEGRAM_", "DATABASE_", "WEBHOOK_", "WHATSAPP_"))}
    env.update(
        DATABASE_URL=database_url, PYTHONPATH=str(ROOT),
        WHATSAPP_PHONE_NUMBER_ID=cloud.phone_number_id, WHATSAPP_ACCESS_TOKEN=cloud.token,
        WHATSAPP_APP_SECRET=cloud.app_secret, WHATSAPP_VERIFY_TOKEN="verify-me",
        WHATSAPP_API_BASE_URL=cloud.base_url, WHATSAPP_WEBHOOK_PORT=str(port), **more,
    )
    return env


async def wait_until_listening(port: int, process: asyncio.subprocess.Process, timeout: float = 30) -> None:
    """Until the webhook accepts connections (the process's own start-up, not a timer)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        assert process.returncode is None, "narbot stopped before its webhook listened"
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            assert asyncio.get_running_loop().time() < deadline, "the WhatsApp webhook never listened"
            await asyncio.sleep(0.05)
            continue
        writer.close()
        await writer.wait_closed()
        return


async def test_a_newcomer_joins_on_whatsapp_through_the_running_bot(
    standin: BotApiStandIn,  # noqa: F811
    database_url: str, sessions: async_sessionmaker[AsyncSession], tmp_path: Path,
) -> None:
    setup = await seed_programme(sessions, SystemClock().now())
    port = free_port()
    async with CloudApiStandIn(webhook_url=f"http://127.0.0.1:{port}/whatsapp") as cloud:
        env = narbot_env(cloud, port, database_url, TELEGRAM_BOT_TOKEN=TEST_TOKEN,
                         TELEGRAM_API_BASE_URL=standin.base_url, LOG_LEVEL="DEBUG")
        process = await asyncio.create_subprocess_exec(
            *narbot_command(), "run", cwd=tmp_path, env=env,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
        )
        try:
            await wait_until_listening(port, process)
            cloud.person(WA_ID, name="Zehra")
            await cloud.write(WA_ID, setup.codes["mentee1"])
            [question] = await cloud.wait_for_messages(WA_ID, 1, timeout=30)
            turkish = next(data for data, title in question.choices if title == "Türkçe")
            await cloud.press(WA_ID, turkish)
            notice = (await cloud.wait_for_messages(WA_ID, 2, timeout=30))[-1]
            while not notice.choices:  # the notice's first parts come as text
                notice = (await cloud.wait_for_messages(WA_ID, len(cloud.messages_to(WA_ID)) + 1, timeout=30))[-1]
            await cloud.press(WA_ID, notice.choices[0][0])
            count = len(cloud.messages_to(WA_ID))
            welcome = await cloud.wait_for_messages(WA_ID, count + 2, timeout=30)
            assert any("Hoş geldiniz Zehra" in sent.text for sent in welcome)

            forged, _ = cloud._message(WA_ID, "text", {"body": "/forgetme"})
            assert await cloud.deliver(forged, signature=cloud.signature(b"not this body")) == [403, 403, 403]
        finally:
            if process.returncode is None:
                process.send_signal(signal.SIGINT)
            output, _ = await asyncio.wait_for(process.communicate(), timeout=60)
    log = output.decode()
    assert process.returncode == 0, log
    assert "WhatsApp webhook listening" in log
    assert "Zehra" not in log and WA_ID not in log, "names and numbers never reach the logs"
    async with sessions() as session:
        identity = await session.scalar(select(ChannelIdentity))
        person = await session.scalar(select(Person))
    assert identity is not None and identity.channel == "whatsapp" and identity.chat_id == WA_ID
    assert person is not None and person.display_name == "Zehra"


async def test_narbot_run_serves_whatsapp_without_a_telegram_token(database_url: str, tmp_path: Path) -> None:
    port = free_port()
    async with CloudApiStandIn(webhook_url=f"http://127.0.0.1:{port}/whatsapp") as cloud:
        env = narbot_env(cloud, port, database_url)
        process = await asyncio.create_subprocess_exec(
            *narbot_command(), "run", cwd=tmp_path, env=env,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
        )
        try:
            await wait_until_listening(port, process)
            await cloud.write(WA_ID, "merhaba")
            [answer] = await cloud.wait_for_messages(WA_ID, 1, timeout=30)
            assert "davet" in answer.text.lower()  # a visitor is told how to join: with an invite
        finally:
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
            output, _ = await asyncio.wait_for(process.communicate(), timeout=60)
    log = output.decode()
    assert process.returncode == 0, log
    assert "WhatsApp alone" in log and "Traceback" not in log
