"""Browser tests: the web console served by uvicorn on a free localhost port, driven by a real
headless Chromium (Debian's `chromium` and `chromium-driver`, installed by `.ci/run`).

Selenium is given the browser's and the driver's paths, so it downloads nothing and asks no
network service (no Selenium Manager). One browser serves a whole module; each test has its
own database, bot and console. Screenshots go to tests/.artifacts/console/ (git-ignored).

The database is SQLite only here: a browser adds nothing database-specific, and every console
page and rule runs on PostgreSQL too in tests/bot/console/ (httpx's ASGI transport).
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait
from starlette.types import ASGIApp, Receive, Scope, Send

from bot.settings import Settings
from bot.web_server import WebServer
from tests.conftest import IN_CI, TEST_TOKEN

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
ARTIFACTS = Path(__file__).resolve().parents[1] / ".artifacts" / "console"
T = TypeVar("T")


@pytest.fixture
async def database_url(tmp_path) -> AsyncIterator[str]:
    """SQLite only (see the module's docstring): overrides tests/conftest.py's two databases."""
    yield f"sqlite+aiosqlite:///{tmp_path / 'narbot.db'}"


class Deferred:
    """An ASGI app given later: the server binds its port first, so the bot can be told the console's URL."""

    def __init__(self) -> None:
        self.app: ASGIApp | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        assert self.app is not None, "the console app is not set yet"
        await self.app(scope, receive, send)


@pytest.fixture
async def console_server() -> AsyncIterator[tuple[WebServer, Deferred]]:
    deferred = Deferred()
    server = WebServer(deferred, "127.0.0.1", 0)
    await server.start()
    try:
        yield server, deferred
    finally:
        await server.stop()


@pytest.fixture
def settings(database_url: str, console_server) -> Settings:
    server, _app = console_server
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        telegram_bot_token=TEST_TOKEN, database_url=database_url, telegram_bot_username="narbot_test_bot",
        whatsapp_display_number="905551112233", console_url=server.url, console_secret="s" * 40,
    )


@pytest.fixture(scope="module")
def chromium(tmp_path_factory) -> Iterator[webdriver.Chrome]:
    if not (CHROMIUM.is_file() and CHROMEDRIVER.is_file()):
        # As with PostgreSQL: CI must run them; a developer's machine without a browser is told how.
        message = ("The browser tests need Debian's chromium and chromium-driver: "
                   "apt-get install chromium chromium-driver (bash .ci/run installs them).")
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--disable-dev-shm-usage", "--window-size=1000,1200", "--lang=tr-TR",
                     f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        options.add_argument(argument)
    # Visitors who are not logged in read the language their browser asks for: Turkish here.
    options.add_experimental_option("prefs", {"intl.accept_languages": "tr-TR,tr"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    ARTIFACTS.mkdir(parents=True)
    return ARTIFACTS


class Browser:
    """The blocking WebDriver, each call in a thread so the test's event loop serves the console meanwhile."""

    def __init__(self, driver: webdriver.Chrome, artifacts: Path) -> None:
        self.driver = driver
        self.artifacts = artifacts

    async def call(self, fn: Callable[..., T], *args: Any) -> T:
        return await asyncio.to_thread(fn, *args)

    async def open(self, url: str) -> None:
        await self.call(self.driver.get, url)

    async def wait_for(self, css: str, text: str | None = None, seconds: float = 10) -> WebElement:
        """The element `css` once it is shown (with `text` in it, when given)."""
        wait = WebDriverWait(self.driver, seconds)
        if text is not None:
            await self.call(wait.until, expected_conditions.text_to_be_present_in_element((By.CSS_SELECTOR, css),
                                                                                           text))
        return await self.call(wait.until, expected_conditions.visibility_of_element_located((By.CSS_SELECTOR, css)))

    async def click(self, css: str) -> None:
        element = await self.wait_for(css)
        await self.call(element.click)

    async def screenshot(self, name: str) -> Path:
        path = self.artifacts / name
        assert await self.call(self.driver.save_screenshot, str(path))
        return path


@pytest.fixture
def browser(chromium: webdriver.Chrome, artifacts: Path) -> Browser:
    chromium.delete_all_cookies()
    return Browser(chromium, artifacts)
