"""Media for WhatsApp: a file Narbot sends is uploaded first, then sent by the id the Cloud API gives.

Shared by the replies (bot/whatsapp/conversation.py) and the outbox sender
(bot/whatsapp/courier.py). The file is read off the event loop; a document
goes in the form bot/whatsapp/files.py gives it.
"""

from __future__ import annotations

import asyncio
import mimetypes

from pywa_async import WhatsApp

from bot.whatsapp.files import document_form
from bot.whatsapp.render import Outgoing
from mentoring.screens import Media


async def with_media(client: WhatsApp, phone_number_id: str, message: Outgoing) -> dict[str, object]:
    """The message's object, its file uploaded first when it has one to upload."""
    if message.upload is None:
        return message.body
    media = message.upload
    content = media.content if media.content is not None else await asyncio.to_thread(_read, media)
    filename = media.filename or (media.path.name if media.path else f"narbot-{media.kind}")
    mime = _mime(media, filename)
    if media.kind == "document":
        # render.py kept only documents WhatsApp carries; a JSON or CSV file goes as .txt.
        form = document_form(filename)
        if form is None:
            raise ValueError(f"WhatsApp cannot carry {mime} documents")
        filename, mime = form
    uploaded = await client.api.upload_media(
        phone_id=phone_number_id, media=content, mime_type=mime, filename=filename
    )
    body: dict[str, object] = {**message.body, "id": uploaded["id"]}
    if media.kind == "document":
        body["filename"] = filename
    return body


def _read(media: Media) -> bytes:
    assert media.path is not None
    return media.path.read_bytes()


def _mime(media: Media, filename: str) -> str:
    if media.kind == "voice":
        return "audio/ogg"
    guessed = mimetypes.guess_type(filename)[0]
    if guessed:
        return guessed
    return "image/png" if media.kind == "photo" else "application/octet-stream"
