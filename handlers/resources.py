"""Resources on Telegram: /resources, its buttons, and the title and content a share waits for.

Only the adapter: the conversation (the list, the useful marks, sharing and
removing) is `mentoring.resources.screens`.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes, filters

from handlers.common import run_step
from mentoring.resources import screens
from mentoring.resources.buttons import RESOURCES


async def resources_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await run_step(update, context, screens.start)


async def resources_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await run_step(update, context, screens.press)


def handlers() -> list[BaseHandler]:
    return [
        CommandHandler("resources", resources_command, filters=filters.ChatType.PRIVATE),
        CallbackQueryHandler(resources_button, pattern=rf"^{RESOURCES.prefix}:"),
    ]
