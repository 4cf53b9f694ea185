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
from handlers.inputs import register_input
from mentoring.joining.rules import MemberView
from mentoring.todos import assign, assign_screens, rules, screens
from mentoring.todos.buttons import ASSIGN, TODOS

CALLBACK_PATTERN = rf"^{TODOS.prefix}:"
ASSIGN_PATTERN = rf"^{ASSIGN.prefix}:"


async def todo_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await run_step(update, context, screens.start)


async def todo_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await run_step(update, context, screens.press)


async def todo_input(update: Update, context: ContextTypes.DEFAULT_TYPE, member: MemberView, state: object) -> None:
    """Free input while a to-do flow waits (the step reads the wait itself)."""
    await run_step(update, context, screens.answer)


async def assign_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await run_step(update, context, assign_screens.start)


async def assign_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await run_step(update, context, assign_screens.press)


async def assign_input(update: Update, context: ContextTypes.DEFAULT_TYPE, member: MemberView, state: object) -> None:
    await run_step(update, context, assign_screens.answer)


for _flow in rules.MY_FLOWS:
    register_input(_flow, todo_input)
register_input(assign.FLOW_ASSIGN, assign_input)


def handlers() -> list[BaseHandler]:
    """This feature's commands and buttons, in the order PTB should try them."""
    private = filters.ChatType.PRIVATE
    return [
        CommandHandler("todo", todo_command, filters=private),
        CallbackQueryHandler(todo_button, pattern=CALLBACK_PATTERN),
        CommandHandler("assign", assign_command, filters=private),
        CallbackQueryHandler(assign_button, pattern=ASSIGN_PATTERN),
    ]
