"""The sender at paid-broadcast pace: marks batched, requests through the lean HTTP client, every row once.

Against the Bot API stand-in over real HTTP, with PTB's plain HTTPX request on the bot (so the
courier's lean request is used, bot/sender_http.py) and a virtual timer.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import Bot
from telegram.error import BadRequest, RetryAfter, TimedOut
from telegram.request import HTTPXRequest, RequestData
from telegram.request._requestparameter import RequestParameter

from bot.bot_request import lean_request_for
from bot.sender import GROUP_SECONDS, Sender, SenderConfig
from bot.sender_http import LeanRequest
from bot.telegram_courier import TelegramCourier
from mentoring.clock import ManualClock
from mentoring.outbox import Button
from storage.models import OutboxMessage
from storage.repositories import outbox
from tests.standin import ApiError, BotApiStandIn
from tests.support.sender import VirtualTimer, add_person, queue, row

TOKEN = "123456:TEST-TOKEN"


class WatchingStandIn(BotApiStandIn):
    """Checks, as each sendMessage arrives, that its row was committed as started; can answer with
    scripted faults first (an ApiError to raise, or a delay in seconds before answering)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sessions: async_sessionmaker[AsyncSession] | None = None
        self.unmarked: list[str] = []
        self.faults: list[ApiError | float] = []

    async def _api_sendMessage(self, params: Any) -> Any:
        if self.sessions is not None:
            async with self.sessions() as session:
                started = await session.scalar(
                    select(OutboxMessage.attempt_started_at).where(OutboxMessage.text == params["text"])
                )
            if started is None:
                self.unmarked.append(params["text"])
        if self.faults:
            fault = self.faults.pop(0)
            if isinstance(fault, ApiError):
                raise fault
            await asyncio.sleep(fault)
        return await super()._api_sendMessage(params)


