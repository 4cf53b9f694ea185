"""Free input (text, voice, photo) on Telegram: to the flow that waits for it, in one transaction.

Which flow waits lives in the database (mentoring.conversation), so the routing
survives restarts; which step takes a flow's input is the domain's table
(`mentoring.entries.FLOWS`), the one every channel reads. `entries.take` reads
the wait and routes in the same transaction as the step it runs.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from handlers.common import run_step
from mentoring import entries
from mentoring.conversation import PARTS, RESUME

PARTS_PATTERN = rf"^{PARTS.prefix}:"
RESUME_PATTERN = rf"^{RESUME.prefix}:"


async def route_input(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Hand free input to the flow waiting for it, or explain what Narbot understands."""
    if update.effective_user is None or update.effective_message is None:
        return
    # No step of our own: `entries.take` routes the input as the conversation stands.
    await run_step(update, context, None)


async def parts_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """"That was all" under the first part of a long text: the held text goes to the waiting flow."""
    await run_step(update, context, entries.BUTTONS[PARTS.prefix])


async def resume_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """"Back to /todo" under the note that a flow was paused: that command, as if typed."""
    await run_step(update, context, entries.BUTTONS[RESUME.prefix])
