"""/todo and /assign on Telegram: the mentee's to-do list, and mentors giving to-dos.

Only the adapter: the conversations (words, buttons, screen order, paging, the
typed inputs they wait for, refusals) are `mentoring.todos.screens` and
`mentoring.todos.assign_screens`; each update goes in as an input, the step runs
in one transaction and its reply comes out as messages (handlers/render.py).
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes, filters

from handlers.common import run_step
from mentoring.todos import assign_screens, screens
from mentoring.todos.buttons import ASSIGN, TODOS

CALLBACK_PATTERN = rf"^{TODOS.prefix}:"
ASSIGN_PATTERN = rf"^{ASSIGN.prefix}:"


async def todo_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await run_step(update, context, screens.start)


async def todo_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await run_step(update, context, screens.press)


async def assign_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await run_step(update, context, assign_screens.start)


async def assign_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await run_step(update, context, assign_screens.press)


def handlers() -> list[BaseHandler]:
    """This feature's commands and buttons, in the order PTB should try them."""
    private = filters.ChatType.PRIVATE
    return [
        CommandHandler("todo", todo_command, filters=private),
        CallbackQueryHandler(todo_button, pattern=CALLBACK_PATTERN),
        CommandHandler("assign", assign_command, filters=private),
        CallbackQueryHandler(assign_button, pattern=ASSIGN_PATTERN),
    ]
