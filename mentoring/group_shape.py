"""The shape the programme plans for a group: 4-6 mentees and 2-3 mentors (issue #14, point 8).

One rule, worded once. Callers count a group's *active* members (memberships
with `left_at` null) and ask `Shape(mentees, mentors)`; `off_words` says what is
outside the plan ("3 mentees (the programme plans 4-6); 1 mentor (the programme
plans 2-3)"), or None when the group fits. Three places use it: the
coordinator's /report overview (mentoring/reports/texts.py), the mentors' weekly
digest for their own group (mentoring/digest/render.py) and `narbot programme
list` (bot/admin.py).

A group's size is not a figure about anyone (it is drawn from no one's answers
or behaviour, and the coordinator set the groups up), but coordinators read every
count of people through the small-cell rule (mentoring/reports/cells.py): their
overview passes `shown=small_count`, so a count of 1 or 2 reads "<3" there as in
every other count they see; mentors and the operator's CLI read the real numbers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from mentoring.screens import Lines, Plural, Raw, Words

MENTEES = (4, 6)  # the fewest and most mentees the programme plans per group
MENTORS = (2, 3)  # the fewest and most mentors

# A count shown as something else than its number ("<3") reads as a plural.
_HIDDEN_N = 2


@dataclass(frozen=True)
class Shape:
    """A group's active mentees and mentors."""

    mentees: int
    mentors: int

    @property
    def mentees_off(self) -> bool:
        return not MENTEES[0] <= self.mentees <= MENTEES[1]

    @property
    def mentors_off(self) -> bool:
        return not MENTORS[0] <= self.mentors <= MENTORS[1]

    @property
    def off(self) -> bool:
        return self.mentees_off or self.mentors_off


def off_words(shape: Shape, shown: Callable[[int], str] = str) -> Words | None:
    """What is outside the plan, each count with the plan's range; None when the group fits.

    `shown` writes a count (the coordinator's overview: `mentoring.reports.cells.small_count`).
    """
    parts: list[Words] = []
    if shape.mentees_off:
        count = shown(shape.mentees)
        parts.append(Plural("{count} mentee (the programme plans {low}-{high})",
                            "{count} mentees (the programme plans {low}-{high})",
                            _n(shape.mentees, count), count=count, low=MENTEES[0], high=MENTEES[1]))
    if shape.mentors_off:
        count = shown(shape.mentors)
        parts.append(Plural("{count} mentor (the programme plans {low}-{high})",
                            "{count} mentors (the programme plans {low}-{high})",
                            _n(shape.mentors, count), count=count, low=MENTORS[0], high=MENTORS[1]))
    return Lines(*parts, sep="; ") if parts else None


def group_line(name: str, shape: Shape, shown: Callable[[int], str] = str) -> Words | None:
    """One group outside the plan, named: "Grup 3: 2 mentees (the programme plans 4-6)"; None when it fits."""
    off = off_words(shape, shown)
    return None if off is None else Lines(Raw(name), off, sep=": ")


def _n(count: int, shown: str) -> int:
    return count if shown == str(count) else _HIDDEN_N
