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
