"""/reflect on Telegram: the weekly reflection, its buttons, and the answers a mentee writes,
records or photographs.

Only the adapter: the conversation (words, buttons, screen order, the answer a
question waits for, refusals) is `mentoring.reflection.screens`; each update
goes in as an input and the step's reply comes out as messages (handlers/render.py).
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes, filters

from handlers.common import run_step
from mentoring.reflection import screens
from mentoring.reflection.buttons import REFLECTION

CALLBACK_PATTERN = rf"^{REFLECTION.prefix}:"


async def reflect_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Start or continue this week's reflection."""
    await run_step(update, context, screens.start)


async def reflection_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Every button of the reflection: start, answer, summary, change, numbers only, submit."""
    await run_step(update, context, screens.press)


def handlers() -> list[BaseHandler]:
    """This feature's commands and buttons, in the order PTB should try them."""
    return [
        CommandHandler("reflect", reflect_command, filters=filters.ChatType.PRIVATE),
        CallbackQueryHandler(reflection_button, pattern=CALLBACK_PATTERN),
    ]
