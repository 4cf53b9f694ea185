"""`narbot console`: the web console on its own, until SIGINT or SIGTERM; or inside `narbot run`.

The database is brought up to date first (as every database command does), then
the console is served by uvicorn on CONSOLE_LISTEN:CONSOLE_PORT (bot/web_server.py,
no access log: a login link's token is in its path). The bot (`narbot run`) keeps
running in its own process.

With CONSOLE_WITH_BOT=true, `narbot run` serves the console itself instead: bot/app.py's
post_init calls `start_with_bot` once the database is ready (the bot's own Services, the
bot's username from getMe for the invite sheet's links), post_shutdown stops it.
`console_with_bot(settings)` checks the settings before anything starts (CONSOLE_URL and
CONSOLE_SECRET set, CONSOLE_PORT not a webhook's port); `narbot console` then refuses to
start, since the bot serves the console already.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import signal

from starlette.applications import Starlette

from bot import interpreter
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


WITH_BOT_HELP = """\
CONSOLE_WITH_BOT=true: `narbot run` serves the console in its own process, so `narbot console`
must not run beside it (the two would want the same port). Set CONSOLE_WITH_BOT=false to run
the console on its own. See docs/console.md.
"""


def console_with_bot(settings: Settings) -> ConsoleConfig | None:
    """The console `narbot run` serves (CONSOLE_WITH_BOT=true), or None; a SettingsError says what is wrong."""
    if not settings.console_with_bot:
        return None
    config = console_config(settings)  # CONSOLE_URL and CONSOLE_SECRET, or what to set
    taken: dict[str, int] = {}
    if settings.webhook_url and settings.telegram_bot_token is not None:
        taken["WEBHOOK_PORT"] = settings.webhook_port
    if settings.whatsapp is not None:
        taken["WHATSAPP_WEBHOOK_PORT"] = settings.whatsapp_webhook_port
    for name, port in taken.items():
        if port and port == config.port:  # port 0: a free port each (tests)
            raise SettingsError(f"CONSOLE_PORT and {name} are both {port}: the console and the webhook "
                                "need a port each. Choose another CONSOLE_PORT.")
    return config


async def start_with_bot(settings: Settings, services: Services, bot_username: str | None) -> WebServer:
    """Serve the console in the bot's event loop (stop the returned server at shutdown)."""
    config = console_with_bot(settings)
    if config is None:
        raise SettingsError("CONSOLE_WITH_BOT is not set.")
    if config.telegram_username is None and bot_username:
        config = dataclasses.replace(config, telegram_username=bot_username.lstrip("@"))
    links.configure(config.url)
    server = _server(create_app(services, config), config)
    await server.start()
    logger.info("The console is up on %s:%s (%s), in the bot's process", server.host, server.port, config.url)
    return server


def _server(app: Starlette, config: ConsoleConfig) -> WebServer:
    try:
        return WebServer(app, config.listen, config.port)
    except OSError as error:
        raise SettingsError(f"The console cannot listen on {config.listen}:{config.port} ({error.strerror}). "
                            "Is another program (a `narbot console`?) using that port? "
                            "Choose another CONSOLE_PORT or stop it.") from None


def run_console(settings: Settings) -> int:
    if settings.console_with_bot:
        raise SettingsError(WITH_BOT_HELP)
    config = console_config(settings)  # a SettingsError says what is missing
    if config.telegram_username is None and settings.telegram_bot_token is not None:
        # The invite sheet's Telegram links need the bot's username: asked once, as `roster import` does.
        from bot.admin import bot_username

        try:
            config = dataclasses.replace(config, telegram_username=asyncio.run(bot_username(settings)))
        except SettingsError as error:
            logger.warning("The invite sheet has no Telegram links: %s", error)
    interpreter.settle()  # as `narbot run`: pages keep coming while an export's thread writes
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
        server = _server(create_app(services, config), config)
        await server.start()
        logger.info("The console is up on %s:%s (%s)", server.host, server.port, config.url)
        try:
            await stop.wait()
        finally:
            await server.stop()
    finally:
        await engine.dispose()
