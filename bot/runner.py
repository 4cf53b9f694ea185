"""`narbot run`: long polling by default, a webhook when WEBHOOK_URL is set; WhatsApp alone without a token."""

from __future__ import annotations

import logging
import sys

from telegram import Update
from telegram.error import InvalidToken

from bot import interpreter
from bot.app import build_application
from bot.bot_request import bot_request
from bot.settings import TOKEN_HELP, Settings
from bot.standalone import run_standalone
from bot.unreadable_updates import SkipUnreadableUpdates

logger = logging.getLogger(__name__)


def run(settings: Settings) -> int:
    """Run until interrupted; the exit code says how it ended."""
    settings.require_channel()
    interpreter.settle()
    if settings.telegram_bot_token is None:
        # WhatsApp alone: the same planner and sender, without PTB's Application.
        return run_standalone(settings)
    # PTB's getUpdates connection (one connection), minus updates it cannot read.
    application = build_application(
        settings, get_updates_request=SkipUnreadableUpdates(bot_request(1)))
    try:
        if settings.webhook_url:
            logger.info("Starting in webhook mode on %s:%s", settings.webhook_listen, settings.webhook_port)
            application.run_webhook(
                listen=settings.webhook_listen,
                port=settings.webhook_port,
                url_path=_path_of(settings.webhook_url),
                webhook_url=settings.webhook_url,
                secret_token=(
                    settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
                ),
                allowed_updates=Update.ALL_TYPES,
            )
        else:
            logger.info("Starting in long-polling mode")
            application.run_polling(
                allowed_updates=Update.ALL_TYPES, poll_interval=settings.poll_interval_seconds
            )
    except InvalidToken:
        print("Telegram rejected TELEGRAM_BOT_TOKEN.\n\n" + TOKEN_HELP, file=sys.stderr)
        return 2
    return 0


def _path_of(url: str) -> str:
    from urllib.parse import urlparse

    return urlparse(url).path.lstrip("/")
