"""Routing a person's free input (text, voice, photo) to the flow that waits for it.

Flows register an input handler under their flow name; the state saying which
flow waits lives in the database (mentoring.conversation), so the routing
survives restarts.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import Update
from telegram.ext import ContextTypes

from handlers import fallback
from handlers.common import load_member, run_step
from handlers.services import services
from mentoring import conversation, entries
from mentoring.conversation import PARTS, RESUME, Waiting
from mentoring.joining.rules import MemberView

PARTS_PATTERN = rf"^{PARTS.prefix}:"
RESUME_PATTERN = rf"^{RESUME.prefix}:"

InputHandler = Callable[[Update, ContextTypes.DEFAULT_TYPE, MemberView, Waiting], Awaitable[None]]

_INPUT_HANDLERS: dict[str, InputHandler] = {}


def register_input(flow: str, handler: InputHandler) -> None:
    """Let `flow` receive the person's next message while its state is pending."""
    _INPUT_HANDLERS[flow] = handler


async def route_input(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Hand free input to the flow waiting for it, or explain what Narbot understands."""
    if update.effective_user is None or update.effective_message is None:
        return
    async with services(context).sessions.begin() as session:
        member = await load_member(session, update)
        state = await conversation.waiting(session, member.person_id) if member else None
    if member is None or state is None or state.flow not in _INPUT_HANDLERS:
        await fallback.unexpected_message(update, context)
        return
    await _INPUT_HANDLERS[state.flow](update, context, member, state)


async def parts_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """"That was all" under the first part of a long text: the held text goes to the waiting flow."""
    await run_step(update, context, entries.BUTTONS[PARTS.prefix])


async def resume_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """"Back to /todo" under the note that a flow was paused: that command, as if typed."""
    await run_step(update, context, entries.BUTTONS[RESUME.prefix])
