"""Mentors hear, see and answer, on Telegram: the feedback buttons and the typed reply or answer.

Only the adapter: the conversation (the files sent, the ready reactions, the one
answer) is `mentoring.feedback.screens`.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, ContextTypes

from handlers.common import run_step
from mentoring.feedback import screens
from mentoring.feedback.buttons import FEEDBACK


async def feedback_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await run_step(update, context, screens.press)


def handlers() -> list[BaseHandler]:
    """This feature's buttons (it has no command: it is reached from a mentee's detail and a reply)."""
    return [CallbackQueryHandler(feedback_button, pattern=rf"^{FEEDBACK.prefix}:")]
