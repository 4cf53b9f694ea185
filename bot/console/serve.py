"""`narbot console`: the web console on its own, until SIGINT or SIGTERM.

The database is brought up to date first (as every database command does), then
the console is served by uvicorn on CONSOLE_LISTEN:CONSOLE_PORT (bot/web_server.py,
no access log: a login link's token is in its path). The bot (`narbot run`) keeps
running in its own process; serving both in one process is a later step.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import signal

from bot.console.app import create_app
from bot.console.config import ConsoleConfig, console_config
from bot.settings import Settings, SettingsError
from bot.web_server import WebServer
from mentoring.clock import SystemClock
from mentoring.console import links
from mentoring.runtime import Services
from storage import migrate
from storage.db import create_engine, create_sessionmaker, normalize_database_url

logger = logging.getLogger(__name__)


def run_console(settings: Settings) -> int:
    config = console_config(settings)  # a SettingsError says what is missing
    if config.telegram_username is None and settings.telegram_bot_token is not None:
        # The invite sheet's Telegram links need the bot's username: asked once, as `roster import` does.
        from bot.admin import bot_username

        try:
            config = dataclasses.replace(config, telegram_username=asyncio.run(bot_username(settings)))
        except SettingsError as error:
            logger.warning("The invite sheet has no Telegram links: %s", error)
    asyncio.run(_serve(settings, config))
    return 0


async def _serve(settings: Settings, config: ConsoleConfig) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    engine = create_engine(normalize_database_url(settings.database_url))
    try:
        await migrate.upgrade(engine)
        services = Services(sessions=create_sessionmaker(engine), clock=SystemClock(),
                            default_locale=settings.default_locale, default_timezone=settings.default_timezone)
        links.configure(config.url)
        server = WebServer(create_app(services, config), config.listen, config.port)
        await server.start()
        logger.info("The console is up on %s:%s (%s)", server.host, server.port, config.url)
        try:
            await stop.wait()
        finally:
            await server.stop()
    finally:
        await engine.dispose()
