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

from handlers.common import Step, run_step
from handlers.inputs import InputHandler, register_input
from mentoring.conversation import Waiting
from mentoring.joining.rules import MemberView
from mentoring.sessions import (
    agenda,
    agenda_screens,
    followup,
    followup_screens,
    planning,
    planning_screens,
    proposal_screens,
    proposals,
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


def _typed(step: Step) -> InputHandler:
    """Free input while one of these flows waits (the step reads the wait itself)."""

    async def typed(update: Update, context: ContextTypes.DEFAULT_TYPE, member: MemberView, state: Waiting) -> None:
        await run_step(update, context, step)

    return typed


register_input(planning.FLOW, _typed(planning_screens.answer))
register_input(followup.MINUTES_FLOW, _typed(followup_screens.minutes))
register_input(followup.TAKEAWAY_FLOW, _typed(followup_screens.takeaway))
register_input(agenda.ADD_FLOW, _typed(agenda_screens.title))
register_input(proposals.PROPOSE_FLOW, _typed(proposal_screens.proposal_text))
register_input(proposals.ACCEPT_FLOW, _typed(proposal_screens.accept_title))


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
