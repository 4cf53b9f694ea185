"""Which files WhatsApp carries as documents, and in what form.

The Cloud API takes few document types (below). A text file of another type
(JSON, CSV) goes as `.txt`; anything else (a ZIP) cannot go at all, and the
screen's `Media.elsewhere` words are shown instead (bot/whatsapp/render.py).
"""

from __future__ import annotations

import mimetypes

# The document types the Cloud API accepts (others are refused at upload).
DOCUMENT_TYPES = frozenset({
    "text/plain", "application/pdf", "application/msword", "application/vnd.ms-excel",
    "application/vnd.ms-powerpoint",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
})
# Text under another name: sent as plain text, readable on any phone.
TEXT_TYPES = frozenset({"application/json", "text/csv"})


def document_form(filename: str) -> tuple[str, str] | None:
    """The file name and MIME type a document goes as on WhatsApp, or None when it cannot go."""
    mime = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    if mime in DOCUMENT_TYPES:
        return filename, mime
    if mime in TEXT_TYPES:
        return f"{filename}.txt", "text/plain"
    return None
