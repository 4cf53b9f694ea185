"""The Telegram side of the conversation model: updates -> inputs, replies -> messages.

`input_of(update)` turns a press, a text, a voice note or a photo into a
`mentoring.screens` input; `show(update, context, reply)` puts a step's reply in
front of the person: the press is answered once (with the notice as a toast or
an alert), a screen that replaces the pressed one edits that message in place
(a new message if Telegram cannot edit it any more), other screens and screens
with media are sent anew. Words are rendered here, in the reader's language,
and nowhere earlier.
"""

from __future__ import annotations

import asyncio

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    LinkPreviewOptions,
    Message,
    Update,
)
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from handlers.services import translator_for
from mentoring.i18n import Translator
from mentoring.screens import (
    Choice,
    Document,
    Input,
    Media,
    Photo,
    Pressed,
    Reply,
    Screen,
    Typed,
    Unsupported,
    Voice,
)
from mentoring.text import split

TEXT_LIMIT = 4096  # a text message
CAPTION_LIMIT = 1024  # a photo's or document's caption
ANSWER_LIMIT = 200  # the text of an answer to a press (a toast or an alert)
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
# What a message may carry that no flow takes, in the order Telegram's clients attach them.
_OTHER_KINDS = (
    "sticker", "animation", "video", "video_note", "audio", "document", "location", "venue",
    "contact", "poll", "dice", "game", "story",
)


# ----------------------------------------------------------------------------- update -> input


def input_of(update: Update) -> Input:
    """What the person gave: a press, typed text, a voice note, a photo, or something unsupported."""
    query = update.callback_query
    if query is not None:
        return Pressed(query.data or "")
    message = update.effective_message
    if message is None:
        return Unsupported("update")
    if message.text is not None:
        return Typed(message.text)
    if message.voice is not None:
        # to_dict() gives whole seconds without PTB's int/timedelta deprecation dance.
        duration = int(message.voice.to_dict().get("duration", 0))
        return Voice(message.voice.file_id, duration, message.caption)
    if message.photo:
        return Photo(message.photo[-1].file_id, message.caption)
    if message.document is not None:
        return Document(message.document.file_id, message.document.file_name, message.caption)
    kind = next((name for name in _OTHER_KINDS if getattr(message, name, None)), "other")
    return Unsupported(kind)


# ----------------------------------------------------------------------------- reply -> messages


def _button(choice: Choice, tr: Translator) -> InlineKeyboardButton:
    label = choice.label.render(tr)
    if choice.url is not None:
        return InlineKeyboardButton(label, url=choice.url)
    return InlineKeyboardButton(label, callback_data=choice.data)


def keyboard(screen: Screen, tr: Translator) -> InlineKeyboardMarkup | None:
    """The screen's choices as an inline keyboard (long labels: Telegram's buttons are wide)."""
    if not screen.choices:
        return None
    return InlineKeyboardMarkup([[_button(choice, tr) for choice in row] for row in screen.choices])


def render(screen: Screen, tr: Translator) -> tuple[str, InlineKeyboardMarkup | None]:
    """The screen's text and keyboard in the reader's language."""
    return screen.text.render(tr), keyboard(screen, tr)


async def show(
    update: Update, context: ContextTypes.DEFAULT_TYPE, reply: Reply, tr: Translator | None = None
) -> None:
    """Answer the update with a step's reply.

    `tr` is the reader's translator (a member's language); without it the
    language of the person's Telegram client is used.
    """
    tr = tr or translator_for(update, context, None)
    query, chat, notice = update.callback_query, update.effective_chat, reply.notice
    words = notice.text.render(tr) if notice is not None else None
    if query is not None:
        # Once, and first: the client's spinner stops whatever comes next.
        if notice is not None and words is not None and len(words) <= ANSWER_LIMIT:
            await query.answer(words, show_alert=notice.alert)
            words = None
        else:
            await query.answer()
    if words is not None and chat is not None:
        # No press to answer, or too long for a toast: say it in the chat.
        await chat.send_message(words)
    for index, screen in enumerate(reply.screens):
        await _show_screen(update, screen, tr, may_replace=index == 0)


async def _show_screen(update: Update, screen: Screen, tr: Translator, *, may_replace: bool) -> None:
    text, markup = render(screen, tr)
    chat = update.effective_chat
    assert chat is not None
    if screen.media is None:
        # Longer than one message (a programme's KVKK notice in Turkish, say): in parts cut at a
        # paragraph, the pressed message showing the first, the buttons under the last.
        parts = split(text, TEXT_LIMIT)
        # A one-time link must not be fetched for a preview (mentoring/console).
        preview = {"link_preview_options": NO_PREVIEW} if screen.no_preview else {}
        if screen.replace and may_replace and await _edited(
                update, parts[0], markup if len(parts) == 1 else None, **preview):
            parts = parts[1:]
        for index, part in enumerate(parts):
            await chat.send_message(part, reply_markup=markup if index == len(parts) - 1 else None, **preview)
        return
    if len(text) <= CAPTION_LIMIT:
        await _send_media(update, screen.media, text or None, markup)
        return
    # Too long for a caption: the file alone, then the words with the choices.
    await _send_media(update, screen.media, None, None)
    await chat.send_message(text, reply_markup=markup)


async def _edited(update: Update, text: str, markup: InlineKeyboardMarkup | None,
                  **preview: LinkPreviewOptions) -> bool:
    """Replace the pressed message's text and buttons; False if it must be written anew."""
    query = update.callback_query
    if query is None or query.message is None:
        return False
    try:
        await query.edit_message_text(text, reply_markup=markup, **preview)
    except BadRequest as exc:
        # A double tap makes the same edit twice: the message already says it.
        # Anything else (too old to edit, deleted, a photo's caption): write anew.
        return "not modified" in str(exc).lower()
    return True


async def _send_media(
    update: Update, media: Media, caption: str | None, markup: InlineKeyboardMarkup | None
) -> Message:
    chat = update.effective_chat
    assert chat is not None
    content: str | InputFile
    if media.file_id is not None:
        content = media.file_id
    else:
        # Bytes, not a path: a reply Telegram refuses for the moment is queued with its file
        # (bot/reply_bot.py), and a file is read off the event loop.
        data = media.content if media.content is not None else await asyncio.to_thread(_read, media)
        content = InputFile(data, filename=media.filename or (media.path.name if media.path else None))
    if media.kind == "photo":
        return await chat.send_photo(content, caption=caption, reply_markup=markup)
    if media.kind == "voice":
        return await chat.send_voice(content, caption=caption, reply_markup=markup)
    return await chat.send_document(content, caption=caption, reply_markup=markup)


def _read(media: Media) -> bytes:
    assert media.path is not None
    return media.path.read_bytes()
