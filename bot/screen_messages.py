"""Screens from jobs: a domain `Screen` as a Telegram message's text and inline keyboard.

Jobs may not import the Telegram adapter (`handlers/`), so the few jobs that
keep a message up to date (bot/broadcast_progress.py) render the domain's
screen here: words in the reader's language, choices as inline buttons with
their long labels, as handlers/render.py does for replies.
"""

from __future__ import annotations

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup

from mentoring.i18n import Translator
from mentoring.screens import Choice, Screen


def _button(choice: Choice, tr: Translator) -> InlineKeyboardButton:
    label = choice.label.render(tr)
    if choice.url is not None:
        return InlineKeyboardButton(label, url=choice.url)
    return InlineKeyboardButton(label, callback_data=choice.data)


def render(screen: Screen, tr: Translator) -> tuple[str, InlineKeyboardMarkup | None]:
    """The screen's text and keyboard in the reader's language (None: no buttons)."""
    markup = (InlineKeyboardMarkup([[_button(choice, tr) for choice in row] for row in screen.choices])
              if screen.choices else None)
    return screen.text.render(tr), markup


async def edit_message(bot: Bot, chat_id: str, message_id: int, screen: Screen, tr: Translator) -> None:
    """Make the message show the screen (text and buttons; a screen with media cannot be edited in)."""
    if screen.media is not None:
        raise ValueError("a job edits text messages only")
    text, markup = render(screen, tr)
    await bot.edit_message_text(text, chat_id=chat_id, message_id=message_id, reply_markup=markup)
