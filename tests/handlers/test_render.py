"""handlers.render through the real Application: replies become messages, updates become inputs.

A handler in group -3 (before the button guard and the consent gate) shows the
reply a test sets and records what `input_of` made of the update; everything
from there to the Bot API is production code (ReplyBot, PTB's serialisation).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from telegram import Update
from telegram.error import BadRequest
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)
from telegram.request import RequestData

from bot.app import build_application
from bot.settings import Settings
from handlers.render import input_of, render, show
from mentoring.clock import ManualClock
from mentoring.errors import DomainError
from mentoring.i18n import translator
from mentoring.refusals import refused
from mentoring.screens import (
    Choice,
    Media,
    Notice,
    Photo,
    Pressed,
    Raw,
    Reply,
    Screen,
    Text,
    Typed,
    Unsupported,
    Voice,
)
from mentoring.settings.buttons import SETTINGS
from tests.support.app import stop_app
from tests.support.offline import ChatUser, OfflineBotApi

REPLY_KEY, INPUTS_KEY = "test.reply", "test.inputs"
TOO_OLD = "Bad Request: message can't be edited"
NOT_MODIFIED = ("Bad Request: message is not modified: specified new message content and reply markup "
                "are exactly the same as a current content and reply markup of the message")


class FilesApi(OfflineBotApi):
    """The offline Bot API, keeping the files sent and answering sendVoice as well."""

    def __init__(self) -> None:
        super().__init__()
        self.files: list[tuple[str, str | None, bytes]] = []  # (method, filename, content)

    async def do_request(
        self, url: str, method: str, request_data: RequestData | None = None, **kwargs: Any
    ) -> tuple[int, bytes]:
        if request_data is not None:
            for filename, content, _mimetype in request_data.multipart_data.values():
                assert isinstance(content, bytes)
                self.files.append((url.rsplit("/", 1)[-1], filename, content))
        return await super().do_request(url, method, request_data, **kwargs)

    def _answer(self, api_method: str, params: dict[str, Any]) -> Any:
        if api_method == "sendVoice":
            message = super()._answer("sendPhoto", params)
            message["voice"] = {"file_id": "sent-voice", "file_unique_id": "sv", "duration": 3}
            return message
        return super()._answer(api_method, params)


async def _step(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A feature's adapter in two lines: the input goes in, the reply comes out."""
    context.bot_data[INPUTS_KEY].append(input_of(update))
    reply = context.bot_data.get(REPLY_KEY)
    if reply is not None:
        await show(update, context, reply)
    raise ApplicationHandlerStop


@pytest.fixture
async def app(settings: Settings, clock: ManualClock) -> AsyncIterator[tuple[Application, FilesApi]]:
    api = FilesApi()
    application = build_application(settings, clock=clock, request=api, get_updates_request=OfflineBotApi())
    await application.initialize()
    await application.post_init(application)  # type: ignore[misc]
    application.bot_data[INPUTS_KEY] = []
    application.add_handlers([
        CallbackQueryHandler(_step),
        MessageHandler(filters.ALL, _step),
    ], group=-3)
    yield application, api
    await stop_app(application)
    assert not api.unreadable_buttons


@pytest.fixture
def person(app: tuple[Application, FilesApi]) -> ChatUser:
    return ChatUser(*app, user_id=7001)


def showing(app: tuple[Application, FilesApi], reply: Reply | None) -> None:
    app[0].bot_data[REPLY_KEY] = reply


def settings_screen(replace: bool = False) -> Screen:
    return Screen(Text("Your settings"), [
        [Choice(SETTINGS.encode("tz"), Text("Time zone")), Choice(SETTINGS.encode("quiet"), Text("Quiet hours"))],
        [Choice.link("https://example.org/help", Text("Back"))],
    ], replace=replace)


def zone_screen() -> Screen:
    return Screen(Text("Choose your time zone:"), [[Choice(SETTINGS.encode("zone", zone="Asia/Baku"), Raw("Asia/Baku"))],
                                                   [Choice(SETTINGS.encode("menu"), Text("Back"))]], replace=True)


def keyboard_of(message: dict[str, Any]) -> list[list[dict[str, str]]]:
    markup = message.get("reply_markup") or {}
    return (json.loads(markup) if isinstance(markup, str) else markup).get("inline_keyboard", [])


async def test_a_new_screen_is_a_new_message_in_the_readers_language(
    app: tuple[Application, FilesApi], person: ChatUser
) -> None:
    showing(app, Reply(settings_screen()))
    await person.send("/settings")
    assert person.texts() == ["Ayarlarınız"]
    assert keyboard_of(person.messages()[-1]) == [
        [{"text": "Saat dilimi", "callback_data": "set:tz"}, {"text": "Sessiz saatler", "callback_data": "set:quiet"}],
        [{"text": "Geri", "url": "https://example.org/help"}],
    ]
    # The same screen for an English reader, as render() gives it.
    text, markup = render(settings_screen(), translator("en"))
    assert text == "Your settings"
    assert markup is not None and [b.text for row in markup.inline_keyboard for b in row] == [
        "Time zone", "Quiet hours", "Back"]
    # A screen that replaces, shown for a typed message, has nothing to replace: it is sent.
    showing(app, Reply(settings_screen(replace=True)))
    await person.send("/settings")
    assert person.texts() == ["Ayarlarınız", "Ayarlarınız"]
    assert app[1].calls_of("editMessageText") == [] and app[1].calls_of("answerCallbackQuery") == []


