"""The Bot API stand-in, exercised the way the bot uses it: real PTB over real HTTP."""

from __future__ import annotations

import asyncio
import datetime as dtm
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import web
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllPrivateChats,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    ReplyKeyboardMarkup,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    Conflict,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TimedOut,
)
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from tests.standin import BotApiStandIn, parse_html, parse_markdown_v2

TOKEN = "123456:TEST-TOKEN"
USER = 1001


@pytest.fixture
async def api() -> AsyncIterator[BotApiStandIn]:
    async with BotApiStandIn(TOKEN) as standin:
        yield standin


def make_bot(api: BotApiStandIn, token: str = TOKEN) -> Bot:
    return Bot(token, base_url=api.base_url, base_file_url=api.base_file_url)


@pytest.fixture
async def bot(api: BotApiStandIn) -> AsyncIterator[Bot]:
    async with make_bot(api) as the_bot:
        yield the_bot


def keyboard(*data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(d.title(), callback_data=d) for d in data]])


async def running(app: Application) -> None:
    await app.initialize()
    await app.updater.start_polling(poll_interval=0, timeout=dtm.timedelta(seconds=5))
    await app.start()


async def stopped(app: Application) -> None:
    await app.updater.stop()
    await app.stop()
    await app.shutdown()


def build_app(api: BotApiStandIn) -> Application:
    return (
        ApplicationBuilder()
        .token(TOKEN)
        .base_url(api.base_url)
        .base_file_url(api.base_file_url)
        .build()
    )


# --------------------------------------------------------------------------- basics


async def test_get_me_returns_the_bot(bot: Bot) -> None:
    me = await bot.get_me()
    assert (me.username, me.first_name, me.id, me.is_bot) == (
        "narbot_test_bot",
        "Narbot",
        123456,
        True,
    )


async def test_wrong_token_is_invalid_token(api: BotApiStandIn) -> None:
    with pytest.raises(InvalidToken):
        async with make_bot(api, "123456:WRONG"):
            pass
    assert api.stats.by_status[401] == 1


async def test_unknown_method_is_404(bot: Bot) -> None:
    with pytest.raises(EndPointNotFound):
        await bot.do_api_request("sendTelepathy", api_kwargs={"chat_id": USER})


# --------------------------------------------------------------------------- sending and editing


async def test_send_message_with_inline_keyboard_is_stored(api: BotApiStandIn, bot: Bot) -> None:
    sent = await bot.send_message(USER, "Bu hafta nasıldı?", reply_markup=keyboard("good", "hard"))

    assert sent.message_id == 1 and sent.chat.type == "private"
    assert sent.reply_markup == keyboard("good", "hard")
    [stored] = api.messages_to(USER)
    assert stored["text"] == "Bu hafta nasıldı?"
    assert [b["callback_data"] for b in stored["reply_markup"]["inline_keyboard"][0]] == [
        "good",
        "hard",
    ]
    assert api.stats.delivered == [(USER, "Bu hafta nasıldı?")]
    method, params = api.requests[-1]
    assert method == "sendMessage" and params["chat_id"] == USER


async def test_numeric_text_stays_a_string(api: BotApiStandIn, bot: Bot) -> None:
    await bot.send_message(USER, "123")
    assert api.messages_to(USER)[0]["text"] == "123"
    assert api.requests[-1][1]["text"] == "123"


