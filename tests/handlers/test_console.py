"""/console through the real Telegram handlers: a one-time login link, sent without a preview."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from bot.settings import Settings
from mentoring.console import links, logins
from storage.models.console import ConsoleLogin
from tests.conftest import TEST_TOKEN
from tests.support.offline import ChatUser
from tests.support.reporting import USER_IDS, seed_reporting

CONSOLE_URL = "https://console.example/narbot"


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        telegram_bot_token=TEST_TOKEN,
        database_url=database_url,
        telegram_bot_username="narbot_test_bot",
        console_url=CONSOLE_URL + "/",
        console_secret="s" * 40,
    )


def chat(app_and_api, who: str, language: str = "tr") -> ChatUser:
    app, api = app_and_api
    return ChatUser(app, api, user_id=USER_IDS[who], first_name=who.capitalize(), last_name=None,
                    language_code=language)


async def login_rows(sessions) -> list[ConsoleLogin]:
    async with sessions() as session:
        return list(await session.scalars(select(ConsoleLogin)))


async def test_a_coordinator_gets_a_one_time_link_without_a_preview(app_and_api, app_sessions, clock):
    data = await seed_reporting(app_sessions, clock.now())
    koray = chat(app_and_api, "koray")
    await koray.send("/console")
    text = koray.last_text()
    assert "Web konsolu bağlantınız" in text and f"{logins.LINK_MINUTES} dakika" in text
    token = text.rsplit(f"{CONSOLE_URL}/login/", 1)[1].strip()
    sent = app_and_api[1].calls_of("sendMessage")[-1]
    options = sent["link_preview_options"]
    assert (json.loads(options) if isinstance(options, str) else options) == {"is_disabled": True}
    [row] = await login_rows(app_sessions)
    assert row.person_id == data.koray.person_id and row.token_hash == logins.token_hash(token)
    assert row.used_at is None and row.created_at == clock.now()
    assert (row.expires_at - row.created_at).total_seconds() == logins.LINK_MINUTES * 60


async def test_a_mentor_gets_one_in_english_and_each_link_is_new(app_and_api, app_sessions, clock):
    await seed_reporting(app_sessions, clock.now())
    mark = chat(app_and_api, "mark", "en")
    await mark.send("/console")
    await mark.send("/console")
    first, second = [t for t in mark.texts() if "web console" in t][-2:]
    assert "It works once, for 10 minutes" in first and first != second
    assert len(await login_rows(app_sessions)) == 2


async def test_a_mentee_gets_the_usual_refusal_and_no_link(app_and_api, app_sessions, clock):
    await seed_reporting(app_sessions, clock.now())
    ayse = chat(app_and_api, "ayse")
    await ayse.send("/console")
    assert "Web konsolu grupların mentorları ve programın koordinatörleri içindir." in ayse.last_text()
    assert "/login/" not in ayse.last_text() and await login_rows(app_sessions) == []


async def test_without_console_url_the_bot_says_it_is_not_set_up(app_and_api, app_sessions, clock):
    await seed_reporting(app_sessions, clock.now())
    links.configure(None)  # as post_init does when CONSOLE_URL is not set
    try:
        koray = chat(app_and_api, "koray")
        await koray.send("/console")
        assert "Web konsolu bu sunucuda henüz kurulmadı" in koray.last_text()
        assert await login_rows(app_sessions) == []
    finally:
        links.configure(CONSOLE_URL)
