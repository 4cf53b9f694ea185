"""/console on Telegram: a one-time link to the web console, sent without a link preview.

Only the adapter: the step is `mentoring.console.screens.start` (who may have a
link, the token, the words); the screen's `no_preview` keeps Telegram from
fetching the link for a preview (handlers/render.py).
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, ContextTypes, filters

from handlers.common import run_step
from mentoring.console import screens


def handlers() -> list[BaseHandler]:
    return [CommandHandler("console", console_command, filters=filters.ChatType.PRIVATE)]


async def console_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await run_step(update, context, screens.start)