@pytest.fixture
async def api(sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[WatchingStandIn]:
    async with WatchingStandIn(TOKEN) as standin:
        standin.sessions = sessions
        yield standin


@pytest.fixture
async def bot(api: WatchingStandIn) -> AsyncIterator[Bot]:
    # PTB's own HTTPX request, as the application has it: the courier then uses its lean request.
    async with Bot(TOKEN, base_url=api.base_url, request=HTTPXRequest(read_timeout=0.5)) as the_bot:
        yield the_bot


def paid_sender(
    bot: Bot, sessions: async_sessionmaker[AsyncSession], clock: ManualClock, rate: float = 1000, **config: Any
) -> Sender:
    timer = VirtualTimer()
    courier = TelegramCourier(bot, 25, paid_broadcast_rate=rate, timer=timer)  # type: ignore[arg-type]
    assert courier.lean is not None
    return Sender(
        {"telegram": courier}, sessions, clock, SenderConfig(**config),
        timer=timer, rng=random.Random(1),  # type: ignore[arg-type]
    )


async def _people(sessions, clock, count: int, kind: str = "reflection_prompt", first: int = 3000) -> list[str]:
    texts = []
    for n in range(count):
        person = await add_person(sessions, clock.now(), first + n)
        text = f"{kind} {n}"
        await queue(sessions, clock.now(), text, kind=kind, person_id=person, respect_quiet_hours=False)
        texts.append(text)
    return texts


async def _statuses(sessions: async_sessionmaker[AsyncSession]) -> list[str]:
    async with sessions() as session:
        return list(await session.scalars(select(OutboxMessage.status)))


@pytest.fixture
def marks(monkeypatch) -> list[int]:
    """How many rows each mark (one statement, one commit) covered, in order."""
    counts: list[int] = []
    real = outbox.mark_started_many

    async def counted(session, row_ids, claimed_at, now):  # type: ignore[no-untyped-def]
        counts.append(len(row_ids))
        return await real(session, row_ids, claimed_at, now)

    monkeypatch.setattr(outbox, "mark_started_many", counted)
    return counts


async def test_a_paid_wave_goes_once_each_every_request_after_its_committed_mark(
    api: WatchingStandIn, bot: Bot, sessions, clock, marks: list[int]
) -> None:
    texts = await _people(sessions, clock, 150)
    sender = paid_sender(bot, sessions, clock)
    try:
        assert await sender.drain() == 150
    finally:
        await sender.close()

    assert sorted(text for _, text in api.stats.delivered) == sorted(texts)
    assert api.stats.duplicates() == {} and api.stats.paid == 150
    assert api.unmarked == []  # the crash policy: no request went out before its row was marked
    assert await _statuses(sessions) == ["sent"] * 150
    # Sends ran together: the marks of rows whose slots had come were committed together.
    assert sender.timer.now() < 1.0  # type: ignore[attr-defined]
    assert sum(marks) == 150
    if sessions.kw["bind"].dialect.name == "postgresql":
        # Slots come from the budget every process shares, and booking may take a round trip:
        # the jobs ready go before each booking (bot/sender.py `_wait_for_slot`), one mark each.
        assert len(marks) == 150
    else:
        # A slot a millisecond: about GROUP_SECONDS' worth of jobs per mark and commit, not one each.
        assert len(marks) <= 150 / 5, marks
        assert max(marks) <= GROUP_SECONDS * 1000 + 1, marks


async def test_only_bulk_kinds_carry_the_paid_flag_on_the_lean_way(
    api: WatchingStandIn, bot: Bot, sessions, clock
) -> None:
    await _people(sessions, clock, 3, "broadcast", first=3100)
    await _people(sessions, clock, 3, "reply", first=3200)
    sender = paid_sender(bot, sessions, clock)
    try:
        await sender.drain()
    finally:
        await sender.close()
    flagged = {params["text"]: params.get("allow_paid_broadcast") is True
               for method, params in api.requests if method == "sendMessage"}
    assert flagged == {**{f"broadcast {n}": True for n in range(3)}, **{f"reply {n}": False for n in range(3)}}


async def test_a_429_on_the_lean_way_pauses_every_send_and_the_row_goes_once(
    api: WatchingStandIn, bot: Bot, sessions, clock
) -> None:
    await _people(sessions, clock, 4)
    api.faults.append(ApiError(429, "Too Many Requests: retry after 7", {"retry_after": 7}))
    sender = paid_sender(bot, sessions, clock, max_in_flight=1)
    try:
        await sender.drain()
        limited = await row(sessions, "reflection_prompt 0")
        # Throttling is not the message's fault: it does not count towards giving up.
        assert (limited.status, limited.attempts) == ("pending", 0)
        assert limited.next_attempt_at == clock.now() + timedelta(seconds=7)
        # The others waited for the pause although their chats had no limit of their own.
        assert len(api.stats.delivered) == 3 and sender.timer.now() >= 7  # type: ignore[attr-defined]
        clock.advance(timedelta(seconds=7))
        await sender.drain()
    finally:
        await sender.close()
    assert sorted(t for _, t in api.stats.delivered) == [f"reflection_prompt {n}" for n in range(4)]
    assert api.stats.duplicates() == {}


async def test_a_fault_or_a_timeout_on_the_lean_way_is_retried_on_a_fresh_connection(
    api: WatchingStandIn, bot: Bot, sessions, clock
) -> None:
    await _people(sessions, clock, 2)
    api.faults += [ApiError(502, "Bad Gateway"), 2.0]  # a 5xx, then an answer after the read timeout
    sender = paid_sender(bot, sessions, clock, max_in_flight=1)
    try:
        await sender.drain()
        first, second = await row(sessions, "reflection_prompt 0"), await row(sessions, "reflection_prompt 1")
        assert {(first.status, first.attempts), (second.status, second.attempts)} == {("pending", 1)}
        assert api.stats.delivered == []
        clock.advance(timedelta(minutes=1))
        await asyncio.sleep(2.0)  # the stand-in finishes the slow answer nobody waits for
        await sender.drain()
    finally:
        await sender.close()
    # Both went on their second attempt (a timed-out prompt is sent again: better twice than never).
    assert sorted({t for _, t in api.stats.delivered}) == ["reflection_prompt 0", "reflection_prompt 1"]
    assert await _statuses(sessions) == ["sent", "sent"]


async def test_a_graceful_stop_at_paid_pace_gives_back_what_was_not_started(
    api: WatchingStandIn, bot: Bot, sessions, clock
) -> None:
    texts = await _people(sessions, clock, 120)
    sender = paid_sender(bot, sessions, clock, rate=300)
    timer: VirtualTimer = sender.timer  # type: ignore[assignment]
    original_sleep = timer.sleep

    async def stop_after_some(seconds: float) -> None:
        if len(api.stats.delivered) >= 10:
            await sender.stop()
        await original_sleep(seconds)

    timer.sleep = stop_after_some  # type: ignore[method-assign]
    await sender.run()  # closes the courier's connections on the way out
    statuses = await _statuses(sessions)
    assert "sending" not in statuses and statuses.count("sent") == len(api.stats.delivered) >= 10
    assert statuses.count("pending") == 120 - len(api.stats.delivered)

    again = paid_sender(bot, sessions, clock)
    try:
        await again.drain()
    finally:
        await again.close()
    assert sorted(t for _, t in api.stats.delivered) == sorted(texts)
    assert api.stats.duplicates() == {} and api.unmarked == []


# ---- the lean request itself, against small real servers ----


class _Server:
    """A one-answer HTTP server on a free port that closes every connection it served at the end."""

    def __init__(self, answer: bytes | None) -> None:
        self.answer = answer  # None: never answers
        self.handlers: list[asyncio.Task[None]] = []
        self.server: asyncio.Server | None = None

    async def __aenter__(self) -> str:
        self.server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        port = self.server.sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}/bot{TOKEN}/sendMessage"

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.handlers.append(asyncio.current_task())  # type: ignore[arg-type]
        try:
            if self.answer is None:
                await reader.read()  # until the client gives up and closes
                return
            closes = b"Connection: close" in self.answer or self.answer.startswith(b"HTTP/1.0")
            while True:  # keep-alive: answer every request until the client closes
                try:
                    await reader.readuntil(b"\r\n\r\n")
                except asyncio.IncompleteReadError:
                    return
                writer.write(self.answer)
                await writer.drain()
                if closes:
                    return
        finally:
            writer.close()
            await writer.wait_closed()

    async def __aexit__(self, *exc: object) -> None:
        assert self.server is not None
        self.server.close()
        await self.server.wait_closed()
        await asyncio.wait_for(asyncio.gather(*self.handlers, return_exceptions=True), 5)


