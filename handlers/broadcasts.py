"""/broadcast on Telegram: a coordinator's announcement to a programme, a province or chosen groups.

Only the adapter: the conversation (words, buttons, screen order, paging, the
typed text and send time it waits for, refusals) is `mentoring.broadcasts.screens`;
each update goes in as an input and the step's reply comes out as messages
(handlers/render.py). The one thing only Telegram knows is where the pressed
summary is: confirming turns that message into the progress message, which the
job in bot/broadcast_progress.py keeps up to date.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes, filters

from handlers.common import run_step
from mentoring.broadcasts import screens
from mentoring.broadcasts.buttons import BROADCAST

CALLBACK_PATTERN = rf"^{BROADCAST.prefix}:"


def handlers() -> list[BaseHandler]:
    """This feature's commands and buttons, in the order PTB should try them."""
    return [
        CommandHandler("broadcast", broadcast_command, filters=filters.ChatType.PRIVATE),
        CallbackQueryHandler(broadcast_button, pattern=CALLBACK_PATTERN),
    ]


async def broadcast_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await run_step(update, context, screens.start)


async def broadcast_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await run_step(update, context, screens.press_at(_pressed_message(update)))


def _pressed_message(update: Update) -> screens.ProgressAt | None:
    """Where the pressed message is, for the progress message it may become."""
    message = update.callback_query.message if update.callback_query is not None else None
    return None if message is None else screens.ProgressAt(str(message.chat.id), message.message_id)
