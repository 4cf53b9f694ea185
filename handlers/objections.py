"""Objecting to a flag or asking for a correction on Telegram: its buttons and the typed texts.

Only the adapter: the conversation (the person's request, the coordinator's
answer) is `mentoring.objections.screens`.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, ContextTypes

from handlers.common import run_step
from handlers.inputs import register_input
from mentoring.joining.rules import MemberView
from mentoring.objections import screens
from mentoring.objections.buttons import OBJECTIONS


async def objection_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await run_step(update, context, screens.press)


async def typed_request(
    update: Update, context: ContextTypes.DEFAULT_TYPE, member: MemberView, state: object
) -> None:
    """Free input while the person's request waits for its text (the step reads the wait itself)."""
    await run_step(update, context, screens.answer)


async def typed_answer(
    update: Update, context: ContextTypes.DEFAULT_TYPE, member: MemberView, state: object
) -> None:
    """Free input while a coordinator's answer waits for its text."""
    await run_step(update, context, screens.coordinator_answer)


register_input(screens.FLOW, typed_request)
register_input(screens.ANSWER_FLOW, typed_answer)


def handlers() -> list[BaseHandler]:
    """This feature's buttons."""
    return [CallbackQueryHandler(objection_button, pattern=rf"^{OBJECTIONS.prefix}:")]