async def test_a_replacing_screen_edits_the_pressed_message_in_place(
    app: tuple[Application, FilesApi], person: ChatUser
) -> None:
    showing(app, Reply(settings_screen()))
    await person.send("/settings")
    showing(app, Reply(zone_screen()))
    await person.press("Saat dilimi")
    assert person.texts() == ["Saat diliminizi seçin:"]  # the same message, now the sub-menu
    assert person.buttons() == ["Asia/Baku", "Geri"]
    answers = app[1].calls_of("answerCallbackQuery")
    assert len(answers) == 1 and "text" not in answers[0]
    # A double tap makes the same edit again: Telegram says "not modified", nothing more is sent.
    app[1].fail_next["editMessageText"] = BadRequest(NOT_MODIFIED)
    await person.press("Asia/Baku")
    assert person.texts() == ["Saat diliminizi seçin:"]
    assert len(app[1].calls_of("answerCallbackQuery")) == 2


async def test_a_message_too_old_to_edit_gets_a_new_message(
    app: tuple[Application, FilesApi], person: ChatUser
) -> None:
    showing(app, Reply(settings_screen()))
    await person.send("/settings")
    app[1].fail_next["editMessageText"] = BadRequest(TOO_OLD)
    showing(app, Reply(zone_screen()))
    await person.press("Saat dilimi")
    assert person.texts() == ["Ayarlarınız", "Saat diliminizi seçin:"]  # the old one stays as it was
    assert person.buttons() == ["Asia/Baku", "Geri"]
    assert len(app[1].calls_of("editMessageText")) == 1
    assert len(app[1].calls_of("answerCallbackQuery")) == 1


async def test_a_notice_answers_the_press_once(
    app: tuple[Application, FilesApi], person: ChatUser
) -> None:
    showing(app, Reply(settings_screen()))
    await person.send("/settings")
    showing(app, Reply(settings_screen(replace=True), notice=Notice(Text("Time zone saved."))))
    await person.press("Saat dilimi")
    assert app[1].calls_of("answerCallbackQuery")[-1]["text"] == "Saat dilimi kaydedildi."
    assert not app[1].calls_of("answerCallbackQuery")[-1].get("show_alert")  # a toast, not an alert
    # A refusal: an alert, and no message changes.
    showing(app, refused(DomainError("stale_button")))
    await person.press("Saat dilimi")
    answers = app[1].calls_of("answerCallbackQuery")
    assert len(answers) == 2
    assert answers[-1]["text"] == "Bu düğme artık geçerli değil." and answers[-1]["show_alert"] is True
    assert person.texts() == ["Ayarlarınız"] and len(app[1].calls_of("editMessageText")) == 1
    # The same refusal of a typed message is a message (there is no press to answer).
    showing(app, refused(DomainError("bad_quiet_hours")))
    await person.send("25-99")
    assert person.last_text().startswith("Bu saatleri okuyamadım")
    assert len(app[1].calls_of("answerCallbackQuery")) == 2


async def test_a_notice_too_long_for_a_toast_is_written_in_the_chat(
    app: tuple[Application, FilesApi], person: ChatUser
) -> None:
    showing(app, Reply(settings_screen()))
    await person.send("/settings")
    showing(app, Reply(notice=Notice(Raw("x" * 201), alert=True)))
    await person.press("Saat dilimi")
    assert set(app[1].calls_of("answerCallbackQuery")[-1]) == {"callback_query_id"}  # no toast
    assert person.last_text() == "x" * 201


async def test_media_go_with_the_screens_words_and_choices(
    app: tuple[Application, FilesApi], person: ChatUser, tmp_path: Path
) -> None:
    export = tmp_path / "programme.zip"
    export.write_bytes(b"PK\x03\x04 export")
    showing(app, Reply(
        Screen(Text("Your settings"), [[Choice(SETTINGS.encode("menu"), Text("Back"))]],
               media=Media("photo", content=b"\x89PNG chart", filename="digest.png")),
        Screen(Raw("Nar programme"), media=Media("document", path=export), replace=True),
        Screen(Raw("y" * 1100), [[Choice(SETTINGS.encode("menu"), Text("Back"))]],
               media=Media("voice", file_id="voice-123")),
    ))
    await person.send("/export")
    photo, document = app[1].calls_of("sendPhoto"), app[1].calls_of("sendDocument")
    assert len(photo) == 1 and photo[0]["caption"] == "Ayarlarınız" and "reply_markup" in photo[0]
    assert len(document) == 1 and document[0]["caption"] == "Nar programme"
    assert app[1].files == [("sendPhoto", "digest.png", b"\x89PNG chart"),
                            ("sendDocument", "programme.zip", b"PK\x03\x04 export")]
    # Words too long for a caption follow the file, with the choices.
    voice = app[1].calls_of("sendVoice")
    assert len(voice) == 1 and voice[0]["voice"] == "voice-123" and "caption" not in voice[0]
    assert "reply_markup" not in voice[0]
    assert person.last_text() == "y" * 1100 and person.buttons() == ["Geri"]


async def test_updates_become_neutral_inputs(
    app: tuple[Application, FilesApi], person: ChatUser
) -> None:
    showing(app, Reply(settings_screen()))
    await person.send("Europe/Berlin")
    await person.send_voice(duration=12)
    await person.send_sticker()
    await person.process({"message": person._message(photo=[
        {"file_id": "small", "file_unique_id": "s", "width": 90, "height": 90},
        {"file_id": "large", "file_unique_id": "l", "width": 1280, "height": 1280},
    ], caption="my notes")})
    await person.press("Saat dilimi")
    assert app[0].bot_data[INPUTS_KEY] == [
        Typed("Europe/Berlin"),
        Voice("voice", 12),
        Unsupported("sticker"),
        Photo("large", "my notes"),
        Pressed("set:tz"),
    ]
