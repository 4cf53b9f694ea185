"""The typed parts of button data: ids, small numbers, words from a list, times, days, id lists.

Each `Field` reads its part strictly (`parse`: anything not written by `format`
raises `Refused`) and writes it (`format`: a value the field does not allow is
a bug, `ButtonDataError`). The tables and the codec that put fields together
are in `mentoring.button_data`, which re-exports these names.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

# Only leaves of the import graph here (modules that import no feature), so that every
# feature can import this module; other lists are read lazily (see Choice).
from mentoring.i18n import SUPPORTED_LOCALES

MAX_BYTES = 64  # Telegram's limit for callback data
SEPARATOR = ":"
ID_MAX = 2**31 - 1  # primary keys are INTEGER on PostgreSQL
MAX_PAGE = 9_999
MAX_WEEK = 9_999
# The last second of 9999-12-31: later unix times have no datetime.
UNIX_MAX = 253_402_300_799

_DIGITS = re.compile(r"0|[1-9][0-9]*", re.ASCII)
_LITERAL = re.compile(r"[a-z][a-z0-9_]*", re.ASCII)


class Refused(ValueError):
    """Data that no button of ours carries (forged, malformed, or of an unknown kind)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # for logs and tests; never shown, never the data itself


class ButtonDataError(ValueError):
    """A builder asked for data the table does not allow: a bug, not a person's doing."""


# ----------------------------------------------------------------------------- fields


class Field:
    """One typed part of the data. `parse` reads it strictly; `format` writes it."""

    name: str

    def parse(self, text: str) -> Any:
        raise NotImplementedError

    def format(self, value: Any) -> str:
        raise NotImplementedError


def _number(text: str, low: int, high: int, what: str) -> int:
    # Length first: never turn a long string into a big int.
    if len(text) > len(str(high)) or not _DIGITS.fullmatch(text):
        raise Refused(what)
    value = int(text)
    if not low <= value <= high:
        raise Refused(what)
    return value


@dataclass(frozen=True)
class Int(Field):
    """A whole number in [low, high], written in canonical ASCII digits ("0", "7", "42").

    `words` are fixed words accepted in its place (e.g. "all", "s" for skip);
    they decode to themselves.
    """

    name: str
    low: int
    high: int
    words: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not 0 <= self.low <= self.high:
            raise ButtonDataError(f"{self.name}: bad range")
        if any(not _LITERAL.fullmatch(word) for word in self.words):
            raise ButtonDataError(f"{self.name}: bad word")

    def parse(self, text: str) -> int | str:
        if text in self.words:
            return text
        return _number(text, self.low, self.high, self.name)

    def format(self, value: Any) -> str:
        if isinstance(value, str) and value in self.words:
            return value
        if isinstance(value, bool) or not isinstance(value, int) or not self.low <= value <= self.high:
            raise ButtonDataError(f"{self.name}: {value!r} is not in {self.low}..{self.high}")
        return str(value)


def Id(name: str, *, zero: bool = False, words: tuple[str, ...] = ()) -> Int:
    """A row id: 1..2**31-1 (0 too with `zero`, for "none" where the button means it)."""
    return Int(name, 0 if zero else 1, ID_MAX, words)


Words = Sequence[str] | Mapping[str, Any]


@dataclass(frozen=True)
class Choice(Field):
    """One of fixed words. With a mapping, the word decodes to (and encodes from) its value.

    `words` may be a function returning them, called on first use: for lists owned by a
    module that cannot be imported here without a cycle.
    """

    name: str
    words: Words | Callable[[], Words]
    _values: dict[str, Any] = field(init=False, repr=False, compare=False, default_factory=dict)
    _words: dict[Any, str] = field(init=False, repr=False, compare=False, default_factory=dict)

    def __post_init__(self) -> None:
        if not callable(self.words):
            self._load()

    def _load(self) -> None:
        words = self.words() if callable(self.words) else self.words
        values = dict(words) if isinstance(words, Mapping) else {w: w for w in words}
        if not values or any(not isinstance(w, str) or not w or SEPARATOR in w or not w.isascii()
                             for w in values):
            raise ButtonDataError(f"{self.name}: bad words")
        self._values.update(values)
        self._words.update({value: word for word, value in values.items()})

    def choices(self) -> dict[str, Any]:
        """Word -> value, for every word this field reads."""
        if not self._values:
            self._load()
        return dict(self._values)

    def parse(self, text: str) -> Any:
        if not self._values:
            self._load()
        if text not in self._values:
            raise Refused(self.name)
        return self._values[text]

    def format(self, value: Any) -> str:
        if not self._values:
            self._load()
        try:
            return self._words[value]
        except (KeyError, TypeError):
            raise ButtonDataError(f"{self.name}: {value!r} is not a choice") from None


