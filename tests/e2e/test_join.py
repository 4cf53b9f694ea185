"""End to end: the real `narbot run` process, over real HTTP, against the local Bot API stand-in.

A person opens their invite link, picks a language, accepts the KVKK notice
and is welcomed; the bot process then shuts down cleanly on SIGINT.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mentoring.clock import SystemClock
from storage.models import ConsentRecord, Membership, Person
from tests.conftest import TEST_TOKEN
from tests.standin import BotApiStandIn
from tests.support.seed import seed_programme

ROOT = Path(__file__).resolve().parents[2]


def narbot_command() -> list[str]:
    """The installed console script when there is one (as the README runs it)."""
    script = Path(sys.executable).parent / "narbot"
    return [str(script)] if script.exists() else [sys.executable, "-m", "bot.cli"]


@pytest.fixture
async def standin() -> AsyncIterator[BotApiStandIn]:
    async with BotApiStandIn(token=TEST_TOKEN, username="narbot_test_bot") as server:
        yield server


async def start_narbot(standin: BotApiStandIn, database_url: str, cwd: Path) -> asyncio.subprocess.Process:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE_", "WEBHOOK_"))}
    env.update(
        TELEGRAM_BOT_TOKEN=TEST_TOKEN,
        TELEGRAM_API_BASE_URL=standin.base_url,
        DATABASE_URL=database_url,
        PYTHONPATH=str(ROOT),
        LOG_LEVEL="DEBUG",
    )
    return await asyncio.create_subprocess_exec(
        *narbot_command(), "run", cwd=cwd, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )


def button_data(message: dict, label: str) -> str:
    for row in message.get("reply_markup", {}).get("inline_keyboard", []):
        for button in row:
            if button["text"] == label:
                return button["callback_data"]
    raise AssertionError(f"no button {label!r} in {message}")


async def test_a_person_joins_through_the_running_bot(
    standin: BotApiStandIn, database_url: str, sessions: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    setup = await seed_programme(sessions, SystemClock().now())
    process = await start_narbot(standin, database_url, tmp_path)
    try:
        # The menus are published at start: one per language.
        await standin.wait_for_request("setMyCommands", lambda p: p.get("language_code") == "en", timeout=30)

        user_id = 777001
        standin.push_message(user_id, f"/start {setup.codes['mentee1']}", first_name="Zehra",
                             language_code="tr")
        [question] = await standin.wait_for_messages(user_id, 1, timeout=30)
        assert "Lütfen dilinizi seçin" in question["text"]

        standin.push_callback(user_id, button_data(question, "Türkçe"), message_id=question["message_id"])
        edit = await standin.wait_for_request("editMessageText", timeout=30)
        assert "KVKK" in edit["text"]
        # The whole notice is longer than one Telegram message: its last part carries the buttons.
        parts = await standin.wait_for_messages(user_id, 2, timeout=30)
        notice = parts[-1]
        assert "okuduğunuzu onaylayın" in notice["text"]

        standin.push_callback(user_id, button_data(notice, "Okudum"), message_id=notice["message_id"])
        messages = await standin.wait_for_messages(user_id, 3, timeout=30)
        assert "Hoş geldiniz Zehra!" in messages[2]["text"]
        assert "Grup 1 grubunda menti" in messages[2]["text"]
        await standin.wait_for_request("setMyCommands", lambda p: "scope" in p, timeout=30)
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGINT)
        output, _ = await asyncio.wait_for(process.communicate(), timeout=60)
    log = output.decode()
    assert process.returncode == 0, log
    assert "Narbot is up as @narbot_test_bot" in log
    assert "Zehra" not in log, "names and message texts never reach the logs"
    assert TEST_TOKEN.split(":")[1] not in log, "the token never reaches the logs"

    async with sessions() as session:
        person = await session.scalar(select(Person))
        membership = await session.scalar(select(Membership))
        consent = await session.scalar(select(ConsentRecord))
    assert person is not None and person.display_name == "Zehra" and person.locale == "tr"
    assert membership is not None and membership.role == "mentee"
    assert consent is not None and consent.accepted_at is not None
