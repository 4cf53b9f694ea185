"""/rhythm on Telegram: a group's mentors set when reflections and check-ins open, and reminders.

Only the adapter: the conversation (words, buttons, screen order, refusals) is
`mentoring.rhythm.screens`; each update goes in as an input, the step runs in
one transaction and its reply comes out as messages (handlers/render.py).
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes, filters

from handlers.common import run_step
from mentoring.rhythm import screens
from mentoring.rhythm.buttons import RHYTHM

CALLBACK_PATTERN = rf"^{RHYTHM.prefix}:"


async def rhythm_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show the rhythm of the mentor's group, or let them pick one of their groups."""
    await run_step(update, context, screens.start)


async def rhythm_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show a group's rhythm or a setting's options, or apply an option."""
    await run_step(update, context, screens.press)


def handlers() -> list[BaseHandler]:
    """/rhythm and its buttons."""
    return [
        CommandHandler("rhythm", rhythm_command, filters=filters.ChatType.PRIVATE),
        CallbackQueryHandler(rhythm_button, pattern=CALLBACK_PATTERN),
    ]