async def test_edits_are_reflected(api: BotApiStandIn, bot: Bot) -> None:
    sent = await bot.send_message(USER, "Soru 1", reply_markup=keyboard("a", "b"))

    await bot.edit_message_reply_markup(USER, sent.message_id, reply_markup=keyboard("c"))
    assert api.messages_to(USER)[0]["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "c"

    edited = await bot.edit_message_text(
        "Soru 1 ✓", USER, sent.message_id, reply_markup=keyboard("c")
    )
    assert edited.text == "Soru 1 ✓" and edited.edit_date is not None
    [stored] = api.messages_to(USER)
    assert stored["text"] == "Soru 1 ✓" and "reply_markup" in stored

    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_text("Soru 1 ✓", USER, sent.message_id, reply_markup=keyboard("c"))

    # As on Telegram, an edit that does not repeat the keyboard removes it.
    await bot.edit_message_text("Teşekkürler", USER, sent.message_id)
    assert "reply_markup" not in api.messages_to(USER)[0]

    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("x", USER, 999)


async def test_delete_message(api: BotApiStandIn, bot: Bot) -> None:
    sent = await bot.send_message(USER, "geçici")
    assert await bot.delete_message(USER, sent.message_id)
    assert api.messages_to(USER) == []
    with pytest.raises(BadRequest, match=r"(?i)message to delete not found"):
        await bot.delete_message(USER, sent.message_id)


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"text": ""}, "(?i)message text is empty"),
        ({"text": "x" * 4097}, "(?i)message is too long"),
        ({"text": "ok", "reply_markup": keyboard("x" * 65)}, "(?i)BUTTON_DATA_INVALID"),
        ({"text": "<b>kalın", "parse_mode": ParseMode.HTML}, "(?i)can't find end tag"),
        (
            {"text": "Merhaba.", "parse_mode": ParseMode.MARKDOWN_V2},
            r"(?i)character '\.' is reserved",
        ),
    ],
)
async def test_bad_requests(api: BotApiStandIn, bot: Bot, kwargs: dict, error: str) -> None:
    with pytest.raises(BadRequest, match=error):
        await bot.send_message(USER, **kwargs)
    assert api.messages_to(USER) == [] and api.stats.by_status[400] == 1


async def test_missing_chat_id_over_raw_http(api: BotApiStandIn) -> None:
    async with aiohttp.ClientSession() as session:
        async with session.post(
            f"{api.base_url}{TOKEN}/sendMessage", data={"text": "hi"}
        ) as response:
            assert response.status == 400
            assert await response.json() == {
                "ok": False,
                "error_code": 400,
                "description": "Bad Request: chat_id is empty",
            }
        # JSON bodies and GET query strings are accepted too, as on Telegram.
        async with session.post(
            f"{api.base_url}{TOKEN}/sendMessage", json={"chat_id": USER, "text": "42"}
        ) as response:
            assert (await response.json())["result"]["text"] == "42"
        async with session.get(f"{api.base_url}{TOKEN}/getme") as response:
            assert (await response.json())["result"]["username"] == "narbot_test_bot"


async def test_html_is_parsed_into_entities(api: BotApiStandIn, bot: Bot) -> None:
    sent = await bot.send_message(
        USER,
        "  <b>Merhaba</b> Ayşe &amp; <a href='https://example.org'>plan</a>\n",
        parse_mode=ParseMode.HTML,
    )
    assert sent.text == "Merhaba Ayşe & plan"
    assert [(e.type, e.offset, e.length) for e in sent.entities] == [
        ("bold", 0, 7),
        ("text_link", 15, 4),
    ]


def test_markdown_v2_parser() -> None:
    text, entities = parse_markdown_v2("*Hafta 3* \\- _not_ [plan](https://x.org/a\\)b) ||gizli||")
    assert text == "Hafta 3 - not plan gizli"
    assert [(e["type"], e["offset"], e["length"]) for e in entities] == [
        ("bold", 0, 7),
        ("italic", 10, 3),
        ("text_link", 14, 4),
        ("spoiler", 19, 5),
    ]
    assert entities[2]["url"] == "https://x.org/a)b"


def test_html_parser_counts_utf16_offsets() -> None:
    text, entities = parse_html(
        '🌱 <i>büyüme</i> <pre><code class="language-python">x=1</code></pre>'
    )
    assert text == "🌱 büyüme x=1"
    assert entities == [
        {"offset": 3, "length": 6, "type": "italic"},
        {"offset": 10, "length": 3, "type": "pre", "language": "python"},
    ]


async def test_send_document_and_download_it(api: BotApiStandIn, bot: Bot) -> None:
    payload = "ad;soyad\nAyşe;Yılmaz\n".encode()
    sent = await bot.send_document(USER, InputFile(payload, filename="rapor.csv"), caption="Rapor")

    assert (sent.document.file_name, sent.document.file_size, sent.caption) == (
        "rapor.csv",
        len(payload),
        "Rapor",
    )
    [stored] = api.messages_to(USER)
    assert stored["document"]["file_name"] == "rapor.csv" and stored["caption"] == "Rapor"
    file = await bot.get_file(sent.document.file_id)
    assert bytes(await file.download_as_bytearray()) == payload


async def test_send_photo_records_the_image(api: BotApiStandIn, bot: Bot) -> None:
    png = (
        bytes.fromhex("89504e470d0a1a0a0000000d49484452")
        + (640).to_bytes(4, "big")
        + (480).to_bytes(4, "big")
    )
    sent = await bot.send_photo(USER, InputFile(png, filename="qr.png"), caption="QR")
    assert (sent.photo[-1].width, sent.photo[-1].height, sent.caption) == (640, 480, "QR")
    assert api.files[sent.photo[-1].file_id].file_name == "qr.png"


