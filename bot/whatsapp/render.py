"""A step's reply as WhatsApp Cloud API messages: the channel's limits, not the feature's words.

`messages_of(reply, tr)` gives the messages to send, in order, each as the
Cloud API's message type and object (`Outgoing.kind`, `Outgoing.body`), ready
for `POST /<phone number id>/messages`. WhatsApp differs from Telegram in ways
every screen meets:

- choices: up to 3 become reply buttons (titles at most 20 characters: the
  choice's short label), up to 10 a list (row titles at most 24, the long label
  as the row's description when it says more), more than 10 several lists of
  up to 10 rows, each numbered ("1/2"); a link becomes a URL button when it is
  the screen's only choice, else a line of the text;
- texts: at most 4,096 characters in a text message and 1,024 in the body of
  an interactive one or a caption; longer words are split at a paragraph, a
  line or a space, never mid-word, and only the last part carries the choices;
- nothing is edited in place (WhatsApp cannot): a screen that replaces the
  pressed one is simply sent; a notice (Telegram's toast) becomes a short
  message when it is an alert or the reply has no screen;
- media are sent by reference: a media id the Cloud API gave, or a file the
  sender uploads first (`Outgoing.upload`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.whatsapp.files import document_form
from mentoring.i18n import Translator
from mentoring.screens import Choice, Media, Reply, Screen
from mentoring.text import split

TEXT_LIMIT = 4096  # a text message's body
BODY_LIMIT = 1024  # an interactive message's body, and a media caption
BUTTON_TITLE_LIMIT = 20  # a reply button's title, a list's button, a URL button's text
MAX_BUTTONS = 3
ROW_TITLE_LIMIT = 24
ROW_DESCRIPTION_LIMIT = 72
MAX_ROWS = 10  # rows in one list message, over all its sections
ID_LIMIT = 200  # a list row's id (reply button ids may be 256); our button data is at most 64 bytes
_MEDIA_TYPES = {"photo": "image", "voice": "audio", "document": "document"}


@dataclass(frozen=True)
class Outgoing:
    """One Cloud API message: its `type` and the object under that key; `upload` is sent first."""

    kind: str
    body: dict[str, Any]
    upload: Media | None = field(default=None, compare=False)


def messages_of(reply: Reply, tr: Translator) -> list[Outgoing]:
    """Every message that shows `reply` on WhatsApp, in order."""
    messages: list[Outgoing] = []
    if reply.notice is not None and (reply.notice.alert or not reply.screens):
        messages.extend(_texts(reply.notice.text.render(tr)))
    for screen in reply.screens:
        messages.extend(_screen(screen, tr))
    return messages


def _screen(screen: Screen, tr: Translator) -> list[Outgoing]:
    text = screen.text.render(tr)
    choices = [choice for choice in screen.all_choices() if choice.url is None]
    links = [choice for choice in screen.all_choices() if choice.url is not None]
    if links and (choices or len(links) > 1):
        # One URL button per message, and none beside reply buttons: the links go in the text.
        text = "\n".join([text, "", *(f"{link.label.render(tr)}: {link.url}" for link in links)])
        links = []
    messages: list[Outgoing] = []
    media = screen.media
    if media is not None and media.kind == "document" and document_form(_name_of(media)) is None:
        # A file WhatsApp cannot carry (a ZIP): the screen says where to get it instead.
        if media.elsewhere is not None:
            text = "\n\n".join(part for part in (text, media.elsewhere.render(tr)) if part)
        media = None
    if media is not None:
        alone = not choices and not links
        # Voice notes take no caption: their words follow them.
        captioned = alone and media.kind != "voice" and len(text) <= BODY_LIMIT
        messages.append(_media(media, text if captioned else ""))
        if captioned or (alone and not text):
            return messages
    if not choices and not links:
        return messages + _texts(text)
    # The choices ride on the last part of the words.
    *before, body = split(text, BODY_LIMIT) or [""]
    messages.extend(Outgoing("text", {"body": part, "preview_url": False}) for part in before)
    if links:
        return [*messages, _link_button(body, links[0], tr)]
    if len(choices) <= MAX_BUTTONS:
        return [*messages, _buttons(body, choices, tr)]
    pages = [choices[start : start + MAX_ROWS] for start in range(0, len(choices), MAX_ROWS)]
    for number, page in enumerate(pages, start=1):
        # Each further list repeats only where it stands, not the words.
        words = body if number == 1 else f"({number}/{len(pages)})"
        messages.append(_list(words, page, tr, number, len(pages)))
    return messages


def _name_of(media: Media) -> str:
    return media.filename or (media.path.name if media.path is not None else "")


def _texts(text: str) -> list[Outgoing]:
    return [Outgoing("text", {"body": part, "preview_url": False}) for part in split(text, TEXT_LIMIT)]


def _media(media: Media, caption: str) -> Outgoing:
    kind = _MEDIA_TYPES[media.kind]
    body: dict[str, Any] = {"id": media.file_id} if media.file_id is not None else {}
    if caption and kind != "audio":  # voice notes carry no caption on WhatsApp
        body["caption"] = caption
    if kind == "document" and media.filename:
        body["filename"] = media.filename
    return Outgoing(kind, body, upload=None if media.file_id is not None else media)


def _buttons(body: str, choices: list[Choice], tr: Translator) -> Outgoing:
    titles = distinct([fit(choice.short_label(tr), BUTTON_TITLE_LIMIT) for choice in choices], BUTTON_TITLE_LIMIT)
    return Outgoing("interactive", {
        "type": "button",
        "body": {"text": body or "…"},
        "action": {"buttons": [
            {"type": "reply", "reply": {"id": choice.data, "title": title}}
            for choice, title in zip(choices, titles, strict=True)
        ]},
    })


def distinct(titles: list[str], limit: int) -> list[str]:
    """Titles made unique, as WhatsApp requires of reply buttons: a repeat gets " 2", " 3"…

    Labels people wrote (goal titles, names) can meet once cut to 20 characters.
    """
    seen: set[str] = set()
    unique = []
    for title in titles:
        candidate, number = title, 1
        while candidate in seen:
            number += 1
            suffix = f" {number}"
            candidate = fit(title, limit - len(suffix)) + suffix
        seen.add(candidate)
        unique.append(candidate)
    return unique


def _list(body: str, choices: list[Choice], tr: Translator, number: int, pages: int) -> Outgoing:
    rows = []
    for choice in choices:
        title = fit(choice.short_label(tr), ROW_TITLE_LIMIT)
        if len(choice.data) > ID_LIMIT:  # the codec writes at most 64 bytes: a bug, not a person's doing
            raise ValueError("button data too long for a WhatsApp list row")
        row: dict[str, str] = {"id": choice.data, "title": title}
        long = choice.label.render(tr)
        if long != title:
            row["description"] = fit(long, ROW_DESCRIPTION_LIMIT)
        rows.append(row)
    opener = tr.gettext("Choose") if pages == 1 else tr.gettext("Choose ({page}/{pages})").format(
        page=number, pages=pages
    )
    return Outgoing("interactive", {
        "type": "list",
        "body": {"text": body or "…"},
        "action": {"button": fit(opener, BUTTON_TITLE_LIMIT), "sections": [{"rows": rows}]},
    })


def _link_button(body: str, link: Choice, tr: Translator) -> Outgoing:
    return Outgoing("interactive", {
        "type": "cta_url",
        "body": {"text": body or "…"},
        "action": {"name": "cta_url", "parameters": {
            "display_text": fit(link.short_label(tr), BUTTON_TITLE_LIMIT), "url": link.url,
        }},
    })


def fit(label: str, limit: int) -> str:
    """A label within `limit` characters: cut at a space where one is near, with an ellipsis.

    Short labels are written to fit (tests check them); this only guards a
    translation that grew, so WhatsApp never refuses the whole message.
    """
    if len(label) <= limit:
        return label
    cut = label[: limit - 1]
    space = cut.rfind(" ")
    if space >= limit // 2:
        cut = cut[:space]
    return cut.rstrip() + "…"
