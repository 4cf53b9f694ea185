"""Button data: what a button carries, written and read by one strict codec.

Every button the bot makes carries its state in a short string,
`<prefix>:<part>:<part>…` (Telegram allows at most 64 bytes of callback data).
Each feature declares its buttons once, in a table in its own package
(`mentoring/<feature>/buttons.py`): per action, the literal words and typed
fields in wire order, built from the fields in `mentoring/button_fields.py`.
The same table writes the data
(`TODOS.encode("v", todo=7, page=0)` -> "todo:v:7:0", checked on the way out)
and reads it back (`TODOS.decode("todo:v:7:0")` -> Pressed("v", todo=7, page=0)).

Reading is strict, because anyone can send any callback data: ASCII only, at
most 64 bytes, a known prefix and action, exactly the declared parts, ids as
ASCII digits without sign, space or leading zero and within the range of an
INTEGER column (1..2**31-1), small numbers within their range, words from
their fixed list. Anything else raises `Refused`, which the caller answers
with one polite sentence and nothing changes. Whether the presser may use
what the button names is still the domain's question, asked after decoding.

Wire formats are kept stable: buttons in old messages and queued outbox rows
must keep working after an upgrade.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

# The fields live in mentoring.button_fields; features import them from here, with the tables.
from mentoring.button_fields import (
    _LITERAL,
    ID_MAX,
    INVITE_CODE_SHAPE,
    MAX_BYTES,
    MAX_PAGE,
    MAX_WEEK,
    SEPARATOR,
    UNIX_MAX,
    ButtonDataError,
    Choice,
    ClockTime,
    Day,
    Field,
    Id,
    IdList,
    Int,
    InviteCode,
    Locale,
    Refused,
    UnixTime,
    Word,
)

# ----------------------------------------------------------------------------- tables


@dataclass(frozen=True)
class Pressed:
    """Decoded button data: the feature's prefix, the action, and its typed values."""

    prefix: str
    action: str
    values: Mapping[str, Any]

    def __getitem__(self, name: str) -> Any:
        return self.values[name]


Part = str | Field


def _distinct(a: Sequence[Part], b: Sequence[Part]) -> bool:
    """Whether no data can match both layouts (so decoding never depends on table order)."""
    if len(a) != len(b):
        return True
    for x, y in zip(a, b, strict=True):
        if isinstance(x, str) and isinstance(y, str) and x != y:
            return True
        for literal, other in ((x, y), (y, x)):
            if isinstance(literal, str) and isinstance(other, Field):
                try:
                    other.parse(literal)
                except Refused:
                    return True
    return False


class Feature:
    """The buttons of one feature: a prefix and, per action, its layout of literals and fields.

    `Feature("todo", {"v": ("v", Id("todo"), Int("page", 0, 99))})` reads and writes
    "todo:v:<todo>:<page>". A layout may also start with a field ("rhy:<group>")
    or put its literal later ("bc:<draft>:send").
    """

    def __init__(self, prefix: str, actions: Mapping[str, Sequence[Part]]) -> None:
        if not _LITERAL.fullmatch(prefix):
            raise ButtonDataError(f"bad prefix {prefix!r}")
        self.prefix = prefix
        self.actions: dict[str, tuple[Part, ...]] = {}
        for name, given in actions.items():
            layout = tuple(given)
            for part in layout:
                if isinstance(part, str) and not _LITERAL.fullmatch(part):
                    raise ButtonDataError(f"{prefix}:{name}: bad literal {part!r}")
            names = [part.name for part in layout if isinstance(part, Field)]
            if len(set(names)) != len(names):
                raise ButtonDataError(f"{prefix}:{name}: a field name repeats")
            for other, known in self.actions.items():
                if not _distinct(layout, known):
                    raise ButtonDataError(f"{prefix}: {name} and {other} can read the same data")
            self.actions[name] = layout

    def __repr__(self) -> str:
        return f"Feature({self.prefix!r})"

    def encode(self, action: str, **values: Any) -> str:
        """The data for one button; raises ButtonDataError for values the table does not allow."""
        layout = self.actions.get(action)
        if layout is None:
            raise ButtonDataError(f"{self.prefix}: unknown action {action!r}")
        names = {part.name for part in layout if isinstance(part, Field)}
        if set(values) != names:
            raise ButtonDataError(f"{self.prefix}:{action} takes {sorted(names)}, not {sorted(values)}")
        data = SEPARATOR.join(
            [self.prefix]
            + [part if isinstance(part, str) else part.format(values[part.name]) for part in layout]
        )
        if len(data.encode()) > MAX_BYTES:
            raise ButtonDataError(f"{self.prefix}:{action} is longer than {MAX_BYTES} bytes")
        try:
            self.decode(data)
        except Refused as refused:  # a field wrote what it cannot read: a bug in the field
            raise ButtonDataError(f"{self.prefix}:{action}: {refused.reason}") from None
        return data

    def decode(self, data: str) -> Pressed:
        """The action and typed values of data from a button; raises Refused for anything else."""
        parts = _split(data)
        if parts[0] != self.prefix:
            raise Refused("prefix")
        return self._match(parts[1:])

    def _match(self, body: list[str]) -> Pressed:
        reason = "action"
        for name, layout in self.actions.items():
            if len(layout) != len(body):
                continue
            if any(isinstance(part, str) and part != text for part, text in zip(layout, body, strict=True)):
                continue
            try:
                values = {part.name: part.parse(text)
                          for part, text in zip(layout, body, strict=True) if isinstance(part, Field)}
            except Refused as refused:
                reason = f"{name}.{refused.reason}"
                continue
            return Pressed(self.prefix, name, values)
        raise Refused(reason)

    def matches(self, data: str) -> bool:
        try:
            self.decode(data)
        except Refused:
            return False
        return True


