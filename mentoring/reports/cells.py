"""Small cells: no figure a coordinator sees is drawn from fewer than SMALL_CELL people.

A group of 4-6 is small, and a coordinator who sees that "2 of 3" mentees answered,
or one person's average, learns about people, not about a programme. So every
coordinator-facing report and export shows a count of 1 or 2 people as "<3", and a
rate, average or distribution computed over fewer than 3 distinct people not at
all ("—", with a footnote saying why); exports leave such a cell empty and name it
in a `suppressed` column. Zero is shown: it describes no one. Mentors reading their
own group keep the real figures (they know the people); see mentoring/access.py.
"""

from __future__ import annotations

from mentoring.i18n import N_, Translator

SMALL_CELL = 3  # the fewest distinct people a figure shown to a coordinator may be drawn from

HIDDEN = "—"  # a rate or average over too few people
FOOTNOTE = N_("<3 and — : drawn from fewer than 3 people, not shown to protect them.")


def too_few(people: int) -> bool:
    """A set of people too small to show a figure drawn from it (0 is no one, and shown)."""
    return 0 < people < SMALL_CELL


def too_few_for_average(people: int) -> bool:
    """An average or rate needs at least SMALL_CELL people behind it."""
    return people < SMALL_CELL


def small_count(people: int) -> str:
    """A count of people as a coordinator sees it: 0, "<3", or the number."""
    return f"<{SMALL_CELL}" if too_few(people) else str(people)


def footnote(tr: Translator) -> str:
    return tr.gettext(FOOTNOTE)
