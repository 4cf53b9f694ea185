"""Objecting to a flag or asking for a correction on Telegram: its buttons and the typed texts.

Only the adapter: the conversation (the person's request, the coordinator's
answer) is `mentoring.objections.screens`.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, ContextTypes

from handlers.common import run_step
from mentoring.objections import screens
from mentoring.objections.buttons import OBJECTIONS


async def objection_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await run_step(update, context, screens.press)


def handlers() -> list[BaseHandler]:
    """This feature's buttons."""
    return [CallbackQueryHandler(objection_button, pattern=rf"^{OBJECTIONS.prefix}:")]
