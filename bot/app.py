"""The composition root: build_application() wires settings, database and handlers."""

from __future__ import annotations

import logging

from sqlalchemy.engine import make_url
from telegram.ext import Application, ApplicationBuilder
from telegram.request import BaseRequest

from bot.bot_request import bot_request
from bot.broadcast_progress import schedule_broadcast_progress
from bot.reply_bot import NarbotApplication, ReplyBot
from bot.scheduler import start_planning
from bot.sender_job import start_sending, stop_sending
from bot.settings import Settings
from bot.update_order import PerPersonUpdateProcessor
from bot.whatsapp.channel import WhatsAppChannel
from handlers import register
from handlers.menus import set_default_menus
from mentoring import offload
from mentoring.clock import Clock, SystemClock
from mentoring.console import links as console_links
from mentoring.privacy import notice as notices
from mentoring.runtime import SERVICES_KEY, Services
from storage import migrate
from storage.db import create_engine, create_sessionmaker, normalize_database_url

logger = logging.getLogger(__name__)

SETTINGS_KEY = "narbot.settings"
ENGINE_KEY = "narbot.engine"
CLOCK_KEY = "narbot.clock"
WHATSAPP_KEY = "narbot.whatsapp"
MIGRATE_KEY = "narbot.migrate_on_start"
CONSOLE_KEY = "narbot.console"
# PostgreSQL takes concurrent writers. SQLite has one write lock: a few updates at once fill the
# loop while replies travel; more queue for that lock on aiosqlite's threads and measured slower
# (docs/performance.md, "Throughput", stop 29).
POSTGRES_UPDATES_AT_ONCE = 64
SQLITE_UPDATES_AT_ONCE = 4


def build_application(
    settings: Settings,
    *,
    clock: Clock | None = None,
    request: BaseRequest | None = None,
    get_updates_request: BaseRequest | None = None,
    migrate_on_start: bool = True,
) -> Application:
    """The one place a Narbot application is put together.

    The database engine is created in post_init (inside the running event loop)
    and disposed in post_shutdown. Tests pass their own clock and request.
    """
    urls: dict[str, str] = {}
    if settings.telegram_api_base_url:
        urls = {"base_url": settings.telegram_api_base_url.rstrip("/"),
                "base_file_url": settings.base_file_url or ""}
    # Replies that meet a 429/5xx while an update is handled are queued, not lost (bot/reply_bot.py).
    # PTB's pool sizes for an Application (256 connections; one for getUpdates), JSON calls over
    # the lean client (bot/bot_request.py).
    bot = ReplyBot(
        settings.require_token(),
        request=request or bot_request(256),
        get_updates_request=get_updates_request or bot_request(1),
        **urls,  # type: ignore[arg-type]
    )
    builder = (
        ApplicationBuilder()
        .application_class(NarbotApplication)
        .bot(bot)
        .post_init(post_init)
        .post_stop(post_stop)
        .post_shutdown(post_shutdown)
    )
    # Updates from one person in order, other people's alongside (bot/update_order.py). While
    # one update waits for its reply's round trip to Telegram, others use the loop.
    backend = make_url(normalize_database_url(settings.database_url)).get_backend_name()
    at_once = POSTGRES_UPDATES_AT_ONCE if backend == "postgresql" else SQLITE_UPDATES_AT_ONCE
    builder = builder.concurrent_updates(PerPersonUpdateProcessor(at_once))
    application = builder.build()
    application.bot_data[SETTINGS_KEY] = settings
    application.bot_data[CLOCK_KEY] = clock or SystemClock()
    application.bot_data[MIGRATE_KEY] = migrate_on_start
    register(application)
    return application


async def post_init(application: Application) -> None:
    """Open the database (migrating it first) and publish the command menus."""
    settings: Settings = application.bot_data[SETTINGS_KEY]
    engine = create_engine(normalize_database_url(settings.database_url))
    application.bot_data[ENGINE_KEY] = engine
    if application.bot_data[MIGRATE_KEY]:
        await migrate.upgrade(engine)
    application.bot_data[SERVICES_KEY] = Services(
        sessions=create_sessionmaker(engine),
        clock=application.bot_data[CLOCK_KEY],
        default_locale=settings.default_locale,
        default_timezone=settings.default_timezone,
        retention_days_after_programme=settings.retention_days_after_programme,
    )
    console_links.configure(settings.console_url)  # the address /console's login links name
    await set_default_menus(application.bot, settings.default_locale)
    await notices.warn_without_notice(application.bot_data[SERVICES_KEY].sessions)
    start_planning(application)
    channel: WhatsAppChannel | None = None
    whatsapp = settings.whatsapp
    if whatsapp is not None:
        channel = WhatsAppChannel(application.bot_data[SERVICES_KEY], whatsapp)
        await channel.start()
        application.bot_data[WHATSAPP_KEY] = channel
    start_sending(application, settings, [channel.courier] if channel is not None else [])
    schedule_broadcast_progress(application)
    if settings.console_with_bot:  # the web console in this process (bot/console/serve.py)
        from bot.console.serve import start_with_bot

        application.bot_data[CONSOLE_KEY] = await start_with_bot(
            settings, application.bot_data[SERVICES_KEY], application.bot.username)
    logger.info("Narbot is up as @%s", application.bot.username)


async def post_stop(application: Application) -> None:
    """Stop taking WhatsApp messages, then the outbox sender (sends in flight finish), then WhatsApp's client."""
    channel: WhatsAppChannel | None = application.bot_data.get(WHATSAPP_KEY)
    if channel is not None:
        await channel.stop_receiving()
    await stop_sending(application)
    await _close_whatsapp(application)


async def _close_whatsapp(application: Application) -> None:
    channel = application.bot_data.pop(WHATSAPP_KEY, None)
    if channel is not None:
        await channel.close()


async def post_shutdown(application: Application) -> None:
    """Stop the sender and WhatsApp if post_stop did not run, then close the database connections."""
    await stop_sending(application)
    await _close_whatsapp(application)
    console = application.bot_data.pop(CONSOLE_KEY, None)
    if console is not None:
        await console.stop()
    offload.shutdown()
    engine = application.bot_data.pop(ENGINE_KEY, None)
    if engine is not None:
        await engine.dispose()
