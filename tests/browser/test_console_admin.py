"""Programmes and groups in a real headless Chromium: a coordinator creates a group (first with a
problem shown next to its field), moves a mentee into it after seeing both groups' shape as it
would be, and finds the warning on the group's and the programme's page.

Screenshots 20-2x: tests/.artifacts/console/ (copied into docs/console/).
"""

from __future__ import annotations

from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait
from sqlalchemy import select

from storage.models import Group, Membership
from tests.browser.conftest import Browser
from tests.browser.test_console_browser import log_in_with_the_bots_link, world  # noqa: F401  (a fixture)
from tests.support.reporting import Reporting


async def choose(browser: Browser, css: str, text: str) -> None:
    element = await browser.wait_for(css)
    await browser.call(Select(element).select_by_visible_text, text)


async def test_a_coordinator_creates_a_group_and_moves_a_mentee_into_it(
        app_and_api, browser: Browser, world: Reporting, app_sessions):  # noqa: F811
    await log_in_with_the_bots_link(app_and_api, browser, "koray")
    programme = f"/programmes/{world.programme.id}"
    await browser.click(f'main a[href="{programme}"]')
    await browser.click(f'main a[href="{programme}/groups/new"]')
    await browser.wait_for("main h1", "Yeni grup")
    await browser.screenshot("20-new-group.png")

    name = await browser.wait_for("#name")
    await browser.call(name.send_keys, "grup a")  # taken: Grup A, in any casing
    await browser.click("main form button.primary")
    await browser.wait_for("#name-problem", "Bu programda bu adla bir grup zaten var.")
    await browser.wait_for("#province-problem", "Lütfen listeden bir il seçin.")
    field = await browser.wait_for("#name")
    assert await browser.call(field.get_attribute, "aria-describedby") == "name-problem"
    await browser.screenshot("21-new-group-problems.png")

    await browser.call(field.clear)
    await browser.call(field.send_keys, "Grup Çınar")
    await choose(browser, "#province", "Kars")
    await browser.click("main form button.primary")
    await browser.wait_for("main h1", "Grup Çınar")
    async with app_sessions() as session:
        new_group = await session.scalar(select(Group).where(Group.name == "Grup Çınar"))
    assert new_group is not None

    await browser.open(browser.driver.current_url.rsplit("/groups/", 1)[0] + f"/groups/{world.group_a.id}")
    await browser.click(f'main a[href="/groups/{world.group_a.id}/move"]')
    await browser.wait_for("main h1", "Bir kişiyi başka bir gruba taşı")
    await browser.click(f'label[for="person-{world.people["ayse"].person_id}"]')
    # The search narrows the groups offered, with the keyboard alone.
    find = await browser.wait_for("#find")
    await browser.call(find.send_keys, "cinar", Keys.ENTER)

    def offered(driver) -> list[str] | bool:
        """The groups offered once the search has narrowed them (the page is swapped by htmx meanwhile)."""
        try:
            texts = [option.text for option in driver.find_elements(By.CSS_SELECTOR, "#to option")]
        except StaleElementReferenceException:
            return False
        return texts if len(texts) == 2 else False

    assert await browser.call(WebDriverWait(browser.driver, 10).until, offered) == ["Bir grup seçin", "Grup Çınar"]
    await choose(browser, "#to", "Grup Çınar")
    await browser.click('main button[value="check"]')
    after = await browser.wait_for("#after + .scroll table")
    text = await browser.call(lambda: after.text)
    # Grup A keeps 2 mentees and 2 mentors; Grup Çınar gets 1 mentee and no mentor: both outside the plan.
    assert "Grup A" in text and "Grup Çınar" in text
    assert "<3 menti (programda 4-6 menti öngörülüyor)" in text
    assert "0 mentor (programda 2-3 mentor öngörülüyor)" in text
    await browser.screenshot("22-move-preview.png")

    await browser.call(browser.driver.set_window_size, 360, 800)
    try:
        width = await browser.call(browser.driver.execute_script, "return document.documentElement.scrollWidth")
        assert width <= 360
        await browser.screenshot("23-move-preview-phone.png")
    finally:
        await browser.call(browser.driver.set_window_size, 1000, 1200)

    await browser.click("#after ~ form button.primary")
    await browser.wait_for("main h1", "Grup Çınar")
    warning = await browser.wait_for("main .warning")
    assert "0 mentor" in await browser.call(lambda: warning.text)
    await browser.screenshot("24-moved.png")
    async with app_sessions() as session:
        groups = (await session.scalars(select(Membership.group_id).where(
            Membership.person_id == world.people["ayse"].person_id, Membership.left_at.is_(None)))).all()
    assert list(groups) == [new_group.id]

    await browser.click(f'main a[href="{programme}"]')
    row = await browser.wait_for(f'main a[href="/groups/{new_group.id}"]')
    line = await browser.call(lambda: row.find_element(By.XPATH, "./ancestor::tr").text)
    assert "⚠" in line and "0 mentor" in line
    await browser.screenshot("25-programme-shape.png")
