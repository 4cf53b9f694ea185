"""Broadcasts in a real headless Chromium: compose (a past send time is refused, then fixed), preview,
send, then watch the live report change while the real sender (bot/sender.py, against the offline
Bot API) delivers; schedule another and cancel it.

Screenshots 30-38 in tests/.artifacts/console/ (a few are copied into docs/console/).
"""

from __future__ import annotations

from selenium.webdriver.common.by import By
from telegram.ext import CallbackContext

from bot.broadcast_progress import update_broadcast_progress
from bot.sender import Sender
from tests.browser.conftest import Browser
from tests.browser.test_console_browser import log_in_with_the_bots_link, world  # noqa: F401
from tests.support.sender import VirtualTimer

TEXT = "Cuma 18:00'de Ankara'da ortak toplantı var.\nLütfen defterlerinizi getirin."


async def write(browser: Browser, text: str, send_at: str) -> None:
    field = await browser.wait_for("#text")
    await browser.call(field.clear)
    await browser.call(field.send_keys, text)
    when = await browser.wait_for("#send_at")
    await browser.call(when.clear)
    if send_at:
        await browser.call(when.send_keys, send_at)


async def counts(browser: Browser) -> dict[str, str]:
    cells = await browser.call(browser.driver.find_elements, By.CSS_SELECTOR, "#report dd[data-count]")
    return {await browser.call(cell.get_attribute, "data-count"): await browser.call(lambda c=cell: c.text)
            for cell in cells}


async def test_compose_send_and_watch_the_report_as_the_sender_delivers(
        app_and_api, browser, world, app_sessions, clock):  # noqa: F811
    app, _api = app_and_api
    programme = world.programme.id
    await log_in_with_the_bots_link(app_and_api, browser, "koray")
    await browser.click(f'main a[href="/programmes/{programme}"]')
    await browser.click(f'main a[href="/programmes/{programme}/broadcasts"]')
    await browser.wait_for("main h1", "Duyurular: Nar Raporu")
    await browser.click(f'main a[href="/programmes/{programme}/broadcasts/new"]')
    await browser.wait_for("main h1", "Yeni duyuru")
    await browser.screenshot("30-broadcast-compose.png")

    # A send time that has passed: the form comes back with the problem, the text kept.
    await write(browser, TEXT, "20.11.2026 10:00")
    await browser.click("main form.compose button.primary")
    problems = await browser.wait_for(".problems", "Bu an geçti.")
    assert "Duyuru kaydedilmedi" in problems.text
    assert "Lütfen defterlerinizi getirin." in await browser.call(
        (await browser.wait_for("#text")).get_attribute, "value")
    await browser.screenshot("31-broadcast-problem.png")

    await write(browser, TEXT, "")
    await browser.click("main form.compose button.primary")
    await browser.wait_for("main h1", "Duyurunun önizlemesi")
    main = (await browser.wait_for("main")).text
    assert "📣 Koordinatör Koray tarafından duyuru" in main and "Lütfen defterlerinizi getirin." in main
    assert "6 kişiye ulaşacak" in main and "1 kişiye daha ulaşılamıyor" in main
    await browser.screenshot("32-broadcast-preview.png")

    await browser.click("main .actions button.primary")  # Gönder
    await browser.wait_for("main h1", "Duyuru")
    await browser.wait_for("#report", "Gönderiliyor")
    assert await counts(browser) == {"waiting": "7", "sent": "0", "failed": "0"}
    polling = await browser.call(browser.driver.find_element, By.CSS_SELECTOR, "#report")
    assert await browser.call(polling.get_attribute, "hx-trigger") == "every 3s"
    live = await browser.call(browser.driver.find_element, By.CSS_SELECTOR, "[aria-live=polite]")
    assert "Bekliyor" in await browser.call(lambda: live.text)
    assert await browser.call(browser.driver.find_elements, By.CSS_SELECTOR, "form[action$='/cancel']")
    await browser.screenshot("33-broadcast-waiting.png")

    # The real sender delivers; the page, asking every 3 s, shows it without a reload.
    sender = Sender(app.bot, app_sessions, clock, timer=VirtualTimer())  # type: ignore[arg-type]
    assert await sender.drain() == 7
    await update_broadcast_progress(CallbackContext(app))
    await browser.wait_for("#report", "Tamamlandı")
    assert await counts(browser) == {"waiting": "0", "sent": "6", "failed": "1"}
    report = (await browser.wait_for("#report")).text
    assert "Can" in report and "Narbot'u engellemiş" in report and "bu, son rapordur" in report
    polling = await browser.call(browser.driver.find_element, By.CSS_SELECTOR, "#report")
    assert await browser.call(polling.get_attribute, "hx-trigger") is None  # it stopped asking
    assert not await browser.call(browser.driver.find_elements, By.CSS_SELECTOR, "form[action$='/cancel']")
    await browser.screenshot("34-broadcast-report.png")

    # On a phone (360 px): readable, no sideways scrolling.
    await browser.call(browser.driver.set_window_size, 360, 800)
    try:
        width = await browser.call(browser.driver.execute_script, "return document.documentElement.scrollWidth")
        assert width <= 360
        await browser.screenshot("35-broadcast-report-phone.png")
    finally:
        await browser.call(browser.driver.set_window_size, 1000, 1200)

    # Another, scheduled for next Monday, for mentees only, then cancelled.
    await browser.click(f'main a[href="/programmes/{programme}/broadcasts"]')
    await browser.click(f'main a[href="/programmes/{programme}/broadcasts/new"]')
    await write(browser, "Gelecek hafta görüşme yok.", "30.11.2026 10:00")
    await browser.click("#role-mentee")
    await browser.click("main form.compose button.primary")
    await browser.wait_for("main h1", "Duyurunun önizlemesi")
    assert "30 Kasım 2026, 10:00" in (await browser.wait_for("main")).text
    await browser.click("main .actions button.primary")  # Zamanla
    await browser.wait_for("#report", "Zamanlandı")
    await browser.screenshot("36-broadcast-scheduled.png")
    await browser.click("main form[action$='/cancel'] button")
    await browser.wait_for("#report", "henüz gönderilmemiş 4 mesaj gönderilmeyecek")
    assert (await counts(browser))["cancelled"] == "4"
    await browser.screenshot("37-broadcast-cancelled.png")

    await browser.click(f'main a[href="/programmes/{programme}/broadcasts"]')
    await browser.wait_for("table.broadcasts tbody tr")
    rows = await browser.call(browser.driver.find_elements, By.CSS_SELECTOR, "table.broadcasts tbody tr")
    assert [await browser.call(row.get_attribute, "data-status") for row in rows] == ["cancelled", "done"]
    await browser.screenshot("38-broadcasts.png")
