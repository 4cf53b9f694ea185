"""What a conversation step says and offers, and what a person gives back, without any channel.

A feature's step takes an `Input` (a pressed button's data, typed text, a
number, a voice note, a photo, or something unsupported) and returns a `Reply`:
one or more `Screen`s and perhaps a `Notice` (a short answer to a press). A
screen holds words as message ids with values (`Text`, `Plural`, `Lines`,
`Moment`), rendered by a `mentoring.i18n.Translator` only at the channel edge
(`render(tr) -> str`); choices whose data the button codec wrote
(`mentoring.button_data`), with a long label and a short one for channels with
small buttons; optional media; what free input it waits for; and whether it
replaces the screen the person pressed a button on.

Adapters turn these into messages (handlers/render.py for Telegram) and
updates into inputs; they hold no words and no flow. Where a domain still
renders its own text, `Raw` carries the finished string, so features can move
one at a time.

Message ids given to `Text(...)` and `Plural(...)` are extracted by Babel with
the keywords `Text` and `Plural:1,2` (besides `_`, `gettext`, `ngettext`, `N_`).
"""

from __future__ import annotations

import enum
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from zoneinfo import ZoneInfo

from babel.dates import format_time
from babel.numbers import format_decimal

from mentoring.i18n import Translator

if TYPE_CHECKING:
    from mentoring import button_data

_logger = logging.getLogger(__name__)

# WhatsApp's reply buttons show at most 20 characters (list rows 24, URL buttons 20).
SHORT_LABEL_MAX = 20


# ----------------------------------------------------------------------------- words


@dataclass(frozen=True, init=False)
class Text:
    """A message id and its values: `Text("Hello, {name}!", name="Ayşe")`.

    Values may be words themselves (`Text`, `Plural`, `Lines`, `Moment`, `Raw`):
    they are rendered in the same language first. Without values the message is
    not formatted, so a literal brace needs no escaping.
    """

    msgid: str
    params: tuple[tuple[str, Any], ...]

    def __init__(self, msgid: str, /, **values: Any) -> None:
        object.__setattr__(self, "msgid", msgid)
        object.__setattr__(self, "params", tuple(values.items()))

    @property
    def values(self) -> dict[str, Any]:
        return dict(self.params)

    def render(self, tr: Translator) -> str:
        template = tr.gettext(self.msgid)
        return template.format(**_rendered(self.params, tr)) if self.params else template


@dataclass(frozen=True, init=False)
class Plural:
    """A message with a plural form: `Plural("{count} to-do", "{count} to-dos", n, count=n)`."""

    singular: str
    plural: str
    n: int
    params: tuple[tuple[str, Any], ...]

    def __init__(self, singular: str, plural: str, n: int, /, **values: Any) -> None:
        object.__setattr__(self, "singular", singular)
        object.__setattr__(self, "plural", plural)
        object.__setattr__(self, "n", n)
        object.__setattr__(self, "params", tuple(values.items()))

    @property
    def values(self) -> dict[str, Any]:
        return dict(self.params)

    def render(self, tr: Translator) -> str:
        return tr.ngettext(self.singular, self.plural, self.n).format(**_rendered(self.params, tr))


@dataclass(frozen=True)
class Raw:
    """A string already in the reader's language (a name, or text a domain still renders itself)."""

    text: str

    def render(self, tr: Translator) -> str:
        return self.text


@dataclass(frozen=True, init=False)
class Lines:
    """Words joined by `sep` (a new line unless told); `None` parts are left out."""

    parts: tuple[Words, ...]
    sep: str

    def __init__(self, *parts: Words | None, sep: str = "\n") -> None:
        object.__setattr__(self, "parts", tuple(part for part in parts if part is not None))
        object.__setattr__(self, "sep", sep)

    def render(self, tr: Translator) -> str:
        return self.sep.join(part.render(tr) for part in self.parts)


