"""A mentor's group in a real headless Chromium: log in through the bot's link, open the week's digest,
the agenda and the sessions with their answers (issue #16). Screenshots 50-53 in tests/.artifacts/console/.
"""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

from bot.console.app import create_app
from bot.console.config import console_config
from handlers.services import SERVICES_KEY
from tests.bot.console.test_console_mentor import NUMBERS_ONLY_TEXT, VOICE_ID, add_mentor_world
from tests.browser.test_console_browser import log_in_with_the_bots_link
from tests.support.console import seed_with_notice
from tests.support.reporting import Reporting


@pytest.fixture
async def world(app_and_api, app_sessions, clock, console_server, settings) -> Reporting:
    """The bot (offline Telegram) and the console on one database, with a mentor's week to read."""
    app, _api = app_and_api
    _server, deferred = console_server
    deferred.app = create_app(app.bot_data[SERVICES_KEY], console_config(settings))
    data = await seed_with_notice(app_sessions, clock.now())
    return await add_mentor_world(app_sessions, data, clock.now())


async def test_a_mentor_opens_the_digest_the_agenda_and_the_sessions(app_and_api, browser, world):
    await log_in_with_the_bots_link(app_and_api, browser, "zeynep")
    group = world.group_a.id
    await browser.click(f'main a[href="/groups/{group}"]')
    await browser.click(f'main .mentor-links a[href="/groups/{group}/digest"]')
    await browser.wait_for("main h1", "Haftalık grup özeti: Grup A")
    main = (await browser.wait_for("main")).text
    assert "Menti yalnızca puanlarını paylaşıyor." in main and "🎤 Sesli not" in main
    assert NUMBERS_ONLY_TEXT not in browser.driver.page_source and VOICE_ID not in browser.driver.page_source
    worry = await browser.wait_for("#attention + ul li.worry")
    assert "Bir çocuk için endişe" in worry.text or "John" in worry.text
    await browser.screenshot("50-mentor-digest.png")

    # An earlier week through the picker (a plain GET form: works with the keyboard too).
    select = await browser.wait_for("select[name=week]")
    await browser.call(select.send_keys, "10")
    await browser.click("main form.filters button")
    await browser.wait_for('select[name=week] option[value="10"][selected]')
    assert browser.driver.current_url.endswith(f"/groups/{group}/digest?week=10")

    await browser.click(f'main nav a[href="/groups/{group}/agenda"]')
    await browser.wait_for("main h1", "Grup A")
    proposals = await browser.call(browser.driver.find_elements, By.CSS_SELECTOR, "article.proposal")
    assert len(proposals) == 2
    await browser.screenshot("51-mentor-agenda.png")
    await browser.click("article.proposal form button.primary")  # Ayşe's proposal, under her own words
    await browser.wait_for("main ol.topics", "Talking with teenagers")
    assert len(await browser.call(browser.driver.find_elements, By.CSS_SELECTOR, "article.proposal")) == 1

    await browser.click(f'main nav a[href="/groups/{group}/sessions"]')
    await browser.wait_for("main h1", "Görüşmeler ve yanıtlar: Grup A")
    main = (await browser.wait_for("main")).text
    assert "✅ Geliyor: Zeynep" in main and "📝" in main and "⏳" in main and "Katılanlar: Ayse" in main
    await browser.screenshot("52-mentor-sessions.png")

    # Readable on a phone: 360 px wide, nothing wider than the page.
    size = await browser.call(browser.driver.get_window_size)
    await browser.call(browser.driver.set_window_size, 360, 1200)
    try:
        await browser.click(f'main nav a[href="/groups/{group}/digest"]')
        await browser.wait_for("main h1", "Haftalık grup özeti")
        overflow = await browser.call(browser.driver.execute_script,
                                      "return document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0
        await browser.screenshot("53-mentor-digest-phone.png")
    finally:
        await browser.call(browser.driver.set_window_size, size["width"], size["height"])
