"""The report pages in a real headless Chromium: a coordinator opens the reports, the impact report
with its charts, and downloads a CSV (the same bytes as the chat's export); a mentor opens their
group's progress report. Screenshots 40-4x in tests/.artifacts/console/ (copied to docs/console/).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from selenium.webdriver.common.by import By

from mentoring.reports.exports import export_programme
from tests.browser.conftest import Browser
from tests.browser.test_console_browser import log_in_with_the_bots_link, world  # noqa: F401


async def _downloaded(folder: Path, name: str, seconds: float = 20) -> bytes:
    """The file once the browser has finished writing it (Chromium writes `.crdownload` first)."""
    target = folder / name
    for _ in range(int(seconds / 0.1)):
        if target.is_file() and not any(folder.glob("*.crdownload")):
            return target.read_bytes()
        await asyncio.sleep(0.1)
    raise AssertionError(f"{name} was not downloaded: {[p.name for p in folder.iterdir()]}")


async def _phone(browser: Browser, name: str) -> None:
    await browser.call(browser.driver.set_window_size, 360, 800)
    try:
        width = await browser.call(browser.driver.execute_script, "return document.documentElement.scrollWidth")
        assert width <= 360
        await browser.screenshot(name)
    finally:
        await browser.call(browser.driver.set_window_size, 1000, 1200)


async def test_a_coordinator_opens_the_reports_and_downloads_a_csv(
        app_and_api, browser, world, app_sessions, clock, tmp_path):  # noqa: F811
    await log_in_with_the_bots_link(app_and_api, browser, "koray")
    await browser.click(f'main a[href="/programmes/{world.programme.id}"]')
    await browser.click(f'main a[href="/programmes/{world.programme.id}/reports"]')
    await browser.wait_for("main h1", "Raporlar: Nar Raporu")
    chart = await browser.wait_for("main svg.chart[role=img]")
    size = await browser.call(lambda: chart.size)
    assert size["width"] > 300 and size["height"] > 50
    glance = (await browser.wait_for("#figures")).text
    assert "Mentiler\n4" in glance and "Ulaşılamayan\n<3" in glance
    await browser.screenshot("40-reports.png")
    await _phone(browser, "41-reports-phone.png")

    await browser.call(browser.driver.execute_cdp_cmd, "Browser.setDownloadBehavior",
                       {"behavior": "allow", "downloadPath": str(tmp_path)})
    await browser.click(f'main a[href="/programmes/{world.programme.id}/export/todos.csv"]')
    content = await _downloaded(tmp_path, "narbot-todos-2026-11-23.csv")
    async with app_sessions.begin() as session:
        expected = await export_programme(session, world.programme.id, None, clock.now())
    assert content == expected.files["todos.csv"] and content.startswith(b"\xef\xbb\xbf")

    await browser.click(f'main a[href="/programmes/{world.programme.id}/reports/impact"]')
    await browser.wait_for("main h1", "Etki analizi: Nar Raporu")
    charts = await browser.call(browser.driver.find_elements, By.CSS_SELECTOR, "main svg.chart[role=img]")
    assert len(charts) >= 3  # the programme's areas, then each group's areas and participation
    bars = await browser.call(browser.driver.find_elements, By.CSS_SELECTOR, "main svg.chart g.point rect")
    assert bars  # the whole programme's development area, drawn from three people
    development = await browser.wait_for('main tr[data-area="development"]')
    assert (await browser.call(lambda: development.text)).endswith("3 2,7 4,0 +1,3")
    await browser.screenshot("42-impact.png")


async def test_a_mentor_opens_their_groups_progress_report(app_and_api, browser, world):  # noqa: F811
    await log_in_with_the_bots_link(app_and_api, browser, "zeynep")
    await browser.click(f'main a[href="/groups/{world.group_a.id}"]')
    await browser.click(f'main a[href="/groups/{world.group_a.id}/progress"]')
    await browser.wait_for("main h1", "Grup A")
    table = (await browser.wait_for("#mentees")).text
    assert "2 → 3 → 4 (+2)" in table
    await browser.screenshot("43-progress.png")
    await _phone(browser, "44-progress-phone.png")
