"""/rhythm on Telegram: a group's mentors set when reflections and check-ins open, and reminders.

Only the adapter: the conversation (words, buttons, screen order, refusals) is
`mentoring.rhythm.screens`; each update goes in as an input, the step runs in
one transaction and its reply comes out as messages (handlers/render.py).
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes, filters

from handlers.common import run_action, tell_stranger
from handlers.render import input_of, show
from mentoring.button_data import RHYTHM
from mentoring.errors import DomainError
from mentoring.i18n import translator
from mentoring.refusals import refused
from mentoring.rhythm import screens

CALLBACK_PATTERN = rf"^{RHYTHM.prefix}:"


async def _run(update: Update, context: ContextTypes.DEFAULT_TYPE, step: screens.Step) -> None:
    given = input_of(update)
    member, result = await run_action(update, context, lambda session, member, now: step(session, member, given, now))
    if member is None or result is None:
        await tell_stranger(update, context)
        return
    reply = refused(result) if isinstance(result, DomainError) else result
    await show(update, context, reply, translator(member.locale))


async def rhythm_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show the rhythm of the mentor's group, or let them pick one of their groups."""
    await _run(update, context, screens.start)


async def rhythm_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show a group's rhythm or a setting's options, or apply an option."""
    await _run(update, context, screens.press)


def handlers() -> list[BaseHandler]:
    """/rhythm and its buttons."""
    return [
        CommandHandler("rhythm", rhythm_command, filters=filters.ChatType.PRIVATE),
        CallbackQueryHandler(rhythm_button, pattern=CALLBACK_PATTERN),
    ]
