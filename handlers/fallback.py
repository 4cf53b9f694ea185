"""Answers for what no feature handles: stray text, stickers, voice notes, old buttons, group chats.

Only the adapter: the words are `mentoring.joining.words`.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from handlers.buttons import refuse_button
from handlers.common import run_step
from handlers.services import translator_for
from mentoring.joining import screens, words


async def unexpected_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Say what Narbot understands instead of staying silent (a stranger: how to join)."""
    if update.effective_message is None or update.effective_user is None:
        return
    await run_step(update, context, screens.unexpected)


async def unknown_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An old or unknown button: stop the spinner and say so, as every refused press does."""
    await refuse_button(update, context)


async def group_chat(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """In group chats Narbot shows nothing personal; point to the private chat."""
    message = update.effective_message
    if message is None:
        return
    pointer = words.private_chats_only(f"https://t.me/{context.bot.username}")
    # A reply, so in the group it quotes the command it answers.
    await message.reply_text(pointer.render(translator_for(update, context, None)))
