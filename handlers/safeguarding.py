""""I am worried about a child" on Telegram: /worry, its buttons and the typed note.

Only the adapter: the conversation (what to do at once, the optional note, the
mentors told) is `mentoring.safeguarding.screens`.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes, filters

from handlers.common import run_step
from mentoring.safeguarding import screens
from mentoring.safeguarding.buttons import SAFEGUARDING


async def worry_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await run_step(update, context, screens.start)


async def worry_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await run_step(update, context, screens.press)


def handlers() -> list[BaseHandler]:
    """This feature's command and buttons."""
    return [
        CommandHandler("worry", worry_command, filters=filters.ChatType.PRIVATE),
        CallbackQueryHandler(worry_button, pattern=rf"^{SAFEGUARDING.prefix}:"),
    ]
