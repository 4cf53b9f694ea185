"""Answering in place: edit the message a button belongs to, or write anew."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update
from telegram.error import BadRequest


async def edit_or_reply(update: Update, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    """Replace the text of the pressed button's message; send a new one if that fails."""
    query = update.callback_query
    if query is not None and query.message is not None:
        try:
            await query.edit_message_text(text, reply_markup=markup)
            return
        except BadRequest as exc:
            # A double tap makes the same edit twice; the message already says it.
            if "not modified" in str(exc).lower():
                return
            # Too old to edit (or deleted): fall through and write a new message.
    chat = update.effective_chat
    assert chat is not None
    await chat.send_message(text, reply_markup=markup)
