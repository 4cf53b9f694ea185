"""Replies under Telegram's 429/5xx/timeouts: queued in the outbox by the handlers' bot, delivered once.

The production Application (bot/reply_bot.py) with `OfflineBotApi` scripted to
fail one call; then the real sender delivers the outbox with a virtual timer
and the test's clock.
"""

from __future__ import annotations

import json
import logging
import random
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import Update
from telegram.error import Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.ext import Application, TypeHandler

from bot.reply_bot import REPLY_KIND, REPLY_TTL
from bot.sender import Sender, SenderConfig
from mentoring.clock import ManualClock
from storage.models import OutboxMessage
from storage.models.outbox import PRIORITY_REPLY
from tests.support.offline import ChatUser, OfflineBotApi
from tests.support.privacy import capture_documents, join
from tests.support.seed import seed_programme
from tests.support.sender import VirtualTimer

STRANGER_HELP = "personal invite link"


@pytest.fixture
def stranger(user: ChatUser) -> ChatUser:
    user.language_code = "en"
    return user


def sender_for(app: Application, clock: ManualClock) -> Sender:
    """The outbox sender on the application's own bot, outside any update."""
    sessions = app.bot_data["narbot.services"].sessions
    return Sender(app.bot, sessions, clock, SenderConfig(), timer=VirtualTimer(), rng=random.Random(1))  # type: ignore[arg-type]


async def reply_rows(sessions: async_sessionmaker[AsyncSession]) -> list[OutboxMessage]:
    async with sessions() as session:
        return list((await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))).all())


def sends_to(api: OfflineBotApi, chat_id: int, method: str = "sendMessage") -> list[dict[str, Any]]:
    return [p for p in api.calls_of(method) if int(p["chat_id"]) == chat_id]


def error_handler_records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "handlers.errors"]


async def test_a_reply_under_429_is_queued_and_delivered_once_after_retry_after(
    app_and_api, stranger: ChatUser, app_sessions, clock: ManualClock, caplog
) -> None:
    app, api = app_and_api
    api.fail_next["sendMessage"] = RetryAfter(7)

    await stranger.send("/help")

    assert stranger.texts() == [], "Telegram refused the reply"
    assert error_handler_records(caplog) == [], "the handler carried on as if it had been sent"
    [row] = await reply_rows(app_sessions)
    assert (row.kind, row.priority, row.status) == (REPLY_KIND, PRIORITY_REPLY, "pending")
    assert row.chat_id == str(stranger.user_id) and row.person_id is None
    assert STRANGER_HELP in row.text
    assert row.not_before == clock.now() + timedelta(seconds=7)
    assert row.expires_at == row.not_before + REPLY_TTL and row.respect_quiet_hours is False
    assert STRANGER_HELP not in caplog.text, "logs carry no message texts"

    sender = sender_for(app, clock)
    assert await sender.drain() == 0, "not before retry_after"
    clock.advance(timedelta(seconds=6))
    assert await sender.drain() == 0
    clock.advance(timedelta(seconds=1))
    assert await sender.drain() == 1
    clock.advance(timedelta(minutes=1))
    assert await sender.drain() == 0

    [answer] = stranger.texts()
    assert STRANGER_HELP in answer
    assert len(sends_to(api, stranger.user_id)) == 2, "one refused, one delivered"
    [row] = await reply_rows(app_sessions)
    assert row.status == "sent" and row.attempts == 1


def connect_timeout() -> TimedOut:
    """A timeout before the request reached Telegram, as PTB's HTTPXRequest raises it."""
    error = TimedOut()
    error.__cause__ = httpx.ConnectTimeout("connect timed out")
    return error


@pytest.mark.parametrize("fault", [NetworkError("Bad Gateway"), connect_timeout()],
                         ids=["502", "connect-timeout"])
async def test_a_reply_after_a_server_fault_or_a_timeout_goes_out_at_once(
    app_and_api, stranger: ChatUser, app_sessions, clock: ManualClock, caplog, fault: Exception
) -> None:
    app, api = app_and_api
    api.fail_next["sendMessage"] = fault

    await stranger.send("/help")

    assert error_handler_records(caplog) == []
    [row] = await reply_rows(app_sessions)
    assert row.kind == REPLY_KIND and row.not_before == clock.now()
    assert await sender_for(app, clock).drain() == 1
    [answer] = stranger.texts()
    assert STRANGER_HELP in answer


async def test_a_reply_whose_answer_timed_out_is_in_doubt_and_not_repeated(
    app_and_api, stranger: ChatUser, app_sessions, clock: ManualClock, caplog
) -> None:
    _app, api = app_and_api
    read_timeout = TimedOut()
    read_timeout.__cause__ = httpx.ReadTimeout("read timed out")  # Telegram may have delivered it
    api.fail_next["sendMessage"] = read_timeout

    await stranger.send("/help")

    assert await reply_rows(app_sessions) == [], "a reply that may have arrived is not sent twice"
    assert error_handler_records(caplog) == []
    assert "timed out in doubt" in caplog.text


async def test_a_blocked_chat_is_not_queued(app_and_api, stranger: ChatUser, app_sessions, caplog) -> None:
    _app, api = app_and_api
    api.fail_next["sendMessage"] = Forbidden("Forbidden: bot was blocked by the user")

    await stranger.send("/help")

    assert await reply_rows(app_sessions) == []
    assert "Unhandled error" in caplog.text, "a 403 is not Telegram's bad moment: it reaches the error handler"
    assert len(sends_to(api, stranger.user_id)) == 1, "and no apology is tried into a blocked chat"


