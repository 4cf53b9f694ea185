"""A step's reply as WhatsApp Cloud API messages (bot/whatsapp/render.py): the channel's limits."""

from __future__ import annotations

from datetime import UTC, datetime, time
from pathlib import Path

import pytest

from bot.whatsapp.files import document_form
from bot.whatsapp.render import (
    BODY_LIMIT,
    BUTTON_TITLE_LIMIT,
    MAX_ROWS,
    ROW_DESCRIPTION_LIMIT,
    ROW_TITLE_LIMIT,
    TEXT_LIMIT,
    fit,
    messages_of,
)
from mentoring.i18n import translator
from mentoring.screens import Choice, Media, Notice, Raw, Reply, Screen, Text
from mentoring.settings import PersonalSettings
from mentoring.settings import screens as settings_screens
from mentoring.settings.buttons import SETTINGS
from mentoring.text import split
from mentoring.todos.buttons import TODOS

EN, TR = translator("en"), translator("tr")


def todo_choices(count: int, label: str = "To-do {n}") -> list[Choice]:
    return [Choice(TODOS.encode("v", todo=n, page=0), Raw(label.format(n=n))) for n in range(1, count + 1)]


def test_plain_words_are_one_text_message() -> None:
    [message] = messages_of(Reply(Screen(Raw("Merhaba"))), EN)
    assert message.kind == "text"
    assert message.body == {"body": "Merhaba", "preview_url": False}


def test_long_words_are_split_between_words_and_nothing_is_lost() -> None:
    words = " ".join(f"kelime{n}" for n in range(1500))  # 15,389 characters
    messages = messages_of(Reply(Screen(Raw(words))), EN)
    assert len(words) == 15_389 and len(messages) == 4
    bodies = [message.body["body"] for message in messages]
    assert all(len(body) <= TEXT_LIMIT for body in bodies)
    # Cut at spaces only: every part starts and ends with a whole word.
    assert " ".join(bodies) == words
    assert all(body.startswith("kelime") and body[-1].isdigit() for body in bodies)


def test_split_prefers_a_paragraph_then_a_line() -> None:
    text = "a" * 50 + "\n\n" + "b" * 30 + "\n" + "c" * 30
    assert split(text, 80) == ["a" * 50, "b" * 30 + "\n" + "c" * 30]
    assert split("x" * 25, 10) == ["x" * 10, "x" * 10, "x" * 5]  # one long word: cut inside
    assert split("", 10) == [""]


def test_up_to_three_choices_are_reply_buttons_with_short_titles() -> None:
    choices = [
        Choice(SETTINGS.encode("pause"), Text("Pause for a week")),
        Choice(SETTINGS.encode("leave"), Text("On leave until…"), short=Text("On leave")),
    ]
    [message] = messages_of(Reply(Screen(Raw("Ayarlar"), [choices])), EN)
    assert message.kind == "interactive" and message.body["type"] == "button"
    assert message.body["body"] == {"text": "Ayarlar"}
    buttons = message.body["action"]["buttons"]
    assert [b["reply"]["id"] for b in buttons] == ["set:pause", "set:leave"]
    assert [b["reply"]["title"] for b in buttons] == ["Pause for a week", "On leave"]


def test_four_to_ten_choices_are_one_list_with_the_long_label_as_description() -> None:
    choices = todo_choices(3) + [
        Choice(TODOS.encode("add"), Raw("Add a new to-do for this week's work"), short=Raw("Add a to-do")),
    ]
    [message] = messages_of(Reply(Screen(Raw("Listen"), [choices])), EN)
    assert message.body["type"] == "list"
    assert message.body["action"]["button"] == "Choose"
    rows = message.body["action"]["sections"][0]["rows"]
    assert [row["id"] for row in rows] == ["todo:v:1:0", "todo:v:2:0", "todo:v:3:0", "todo:add"]
    assert rows[0] == {"id": "todo:v:1:0", "title": "To-do 1"}  # nothing more to say: no description
    assert rows[3] == {"id": "todo:add", "title": "Add a to-do", "description": "Add a new to-do for this week's work"}


