"""An update python-telegram-bot cannot read: logged without its content, and the bot carries on.

The real `narbot run` process (LOG_LEVEL=DEBUG, logs as in production) gets,
from the Bot API stand-in, an update with a field of the wrong type that still
carries a person's name and words. PTB logs that at CRITICAL with the whole
update; Narbot's logging keeps the line and drops the content. In polling the
update is skipped and later updates are answered; over the webhook PTB answers
400 and the line is just as bare.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.conftest import TEST_TOKEN
from tests.e2e.test_join import ROOT, narbot_command
from tests.standin import BotApiStandIn

FIRST, LAST = "Zeynep", "Kaplan"
WORDS = "Bu hafta çok yoruldum, kimseye söyleyemedim"
STRANGER = 777002


@pytest.fixture
async def standin() -> AsyncIterator[BotApiStandIn]:
    async with BotApiStandIn(token=TEST_TOKEN, username="narbot_test_bot") as server:
        yield server


async def start_narbot(standin: BotApiStandIn, tmp_path: Path, **extra: str) -> asyncio.subprocess.Process:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE_", "WEBHOOK_"))}
    env.update(TELEGRAM_BOT_TOKEN=TEST_TOKEN, TELEGRAM_API_BASE_URL=standin.base_url,
               DATABASE_URL=f"sqlite:///{tmp_path / 'narbot.db'}", PYTHONPATH=str(ROOT),
               LOG_LEVEL="DEBUG", DEFAULT_LOCALE="en", **extra)
    return await asyncio.create_subprocess_exec(
        *narbot_command(), "run", cwd=tmp_path, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )


async def stopped(process: asyncio.subprocess.Process) -> str:
    if process.returncode is None:
        process.send_signal(signal.SIGINT)
    output, _ = await asyncio.wait_for(process.communicate(), timeout=60)
    log = output.decode()
    assert process.returncode == 0, log
    return log


def push_unreadable(standin: BotApiStandIn, user_id: int) -> int:
    """A person's message whose date is text: PTB cannot build a Message from it."""
    update = standin.push_message(user_id, WORDS, first_name=FIRST, last_name=LAST, language_code="tr")
    update["message"]["date"] = "2026-11-29T09:00:00"  # the queued update itself
    return update["update_id"]


def assert_bare(log: str) -> None:
    for secret in (FIRST, LAST, WORDS, "yoruldum", "2026-11-29T09:00:00"):
        assert secret not in log, f"{secret!r} reached the log:\n{log}"


async def test_polling_logs_the_unreadable_update_bare_and_answers_the_next(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    process = await start_narbot(standin, tmp_path)
    try:
        await standin.wait_for_request("setMyCommands", timeout=30)
        bad = push_unreadable(standin, 777001)
        # PTB asks again for the batch it could not read; the next request starts after it.
        await standin.wait_for_request("getUpdates", lambda p: int(p.get("offset", 0)) > bad, timeout=30)
        standin.push_message(STRANGER, "/start", first_name="Deniz", language_code="en")
        [answer] = await standin.wait_for_messages(STRANGER, 1, timeout=30)
    finally:
        log = await stopped(process)

    assert "invite link" in answer["text"]
    assert_bare(log)
    parse_failures = re.findall(r"CRITICAL telegram\.ext\.ExtBot: Error while parsing updates! "
                                r"Received data was \[update (\d+) \(message\)\]", log)
    assert parse_failures == [str(bad)], log  # once, not once per poll
    assert f"CRITICAL bot.unreadable_updates: Skipped update {bad} (message) from Telegram" in log
    assert "TypeError (its message is withheld)" in log, "the traceback keeps where and what failed"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def test_the_webhook_logs_the_unreadable_update_bare(standin: BotApiStandIn, tmp_path: Path) -> None:
    port = free_port()
    process = await start_narbot(standin, tmp_path, WEBHOOK_URL=f"http://127.0.0.1:{port}/hook",
                                 WEBHOOK_LISTEN="127.0.0.1", WEBHOOK_PORT=str(port))
    try:
        await standin.wait_for_request("setWebhook", lambda p: bool(p.get("url")), timeout=30)
        bad = push_unreadable(standin, 777001)
        refused = None
        for _ in range(600):  # the stand-in posts it at once; allow a slow start of the server
            refused = next((d for d in standin.webhook_deliveries
                            if d["update_id"] == bad and d.get("status") == 400), None)
            if refused:
                break
            await asyncio.sleep(0.05)
        assert refused, standin.webhook_deliveries
    finally:
        log = await stopped(process)

    assert_bare(log)
    assert re.search(r"CRITICAL telegram\.ext\.Updater: Something went wrong processing the data received "
                     rf"from Telegram\. Received data was \*not\* processed! Received data was: "
                     rf"update {bad} \(message\)", log), log
