"""`narbot run` without Telegram: WhatsApp, the planner and the outbox sender on one plain event loop.

PTB's Application (and its JobQueue) needs a Telegram bot. When only WhatsApp
is configured the same parts run without it: the webhook server and its
worker (bot/whatsapp/channel.py), the outbox sender with WhatsApp's courier,
a planning pass every minute (`bot.scheduler.plan_pass`, under the same
database lock as on Telegram), each reporting its health for `narbot status`,
and every few seconds the broadcasts whose messages all settled are closed
with their delivery report (on Telegram a job also edits the progress message).

A stop (SIGINT, SIGTERM, or `stop()` in tests) goes in the same order as
bot/app.py: the webhook stops taking messages and answers what it accepted,
the sender lets sends in flight finish and gives back the rest, then the
connections and the database close. Nothing is lost.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.health import WorkerHealth
from bot.scheduler import PLAN_EVERY, plan_pass
from bot.sender import Sender, SenderConfig
from bot.sender_pacing import LoopTimer
from bot.settings import Settings
from bot.web_server import WebServer
from bot.whatsapp.channel import WhatsAppChannel
from mentoring.broadcasts.progress import changed_progress, record_shown
from mentoring.clock import Clock, SystemClock
from mentoring.console import links as console_links
from mentoring.privacy import notice as notices
from mentoring.runtime import Services
from storage import migrate
from storage.db import create_engine, create_sessionmaker, normalize_database_url

logger = logging.getLogger(__name__)

BROADCAST_EVERY = 5.0  # seconds, as Telegram's progress job


class Standalone:
    """The WhatsApp channel with its planner and sender; `start()`, then `stop()`."""

    def __init__(self, settings: Settings, *, clock: Clock | None = None, migrate_on_start: bool = True) -> None:
        whatsapp = settings.whatsapp
        if whatsapp is None:
            raise ValueError("running without Telegram needs WhatsApp's settings")
        self._settings, self._whatsapp = settings, whatsapp
        self._clock = clock or SystemClock()
        self._migrate = migrate_on_start
        self.engine: AsyncEngine | None = None
        self.channel: WhatsAppChannel | None = None
        self.sender: Sender | None = None
        self.console: WebServer | None = None  # CONSOLE_WITH_BOT=true: the web console in this process
        self._tasks: list[asyncio.Task[None]] = []
        self._stopping = asyncio.Event()

    async def start(self) -> None:
        self.engine = create_engine(normalize_database_url(self._settings.database_url))
        if self._migrate:
            await migrate.upgrade(self.engine)
        services = Services(
            sessions=create_sessionmaker(self.engine), clock=self._clock,
            default_locale=self._settings.default_locale, default_timezone=self._settings.default_timezone,
            retention_days_after_programme=self._settings.retention_days_after_programme,
        )
        console_links.configure(self._settings.console_url)  # the address /console's login links name
        await notices.warn_without_notice(services.sessions)
        self.channel = WhatsAppChannel(services, self._whatsapp)
        await self.channel.start()
        config = SenderConfig(lease=timedelta(seconds=self._settings.sender_lease_seconds))
        self.sender = Sender({self.channel.courier.channel: self.channel.courier}, services.sessions,
                             services.clock, config)
        loop = asyncio.get_running_loop()
        self._tasks = [
            loop.create_task(self.sender.run(), name="narbot.sender"),
            loop.create_task(self._plan(services), name="narbot.plan"),
            loop.create_task(self._close_broadcasts(services), name="narbot.broadcasts"),
        ]
        if self._settings.console_with_bot:
            from bot.console.serve import start_with_bot

            self.console = await start_with_bot(self._settings, services, None)
        logger.info("Narbot is up on WhatsApp alone (no TELEGRAM_BOT_TOKEN)")

    async def _plan(self, services: Services) -> None:
        """A planning pass at once (catching up after downtime), then every minute; faults back off."""
        health = WorkerHealth("planner", "Planner", services.sessions, services.clock, LoopTimer())
        while not self._stopping.is_set():
            wait = PLAN_EVERY.total_seconds()
            try:
                await plan_pass(services)
            except Exception as error:  # noqa: BLE001 - the planner outlives any fault
                wait = min(wait, health.failed(error))
            else:
                health.succeeded()
            await health.beat()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), wait)

    async def _close_broadcasts(self, services: Services) -> None:
        """Broadcasts whose messages all settled get their delivery report (Telegram's job edits a message too)."""
        while not self._stopping.is_set():
            try:
                async with services.sessions.begin() as session:
                    for progress in await changed_progress(session):
                        await record_shown(session, progress, services.clock.now())
            except Exception:  # tried again on the next round
                logger.warning("Broadcast progress could not be recorded; trying again", exc_info=True)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), BROADCAST_EVERY)

    async def stop(self) -> None:
        self._stopping.set()
        if self.channel is not None:
            await self.channel.stop_receiving()
        if self.sender is not None:
            await self.sender.stop()
        for task in self._tasks:
            try:
                await task
            except Exception:
                logger.exception("A worker ended with an error")
        self._tasks = []
        if self.channel is not None:
            await self.channel.close()
            self.channel = None
        if self.console is not None:
            await self.console.stop()
            self.console = None
        if self.engine is not None:
            await self.engine.dispose()
            self.engine = None


def run_standalone(settings: Settings) -> int:
    """Run until SIGINT or SIGTERM; 0 after a graceful stop."""
    asyncio.run(_serve(settings))
    return 0


async def _serve(settings: Settings) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    standalone = Standalone(settings)
    await standalone.start()
    try:
        await stop.wait()
    finally:
        logger.info("Stopping: the webhook first, then the sender")
        await standalone.stop()