def _data(**params: Any) -> RequestData:
    return RequestData([RequestParameter.from_input(name, value) for name, value in params.items()])


BODY = b'{"ok":true,"result":{"a":1}}'


def _answer(status: str, body: bytes, *headers: str, version: str = "HTTP/1.1") -> bytes:
    head = "".join(f"{h}\r\n" for h in headers) or f"Content-Length: {len(body)}\r\n"
    return f"{version} {status}\r\n{head}\r\n".encode() + body


def _chunked(body: bytes) -> bytes:
    middle = len(body) // 2
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(part), part) for part in (body[:middle], body[middle:]))
    return _answer("200 OK", chunks + b"0\r\n\r\n", "Transfer-Encoding: chunked")


@pytest.mark.parametrize("answer", [
    _chunked(BODY),
    _answer("200 OK", BODY, "Connection: close"),
    _answer("200 OK", BODY, version="HTTP/1.0"),
], ids=["chunked", "until-close", "http-1.0"])
async def test_the_lean_request_reads_every_kind_of_answer_body(answer: bytes) -> None:
    lean = LeanRequest()
    async with _Server(answer) as url:
        try:
            assert await lean.post(url, _data(chat_id="1", text="x")) == {"a": 1}
            # Again: on the same connection, or on a new one after a close.
            assert await lean.post(url, _data(chat_id="1", text="y")) == {"a": 1}
        finally:
            await lean.shutdown()


async def test_the_lean_request_raises_ptbs_errors() -> None:
    bad = b'{"ok":false,"error_code":400,"description":"Bad Request: chat not found"}'
    throttled = (b'{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 3",'
                 b'"parameters":{"retry_after":3}}')
    lean = LeanRequest(read_timeout=0.2)
    async with (
        _Server(_answer("400 Bad Request", bad)) as url,
        _Server(_answer("429 Too Many Requests", throttled)) as limited_url,
        _Server(None) as silent_url,
    ):
        try:
            with pytest.raises(BadRequest, match=r"(?i)chat not found"):
                await lean.post(url, _data(chat_id="1", text="x"))
            with pytest.raises(RetryAfter) as paused:
                await lean.post(limited_url, _data(chat_id="1", text="x"))
            assert paused.value.retry_after in (3, timedelta(seconds=3))
            with pytest.raises(TimedOut):
                await lean.post(silent_url, _data(chat_id="1", text="x"))
        finally:
            await lean.shutdown()


def test_the_lean_request_only_replaces_ptbs_plain_request(monkeypatch) -> None:
    assert isinstance(lean_request_for(HTTPXRequest()), LeanRequest)
    assert lean_request_for(HTTPXRequest(proxy="http://proxy.example:3128")) is None

    class Scripted(HTTPXRequest):
        pass

    assert lean_request_for(Scripted()) is None  # a test's or a custom request keeps the bot's way
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    assert lean_request_for(HTTPXRequest()) is None


async def test_at_the_free_pace_each_job_is_marked_just_before_its_own_request(
    api: WatchingStandIn, bot: Bot, sessions, clock, marks: list[int]
) -> None:
    await _people(sessions, clock, 5)
    timer = VirtualTimer()
    sender = Sender({"telegram": TelegramCourier(bot, 25, timer=timer)}, sessions, clock, timer=timer)  # type: ignore[arg-type]
    try:
        assert await sender.drain() == 5
    finally:
        await sender.close()
    assert marks == [1] * 5  # 40 ms apart: each one's mark is committed just before it goes


async def test_a_paid_row_s_buttons_reach_the_chat_as_its_inline_keyboard(
    api: WatchingStandIn, bot: Bot, sessions, clock
) -> None:
    person = await add_person(sessions, clock.now(), 3300)
    buttons = [[Button("Yanıtla", "reflection:answer:1")],
               [Button("Sonra", "reflection:later:1"), Button("Atla", "reflection:skip:1")]]
    await queue(sessions, clock.now(), "prompt", kind="reflection_prompt", person_id=person,
                respect_quiet_hours=False, buttons=buttons)
    sender = paid_sender(bot, sessions, clock)
    try:
        assert await sender.drain() == 1
    finally:
        await sender.close()
    [message] = api.messages[3300]  # sent on the lean way: the keyboard built as plain JSON
    assert message["reply_markup"] == {"inline_keyboard": [
        [{"text": "Yanıtla", "callback_data": "reflection:answer:1"}],
        [{"text": "Sonra", "callback_data": "reflection:later:1"},
         {"text": "Atla", "callback_data": "reflection:skip:1"}],
    ]}
    assert api.stats.paid == 1