def test_more_than_ten_choices_are_numbered_lists_of_ten() -> None:
    messages = messages_of(Reply(Screen(Raw("Hepsi"), [todo_choices(23)])), TR)
    assert [m.body["type"] for m in messages] == ["list", "list", "list"]
    rows = [row["id"] for m in messages for row in m.body["action"]["sections"][0]["rows"]]
    assert rows == [TODOS.encode("v", todo=n, page=0) for n in range(1, 24)]  # each once, in order
    assert all(len(m.body["action"]["sections"][0]["rows"]) <= MAX_ROWS for m in messages)
    openers = [m.body["action"]["button"] for m in messages]
    assert openers == [TR.gettext("Choose ({page}/{pages})").format(page=n, pages=3) for n in (1, 2, 3)]
    assert openers[0] != openers[1] and all(len(o) <= BUTTON_TITLE_LIMIT for o in openers)
    assert messages[0].body["body"]["text"] == "Hepsi" and messages[1].body["body"]["text"] == "(2/3)"


def test_words_too_long_for_an_interactive_body_go_first_as_text() -> None:
    words = "\n".join(f"Satır {n}:" + " ayrıntı" * 10 for n in range(40))  # about 3,600 characters
    messages = messages_of(Reply(Screen(Raw(words), [todo_choices(2)])), EN)
    *texts, last = messages
    assert [m.kind for m in texts] == ["text"] * len(texts) and texts
    assert last.kind == "interactive" and len(last.body["body"]["text"]) <= BODY_LIMIT
    assert "\n".join([*(m.body["body"] for m in texts), last.body["body"]["text"]]) == words


def test_a_single_link_is_a_url_button_and_links_beside_choices_are_lines() -> None:
    link = Choice.link("https://example.org/rehber", Text("Privacy notice"), short=Raw("Notice"))
    [alone] = messages_of(Reply(Screen(Raw("Okuyun"), [[link]])), EN)
    assert alone.body["type"] == "cta_url"
    assert alone.body["action"]["parameters"] == {"display_text": "Notice", "url": "https://example.org/rehber"}
    [mixed] = messages_of(Reply(Screen(Raw("Okuyun"), [[link], todo_choices(1)])), EN)
    assert mixed.body["type"] == "button"
    assert mixed.body["body"]["text"] == "Okuyun\n\nPrivacy notice: https://example.org/rehber"


def test_media_is_sent_by_reference_or_uploaded_first(tmp_path: Path) -> None:
    chart = tmp_path / "chart.png"
    chart.write_bytes(b"\x89PNG")
    [photo] = messages_of(Reply(Screen(Raw("Hafta 3"), media=Media("photo", path=chart))), EN)
    assert photo.kind == "image" and photo.body == {"caption": "Hafta 3"}
    assert photo.upload == Media("photo", path=chart)
    voice, buttons = messages_of(
        Reply(Screen(Raw("Sesli not"), [todo_choices(1)], media=Media("voice", file_id="wamid-media-7"))), EN
    )
    # A voice note takes no caption; the words and the choices follow it.
    assert (voice.kind, voice.body, voice.upload) == ("audio", {"id": "wamid-media-7"}, None)
    assert buttons.body["type"] == "button" and buttons.body["body"]["text"] == "Sesli not"


def test_a_notice_is_a_message_only_when_it_must_be_read() -> None:
    screen = Screen(Raw("Liste"))
    toast = messages_of(Reply(screen, notice=Notice(Raw("Kaydedildi"))), EN)
    assert [m.body["body"] for m in toast] == ["Liste"]  # the screen itself shows the change
    alert = messages_of(Reply(screen, notice=Notice(Raw("Bu düğme eski"), alert=True)), EN)
    assert [m.body["body"] for m in alert] == ["Bu düğme eski", "Liste"]
    alone = messages_of(Reply(notice=Notice(Raw("Kaydedildi"))), EN)
    assert [m.body["body"] for m in alone] == ["Kaydedildi"]


