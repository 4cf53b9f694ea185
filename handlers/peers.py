"""/partner and /pairs on Telegram: a mentee's peer partner and weekly check-in, and the mentors'
pairing of a group's mentees.

Only the adapter: the conversations (words, buttons, screen order, refusals) are
`mentoring.peers.screens` (/partner and the check-in) and
`mentoring.peers.pairs_screens` (/pairs); each update goes in as an input, the
step runs in one transaction and its reply comes out as messages (handlers/render.py).
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes, filters

from handlers.common import run_step
from mentoring.peers import pairs_screens, screens
from mentoring.peers.buttons import CHECKIN, PAIRS


async def partner_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show the peer partner(s) and this week's check-in when it waits."""
    await run_step(update, context, screens.start)


async def checkin_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The check-in's buttons: talked or not, which goal was supported, how useful."""
    await run_step(update, context, screens.press)


async def pairs_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show the pairs of the one group the person manages, or the groups to choose from."""
    await run_step(update, context, pairs_screens.start)


async def pairs_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The buttons of /pairs: a group, automatic pairing, picking by hand, ending a pair."""
    await run_step(update, context, pairs_screens.press)


def handlers() -> list[BaseHandler]:
    """This feature's commands and buttons, in the order PTB should try them."""
    return [
        CommandHandler("partner", partner_command, filters=filters.ChatType.PRIVATE),
        CallbackQueryHandler(checkin_button, pattern=rf"^{CHECKIN.prefix}:"),
        CommandHandler("pairs", pairs_command, filters=filters.ChatType.PRIVATE),
        CallbackQueryHandler(pairs_button, pattern=rf"^{PAIRS.prefix}:"),
    ]
