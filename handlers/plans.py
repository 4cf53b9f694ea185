"""/plan on Telegram: the development plan (priority areas, SMART goals, status) and the self-assessment.

Only the adapter: the conversation (words, buttons, screen order, paging, the
typed answers it waits for, refusals) is `mentoring.plans.screens`; each update
goes in as an input, the step runs in one transaction and its reply comes out
as messages (handlers/render.py).
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes, filters

from handlers.common import run_action, run_step
from handlers.render import render
from mentoring.i18n import translator
from mentoring.joining.rules import MemberView
from mentoring.plans import screens
from mentoring.plans.buttons import PLAN
from mentoring.screens import Screen

CALLBACK_PATTERN = rf"^{PLAN.prefix}:"


async def plan_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await run_step(update, context, screens.start)


async def plan_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await run_step(update, context, screens.press)


async def offer_baseline(update: Update, context: ContextTypes.DEFAULT_TYPE, member: MemberView) -> None:
    """Right after a mentee's welcome: offer the baseline self-assessment, unless it is done.

    A message of its own, after the welcome (the press that led here is answered already).
    """
    _member, offer = await run_action(update, context, screens.baseline_offer)
    if isinstance(offer, Screen) and update.effective_chat is not None:
        text, markup = render(offer, translator(member.locale))
        await update.effective_chat.send_message(text, reply_markup=markup)


def handlers() -> list[BaseHandler]:
    """This feature's commands and buttons, in the order PTB should try them."""
    return [
        CommandHandler("plan", plan_command, filters=filters.ChatType.PRIVATE),
        CallbackQueryHandler(plan_button, pattern=CALLBACK_PATTERN),
    ]
