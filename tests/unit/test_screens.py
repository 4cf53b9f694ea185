"""Screens, words and inputs without a channel: rendered in Turkish and English only at the edge."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from mentoring.button_data import ButtonDataError, Refused
from mentoring.i18n import LOCALES_DIR, SUPPORTED_LOCALES, translator
from mentoring.screens import (
    SHORT_LABEL_MAX,
    Awaits,
    Choice,
    Expect,
    Lines,
    Media,
    Moment,
    Notice,
    Number,
    Photo,
    Plural,
    Pressed,
    Raw,
    Reply,
    Screen,
    Text,
    Typed,
    Unsupported,
    Voice,
    short_labels_too_long,
)
from mentoring.settings.buttons import SETTINGS
from mentoring.todos.buttons import TODOS

TR, EN = translator("tr"), translator("en")
ROOT = Path(__file__).resolve().parents[2]


def settings_screen() -> Screen:
    """A screen as a feature would build it (words as message ids, data from the codec)."""
    return Screen(
        Lines(
            Text("Your settings"),
            Text("Time zone: {zone} (it is {time} there now)",
                 zone="Europe/Berlin",
                 time=Moment(datetime(2026, 3, 2, 8, 0, tzinfo=UTC), "Europe/Berlin", show="time")),
        ),
        [
            [Choice(SETTINGS.encode("tz"), Text("Time zone")),
             Choice(SETTINGS.encode("quiet"), Text("Quiet hours"))],
            [Choice(SETTINGS.encode("type", question="timezone"), Text("Type another city"),
                    short=Text("Time zone"))],
            [Choice(SETTINGS.encode("menu"), Text("Back"))],
        ],
    )


def test_a_screen_is_rendered_in_the_readers_language() -> None:
    screen = settings_screen()
    assert screen.text.render(TR) == "Ayarlarınız\nSaat dilimi: Europe/Berlin (orada saat şu an 09:00)"
    assert screen.text.render(EN) == "Your settings\nTime zone: Europe/Berlin (it is 9:00\u202fAM there now)"
    assert [c.label.render(TR) for c in screen.all_choices()] == [
        "Saat dilimi", "Sessiz saatler", "Başka bir şehir yazın", "Geri"]
    assert [c.label.render(EN) for c in screen.all_choices()] == [
        "Time zone", "Quiet hours", "Type another city", "Back"]


def test_words_wait_for_the_translator_and_compare_as_values() -> None:
    hello = Text("Time zone: {zone} (it is {time} there now)", zone="Asia/Baku", time=Raw("12:00"))
    assert hello.values == {"zone": "Asia/Baku", "time": Raw("12:00")}
    assert hello == Text("Time zone: {zone} (it is {time} there now)", zone="Asia/Baku", time=Raw("12:00"))
    assert settings_screen() == settings_screen() and hash(settings_screen()) == hash(settings_screen())
    # Without values a message is not formatted: braces stay as written.
    braces = "{not a placeholder}"
    assert Text(braces).render(EN) == braces
    # Lines leave out what is not there and join with what they are told.
    assert Lines(Raw("a"), None, Raw("b"), sep=" · ").render(TR) == "a · b"


@pytest.mark.parametrize(("n", "tr_text", "en_text"), [
    (1, "İptal edildi: 1 mesaj gönderilmeyecek.", "Cancelled: 1 message will not be sent."),
    (3, "İptal edildi: 3 mesaj gönderilmeyecek.", "Cancelled: 3 messages will not be sent."),
])
def test_plurals_follow_the_number(n: int, tr_text: str, en_text: str) -> None:
    words = Plural("Cancelled: {count} message will not be sent.",
                   "Cancelled: {count} messages will not be sent.", n, count=n)
    assert words.render(TR) == tr_text
    assert words.render(EN) == en_text


def test_moments_are_written_as_the_reader_writes_them() -> None:
    moment = datetime(2026, 11, 23, 21, 30, tzinfo=UTC)
    # One style per kind: a day, a moment, a deadline (issue #13).
    assert Moment(moment, "Europe/Istanbul", show="date").render(TR) == "24 Kasım 2026 Salı"
    assert Moment(moment, "Europe/London", show="date").render(EN) == "Monday, November 23, 2026"
    assert Moment(moment, "Europe/Istanbul", show="time").render(TR) == "00:30"
    assert Moment(moment, "Europe/Istanbul").render(TR) == "24 Kasım 2026 Salı 00:30"
    assert Moment(moment, "Europe/London").render(EN) == "Monday, November 23, 2026, 9:30\u202fPM"
    assert Moment(moment, "Europe/Istanbul", show="deadline").render(TR) == "24 Kasım 2026 Salı 00:30"
    midnight = datetime(2026, 11, 23, 21, 0, tzinfo=UTC)  # 00:00 in Istanbul: the end of the day before
    assert Moment(midnight, "Europe/Istanbul", show="deadline").render(TR) == "23 Kasım 2026 Pazartesi gün sonu"
    assert Moment(midnight, "Europe/Istanbul", show="deadline").render(EN) == "end of Monday, November 23, 2026"
    assert Moment(time(22, 0)).render(TR) == "22:00"
    assert Moment(time(22, 0)).render(EN) == "10:00\u202fPM"
    assert Moment(date(2026, 12, 31)).render(EN) == "Thursday, December 31, 2026"
    assert Moment(date(2026, 12, 31), style="medium").render(EN) == "Dec 31, 2026"  # a style, where one is needed
    with pytest.raises(ValueError, match="zone"):
        Moment(moment)  # a moment without the zone it is read in would be read in none


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_short_labels_fit_small_buttons(locale: str) -> None:
    tr = translator(locale)
    screen = settings_screen()
    assert short_labels_too_long(screen, tr) == []
    assert all(len(choice.short_label(tr)) <= SHORT_LABEL_MAX for choice in screen.all_choices())
    # The long label alone would not fit a WhatsApp reply button in Turkish.
    long_only = Screen(Raw(""), [[Choice(SETTINGS.encode("type", question="timezone"), Text("Type another city"))]])
    assert short_labels_too_long(long_only, TR) == ["Başka bir şehir yazın"]


def test_choices_carry_only_data_the_codec_reads() -> None:
    choice = Choice(TODOS.encode("v", todo=7, page=0), Raw("Read"))
    assert Pressed(choice.data).decode(TODOS)["todo"] == 7
    for forged in ("todo:v:07:0", "todo:v:7", "nothing:at:all", "set:tz:Mars/Olympus", ""):
        with pytest.raises(ButtonDataError):
            Choice(forged, Raw("Forged"))
    with pytest.raises(Refused):
        Pressed("set:menu").decode(TODOS)  # a button of another feature
    link = Choice.link("https://example.org/notice", Text("Back"))
    assert link.data == "" and link.url == "https://example.org/notice"
    with pytest.raises(ValueError):
        Choice.link("http://example.org", Text("Back"))
    with pytest.raises(ValueError):
        Choice(SETTINGS.encode("menu"), Text("Back"), url="https://example.org")


def test_screens_media_and_replies_refuse_what_cannot_be_shown() -> None:
    with pytest.raises(ValueError):
        Media("photo")
    with pytest.raises(ValueError):
        Media("video", file_id="v1")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        Media("document", path=Path("a.csv"), content=b"x")
    with pytest.raises(ValueError):
        Reply()
    notice_only = Reply(notice=Notice(Text("Time zone saved.")))
    assert notice_only.screens == () and notice_only.notice is not None
    screen = Screen(Raw("x"), [[], [Choice(SETTINGS.encode("menu"), Text("Back"))]])
    assert screen.choices == ((Choice(SETTINGS.encode("menu"), Text("Back")),),)  # empty rows dropped


def test_a_wait_takes_only_the_input_it_waits_for() -> None:
    text, number, voice, photo = Awaits(Expect.TEXT, "settings"), Awaits(Expect.NUMBER, "plan"), \
        Awaits(Expect.VOICE, "reflection"), Awaits(Expect.ANY, "reflection")
    typed = Typed("Europe/Berlin")
    assert text.accept(typed) == typed
    assert text.accept(Voice("v1", 12)) is None and text.accept(Unsupported("sticker")) is None
    assert number.accept(Typed(" 7 ")) == Number(7)
    assert number.accept(Typed("seven")) is None and number.accept(Typed("²")) is None
    assert number.accept(Typed("9" * 12)) is None  # not a number anyone types here
    assert voice.accept(Voice("v1", 12)) == Voice("v1", 12) and voice.accept(typed) is None
    assert photo.accept(Photo("p1", "my notes")) == Photo("p1", "my notes")
    assert photo.accept(Pressed(SETTINGS.encode("menu"))) is None  # a press is not free input
    assert photo.accept(Unsupported("sticker")) is None


def _extracted(folder: Path, files: str = "**.py") -> set[str | tuple[str, str]]:
    return {message for _file, _line, message, _comments, _context in extract_from_dir(
        folder, method_map=[(files, "python")], keywords={"Text": None, "Plural": (1, 2)})}


def test_every_message_id_in_screens_is_extracted_and_translated() -> None:
    """Text(...) and Plural(...) are extraction keywords: what they name must be in both catalogues."""
    # The extractor finds them (this file's own screens)...
    here = _extracted(ROOT / "tests" / "unit", "test_screens.py")
    assert "Your settings" in here and "Type another city" in here
    assert ("Cancelled: {count} message will not be sent.",
            "Cancelled: {count} messages will not be sent.") in here
    # ...and every one in the code, and in this file, is translated.
    found = here | {m for package in ("bot", "handlers", "mentoring") for m in _extracted(ROOT / package)}
    for locale in SUPPORTED_LOCALES:
        with (LOCALES_DIR / locale / "LC_MESSAGES" / "narbot.po").open("rb") as fp:
            entries = {m.id: m for m in read_po(fp, locale=locale) if m.id}
        missing = sorted((str(m) for m in found if m not in entries or not entries[m].string), key=str)
        assert not missing, f"not translated in {locale}: {missing}"
