"""Dates as people type them, and time zones as people name them.

`parse_day(text, today)` reads the forms people write in Turkish and English:
"31.12", "31.12.2026" (dots, slashes or dashes), "2026-12-31", "31 Aralık",
"31 aralık 2026", "December 31", "bugün"/"today", "yarın"/"tomorrow", and a
weekday ("cuma", "friday": the next such day after today). A day and month
without a year are the next such day from today on. A date the calendar does not
have ("31.02.2027") is refused as impossible (`no_such_date`), anything else it
cannot read as `bad_date` with an example computed from today.

`find_zones(text)` finds time zones by the city a person types, in either
language ("İstanbul", "londra", "Berlin") or by their IANA name.

Showing dates is `mentoring.i18n.Translator` (`day`, `moment`, `deadline`) and
`mentoring.screens.Moment`, one style per kind.
"""

from __future__ import annotations

import re
import unicodedata
import zoneinfo
from datetime import date, datetime, timedelta, tzinfo
from functools import cache
from zoneinfo import ZoneInfo

from babel import Locale
from babel.core import get_global
from babel.dates import get_timezone_location

from mentoring.errors import DomainError
from mentoring.i18n import SUPPORTED_LOCALES
from mentoring.screens import Moment, Text

# The example in prompts and refusals: a week from today, in the form people type.
EXAMPLE_DAYS_AHEAD = 7
_NUMERIC = re.compile(r"^(\d{1,2})\s*[./-]\s*(\d{1,2})(?:\s*[./-]\s*(\d{2}|\d{4}))?$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DAY_MONTH = re.compile(r"^(\d{1,2})\.?\s+([a-z]+)\.?(?:,?\s+(\d{4}))?$")
_MONTH_DAY = re.compile(r"^([a-z]+)\.?\s+(\d{1,2})(?:,?\s+(\d{4}))?$")
_TODAY = {"bugun", "today"}
_TOMORROW = {"yarin", "tomorrow"}


def fold(text: str) -> str:
    """Lower case without accents, Turkish dotted and dotless i alike: "İSTANBUL", "Yarın" -> "istanbul", "yarin"."""
    lowered = text.strip().replace("İ", "i").replace("I", "i").lower().replace("ı", "i")
    bare = "".join(c for c in unicodedata.normalize("NFKD", lowered) if not unicodedata.combining(c))
    return " ".join(bare.split())


@cache
def _months() -> dict[str, int]:
    """Every month name and abbreviation of both languages, folded -> 1..12."""
    names: dict[str, int] = {}
    for locale in SUPPORTED_LOCALES:
        months = Locale.parse(locale).months
        for context in ("format", "stand-alone"):
            for width in ("wide", "abbreviated"):
                for number, name in months[context][width].items():
                    names.setdefault(fold(name).rstrip("."), number)
    return names


@cache
def _weekdays() -> dict[str, int]:
    """Every weekday name and abbreviation of both languages, folded -> 0 (Monday)..6."""
    names: dict[str, int] = {}
    for locale in SUPPORTED_LOCALES:
        days = Locale.parse(locale).days
        for width in ("wide", "abbreviated"):
            for number, name in days["format"][width].items():
                names.setdefault(fold(name).rstrip("."), number)
    return names


def example(today: date) -> str:
    """A date to show as an example of what to type: a week from today ("05.12.2026")."""
    return (today + timedelta(days=EXAMPLE_DAYS_AHEAD)).strftime("%d.%m.%Y")


def local_today(now: datetime, zone: str | tzinfo) -> date:
    """The day it is now in `zone` (an IANA name or a tzinfo)."""
    return now.astimezone(ZoneInfo(zone) if isinstance(zone, str) else zone).date()


def typed_day_hint(today: date) -> Text:
    """How to type a date, with an example computed from today."""
    return Text("Type the date, for example {example}, “31 December”, “tomorrow” or a weekday.",
                example=example(today))


def _days_in(year: int, month: int) -> int:
    return ((date(year + month // 12, month % 12 + 1, 1)) - date(year, month, 1)).days


def _exact(day: int, month: int, year: int, today: date) -> date:
    if not 1 <= month <= 12 or day < 1:
        raise DomainError("bad_date", example=example(today))
    if day > _days_in(year, month):
        raise DomainError("no_such_date", day=day, month=Moment(date(year, month, 1), style="LLLL"),
                          year=year, days=_days_in(year, month))
    return date(year, month, day)


def _next(day: int, month: int, today: date) -> date:
    """The next such day and month from today on (29 February: the next leap year's)."""
    if not 1 <= month <= 12 or day < 1:
        raise DomainError("bad_date", example=example(today))
    for year in range(today.year, today.year + 9):
        if day <= _days_in(year, month) and date(year, month, day) >= today:
            return date(year, month, day)
    # No year has it (31 April): say why, for the year it would have been.
    year = today.year if (month, day) >= (today.month, today.day) else today.year + 1
    return _exact(day, month, year, today)


def _year(text: str) -> int:
    return int(text) + 2000 if len(text) == 2 else int(text)


def parse_day(text: str | None, today: date) -> date:
    """A typed day (see the module's words); refuses with `bad_date` or `no_such_date`."""
    typed = fold(text or "").rstrip(".")
    if typed in _TODAY:
        return today
    if typed in _TOMORROW:
        return today + timedelta(days=1)
    if (weekday := _weekdays().get(typed)) is not None:
        return today + timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)
    if found := _ISO.match(typed):
        return _exact(int(found[3]), int(found[2]), int(found[1]), today)
    if found := _NUMERIC.match(typed):
        day, month = int(found[1]), int(found[2])
        return _exact(day, month, _year(found[3]), today) if found[3] else _next(day, month, today)
    for pattern, day_at, month_at in ((_DAY_MONTH, 1, 2), (_MONTH_DAY, 2, 1)):
        if (found := pattern.match(typed)) and (month := _months().get(found[month_at])):
            day = int(found[day_at])
            return _exact(day, month, int(found[3]), today) if found[3] else _next(day, month, today)
    raise DomainError("bad_date", example=example(today))


# ----------------------------------------------------------------------------- time zones


@cache
def _zone_names() -> dict[str, tuple[str, ...]]:
    """Folded names people type -> the zones they name: the city in each language, the IANA name."""
    found: dict[str, set[str]] = {}
    for zone in zoneinfo.available_timezones():
        if "/" not in zone or zone.startswith(("Etc/", "SystemV/")):
            continue
        names = {fold(zone), fold(zone.rsplit("/", 1)[-1].replace("_", " "))}
        for locale in SUPPORTED_LOCALES:
            names.add(fold(get_timezone_location(zone, locale=locale, return_city=True)))
        for name in names:
            found.setdefault(name, set()).add(zone)
    return {name: tuple(sorted(zones)) for name, zones in found.items()}


_AREAS = ("Africa/", "America/", "Antarctica/", "Arctic/", "Asia/", "Atlantic/", "Australia/",
          "Europe/", "Indian/", "Pacific/")


def _city(zone: str) -> str:
    return get_timezone_location(zone, locale="en", return_city=True)


def _rank(zone: str) -> tuple[bool, bool, bool, str]:
    """Which of a city's aliases to keep: the one named after the city, not an alias, in a region."""
    named = fold(zone.rsplit("/", 1)[-1].replace("_", " ")) == fold(_city(zone))
    return not named, zone in get_global("zone_aliases"), not zone.startswith(_AREAS), zone


def _one_per_city(zones: set[str]) -> list[str]:
    """Aliases of one city (US/Eastern, America/New_York) once."""
    by_city: dict[str, str] = {}
    for zone in sorted(zones, key=_rank):
        by_city.setdefault(_city(zone), zone)
    return sorted(by_city.values())


def find_zones(text: str, most: int = 8) -> list[str]:
    """The zones a typed city or zone name finds: an exact name first, else the names it begins."""
    typed = fold(text).replace("_", " ")
    if not typed:
        return []
    names = _zone_names()
    exact = set(names.get(typed, ())) | set(names.get(fold(text), ()))
    if exact:
        return _one_per_city(exact)[:most]
    if len(typed) < 3:
        return []
    begun = {zone for name, zones in names.items() if name.startswith(typed) for zone in zones}
    return _one_per_city(begun)[:most]
