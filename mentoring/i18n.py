"""Translations and locale-aware formatting (gettext domain `narbot`, Babel)."""

from __future__ import annotations

import datetime as dt
import gettext as _gettext
import io
import logging
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from babel import Locale
from babel.dates import format_date, format_datetime, format_time, get_timezone_location
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

DOMAIN = "narbot"
SUPPORTED_LOCALES: tuple[str, ...] = ("tr", "en")
DEFAULT_LOCALE = "tr"
LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"

logger = logging.getLogger(__name__)


def N_(message: str) -> str:
    """Mark a string for extraction without translating it yet (translated when shown)."""
    return message


def normalize_locale(language_code: str | None, default: str = DEFAULT_LOCALE) -> str:
    """Map a client language code such as 'en-GB' to a supported locale."""
    if language_code:
        primary = language_code.replace("_", "-").split("-")[0].lower()
        if primary in SUPPORTED_LOCALES:
            return primary
    return default


def _load_catalogue(locale: str) -> _gettext.NullTranslations:
    """Load the compiled catalogue, compiling the .po in memory when no fresh .mo exists.

    A fresh clone has only the .po files (the .mo files are build output), so the
    bot compiles them itself instead of needing a separate build step.
    """
    folder = LOCALES_DIR / locale / "LC_MESSAGES"
    po_path, mo_path = folder / f"{DOMAIN}.po", folder / f"{DOMAIN}.mo"
    if mo_path.exists() and (not po_path.exists() or mo_path.stat().st_mtime >= po_path.stat().st_mtime):
        with mo_path.open("rb") as fp:
            return _gettext.GNUTranslations(fp)
    if not po_path.exists():
        logger.warning("No catalogue for locale %s; showing source strings", locale)
        return _gettext.NullTranslations()
    with po_path.open("rb") as fp:
        catalog = read_po(fp, locale=locale, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return _gettext.GNUTranslations(buffer)


@dataclass(frozen=True)
class Translator:
    """Everything needed to speak to one reader: their language and time zone."""

    locale: str
    catalogue: _gettext.NullTranslations

    def gettext(self, message: str) -> str:
        return self.catalogue.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.catalogue.ngettext(singular, plural, n)

    @property
    def babel_locale(self) -> Locale:
        return Locale.parse(self.locale)

    def datetime(self, moment: dt.datetime, tz: dt.tzinfo, fmt: str = "medium") -> str:
        """A moment as the reader reads it, in their zone."""
        return format_datetime(moment, fmt, tzinfo=tz, locale=self.locale)

    def date(self, day: dt.date, fmt: str = "long") -> str:
        return format_date(day, fmt, locale=self.locale)

    def time(self, moment: dt.datetime, tz: dt.tzinfo, fmt: str = "short") -> str:
        return format_time(moment, fmt, tzinfo=tz, locale=self.locale)

    # One style per kind of date (issue #13): every screen writes a day, a moment and a
    # deadline the same way, in both languages ("2 Aralık 2026 Çarşamba", "… 18:30").

    def day(self, day: dt.date) -> str:
        """A day: "2 Aralık 2026 Çarşamba", "Wednesday, December 2, 2026"."""
        return format_date(day, "full", locale=self.locale)

    def clock(self, value: dt.time | dt.datetime, tz: dt.tzinfo | None = None) -> str:
        """A wall time ("18:30", "6:30 PM"); a datetime is read in `tz`."""
        if isinstance(value, dt.datetime):
            return format_time(value, "short", tzinfo=tz, locale=self.locale)
        return format_time(value, "short", locale=self.locale)

    def moment(self, moment: dt.datetime, tz: dt.tzinfo) -> str:
        """A moment in the reader's zone: the day as `day` writes it, then the time."""
        local = moment.astimezone(tz)
        glue = str(self.babel_locale.datetime_formats["short"])
        return glue.replace("{1}", self.day(local.date())).replace("{0}", self.clock(local.time()))

    def deadline(self, moment: dt.datetime, tz: dt.tzinfo) -> str:
        """The moment something closes; one closing at local midnight is the end of the day before."""
        local = moment.astimezone(tz)
        if local.time() == dt.time(0):
            return self.gettext("end of {day}").format(day=self.day(local.date() - dt.timedelta(days=1)))
        return self.moment(moment, tz)

    def zone(self, name: str) -> str:
        """A time zone as the reader names it: its city in their language ("İstanbul", "Londra")."""
        if "/" not in name or name.startswith("Etc/"):
            return name
        try:
            return get_timezone_location(name, locale=self.locale, return_city=True)
        except LookupError:
            return name


@cache
def translator(locale: str | None) -> Translator:
    """The translator for a supported locale (unknown ones fall back to Turkish)."""
    resolved = locale if locale in SUPPORTED_LOCALES else DEFAULT_LOCALE
    return Translator(resolved, _load_catalogue(resolved))


def compile_catalogues() -> list[Path]:
    """Write the .mo files next to the .po files (what `pybabel compile` does)."""
    written = []
    for locale in SUPPORTED_LOCALES:
        folder = LOCALES_DIR / locale / "LC_MESSAGES"
        with (folder / f"{DOMAIN}.po").open("rb") as fp:
            catalog = read_po(fp, locale=locale, domain=DOMAIN)
        mo_path = folder / f"{DOMAIN}.mo"
        with mo_path.open("wb") as fp:
            write_mo(fp, catalog, use_fuzzy=False)
        written.append(mo_path)
    translator.cache_clear()
    return written
