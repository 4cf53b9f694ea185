"""The planned group shape (4-6 mentees, 2-3 mentors): one rule, worded once (mentoring/group_shape.py)."""

from __future__ import annotations

import pytest

from mentoring.group_shape import MENTEES, MENTORS, Shape, group_line, off_words
from mentoring.i18n import translator
from mentoring.reports.cells import small_count

EN, TR = translator("en"), translator("tr")


@pytest.mark.parametrize("mentees, mentors, off", [
    (4, 2, False), (6, 3, False), (5, 2, False),
    (3, 2, True), (7, 2, True), (4, 1, True), (4, 4, True), (0, 0, True),
])
def test_the_edges_of_the_plan(mentees: int, mentors: int, off: bool) -> None:
    assert (MENTEES, MENTORS) == ((4, 6), (2, 3))
    shape = Shape(mentees, mentors)
    assert shape.off is off
    assert (off_words(shape) is None) is not off


def test_only_what_is_off_is_said_with_the_plans_range() -> None:
    assert off_words(Shape(7, 2)).render(EN) == "7 mentees (the programme plans 4-6)"  # type: ignore[union-attr]
    assert off_words(Shape(5, 1)).render(EN) == "1 mentor (the programme plans 2-3)"  # type: ignore[union-attr]
    both = off_words(Shape(3, 1))
    assert both is not None and both.render(TR) == (
        "3 menti (programda 4-6 menti öngörülüyor); 1 mentor (programda 2-3 mentor öngörülüyor)")


def test_a_coordinators_small_count_reads_as_a_plural() -> None:
    line = group_line("Grup 3", Shape(1, 1), small_count)
    assert line is not None
    assert line.render(EN) == ("Grup 3: <3 mentees (the programme plans 4-6); "
                               "<3 mentors (the programme plans 2-3)")
    assert group_line("Grup 2", Shape(5, 2), small_count) is None
