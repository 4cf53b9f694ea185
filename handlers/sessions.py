"""Group sessions and their agenda on Telegram: /session, /sessions, /agenda and their buttons.

Only the adapter: the conversations (words, buttons, screen order, the typed
answers they wait for, refusals) are `mentoring.sessions.screens` (/sessions and
every session button), `planning_screens` (/session), `followup_screens`
(attendance, minutes, feedback) and `agenda_screens` (/agenda); each update goes
in as an input and the step's reply comes out as messages (handlers/render.py).
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes, filters

from handlers.common import run_step
from mentoring.sessions import (
    agenda_screens,
    planning_screens,
    proposal_screens,
    screens,
)
from mentoring.sessions.buttons import AGENDA, SESSIONS


async def session_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Start planning a group session (mentors)."""
    await run_step(update, context, planning_screens.start)


async def sessions_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Upcoming sessions of my groups, with my answer and buttons to change it."""
    await run_step(update, context, screens.start)


async def agenda_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The agenda of the member's group (or which group's)."""
    await run_step(update, context, agenda_screens.start)


async def session_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Planning, answering, moving, cancelling, attendance, minutes and feedback buttons."""
    await run_step(update, context, screens.press)


async def agenda_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Agenda buttons, proposals and roles included."""
    await run_step(update, context, proposal_screens.press)


def handlers() -> list[BaseHandler]:
    """This feature's commands and buttons, in the order PTB should try them."""
    private = filters.ChatType.PRIVATE
    return [
        CommandHandler("session", session_command, filters=private),
        CommandHandler("sessions", sessions_command, filters=private),
        CommandHandler("agenda", agenda_command, filters=private),
        CallbackQueryHandler(session_button, pattern=rf"^{SESSIONS.prefix}:"),
        CallbackQueryHandler(agenda_button, pattern=rf"^{AGENDA.prefix}:"),
    ]
