"""The baseline for bench.throughput: a bare python-telegram-bot echo bot.

    TELEGRAM_BOT_TOKEN=... TELEGRAM_API_BASE_URL=http://127.0.0.1:PORT/bot python -m bench.echo_bot

Long polling with PTB's defaults (one update at a time), answering every
message with its own text. ECHO_UPDATES_AT_ONCE=N processes N updates at once
instead (PTB's `concurrent_updates`), as Narbot does (4 on SQLite, 64 on
PostgreSQL): bench.throughput's `echo4` target.
"""

from __future__ import annotations

import os

from telegram import Update
from telegram.ext import ApplicationBuilder, ContextTypes, MessageHandler, filters


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Say back what was said."""
    assert update.effective_message is not None
    await update.effective_message.reply_text(update.effective_message.text or "?")


def main() -> None:
    application = (
        ApplicationBuilder()
        .token(os.environ["TELEGRAM_BOT_TOKEN"])
        .base_url(os.environ["TELEGRAM_API_BASE_URL"])
        .concurrent_updates(int(os.environ.get("ECHO_UPDATES_AT_ONCE", "1")))
        .build()
    )
    application.add_handler(MessageHandler(filters.ALL, echo))
    application.run_polling(allowed_updates=Update.ALL_TYPES)


if __name__ == "__main__":
    main()
