"""The programme's end on Telegram: /closing, its buttons, and the texts its steps wait for.

Only the adapter: the conversation (the mentee's closing steps, the mentors' survey summary and
suggestions) is `mentoring.closing.screens`.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes, filters

from handlers.common import run_step
from mentoring.closing import screens
from mentoring.closing.buttons import CLOSING


async def closing_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await run_step(update, context, screens.start)


async def closing_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await run_step(update, context, screens.press)


def handlers() -> list[BaseHandler]:
    return [
        CommandHandler("closing", closing_command, filters=filters.ChatType.PRIVATE),
        CallbackQueryHandler(closing_button, pattern=rf"^{CLOSING.prefix}:"),
    ]
