"""/settings on Telegram: a person's time zone, quiet hours, a week's pause or a leave (and /rhythm,
in handlers.rhythm).

Only the adapter: the conversation (words, buttons, screen order, the typed
answers it waits for) is `mentoring.settings.screens`; each update goes in as
an input and the step's reply comes out as messages (handlers/render.py).
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes, filters

from handlers import rhythm
from handlers.common import run_step
from mentoring.settings import screens
from mentoring.settings.buttons import SETTINGS


async def settings_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await run_step(update, context, screens.start)


async def settings_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await run_step(update, context, screens.press)


def handlers() -> list[BaseHandler]:
    """This feature's commands and buttons, in the order PTB should try them."""
    return [
        CommandHandler("settings", settings_command, filters=filters.ChatType.PRIVATE),
        CallbackQueryHandler(settings_button, pattern=rf"^{SETTINGS.prefix}:"),
        *rhythm.handlers(),
    ]
