"""Every user-visible string is translated; catalogues compile; dates follow the reader."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from mentoring.i18n import LOCALES_DIR, SUPPORTED_LOCALES, normalize_locale, translator

ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


def extracted_messages() -> set[str | tuple[str, str]]:
    """What `pybabel extract` finds in the code today (not what the .pot says)."""
    found: set[str | tuple[str, str]] = set()
    for package in ("bot", "handlers", "mentoring"):
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / package, method_map=[("**.py", "python")],
            # Screens' words too (mentoring/screens.py): Text like _, Plural like ngettext.
            keywords={"_": None, "gettext": None, "ngettext": (1, 2), "N_": None, "Text": None, "Plural": (1, 2)},
        ):
            found.add(message)
    return found


def catalogue(locale: str):
    with (LOCALES_DIR / locale / "LC_MESSAGES" / "narbot.po").open("rb") as fp:
        return read_po(fp, locale=locale)


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_every_message_in_the_code_is_translated(locale: str) -> None:
    entries = {message.id: message for message in catalogue(locale) if message.id}
    problems = []
    for msgid in sorted(extracted_messages(), key=str):
        entry = entries.get(msgid)
        if entry is None:
            problems.append(f"not in the {locale} catalogue (run pybabel extract/update): {msgid!r}")
        elif entry.fuzzy or not entry.string or (isinstance(entry.string, tuple) and not all(entry.string)):
            problems.append(f"untranslated or fuzzy in {locale}: {msgid!r}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_translations_keep_every_placeholder(locale: str) -> None:
    for message in catalogue(locale):
        if not message.id:
            continue
        source = message.id if isinstance(message.id, str) else message.id[0]
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for string in strings:
            assert set(PLACEHOLDER.findall(string)) == set(PLACEHOLDER.findall(source)), (
                f"{locale}: placeholders differ in {source!r} -> {string!r}"
            )


def test_turkish_is_the_default_and_english_is_available() -> None:
    assert translator(None).locale == "tr"
    assert translator("xx").gettext("I have read it") == "Okudum"
    assert translator("en").gettext("I have read it") == "I have read it"
    assert normalize_locale("en-GB") == "en"
    assert normalize_locale("de") == "tr"


def test_dates_are_shown_in_the_readers_zone_and_language() -> None:
    moment = datetime(2026, 11, 23, 21, 30, tzinfo=UTC)
    istanbul = translator("tr").datetime(moment, ZoneInfo("Europe/Istanbul"), "long")
    assert "24 Kasım 2026" in istanbul and "00:30" in istanbul
    london = translator("en").datetime(moment, ZoneInfo("Europe/London"), "long")
    assert "November 23, 2026" in london and "9:30" in london