@dataclass(frozen=True)
class Moment:
    """A day, a wall time, a moment or a deadline, written as the reader writes it (Babel, their language).

    A `datetime` needs the IANA `zone` it is read in; `show` picks its day, its time,
    both, or both as a deadline. Without a `style` each kind has one style everywhere
    (`Translator.day/clock/moment/deadline`); a `style` (Babel's, or a pattern such as
    "EEE d MMM" for a short button label) is for the few places that need another.
    """

    value: date | datetime | time
    zone: str | None = None
    show: Literal["date", "time", "datetime", "deadline"] = "datetime"
    style: str | None = None

    def __post_init__(self) -> None:
        if isinstance(self.value, datetime) and self.zone is None:
            raise ValueError("a moment needs the zone it is read in")

    def render(self, tr: Translator) -> str:
        value = self.value
        if isinstance(value, time):
            return format_time(value, self.style, locale=tr.locale) if self.style else tr.clock(value)
        if not isinstance(value, datetime):
            return tr.date(value, self.style) if self.style else tr.day(value)
        assert self.zone is not None
        zone = ZoneInfo(self.zone)
        if self.show == "date":
            local = value.astimezone(zone).date()
            return tr.date(local, self.style) if self.style else tr.day(local)
        if self.show == "time":
            return tr.time(value, zone, self.style) if self.style else tr.clock(value, zone)
        if self.style:
            return tr.datetime(value, zone, self.style)
        return tr.deadline(value, zone) if self.show == "deadline" else tr.moment(value, zone)


@dataclass(frozen=True)
class Decimal:
    """A number written as the reader writes it: "4,2" in Turkish, "4.2" in English (Babel's pattern)."""

    value: float
    pattern: str = "0.0"

    def render(self, tr: Translator) -> str:
        return format_decimal(self.value, self.pattern, locale=tr.locale)


@dataclass(frozen=True)
class Zone:
    """A time zone as the reader names it: its city in their language ("İstanbul", "Berlin").

    `most` cuts a long name to that many characters (a short button label).
    """

    name: str
    most: int | None = None

    def render(self, tr: Translator) -> str:
        city = tr.zone(self.name)
        if self.most is not None and len(city) > self.most:
            return city[:self.most - 1].rstrip() + "…"
        return city


Words = Text | Plural | Raw | Lines | Moment | Zone | Decimal


def _rendered(params: tuple[tuple[str, Any], ...], tr: Translator) -> dict[str, Any]:
    return {name: value.render(tr) if isinstance(value, Words) else value for name, value in params}


# ----------------------------------------------------------------------------- screens


@dataclass(frozen=True)
class Choice:
    """One button: the data the codec wrote, a long label and a short one (at most 20 characters).

    `Choice(SETTINGS.encode("tz"), Text("Time zone"))`; the short label defaults to
    the long one. A link button has a `url` and no data.
    """

    data: str
    label: Words
    short: Words | None = None
    url: str | None = None

    def __post_init__(self) -> None:
        if self.url is not None:
            if self.data:
                raise ValueError("a link button carries no data")
            if not self.url.startswith("https://"):
                raise ValueError("a link button opens an https:// address")
            return
        # Imported here: feature modules the codec reads lists from may import this module.
        from mentoring.button_data import ButtonDataError, Refused, decode

        try:
            decode(self.data)
        except Refused:
            raise ButtonDataError(f"{self.data!r} is not data the button codec wrote") from None

    @classmethod
    def link(cls, url: str, label: Words, short: Words | None = None) -> Choice:
        return cls("", label, short, url)

    def short_label(self, tr: Translator) -> str:
        return (self.short or self.label).render(tr)


class Expect(enum.Enum):
    """Which free input a screen waits for."""

    TEXT = "text"
    NUMBER = "number"
    VOICE = "voice"
    PHOTO = "photo"
    ANY = "any"  # text, a number, a voice note or a photo


@dataclass(frozen=True)
class Awaits:
    """The free input a screen waits for, and the conversation flow that will take it.

    The wait itself is a `conversation_states` row the step wrote (principle 1);
    this tells the adapter (e.g. to offer a text field) and the flow what to accept.
    """

    expect: Expect
    flow: str

    def accept(self, given: Input) -> Input | None:
        """The input as the flow takes it, or None when it is not of the awaited kind.

        A typed whole number becomes a `Number` where a number is awaited.
        """
        if isinstance(given, Typed) and self.expect is Expect.NUMBER:
            return Number.read(given.text)
        kinds: dict[Expect, tuple[type, ...]] = {
            Expect.TEXT: (Typed,),
            Expect.NUMBER: (Number,),
            Expect.VOICE: (Voice,),
            Expect.PHOTO: (Photo,),
            Expect.ANY: (Typed, Number, Voice, Photo),
        }
        return given if isinstance(given, kinds[self.expect]) else None


@dataclass(frozen=True)
class Media:
    """A file shown with a screen: exactly one of a path, the channel's file id, or the bytes.

    `elsewhere`: what to say instead on a channel that cannot carry this file (WhatsApp takes no ZIP).
    """

    kind: Literal["photo", "document", "voice"]
    path: Path | None = None
    file_id: str | None = None
    content: bytes | None = field(default=None, repr=False)
    filename: str | None = None
    elsewhere: Words | None = None

    def __post_init__(self) -> None:
        if self.kind not in ("photo", "document", "voice"):
            raise ValueError(f"unknown kind of media {self.kind!r}")
        if sum(source is not None for source in (self.path, self.file_id, self.content)) != 1:
            raise ValueError("media needs exactly one of path, file_id and content")


