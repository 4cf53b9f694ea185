"""The web console in a real headless Chromium: log in through the link the bot sent, upload a
roster with a bad line and see its problem, fix it and print the invite sheet with its QR codes.

Screenshots of each page: tests/.artifacts/console/ (a few are copied into docs/console/).
"""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By

from bot.console.app import create_app
from bot.console.config import console_config
from handlers.services import SERVICES_KEY
from tests.bot.console.test_console_dashboard import add_week_nine
from tests.bot.console.test_console_roster import BAD, GOOD
from tests.browser.conftest import Browser
from tests.support.console import seed_with_notice
from tests.support.offline import ChatUser
from tests.support.reporting import USER_IDS, Reporting


@pytest.fixture
async def world(app_and_api, app_sessions, clock, console_server, settings) -> Reporting:
    """The bot (offline Telegram) and the console on one database, the console's app served by uvicorn."""
    app, _api = app_and_api
    _server, deferred = console_server
    deferred.app = create_app(app.bot_data[SERVICES_KEY], console_config(settings))
    return await seed_with_notice(app_sessions, clock.now())


async def log_in_with_the_bots_link(app_and_api, browser: Browser, who: str, shots: bool = False) -> None:
    app, api = app_and_api
    user = ChatUser(app, api, user_id=USER_IDS[who], first_name=who.capitalize(), last_name=None,
                    language_code="tr")
    await user.send("/console")
    link = user.last_text().rsplit("\n", 1)[1].strip()
    assert "/login/" in link
    await browser.open(link)
    await browser.wait_for("main h1", "Narbot konsoluna giriş")
    if shots:
        await browser.screenshot("01-login.png")
    await browser.click("main form button.primary")
    await browser.wait_for("main h1", f"Merhaba {who.capitalize()}!")


async def test_a_coordinator_logs_in_through_the_bots_link(app_and_api, browser, world, console_server):
    await log_in_with_the_bots_link(app_and_api, browser, "koray", shots=True)
    assert browser.driver.current_url.endswith("/home")
    assert "Nar Raporu" in (await browser.wait_for("main")).text
    await browser.screenshot("02-home.png")
    await browser.click(f'main a[href="/programmes/{world.programme.id}"]')
    await browser.wait_for("main table caption")
    await browser.screenshot("03-programme.png")


async def test_a_roster_with_a_bad_line_then_fixed_gives_a_printable_invite_sheet(
        app_and_api, browser, world, tmp_path: Path, app_sessions):
    await log_in_with_the_bots_link(app_and_api, browser, "koray")
    await browser.click(f'main a[href="/programmes/{world.programme.id}"]')
    await browser.click(f'main a[href="/programmes/{world.programme.id}/roster"]')
    await browser.wait_for("main h1", "Katılımcı listesi yükle")

    bad, good = tmp_path / "liste.csv", tmp_path / "liste-duzeltildi.csv"
    bad.write_text(BAD, encoding="utf-8")
    good.write_text(GOOD, encoding="utf-8")
    field = await browser.wait_for("#roster")
    await browser.call(field.send_keys, str(bad))
    await browser.click("main form button.primary")
    problems = await browser.wait_for(".problems", 'Satır 3: Bilinmeyen rol "teacher"')
    assert "hiçbir şey değiştirilmedi" in problems.text
    await browser.screenshot("04-roster-problems.png")

    field = await browser.wait_for("#roster")
    await browser.call(field.send_keys, str(good))
    await browser.click("main form button.primary")
    await browser.wait_for("main [role=status]", "3 davet hazır.")
    cards = await browser.call(browser.driver.find_elements, By.CSS_SELECTOR, ".card")
    assert [await browser.call(lambda c=card: c.find_element(By.TAG_NAME, "h2").text) for card in cards] == [
        "Ayşe Yılmaz", "Mehmet Kaya", "Elif Şahin"]
    qr_codes = await browser.call(browser.driver.find_elements, By.CSS_SELECTOR, ".card svg.qr")
    assert len(qr_codes) == 6  # Telegram and WhatsApp for each person
    size = await browser.call(lambda: qr_codes[0].size)
    assert size["width"] > 100 and size["height"] > 100  # drawn, not an empty box
    text = (await browser.wait_for("main")).text
    assert "https://t.me/narbot_test_bot?start=" in text and "https://wa.me/905551112233?text=" in text
    await browser.call(browser.driver.execute_script, "window.scrollTo(0, 0)")
    await browser.screenshot("05-invite-sheet.png")

    # As printed: the page's print stylesheet hides the console's header and buttons.
    await browser.call(browser.driver.execute_cdp_cmd, "Emulation.setEmulatedMedia", {"media": "print"})
    header = await browser.call(browser.driver.find_element, By.CSS_SELECTOR, "header")
    assert not await browser.call(header.is_displayed)
    await browser.screenshot("06-invite-sheet-print.png")
    await browser.call(browser.driver.execute_cdp_cmd, "Emulation.setEmulatedMedia", {"media": ""})
    pdf = base64.b64decode(await browser.call(browser.driver.print_page))
    assert pdf.startswith(b"%PDF")
    (browser.artifacts / "07-invite-sheet.pdf").write_bytes(pdf)

    # On a phone (360 px): readable, no sideways scrolling.
    await browser.call(browser.driver.set_window_size, 360, 800)
    try:
        width = await browser.call(browser.driver.execute_script, "return document.documentElement.scrollWidth")
        assert width <= 360
        await browser.screenshot("08-invite-sheet-phone.png")
    finally:
        await browser.call(browser.driver.set_window_size, 1000, 1200)


async def test_a_coordinator_opens_the_participation_dashboard(app_and_api, browser, world, app_sessions, clock):
    await add_week_nine(app_sessions, world, clock.now())
    await log_in_with_the_bots_link(app_and_api, browser, "koray")
    await browser.click(f'main a[href="/programmes/{world.programme.id}"]')
    await browser.click(f'main a[href="/programmes/{world.programme.id}/dashboard"]')
    await browser.wait_for("main h1", "Katılım: Nar Raporu")
    chart = await browser.wait_for("main svg.chart[role=img]")
    size = await browser.call(lambda: chart.size)
    assert size["width"] > 300 and size["height"] > 100  # drawn, not an empty box
    points = await browser.call(browser.driver.find_elements, By.CSS_SELECTOR, "main svg.chart g.point")
    assert len(points) == 8 * 3  # eight weeks, three measures
    bars = await browser.call(browser.driver.find_elements, By.CSS_SELECTOR, "main svg.chart g.point rect")
    assert len(bars) >= 1  # week 9's reflections, drawn from three people
    table = (await browser.wait_for("main table caption", "Program haftasına göre katılım")).text
    assert table and "Botu engelledi" in (await browser.wait_for("main")).text
    await browser.screenshot("09-dashboard.png")
    await browser.call(browser.driver.set_window_size, 360, 800)
    try:
        width = await browser.call(browser.driver.execute_script, "return document.documentElement.scrollWidth")
        assert width <= 360
        await browser.screenshot("10-dashboard-phone.png")
    finally:
        await browser.call(browser.driver.set_window_size, 1000, 1200)
