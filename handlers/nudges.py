"""A nudge's button on Telegram: `held:<outbox row id>`, routed through the same step as on WhatsApp.

Telegram never sends nudges (they are WhatsApp's templates outside its 24-hour
window, `mentoring.nudges`), so Telegram only sees this data forged or from a
person who moved channel; the step shows a row only to the person it was for.
Registered so that every button entry of the domain has its handler here too
(tests/handlers/test_entries.py).
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, ContextTypes

from handlers.common import run_step
from mentoring.nudges import screens
from mentoring.nudges.buttons import HELD


async def held_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await run_step(update, context, screens.show)


def handlers() -> list[BaseHandler]:
    return [CallbackQueryHandler(held_button, pattern=rf"^{HELD.prefix}:")]
