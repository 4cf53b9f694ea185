"""/digest on Telegram: a mentor's weekly group digest on demand, a mentee's detail, the chart switch.

Only the adapter: the conversation (words, buttons, the chart, refusals) is
`mentoring.digest.screens`; each update goes in as an input, the step runs in
one transaction and its reply comes out as messages (handlers/render.py). The
same buttons come under the digest the outbox delivers.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes, filters

from handlers.common import run_step
from mentoring.digest import screens
from mentoring.digest.buttons import DIGEST

CALLBACK_PATTERN = rf"^{DIGEST.prefix}:"


async def digest_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show the current digest of the mentor's group, or ask which group first."""
    await run_step(update, context, screens.start)


async def digest_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The group choice, mentee detail and chart switch buttons."""
    await run_step(update, context, screens.press)


def handlers() -> list[BaseHandler]:
    """This feature's command and buttons."""
    return [
        CommandHandler("digest", digest_command, filters=filters.ChatType.PRIVATE),
        CallbackQueryHandler(digest_button, pattern=CALLBACK_PATTERN),
    ]
