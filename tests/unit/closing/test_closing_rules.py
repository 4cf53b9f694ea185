"""The closing window and the mentors' survey totals, without a database."""

from __future__ import annotations

from datetime import date

from mentoring.closing.rules import window_of
from mentoring.closing.survey import aggregate


def test_the_window_is_the_last_two_weeks_and_two_weeks_of_grace() -> None:
    window = window_of(date(2027, 5, 23))
    assert window is not None
    assert (window.opens_on, window.closes_on) == (date(2027, 5, 10), date(2027, 6, 6))
    assert window.state(date(2027, 5, 9)) == "not_yet"
    assert window.state(date(2027, 5, 10)) == "open"
    assert window.state(date(2027, 6, 6)) == "open"
    assert window.state(date(2027, 6, 7)) == "over"
    assert window_of(None) is None


def test_survey_totals_hide_what_fewer_than_three_answered() -> None:
    two = aggregate(1, "Grup 1", [(5, 4, None), (3, None, None)])
    assert two.hidden and all(item.average is None for item in two.items)
    three = aggregate(1, "Grup 1", [(5, 4, None), (3, None, 2), (4, 4, 5)])
    assert not three.hidden
    facilitation, climate, pairs = three.items
    assert (facilitation.average, facilitation.counts) == (4.0, (0, 0, 1, 1, 1))
    assert climate.average is None and climate.hidden and climate.answers == 2
    assert pairs.average is None and pairs.counts is None
