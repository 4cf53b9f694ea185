"""The bot's request: JSON calls over the lean client, uploads and downloads over HTTPX, real HTTP."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from telegram import Bot, InputFile
from telegram.error import BadRequest, TimedOut
from telegram.request import HTTPXRequest

from bot.bot_request import BotRequest, bot_request, lean_request_for
from bot.reply_bot import _never_left
from bot.sender_http import LeanRequest, NeverLeft
from tests.standin import BotApiStandIn

TOKEN = "123456:TEST-TOKEN"
USER = 4242


class CountingLean(LeanRequest):
    """The real lean request, noting the Bot API methods it carried."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.methods: list[str] = []

    async def do_request(self, url: str, method: str, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        self.methods.append(url.rsplit("/", 1)[-1])
        return await super().do_request(url, method, *args, **kwargs)


class CountingHTTPX(HTTPXRequest):
    """PTB's real HTTPX request, noting what it carried (method and HTTP verb)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.methods: list[str] = []

    async def do_request(self, url: str, method: str, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        self.methods.append(f"{method} {url.rsplit('/', 1)[-1]}")
        return await super().do_request(url, method, *args, **kwargs)


@pytest.fixture
async def api() -> AsyncIterator[BotApiStandIn]:
    async with BotApiStandIn(TOKEN) as standin:
        yield standin


async def test_json_calls_go_the_lean_way_files_and_downloads_through_httpx(api: BotApiStandIn) -> None:
    lean, files, polling = CountingLean(), CountingHTTPX(), CountingLean(1)
    bot = Bot(TOKEN, base_url=api.base_url, base_file_url=api.base_file_url, request=BotRequest(lean, files),
              get_updates_request=BotRequest(polling, HTTPXRequest(connection_pool_size=1)))
    api.push_message(USER, "merhaba")
    async with bot:
        [update] = await bot.get_updates()
        sent = await bot.send_message(USER, "Bu haftanın sorusu hazır.")
        document = await bot.send_document(USER, InputFile(b"a;b\n1;2\n", filename="rapor.csv"))
        file = await bot.get_file(document.document.file_id)
        content = bytes(await file.download_as_bytearray())
        with pytest.raises(BadRequest):  # PTB still maps the lean answers to its errors
            await bot.send_message(USER, "")

    assert update.message.text == "merhaba"
    assert sent.text == "Bu haftanın sorusu hazır." and sent.chat.id == USER
    assert content == b"a;b\n1;2\n"
    assert [m["text"] for m in api.messages_to(USER) if "text" in m] == ["Bu haftanın sorusu hazır."]
    assert polling.methods == ["getUpdates"] and "getFile" in lean.methods
    assert lean.methods.count("sendMessage") == 2
    assert files.methods[0] == "POST sendDocument"
    assert len(files.methods) == 2 and files.methods[1].startswith("GET ")  # the download
    assert "sendMessage" not in " ".join(files.methods)


@asynccontextmanager
async def _silent_server() -> AsyncIterator[str]:
    """A Bot API address that takes connections and never answers; its sendMessage URL."""
    hold = asyncio.Event()

    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await hold.wait()
        writer.close()

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    try:
        yield f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/bot{TOKEN}/sendMessage"
    finally:
        hold.set()
        server.close()
        await server.wait_closed()


async def test_a_lean_pool_timeout_says_the_request_never_left() -> None:
    """A reply that could not even get a connection may be queued and sent again (bot/reply_bot.py)."""
    lean = LeanRequest(connection_pool_size=1, pool_timeout=0.05, read_timeout=5)
    async with _silent_server() as url:
        busy = asyncio.create_task(lean.do_request(url, "POST"))
        try:
            await asyncio.sleep(0)  # the first request takes the only connection
            with pytest.raises(TimedOut) as waited:
                await lean.do_request(url, "POST")
            assert isinstance(waited.value.__cause__, NeverLeft)
            assert _never_left(waited.value)
        finally:
            busy.cancel()
            await asyncio.gather(busy, return_exceptions=True)
            await lean.shutdown()


async def test_a_read_timeout_is_in_doubt() -> None:
    """A request that reached Telegram and timed out waiting for the answer may have been delivered."""
    lean = LeanRequest(read_timeout=0.1)
    async with _silent_server() as url:
        try:
            with pytest.raises(TimedOut) as waited:
                await lean.do_request(url, "POST")
            assert not isinstance(waited.value.__cause__, NeverLeft)
            assert not _never_left(waited.value)
        finally:
            await lean.shutdown()


def test_the_bot_keeps_plain_httpx_behind_a_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    request = bot_request(8)
    assert isinstance(request, BotRequest) and request.read_timeout == 5.0
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    assert type(bot_request(8)) is HTTPXRequest


def test_paid_broadcasts_get_a_lean_request_of_their_own(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    request = bot_request(8)
    assert isinstance(request, BotRequest)
    own = lean_request_for(request)
    # Its own pool: the courier closes it when the sender stops, while the bot still replies.
    assert isinstance(own, LeanRequest) and own is not request.lean
