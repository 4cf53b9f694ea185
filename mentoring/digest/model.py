"""The weekly group digest as data ("mentorluk ilerleme raporu", standard E.5.6).

A `GroupDigest` holds every figure, flag and quote of one group's week; it is
built once per group and rendered per reader (language, zone) afterwards, so
the report two mentors get is the same report.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime


class FlagKind(enum.Enum):
    NO_REFLECTION_TWICE = "no_reflection_twice"
    CONFIDENCE_DROP = "confidence_drop"
    SAME_REASON_TWICE = "same_reason_twice"
    UNREACHABLE = "unreachable"
    PARTNERS_DISAGREE = "partners_disagree"


@dataclass(frozen=True)
class Flag:
    """Something a mentor should look at, and why (the reason's figures are in `detail`)."""

    kind: FlagKind
    person_ids: tuple[int, ...]  # one mentee, or both partners of a pair
    detail: str | int | None = None  # the reason code, or the drop in confidence


@dataclass(frozen=True)
class MenteeLine:
    person_id: int
    name: str
    reflected: bool
    confidence: int | None
    confidence_change: int | None  # against last week's reflection, when both have one
    todos_done: int
    todos_open: int
    todos_overdue: int


@dataclass(frozen=True)
class Quote:
    person_id: int
    name: str
    text: str  # already cut to QUOTE_CHARS
    to_mentors: bool  # the "message for the mentors" answer


@dataclass(frozen=True)
class NextSession:
    starts_at: datetime
    zone: str
    place: str
    topic: str | None
    coming: int
    not_coming: int
    maybe: int
    no_answer: int


@dataclass(frozen=True)
class WeekPoint:
    """One week of the chart: share of mentees who reflected, and their average confidence."""

    week: int
    reflected: int
    mentees: int
    confidence: float | None


@dataclass(frozen=True)
class GroupDigest:
    group_id: int
    group_name: str
    programme_id: int
    week: int
    weeks_total: int | None  # from the programme's end date
    mentees: int
    reflections: int
    pairs: int
    pairs_met: int
    rsvp_answered: int  # of the next session, among current members
    members: int
    lines: tuple[MenteeLine, ...]
    flags: tuple[Flag, ...]
    top_reasons: tuple[tuple[str, int], ...]  # reason code, how often
    top_areas: tuple[tuple[str, int], ...]  # area title key (resolved at render), how many chose it
    area_titles: dict[str, tuple[str, str | None]] = field(default_factory=dict)  # key -> (en, tr)
    quotes: tuple[Quote, ...] = ()
    next_session: NextSession | None = None
    trend: tuple[WeekPoint, ...] = ()
    # The week so far (its reflection window still open until then); None for a closed week's digest.
    closes_at: datetime | None = None
    # Submitted reflections of current mentees in the last `REPLY_WEEKS` weeks no mentor replied to yet.
    unreplied: int = 0

    @property
    def in_progress(self) -> bool:
        return self.closes_at is not None

    def name_of(self, person_id: int) -> str:
        return next((line.name for line in self.lines if line.person_id == person_id), "?")

    def named(self) -> tuple[int, ...]:
        """Everyone the digest names or quotes (its lines, flags and quotes)."""
        people = {line.person_id for line in self.lines} | {q.person_id for q in self.quotes}
        people.update(pid for flag in self.flags for pid in flag.person_ids)
        return tuple(sorted(people))
