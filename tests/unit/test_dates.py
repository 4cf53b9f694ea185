"""One way to write a date (issue #13): the typed forms people use, and one style per kind of date."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from mentoring.dates import example, find_zones, fold, parse_day, typed_day_hint
from mentoring.errors import DomainError
from mentoring.i18n import translator
from mentoring.refusals import refusal
from mentoring.screens import Zone

TODAY = date(2026, 11, 23)  # a Monday
TR, EN = translator("tr"), translator("en")
ISTANBUL = ZoneInfo("Europe/Istanbul")


@pytest.mark.parametrize(("typed", "day"), [
    ("31.12", date(2026, 12, 31)),
    ("31.12.2026", date(2026, 12, 31)),
    ("31/12/2026", date(2026, 12, 31)),
    ("31-12-2026", date(2026, 12, 31)),
    ("2026-12-31", date(2026, 12, 31)),
    ("1.2.27", date(2027, 2, 1)),
    ("31 Aralık", date(2026, 12, 31)),
    ("31 aralık 2026", date(2026, 12, 31)),
    ("31 ARALIK", date(2026, 12, 31)),
    ("3 agustos", date(2027, 8, 3)),  # without Turkish letters, and already past this year: next year's
    ("1 Şubat", date(2027, 2, 1)),
    ("31 December", date(2026, 12, 31)),
    ("December 31, 2027", date(2027, 12, 31)),
    ("5 eki 2027", date(2027, 10, 5)),
    ("1.11", date(2027, 11, 1)),  # a day and month that have passed this year: next year's
    ("23.11", date(2026, 11, 23)),  # today is not past
    ("29.02", date(2028, 2, 29)),  # the next year that has it
    ("bugün", TODAY),
    ("yarın", date(2026, 11, 24)),
    ("Yarin", date(2026, 11, 24)),
    ("tomorrow", date(2026, 11, 24)),
    ("cuma", date(2026, 11, 27)),
    ("Friday", date(2026, 11, 27)),
    ("çarşamba", date(2026, 11, 25)),
    ("pazartesi", date(2026, 11, 30)),  # today is Monday: the next Monday
    ("  Pazar ", date(2026, 11, 29)),
])
def test_the_common_forms_are_read(typed: str, day: date) -> None:
    assert parse_day(typed, TODAY) == day


@pytest.mark.parametrize(("typed", "tr_words", "en_words"), [
    ("31.02.2027", "31 Şubat diye bir gün yok: 2027 yılında Şubat 28 gün çeker.",
     "31 February does not exist: February 2027 has 28 days."),
    ("29.02.2027", "29 Şubat diye bir gün yok: 2027 yılında Şubat 28 gün çeker.",
     "29 February does not exist: February 2027 has 28 days."),
    ("31 nisan", "31 Nisan diye bir gün yok: 2027 yılında Nisan 30 gün çeker.",
     "31 April does not exist: April 2027 has 30 days."),
    ("31.11", "31 Kasım diye bir gün yok: 2026 yılında Kasım 30 gün çeker.",
     "31 November does not exist: November 2026 has 30 days."),
])
def test_an_impossible_date_is_called_impossible(typed: str, tr_words: str, en_words: str) -> None:
    with pytest.raises(DomainError) as raised:
        parse_day(typed, TODAY)
    assert raised.value.code == "no_such_date"
    assert refusal(raised.value).render(TR) == tr_words
    assert refusal(raised.value).render(EN) == en_words


@pytest.mark.parametrize("typed", ["", "someday", "13.13.2026", "0.12.2026", "31 smarch", "next week", "12"])
def test_what_is_not_a_date_is_explained_with_an_example_from_today(typed: str) -> None:
    with pytest.raises(DomainError) as raised:
        parse_day(typed, TODAY)
    assert raised.value.code == "bad_date" and raised.value.values == {"example": "30.11.2026"}
    assert refusal(raised.value).render(EN) == (
        "I could not read that date. Type it like 30.11.2026, “31 December”, “tomorrow” or a weekday.")
    assert refusal(raised.value).render(TR).startswith("Bu tarihi okuyamadım. 30.11.2026, “31 Aralık”, “yarın”")


def test_examples_are_a_week_from_today() -> None:
    assert example(TODAY) == "30.11.2026"
    assert example(date(2026, 12, 28)) == "04.01.2027"
    assert parse_day(example(TODAY), TODAY) > TODAY
    assert typed_day_hint(TODAY).render(EN) == (
        "Type the date, for example 30.11.2026, “31 December”, “tomorrow” or a weekday.")
    assert typed_day_hint(TODAY).render(TR) == (
        "Tarihi yazın, örneğin 30.11.2026, “31 Aralık”, “yarın” ya da “cuma” gibi bir gün adı.")


def test_one_style_per_kind_in_both_languages() -> None:
    at = datetime(2026, 12, 2, 15, 30, tzinfo=UTC)  # 18:30 in Istanbul
    assert TR.day(date(2026, 12, 2)) == "2 Aralık 2026 Çarşamba"
    assert EN.day(date(2026, 12, 2)) == "Wednesday, December 2, 2026"
    assert TR.moment(at, ISTANBUL) == "2 Aralık 2026 Çarşamba 18:30"
    assert EN.moment(at, ISTANBUL) == "Wednesday, December 2, 2026, 6:30\u202fPM"
    assert TR.clock(time(8, 0)) == "08:00" and EN.clock(time(8, 0)) == "8:00\u202fAM"
    # A deadline reads like a moment; one at local midnight is the end of the day before.
    assert TR.deadline(at, ISTANBUL) == TR.moment(at, ISTANBUL)
    midnight = datetime(2026, 12, 1, 21, 0, tzinfo=UTC)
    assert TR.deadline(midnight, ISTANBUL) == "1 Aralık 2026 Salı gün sonu"
    assert EN.deadline(midnight, ISTANBUL) == "end of Tuesday, December 1, 2026"


def test_zones_are_named_by_their_city_in_the_readers_language() -> None:
    assert Zone("Europe/Istanbul").render(TR) == "İstanbul" and Zone("Europe/Istanbul").render(EN) == "Istanbul"
    assert Zone("Europe/London").render(TR) == "Londra" and Zone("Asia/Baku").render(TR) == "Bakü"
    assert Zone("UTC").render(TR) == "UTC"  # no city: the name as it is


@pytest.mark.parametrize(("typed", "zones"), [
    ("Berlin", ["Europe/Berlin"]),
    ("istanbul", ["Europe/Istanbul"]),
    ("İSTANBUL", ["Europe/Istanbul"]),
    ("Londra", ["Europe/London"]),
    ("viyana", ["Europe/Vienna"]),
    ("New York", ["America/New_York"]),  # not its alias US/Eastern
    ("kiev", ["Europe/Kyiv"]),
    ("europe/paris", ["Europe/Paris"]),
    ("America/New_York", ["America/New_York"]),
    ("sant", ["America/Santa_Isabel", "America/Santarem", "America/Santiago", "America/Santo_Domingo"]),
    ("Mars/Olympus", []),
    ("xy", []),
])
def test_a_typed_city_finds_its_zone(typed: str, zones: list[str]) -> None:
    assert find_zones(typed) == zones


def test_folding_treats_turkish_letters_alike() -> None:
    assert fold("  İSTANBUL ") == fold("istanbul") == "istanbul"
    assert fold("Yarın") == fold("YARIN") == "yarin"
    assert fold("Çarşamba") == "carsamba"


def test_a_long_city_name_is_cut_for_a_short_button_label() -> None:
    assert Zone("America/North_Dakota/New_Salem").render(EN) == "New Salem, North Dakota"
    short = Zone("America/North_Dakota/New_Salem", most=20).render(EN)
    assert short == "New Salem, North Da…" and len(short) == 20
    assert Zone("Europe/Berlin", most=20).render(TR) == "Berlin"
