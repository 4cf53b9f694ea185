"""Programme weeks and weekly windows, in the group's local time."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from mentoring.calendar import Rhythm, WindowKind, current_window, latest_window, week_of, window

IST = ZoneInfo("Europe/Istanbul")
START = date(2026, 11, 16)  # a Monday


def test_weeks_count_from_the_first_day() -> None:
    assert week_of(START, date(2026, 11, 16)) == 1
    assert week_of(START, date(2026, 11, 22)) == 1
    assert week_of(START, date(2026, 11, 23)) == 2
    assert week_of(START, date(2026, 11, 15)) == 0


def test_reflection_window_opens_on_friday_10_istanbul_for_72_hours() -> None:
    found = window(WindowKind.REFLECTION, Rhythm(), START, 1, IST)
    assert found.opens_at == datetime(2026, 11, 20, 7, 0, tzinfo=UTC)  # 10:00 TRT
    assert found.closes_at == datetime(2026, 11, 23, 7, 0, tzinfo=UTC)


def test_a_window_running_into_the_next_week_is_still_current() -> None:
    monday_morning = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)  # week 2, 09:00 TRT
    found = current_window(WindowKind.REFLECTION, Rhythm(), START, monday_morning, IST)
    assert found is not None and found.week == 1
    after_close = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)
    assert current_window(WindowKind.REFLECTION, Rhythm(), START, after_close, IST) is None
    last = latest_window(WindowKind.REFLECTION, Rhythm(), START, after_close, IST)
    assert last is not None and last.week == 1 and not last.is_open(after_close)


def test_a_custom_rhythm_in_another_zone() -> None:
    rhythm = Rhythm(checkin_weekday=0, checkin_time=time(18, 30), checkin_open_hours=24)
    berlin = ZoneInfo("Europe/Berlin")
    found = window(WindowKind.CHECKIN, rhythm, START, 2, berlin)
    assert found.opens_at == datetime(2026, 11, 23, 17, 30, tzinfo=UTC)  # 18:30 CET


def test_nothing_is_open_before_the_programme_starts() -> None:
    before = datetime(2026, 11, 10, 12, 0, tzinfo=UTC)
    assert current_window(WindowKind.REFLECTION, Rhythm(), START, before, IST) is None
    assert latest_window(WindowKind.REFLECTION, Rhythm(), START, before, IST) is None
