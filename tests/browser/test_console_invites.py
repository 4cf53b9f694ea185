"""Open invites in a real headless Chromium: a coordinator opens the programme's open invites from the
programme page, withdraws one (confirming the question htmx asks) and sees the list without it.

Screenshots 60-6x: tests/.artifacts/console/ (copied into docs/console/).
"""

from __future__ import annotations

from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait
from sqlalchemy import select

from storage.models import Invite
from tests.bot.console.test_console_invites import seed_invites
from tests.browser.conftest import Browser
from tests.browser.test_console_browser import log_in_with_the_bots_link, world  # noqa: F401  (a fixture)
from tests.support.reporting import Reporting


async def test_a_coordinator_withdraws_an_open_invite(
        app_and_api, browser: Browser, world: Reporting, app_sessions, clock):  # noqa: F811
    ids = await seed_invites(app_sessions, world, clock.now())
    await log_in_with_the_bots_link(app_and_api, browser, "koray")
    programme = f"/programmes/{world.programme.id}"
    await browser.click(f'main a[href="{programme}"]')
    await browser.click(f'main a[href="{programme}/invites/open"]')
    await browser.wait_for("main h1", "Açık davetler: Nar Raporu")
    table = await browser.wait_for("main table")
    text = await browser.call(lambda: table.text)
    assert "Aday Ayşe" in text and "Ortak bağlantı" in text and "Geri Alınmış" not in text
    await browser.screenshot("60-open-invites.png")

    await browser.click(f'form[action="{programme}/invites/{ids["open_a"]}/revoke"] button')
    alert = await browser.call(WebDriverWait(browser.driver, 10).until, expected_conditions.alert_is_present())
    assert "Bu davet geri alınsın mı?" in alert.text
    await browser.call(alert.accept)
    await browser.wait_for("main p[role=status]", "1 davet geri alındı.")
    assert "Aday Ayşe" not in await browser.call(lambda: browser.driver.find_element("css selector", "main").text)
    await browser.screenshot("61-invite-withdrawn.png")
    async with app_sessions() as session:
        assert (await session.get(Invite, ids["open_a"])).revoked_at is not None
        assert await session.scalar(select(Invite.revoked_at).where(Invite.id == ids["open_b"])) is None

    await browser.call(browser.driver.set_window_size, 360, 900)  # a phone: the table scrolls in its box
    await browser.open(browser.driver.current_url)
    await browser.wait_for("main h1", "Açık davetler")
    await browser.screenshot("62-open-invites-phone.png")
    await browser.call(browser.driver.set_window_size, 1000, 1200)