async def test_reply_keyboard_and_chat_action(api: BotApiStandIn, bot: Bot) -> None:
    await bot.send_chat_action(USER, "typing")
    await bot.send_message(USER, "Seç", reply_markup=ReplyKeyboardMarkup([["Evet", "Hayır"]]))
    assert api.reply_keyboard(USER) == [["Evet", "Hayır"]]
    assert "reply_markup" not in api.messages_to(USER)[0]  # only inline keyboards live on a Message
    assert [m for m, _ in api.requests] == ["getMe", "sendChatAction", "sendMessage"]


async def test_commands_are_stored_per_scope_and_language(api: BotApiStandIn, bot: Bot) -> None:
    await bot.set_my_commands(
        [BotCommand("start", "Başla"), BotCommand("help", "Yardım")], language_code="tr"
    )
    await bot.set_my_commands(
        [BotCommand("start", "Start")], scope=BotCommandScopeAllPrivateChats()
    )

    assert [c["command"] for c in api.commands[(None, "tr")]] == ["start", "help"]
    assert api.commands[("all_private_chats", None)] == [
        {"command": "start", "description": "Start"}
    ]
    assert [c.command for c in await bot.get_my_commands(language_code="tr")] == ["start", "help"]

    await bot.delete_my_commands(language_code="tr")
    assert ("default", "tr") not in api.commands
    with pytest.raises(BadRequest, match=r"(?i)BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand("Start!", "x")])


# --------------------------------------------------------------------------- updates


async def test_pushed_message_arrives_through_get_updates(api: BotApiStandIn, bot: Bot) -> None:
    pushed = api.push_message(USER, "/start davet123", first_name="Zeynep", username="zeynep")

    [update] = await bot.get_updates(timeout=0)
    assert update.update_id == pushed["update_id"]
    message = update.message
    assert (message.text, message.from_user.first_name, message.from_user.language_code) == (
        "/start davet123",
        "Zeynep",
        "tr",
    )
    assert message.entities[0].type == "bot_command" and message.entities[0].length == len("/start")
    assert message.chat.type == "private" and message.chat.id == USER

    # Unconfirmed updates come again; an offset past them confirms and drops them.
    assert [u.update_id for u in await bot.get_updates(timeout=0)] == [update.update_id]
    assert await bot.get_updates(offset=update.update_id + 1, timeout=0) == ()


async def test_group_message_and_media_updates(
    api: BotApiStandIn, bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    api.push_message(USER, "Merhaba grup", chat_id=-4001)
    api.push_sticker(USER)
    api.push_voice(USER, duration=7)
    api.push_photo(USER, caption="işbaşı")

    group, sticker, voice, photo = await bot.get_updates(timeout=0)
    assert (group.message.chat.type, group.message.chat.id) == ("group", -4001)
    assert sticker.message.sticker.emoji == "👍"
    assert voice.message.voice.duration == dtm.timedelta(seconds=7)
    assert photo.message.caption == "işbaşı" and len(photo.message.photo) == 2
    assert (await (await bot.get_file(voice.message.voice.file_id)).download_as_bytearray())[
        :4
    ] == b"OggS"


async def test_long_poll_returns_promptly_when_an_update_is_pushed(
    api: BotApiStandIn, bot: Bot
) -> None:
    loop = asyncio.get_running_loop()
    poll = asyncio.create_task(bot.get_updates(timeout=30, read_timeout=40))
    await api.wait_for_request("getUpdates", lambda p: p.get("timeout") == 30)
    started = loop.time()
    api.push_message(USER, "selam")

    updates = await asyncio.wait_for(poll, timeout=5)
    assert [u.message.text for u in updates] == ["selam"]
    assert loop.time() - started < 5


async def test_a_second_poller_ends_the_first_with_conflict(api: BotApiStandIn, bot: Bot) -> None:
    first = asyncio.create_task(bot.get_updates(timeout=30, read_timeout=40))
    await api.wait_for_request("getUpdates")
    async with make_bot(api) as other:
        assert await other.get_updates(timeout=0) == ()
    with pytest.raises(Conflict, match="terminated by other getUpdates request"):
        await asyncio.wait_for(first, timeout=5)


async def test_application_echoes_a_pushed_message(api: BotApiStandIn) -> None:
    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.effective_message.reply_text(
            f"Sen: {update.effective_message.text}", do_quote=True
        )

    app = build_app(api)
    app.add_handler(MessageHandler(filters.TEXT, echo))
    await running(app)
    try:
        api.push_message(USER, "Bugün zor bir vardiyaydı")
        [reply] = await api.wait_for_messages(USER, 1)
    finally:
        await stopped(app)
    assert reply["text"] == "Sen: Bugün zor bir vardiyaydı"
    assert reply["reply_to_message"]["text"] == "Bugün zor bir vardiyaydı"


async def test_application_answers_a_callback_and_edits(api: BotApiStandIn, bot: Bot) -> None:
    async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        await query.answer("Kaydedildi")
        await query.edit_message_text(f"Seçimin: {query.data}")

    question = await bot.send_message(
        USER, "Bu hafta nasıldı?", reply_markup=keyboard("good", "hard")
    )
    app = build_app(api)
    app.add_handler(CallbackQueryHandler(on_button))
    await running(app)
    try:
        api.push_callback(USER, "hard", message_id=question.message_id)
        await api.wait_for_request("editMessageText")
    finally:
        await stopped(app)
    assert api.answered_callbacks[0]["text"] == "Kaydedildi"
    [stored] = api.messages_to(USER)
    assert stored["text"] == "Seçimin: hard" and "reply_markup" not in stored
    with pytest.raises(LookupError):
        api.push_callback(USER, "x", message_id=999)


async def test_wait_for_messages_explains_a_timeout(api: BotApiStandIn, bot: Bot) -> None:
    await bot.send_message(USER, "tek mesaj")
    with pytest.raises(TimeoutError, match=r"got 1: \['tek mesaj'\](.|\n)*sendMessage 1001 -> 200"):
        await api.wait_for_messages(USER, 2, timeout=0.05)


# --------------------------------------------------------------------------- failures on purpose


async def test_rate_limit_raises_retry_after(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(
        "PTB_TIMEDELTA", "true"
    )  # read retry_after without PTB's deprecation warning
    async with BotApiStandIn(TOKEN, rate_limit_per_second=2) as api, make_bot(api) as bot:
        await bot.send_message(USER, "1")
        await bot.send_message(USER + 1, "2")
        with pytest.raises(RetryAfter) as caught:
            await bot.send_message(USER + 2, "3")
    assert caught.value.retry_after >= dtm.timedelta(seconds=1)
    assert (api.stats.ok, api.stats.rate_limited) == (3, 1)  # getMe + two sends
    assert len(api.stats.delivered) == 2


async def test_per_chat_interval(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    async with BotApiStandIn(TOKEN, per_chat_interval=30) as api, make_bot(api) as bot:
        await bot.send_message(USER, "1")
        await bot.send_message(USER + 1, "other chat is fine")
        with pytest.raises(RetryAfter) as caught:
            await bot.send_message(USER, "2")
    assert dtm.timedelta(seconds=29) <= caught.value.retry_after <= dtm.timedelta(seconds=30)


async def test_blocked_chat_is_forbidden() -> None:
    async with BotApiStandIn(TOKEN, blocked_chat_ids={USER}) as api, make_bot(api) as bot:
        with pytest.raises(Forbidden, match="bot was blocked by the user"):
            await bot.send_message(USER, "hello?")
        api.blocked_chat_ids.discard(USER)  # the user unblocks
        await bot.send_message(USER, "welcome back")
    assert api.stats.forbidden == 1 and api.stats.delivered == [(USER, "welcome back")]


async def test_strict_chats_refuse_users_who_never_wrote() -> None:
    async with BotApiStandIn(TOKEN, strict_chats=True) as api, make_bot(api) as bot:
        with pytest.raises(Forbidden, match="can't initiate conversation"):
            await bot.send_message(USER, "hi")
        api.push_message(USER, "/start")
        await bot.send_message(USER, "hi")


async def test_faults_are_server_errors_or_hung_requests() -> None:
    async with (
        BotApiStandIn(TOKEN, fault_rate=1.0, timeout_delay=0.05, seed=7) as api,
        make_bot(api) as bot,
    ):
        errors = []
        for i in range(12):
            with pytest.raises(NetworkError) as caught:
                await bot.send_message(USER, f"m{i}")
            errors.append(str(caught.value))
        # A request hung longer than the client waits is a TimedOut for PTB.
        api.timeout_delay = 5
        with pytest.raises(TimedOut):
            await bot.send_message(USER, "late", read_timeout=0.2)
    assert api.messages_to(USER) == [] and api.stats.delivered == []
    assert api.stats.server_errors > 0 and api.stats.by_status[504] > 0
    assert api.stats.server_errors + api.stats.timeouts == 13
    assert "Gateway Timeout" in errors
    assert set(errors) <= {"Internal Server Error", "Bad Gateway", "Gateway Timeout"}
    assert len(set(errors)) > 1


async def test_faults_are_reproducible_with_a_seed() -> None:
    outcomes = []
    for _ in range(2):
        async with (
            BotApiStandIn(TOKEN, fault_rate=0.5, timeout_delay=0.01, seed=3) as api,
            make_bot(api) as bot,
        ):
            for i in range(10):
                try:
                    await bot.send_message(USER, f"m{i}")
                except NetworkError:
                    pass
        outcomes.append([c.status for c in api.calls])
    assert outcomes[0] == outcomes[1] and set(outcomes[0]) > {200}


# --------------------------------------------------------------------------- webhook


async def test_webhook_receives_pushed_updates_with_the_secret(
    api: BotApiStandIn, bot: Bot
) -> None:
    received: list[tuple[dict, str | None]] = []
    arrived = asyncio.Event()

    async def receive(request: web.Request) -> web.Response:
        received.append(
            (await request.json(), request.headers.get("X-Telegram-Bot-Api-Secret-Token"))
        )
        arrived.set()
        return web.Response()

    receiver = web.Application()
    receiver.router.add_post("/hook", receive)
    runner = web.AppRunner(receiver)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        port = runner.addresses[0][1]
        assert await bot.set_webhook(f"http://127.0.0.1:{port}/hook", secret_token="s3cr3t")
        info = await bot.get_webhook_info()
        assert info.url == f"http://127.0.0.1:{port}/hook"

        pushed = api.push_message(USER, "webhook'tan merhaba")
        await asyncio.wait_for(arrived.wait(), timeout=5)
        with pytest.raises(Conflict, match="webhook is active"):
            await bot.get_updates(timeout=0)
        assert await bot.delete_webhook()
    finally:
        await runner.cleanup()
    [(update, secret)] = received
    assert update == pushed and secret == "s3cr3t"
    assert api.webhook_deliveries == [
        {"update_id": pushed["update_id"], "url": info.url, "status": 200}
    ]
    assert (await bot.get_webhook_info()).pending_update_count == 0


# --------------------------------------------------------------------------- control API


async def test_control_api_over_http(api: BotApiStandIn, bot: Bot) -> None:
    async with aiohttp.ClientSession() as session:
        url = api.control_url
        async with session.post(
            f"{url}/users/{USER}/messages", json={"text": "/start", "first_name": "Elif"}
        ) as r:
            assert r.status == 200
            pushed = (await r.json())["result"]
        [update] = await bot.get_updates(timeout=0)
        assert (
            update.update_id == pushed["update_id"]
            and update.message.from_user.first_name == "Elif"
        )

        question = await bot.send_message(USER, "Hazır mısın?", reply_markup=keyboard("yes"))
        async with session.get(f"{url}/chats/{USER}/messages") as r:
            [listed] = (await r.json())["result"]
        assert listed["text"] == "Hazır mısın?"
        assert listed["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "yes"

        body = {"data": "yes", "message_id": question.message_id}
        async with session.post(f"{url}/users/{USER}/callbacks", json=body) as r:
            assert r.status == 200
        async with session.post(
            f"{url}/users/{USER}/callbacks", json={"data": "yes", "message_id": 99}
        ) as r:
            assert r.status == 404
        async with session.get(f"{url}/stats") as r:
            assert (await r.json())["result"]["delivered"] == 1
    [_, callback_update] = await bot.get_updates(timeout=0)
    assert callback_update.callback_query.data == "yes"
    assert callback_update.callback_query.message.message_id == question.message_id
    assert callback_update.callback_query.from_user.first_name == "Elif"


async def test_stop_is_prompt_with_a_long_poll_in_flight() -> None:
    api = BotApiStandIn(TOKEN)
    await api.start()
    async with make_bot(api) as bot:
        poll = asyncio.create_task(bot.get_updates(timeout=60, read_timeout=70))
        await api.wait_for_request("getUpdates")
        await asyncio.wait_for(api.stop(), timeout=5)
        assert await asyncio.wait_for(poll, timeout=5) == ()
