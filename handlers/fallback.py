"""Answers for what no feature handles: stray text, stickers, voice notes, old buttons."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from handlers.buttons import refuse_button
from handlers.services import CHANNEL, services, translator_for, user_key
from handlers.texts import no_code_text
from mentoring.joining import rules as joining


async def unexpected_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Say what Narbot understands instead of staying silent."""
    message = update.effective_message
    if message is None or update.effective_user is None:
        return
    async with services(context).sessions.begin() as session:
        member = await joining.member_view(session, CHANNEL, user_key(update))
    tr = translator_for(update, context, member)
    if member is None:
        await message.reply_text(no_code_text(tr))
        return
    await message.reply_text(
        tr.gettext("I did not understand that. Send /help to see what I can do.")
    )


async def unknown_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An old or unknown button: stop the spinner and say so, as every refused press does."""
    await refuse_button(update, context)


async def group_chat(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """In group chats Narbot shows nothing personal; point to the private chat."""
    message = update.effective_message
    if message is None:
        return
    tr = translator_for(update, context, None)
    username = context.bot.username
    await message.reply_text(
        tr.gettext("I work in private chats only. Please write to me directly: {link}").format(
            link=f"https://t.me/{username}"
        )
    )