Rows = Sequence[Sequence[Choice]]


@dataclass(frozen=True)
class Screen:
    """What one message says and offers.

    `replace`: this screen takes the place of the one whose button was pressed
    (Telegram edits that message in place); without a press it is sent anew.
    `no_preview`: a link in the text must not be fetched for a preview (a one-time
    console login link: a preview would be a stranger's request for it).
    """

    text: Words
    choices: tuple[tuple[Choice, ...], ...] = ()
    media: Media | None = None
    awaits: Awaits | None = None
    replace: bool = False
    no_preview: bool = False

    def __post_init__(self) -> None:
        # Lists are welcome; they are kept as tuples, so screens compare and hash.
        object.__setattr__(self, "choices", tuple(tuple(row) for row in self.choices if row))

    def all_choices(self) -> Iterable[Choice]:
        return (choice for row in self.choices for choice in row)


@dataclass(frozen=True)
class Notice:
    """A short answer to a press (Telegram: the callback query's toast, or an alert)."""

    text: Words
    alert: bool = False


@dataclass(frozen=True, init=False)
class Reply:
    """What a step returns: screens in order, and perhaps a notice. Only the first screen may replace."""

    screens: tuple[Screen, ...]
    notice: Notice | None

    def __init__(self, *screens: Screen, notice: Notice | None = None) -> None:
        if not screens and notice is None:
            raise ValueError("a reply shows a screen or a notice")
        object.__setattr__(self, "screens", screens)
        object.__setattr__(self, "notice", notice)


def short_labels_too_long(screen: Screen, tr: Translator, limit: int = SHORT_LABEL_MAX) -> list[str]:
    """The short labels of a screen that do not fit small buttons in this language (for tests)."""
    return [label for label in (choice.short_label(tr) for choice in screen.all_choices()) if len(label) > limit]


# ----------------------------------------------------------------------------- inputs


@dataclass(frozen=True)
class Pressed:
    """A button press: the data as the channel delivered it, read by the feature's table."""

    data: str

    def decode(self, feature: button_data.Feature) -> button_data.Pressed:
        """The action and typed values; raises `button_data.Refused` for data the table does not read."""
        return feature.decode(self.data)


@dataclass(frozen=True)
class Typed:
    """Typed text. `sent_at`: when the channel says it was sent; `part`: it is as long as the
    channel's longest message, so it may be the first part of a longer text the channel split."""

    text: str
    sent_at: datetime | None = None
    part: bool = False


_WHOLE_NUMBER = re.compile(r"[+-]?[0-9]{1,9}", re.ASCII)


@dataclass(frozen=True)
class Number:
    value: int

    @classmethod
    def read(cls, text: str) -> Number | None:
        """A typed whole number (" 7 ", "-2"), or None."""
        text = text.strip()
        return cls(int(text)) if _WHOLE_NUMBER.fullmatch(text) else None


@dataclass(frozen=True)
class Voice:
    """A voice note: the channel's file reference and its length in whole seconds."""

    ref: str
    duration: int
    caption: str | None = None


@dataclass(frozen=True)
class Photo:
    ref: str
    caption: str | None = None


@dataclass(frozen=True)
class Document:
    """A file sent as a document: the channel's file reference, the file's name and a caption."""

    ref: str
    name: str | None = None
    caption: str | None = None


@dataclass(frozen=True)
class Unsupported:
    """Something no flow takes (a sticker, a video, a location...): `kind` names it, for logs."""

    kind: str


Input = Pressed | Typed | Number | Voice | Photo | Document | Unsupported


def button_of(given: Input, feature: button_data.Feature) -> button_data.Pressed:
    """The press a feature's step was given, read by its table; anything else is a stale button.

    Raises `DomainError("stale_button")` (worded once in mentoring/refusals.py), so forged or
    stale data changes nothing; the reason is logged, never the data.
    """
    from mentoring.button_data import Refused
    from mentoring.errors import DomainError

    if not isinstance(given, Pressed):
        raise DomainError("stale_button")
    try:
        return given.decode(feature)
    except Refused as refused:
        _logger.info("Refused %s button data (%s)", feature.prefix, refused.reason)
        raise DomainError("stale_button") from None