def Locale(name: str = "locale") -> Choice:
    return Choice(name, SUPPORTED_LOCALES)


@dataclass(frozen=True)
class Word(Field):
    """Free-form but well-shaped text (an invite code, an area key): it must match `shape` whole."""

    name: str
    shape: str

    def __post_init__(self) -> None:
        if re.compile(self.shape, re.ASCII).fullmatch(SEPARATOR):
            raise ButtonDataError(f"{self.name}: shape allows the separator")

    def parse(self, text: str) -> str:
        if not re.fullmatch(self.shape, text, re.ASCII):
            raise Refused(self.name)
        return text

    def format(self, value: Any) -> str:
        if not isinstance(value, str) or not re.fullmatch(self.shape, value, re.ASCII):
            raise ButtonDataError(f"{self.name}: {value!r} does not match {self.shape}")
        return value


# As /start accepts it (handlers/joining.py); the domain normalises and looks it up.
INVITE_CODE_SHAPE = r"[A-Za-z0-9_-]{4,32}"


def InviteCode(name: str = "code") -> Word:
    return Word(name, INVITE_CODE_SHAPE)


@dataclass(frozen=True)
class UnixTime(Field):
    """A moment in whole seconds since 1970 (UTC); decodes to an aware datetime."""

    name: str

    def parse(self, text: str) -> datetime:
        return datetime.fromtimestamp(_number(text, 1, UNIX_MAX, self.name), tz=UTC)

    def format(self, value: Any) -> str:
        seconds = int(value.timestamp()) if isinstance(value, datetime) else value
        if isinstance(seconds, bool) or not isinstance(seconds, int) or not 1 <= seconds <= UNIX_MAX:
            raise ButtonDataError(f"{self.name}: {value!r} is not a moment")
        return str(seconds)


@dataclass(frozen=True)
class Day(Field):
    """A calendar day as YYYYMMDD; decodes to a date."""

    name: str

    def parse(self, text: str) -> date:
        if not re.fullmatch(r"[0-9]{8}", text, re.ASCII):
            raise Refused(self.name)
        try:
            return date(int(text[:4]), int(text[4:6]), int(text[6:]))
        except ValueError:
            raise Refused(self.name) from None

    def format(self, value: Any) -> str:
        if not isinstance(value, date) or isinstance(value, datetime):
            raise ButtonDataError(f"{self.name}: {value!r} is not a date")
        return f"{value.year:04d}{value.month:02d}{value.day:02d}"


@dataclass(frozen=True)
class ClockTime(Field):
    """A wall time as HHMM; decodes to a time."""

    name: str

    def parse(self, text: str) -> time:
        if not re.fullmatch(r"[0-9]{4}", text, re.ASCII) or int(text[:2]) > 23 or int(text[2:]) > 59:
            raise Refused(self.name)
        return time(int(text[:2]), int(text[2:]))

    def format(self, value: Any) -> str:
        if not isinstance(value, time):
            raise ButtonDataError(f"{self.name}: {value!r} is not a time")
        return f"{value.hour:02d}{value.minute:02d}"


@dataclass(frozen=True)
class IdList(Field):
    """Distinct ids joined by "." ("" for none); decodes to a tuple of ints."""

    name: str
    least: int = 0
    most: int = 4

    def parse(self, text: str) -> tuple[int, ...]:
        parts = text.split(".") if text else []
        if not self.least <= len(parts) <= self.most:
            raise Refused(self.name)
        ids = tuple(_number(part, 1, ID_MAX, self.name) for part in parts)
        if len(set(ids)) != len(ids):
            raise Refused(self.name)
        return ids

    def format(self, value: Any) -> str:
        ids = list(value)
        if not self.least <= len(ids) <= self.most or len(set(ids)) != len(ids):
            raise ButtonDataError(f"{self.name}: {value!r}")
        return ".".join(Id(self.name).format(one) for one in ids)
