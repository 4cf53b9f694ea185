"""Small text helpers that know Turkish."""

from __future__ import annotations

import unicodedata

_TURKISH_FOLD = str.maketrans({
    "İ": "i", "I": "i", "ı": "i", "Ş": "s", "ş": "s", "Ğ": "g", "ğ": "g",
    "Ü": "u", "ü": "u", "Ö": "o", "ö": "o", "Ç": "c", "ç": "c", "Â": "a", "â": "a",
})


def search_key(text: str) -> str:
    """Fold a name for matching: case- and diacritic-insensitive, Turkish-aware.

    Python's lower() turns "İ" into "i̇" (with a combining dot), so Turkish
    letters are folded first; then any remaining accents are stripped.
    """
    folded = " ".join(text.translate(_TURKISH_FOLD).split()).lower()
    decomposed = unicodedata.normalize("NFKD", folded)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def clip(text: str | None, most: int) -> str:
    """Text on one line, at most `most` characters; a cut one ends with "…" (for labels and quotes)."""
    text = " ".join((text or "").split())
    return text if len(text) <= most else text[: most - 1].rstrip() + "…"


def split(text: str, limit: int) -> list[str]:
    """`text` in parts of at most `limit` characters, cut at a paragraph, a line or a space.

    Only a word longer than `limit` (a link, say) is cut inside. No part is empty
    unless the text is.
    """
    parts: list[str] = []
    rest = text
    while len(rest) > limit:
        window = rest[: limit + 1]
        cut = -1
        for mark in ("\n\n", "\n", " "):
            cut = window.rfind(mark)
            if cut > 0:
                break
        if cut <= 0:
            parts.append(rest[:limit])
            rest = rest[limit:]
            continue
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip("\n ")
    if rest or not parts:
        parts.append(rest)
    return [part for part in parts if part] or [""]