def test_fit_cuts_a_grown_label_at_a_space_with_an_ellipsis() -> None:
    assert fit("Kısa", 20) == "Kısa"
    assert fit("Bu hafta için yeni bir hedef", 20) == "Bu hafta için yeni…"
    assert len(fit("x" * 30, 20)) == 20


@pytest.mark.parametrize("tr", [TR, EN], ids=["tr", "en"])
def test_the_settings_screens_fit_whatsapp_in_both_languages(tr) -> None:
    view = PersonalSettings("Europe/Istanbul", time(22), time(8), None)
    now = datetime(2026, 11, 29, 9, tzinfo=UTC)
    for screen in (settings_screens.menu(view, now), settings_screens.zones(), settings_screens.quiet_hours()):
        for message in messages_of(Reply(screen), tr):
            action = message.body.get("action", {})
            for button in action.get("buttons", []):
                assert len(button["reply"]["title"]) <= BUTTON_TITLE_LIMIT
                assert not button["reply"]["title"].endswith("…"), "short labels are written to fit"
            for section in action.get("sections", []):
                for row in section["rows"]:
                    assert len(row["title"]) <= ROW_TITLE_LIMIT and not row["title"].endswith("…")
                    assert len(row.get("description", "")) <= ROW_DESCRIPTION_LIMIT


def test_a_voice_note_with_words_and_no_choices_keeps_its_words() -> None:
    voice, words = messages_of(Reply(Screen(Raw("Mentorunuzun sesli yanıtı"), media=Media("voice", file_id="m1"))), EN)
    assert (voice.kind, voice.body) == ("audio", {"id": "m1"})
    assert (words.kind, words.body["body"]) == ("text", "Mentorunuzun sesli yanıtı")


def test_media_without_words_still_carries_its_choices() -> None:
    photo, buttons = messages_of(Reply(Screen(Raw(""), [todo_choices(1)], media=Media("photo", file_id="p1"))), EN)
    assert photo.kind == "image" and buttons.body["type"] == "button"


def test_reply_buttons_that_meet_once_cut_are_told_apart() -> None:
    same = "Çocuklarla kitap okuma saati"  # 28 characters: both cut to the same 20
    choices = [Choice(TODOS.encode("v", todo=n, page=0), Raw(same)) for n in (1, 2)]
    [message] = messages_of(Reply(Screen(Raw("Hangisi?"), [choices])), TR)
    titles = [b["reply"]["title"] for b in message.body["action"]["buttons"]]
    assert len(set(titles)) == 2 and all(len(title) <= BUTTON_TITLE_LIMIT for title in titles)
    assert titles[1].endswith(" 2")


def test_a_single_list_has_no_section_title() -> None:
    [message] = messages_of(Reply(Screen(Raw("Liste"), [todo_choices(5)])), EN)
    assert message.body["action"]["sections"] == [{"rows": message.body["action"]["sections"][0]["rows"]}]


def test_a_file_whatsapp_cannot_carry_gives_way_to_where_to_get_it() -> None:
    export = Screen(Text("Nar: figures as CSV files (UTF-8). No texts people wrote are included.", programme="Nar"),
                    media=Media("document", content=b"PK\x03\x04", filename="narbot-export-2026-11-29.zip",
                                elsewhere=Raw("Send /export in Telegram.")))
    [message] = messages_of(Reply(export), TR)
    assert message.kind == "text" and message.upload is None  # no ZIP disguised as anything
    assert message.body["body"].endswith("\n\nSend /export in Telegram.")

    mydata = Screen(Raw("Your data"), media=Media("document", content=b"{}", filename="narbot-mydata.json"))
    [document] = messages_of(Reply(mydata), TR)
    assert document.kind == "document" and document.upload is not None  # JSON is text: it goes (as .txt)
    assert document_form("narbot-mydata.json") == ("narbot-mydata.json.txt", "text/plain")
    assert document_form("report.pdf") == ("report.pdf", "application/pdf")
    assert document_form("narbot-export.zip") is None
