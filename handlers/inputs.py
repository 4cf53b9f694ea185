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
from handlers.common import load_member
from handlers.services import services
from mentoring import conversation
from mentoring.conversation import Waiting
from mentoring.joining.rules import MemberView

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