def _split(data: object) -> list[str]:
    if not isinstance(data, str) or not data.isascii() or len(data) > MAX_BYTES:
        raise Refused("shape")
    return data.split(SEPARATOR)


class Codec:
    """Every feature's buttons, found by prefix."""

    def __init__(self, features: Iterable[Feature]) -> None:
        self.features: dict[str, Feature] = {}
        for feature in features:
            if feature.prefix in self.features:
                raise ButtonDataError(f"prefix {feature.prefix!r} is declared twice")
            self.features[feature.prefix] = feature

    def decode(self, data: object) -> Pressed:
        parts = _split(data)
        feature = self.features.get(parts[0])
        if feature is None:
            raise Refused("prefix")
        return feature._match(parts[1:])


# ----------------------------------------------------------------------------- shared fields, and every feature's table

PAGE = Int("page", 0, MAX_PAGE)
WEEK = Int("week", 0, MAX_WEEK)
SCORE = Int("score", 1, 5)
ON_OFF = {"0": False, "1": True}

# Where each feature keeps its table (mentoring/<feature>/buttons.py, `TABLES`).
FEATURE_TABLES = (
    "mentoring.joining.buttons", "mentoring.help.buttons", "mentoring.privacy.buttons",
    "mentoring.todos.buttons", "mentoring.plans.buttons", "mentoring.peers.buttons",
    "mentoring.reflection.buttons", "mentoring.reports.buttons", "mentoring.digest.buttons",
    "mentoring.rhythm.buttons", "mentoring.sessions.buttons", "mentoring.settings.buttons",
    "mentoring.broadcasts.buttons", "mentoring.nudges.buttons", "mentoring.safeguarding.buttons",
    "mentoring.objections.buttons", "mentoring.feedback.buttons", "mentoring.resources.buttons",
    "mentoring.closing.buttons",
    "mentoring.conversation",  # "That was all" after a held part of a long text
)


@functools.cache
def codec() -> Codec:
    """Every feature's table in one codec (read on first use: the tables import this module)."""
    tables = [table for name in FEATURE_TABLES for table in importlib.import_module(name).TABLES]
    return Codec(tables)


def decode(data: object) -> Pressed:
    """Any button's data, whatever its feature; raises Refused for data no button carries."""
    return codec().decode(data)


__all__ = [
    "FEATURE_TABLES",
    "ID_MAX",
    "INVITE_CODE_SHAPE",
    "MAX_BYTES",
    "MAX_PAGE",
    "MAX_WEEK",
    "ON_OFF",
    "PAGE",
    "SCORE",
    "SEPARATOR",
    "UNIX_MAX",
    "WEEK",
    "ButtonDataError",
    "Choice",
    "ClockTime",
    "Codec",
    "Day",
    "Feature",
    "Field",
    "Id",
    "IdList",
    "Int",
    "InviteCode",
    "Locale",
    "Part",
    "Pressed",
    "Refused",
    "UnixTime",
    "Word",
    "codec",
    "decode",
]