async def test_an_update_keeps_its_order_once_a_reply_was_queued(
    app_and_api, user: ChatUser, app_sessions, clock: ManualClock, caplog
) -> None:
    """/mydata answers with a summary and a file: the summary meets a 429, the file queues behind it."""
    app, api = app_and_api
    setup = await seed_programme(app_sessions, clock.now())
    await join(user, setup.codes["mentee1"])
    documents = capture_documents(api)
    before = len(user.texts())
    api.fail_next["sendMessage"] = RetryAfter(3)

    await user.send("/mydata")

    assert error_handler_records(caplog) == []
    assert sends_to(api, user.user_id, "sendDocument") == [], "the file was not tried ahead of the summary"
    summary, document = [r for r in await reply_rows(app_sessions) if r.kind == REPLY_KIND]
    assert summary.attachment is None and document.attachment is not None
    assert document.attachment["type"] == "document"
    assert document.attachment["filename"].startswith("narbot-mydata-")
    assert summary.not_before == document.not_before == clock.now() + timedelta(seconds=3)

    clock.advance(timedelta(seconds=3))
    sender = sender_for(app, clock)
    assert await sender.drain() == 2
    assert await sender.drain() == 0
    sent = [name for name, params in api.calls if name in ("sendMessage", "sendDocument")
            and int(params["chat_id"]) == user.user_id][-2:]
    assert sent == ["sendMessage", "sendDocument"]
    assert len(user.texts()) == before + 2
    [(filename, content)] = documents
    assert filename == document.attachment["filename"]
    assert json.loads(content.decode("utf-8")), "the file the handler made, unchanged"


async def test_a_later_update_queues_behind_a_reply_still_waiting(
    app_and_api, stranger: ChatUser, app_sessions, clock: ManualClock
) -> None:
    app, api = app_and_api
    api.fail_next["sendMessage"] = RetryAfter(5)
    await stranger.send("/help")
    clock.advance(timedelta(seconds=1))

    await stranger.send("/language")

    assert len(sends_to(api, stranger.user_id)) == 1, "the second reply was not tried ahead of the first"
    first, second = await reply_rows(app_sessions)
    assert second.not_before == first.not_before and second.id > first.id
    assert second.buttons is not None and {b["data"] for b in second.buttons[0]} == {"lang:en", "lang:tr"}

    clock.advance(timedelta(seconds=4))
    assert await sender_for(app, clock).drain() == 2
    help_answer, question = stranger.messages()
    assert STRANGER_HELP in help_answer["text"]
    assert question["text"] == "Which language should I use?"
    assert question["reply_markup"]["inline_keyboard"], "the buttons came along"

    # Once nothing waits, replies go straight out again.
    await stranger.press("English")
    assert len(stranger.texts()) == 2 and STRANGER_HELP in stranger.last_text(), "edited in place"
    assert len(await reply_rows(app_sessions)) == 2


async def test_an_edit_that_meets_a_fault_comes_as_a_new_message_with_its_buttons(
    app_and_api, stranger: ChatUser, app_sessions, clock: ManualClock, caplog
) -> None:
    app, api = app_and_api
    await stranger.send("/language")
    api.fail_next["editMessageText"] = NetworkError("Bad Gateway")

    await stranger.press("English")

    assert error_handler_records(caplog) == []
    [row] = await reply_rows(app_sessions)
    assert row.kind == REPLY_KIND and STRANGER_HELP in row.text
    assert await sender_for(app, clock).drain() == 1
    question, answer = stranger.messages()
    assert question["text"] == "Which language should I use?", "the old message is left as it was"
    assert STRANGER_HELP in answer["text"]


async def test_the_same_update_handled_twice_queues_its_reply_once(
    app_and_api, stranger: ChatUser, app_sessions, clock: ManualClock
) -> None:
    app, api = app_and_api
    update = Update.de_json({"update_id": 987654, "message": stranger._message(
        text="/help", entities=[{"type": "bot_command", "offset": 0, "length": 5}])}, app.bot)

    api.fail_next["sendMessage"] = RetryAfter(2)
    await app.process_update(update)
    await app.process_update(update)  # again, as after a crash before Telegram learnt it was handled

    assert len(sends_to(api, stranger.user_id)) == 1
    [row] = await reply_rows(app_sessions)
    assert row.idempotency_key.startswith("reply:987654:")
    clock.advance(timedelta(seconds=2))
    assert await sender_for(app, clock).drain() == 1
    assert len(stranger.texts()) == 1


async def test_a_refused_spinner_answer_does_not_stop_the_reply(
    app_and_api, stranger: ChatUser, app_sessions, caplog
) -> None:
    _app, api = app_and_api
    await stranger.send("/language")
    api.fail_next["answerCallbackQuery"] = RetryAfter(4)

    await stranger.press("English")

    assert error_handler_records(caplog) == []
    assert STRANGER_HELP in stranger.last_text()
    assert await reply_rows(app_sessions) == []
    assert "answerCallbackQuery failed" in caplog.text


async def test_outside_an_update_the_bot_raises_as_plain_ptb(app_and_api, app_sessions) -> None:
    """The sender and the jobs see Telegram's answer themselves; nothing is queued for them."""
    app, api = app_and_api
    api.fail_next["sendMessage"] = RetryAfter(3)
    with pytest.raises(RetryAfter):
        await app.bot.send_message(4242, "bir duyuru")
    assert await reply_rows(app_sessions) == []


async def test_no_apology_is_tried_after_a_429(app_and_api, stranger: ChatUser) -> None:
    app, api = app_and_api

    async def throttled(update: object, context: object) -> None:
        raise RetryAfter(9)

    app.add_handler(TypeHandler(Update, throttled), group=-5)
    await stranger.send("/help")

    assert sends_to(api, stranger.user_id) == [], "the error handler did not write into a 429"
