"""Replies that survive Telegram's bad moments (docs/outbox.md, "Replies when Telegram throttles").

Handlers answer at once with PTB calls on `application.bot`. While an update is
being handled (`NarbotApplication.process_update` marks it in a context
variable, so the outbox sender and the jobs, which run in their own tasks, are
never affected), `ReplyBot` watches the calls that put words in front of the
person: a sendMessage, editMessageText, sendPhoto or sendDocument that Telegram
refuses with 429, a 5xx, a timeout or a connection fault is queued in the outbox
instead (kind "reply", priority `PRIORITY_REPLY`, no quiet hours, expiring
`REPLY_TTL` after it is due), and the handler carries on as if it had been sent
(the result is a placeholder message with id 0; no handler uses the message a
reply returns). An edit becomes a new message with the same text and buttons.

Order: once a reply of an update was queued, that update's later replies are
queued behind it, and so are later updates' replies to the same chat while this
process knows a queued reply there is still waiting. 403 (blocked) and 400 are
not queued: sending again cannot help. answerCallbackQuery (the spinner) and
editMessageReplyMarkup are conveniences: their failures are logged and swallowed.

Each queued reply's idempotency key is the update id, where the update came
from (the pressed query, or the chat and message) and the reply's number within
the update, so an update handled twice (a crash before Telegram learnt it was
handled) cannot queue the same reply twice. Logs carry update ids and reasons,
never texts or names.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import stat
import tempfile
import time
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import InlineKeyboardMarkup, InputFile, Update
from telegram.error import BadRequest, NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.ext import Application, ExtBot

from bot.sender_http import NeverLeft
from bot.telegram_courier import seconds_of
from mentoring.clock import Clock
from mentoring.outbox import Button, Outgoing, enqueue
from mentoring.runtime import SERVICES_KEY, Services
from storage.models import OutboxMessage
from storage.models.outbox import PRIORITY_REPLY

logger = logging.getLogger(__name__)

JSONDict = dict[str, Any]
REPLY_KIND = "reply"
# A reply that could not go out within ten minutes of being due is no longer an answer.
REPLY_TTL = timedelta(minutes=10)
REPLY_METHODS = frozenset({"sendMessage", "editMessageText", "sendPhoto", "sendDocument"})
# The replies Telegram counts against the bot's overall rate, with the outbox sender's sends.
NEW_MESSAGE_METHODS = frozenset({"sendMessage", "sendPhoto", "sendDocument"})
FILE_FIELDS = {"sendPhoto": ("photo", "photo"), "sendDocument": ("document", "document")}
# Conveniences around a reply: a failure is logged and the handler carries on.
BEST_EFFORT_METHODS = frozenset({"answerCallbackQuery", "editMessageReplyMarkup"})
# Files of queued replies (a chart, an export) wait here for the sender; older ones are removed.
_USER = os.getuid() if hasattr(os, "getuid") else 0
DEFAULT_SPOOL_DIR = Path(tempfile.gettempdir()) / f"narbot-reply-files-{_USER}"
SPOOL_KEEP_SECONDS = 2 * 3600


@dataclass
class _Handling:
    """The update being handled in this task, and what its replies did so far."""

    update_id: int
    origin: str
    sessions: async_sessionmaker[AsyncSession]
    clock: Clock
    replies: int = 0
    # Set once a reply of this update was queued: the later ones queue behind it.
    queued_until: datetime | None = None


_HANDLING: ContextVar[_Handling | None] = ContextVar("narbot_handling", default=None)


def _origin(update: Update) -> str:
    """Where the update came from, so a reused update id cannot collide with an old reply's key."""
    if update.callback_query is not None:
        return f"q{update.callback_query.id}"
    message = update.effective_message
    if message is not None:
        return f"m{message.chat_id}.{message.message_id}"
    return "u"


def _never_left(error: TimedOut) -> bool:
    """Whether a timeout came before the request reached Telegram (connecting, or waiting for a
    connection of our own pool), so sending it again cannot make a second copy."""
    return isinstance(error.__cause__, (httpx.ConnectTimeout, httpx.PoolTimeout, httpx.ConnectError, NeverLeft))


class NarbotApplication(Application):  # type: ignore[type-arg]
    """PTB's Application that marks, for the bot, which update a task is handling."""

    async def process_update(self, update: object) -> None:
        services: Services | None = self.bot_data.get(SERVICES_KEY)
        handling = None
        if isinstance(update, Update) and services is not None:
            handling = _Handling(update.update_id, _origin(update), services.sessions, services.clock)
        token = _HANDLING.set(handling)
        try:
            await super().process_update(update)
        finally:
            _HANDLING.reset(token)


@dataclass
class _Reply:
    """A reply as the outbox can carry it."""

    chat_id: int
    text: str
    buttons: list[list[Button]] = field(default_factory=list)
    file: tuple[str, bytes, str] | None = None  # (photo | document, content, filename)


def _buttons(markup: object) -> list[list[Button]] | None:
    if markup is None:
        return []
    if not isinstance(markup, InlineKeyboardMarkup):
        return None
    rows: list[list[Button]] = []
    for row in markup.inline_keyboard:
        if not all(isinstance(b.callback_data, str) for b in row):
            return None  # a link or other special button: the outbox only carries callback buttons
        rows.append([Button(b.text, b.callback_data) for b in row])  # type: ignore[arg-type]
    return rows


def _reply_of(endpoint: str, data: JSONDict) -> _Reply | None:
    """The call as an outbox row, or None if the outbox cannot carry it faithfully."""
    chat_id = data.get("chat_id")
    if not isinstance(chat_id, int) and not (isinstance(chat_id, str) and chat_id.lstrip("-").isdigit()):
        return None  # an inline message, or a channel's @name
    if "parse_mode" in data or "entities" in data or "caption_entities" in data:
        return None  # the sender writes plain text
    buttons = _buttons(data.get("reply_markup"))
    if buttons is None:
        return None
    if endpoint in FILE_FIELDS:
        name, kind = FILE_FIELDS[endpoint]
        content = data.get(name)
        if not isinstance(content, InputFile) or not isinstance(content.input_file_content, bytes):
            return None  # a file id or URL: nothing on disk the sender could read
        file = (kind, content.input_file_content, content.filename)
        return _Reply(int(chat_id), str(data.get("caption") or ""), buttons, file)
    return _Reply(int(chat_id), str(data.get("text") or ""), buttons)


def _why(error: TelegramError) -> str:
    if isinstance(error, RetryAfter):
        return f"429, retry after {seconds_of(error.retry_after):.0f}s"
    # Telegram's description or PTB's ("Bad Gateway", "Timed out"): never a message text.
    return f"{error.__class__.__name__}: {error.message[:80]}"


class ReplyBot(ExtBot[None]):
    """The application's bot: replies that meet Telegram's bad moments are queued, not lost."""

    __slots__ = ("_held", "_on_reply", "_spool_dir")

    def __init__(self, *args: Any, spool_dir: Path | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        with self._unfrozen():
            # chat -> when the latest reply this process queued for it is due
            self._held: dict[int, datetime] = {}
            self._spool_dir = spool_dir or DEFAULT_SPOOL_DIR
            self._on_reply: Callable[[], None] | None = None

    def give_way(self, hook: Callable[[], None] | None) -> None:
        """Call `hook` as each reply's message goes out, so the outbox sender makes room for it
        within Telegram's overall limit (bot/sender_job.py); None stops."""
        with self._unfrozen():
            self._on_reply = hook

    async def _do_post(
        self,
        endpoint: str,
        data: JSONDict,
        **timeouts: Any,
    ) -> bool | JSONDict | list[JSONDict]:
        """PTB's one way to the Bot API (Bot method -> _post -> _do_post), watched while handling."""

        async def post() -> bool | JSONDict | list[JSONDict]:
            return await super(ReplyBot, self)._do_post(endpoint, data, **timeouts)

        handling = _HANDLING.get()
        if handling is None:
            return await post()
        if endpoint in NEW_MESSAGE_METHODS and self._on_reply is not None:
            self._on_reply()
        if endpoint in BEST_EFFORT_METHODS:
            return await self._best_effort(handling, endpoint, post)
        if endpoint not in REPLY_METHODS:
            return await post()
        handling.replies += 1
        reply = _reply_of(endpoint, data)
        if reply is None:
            return await post()
        ahead = await self._queued_ahead(handling, reply.chat_id)
        if ahead is not None and await self._queue(handling, reply, ahead, "behind a queued reply"):
            return self._placeholder(handling, reply)
        try:
            return await post()
        except RetryAfter as exc:
            due = handling.clock.now() + timedelta(seconds=seconds_of(exc.retry_after))
            error: TelegramError = exc
        except BadRequest:
            raise  # the request itself is wrong: sending it again cannot help
        except TimedOut as exc:
            if not _never_left(exc):
                # Telegram may well have delivered it before the answer timed out: in doubt, and a
                # reply is not repeated in doubt (mentoring.delivery.REPEAT_IN_DOUBT).
                logger.warning("Update %s: reply %d timed out in doubt; not repeated",
                               handling.update_id, handling.replies)
                return self._placeholder(handling, reply)
            due, error = handling.clock.now(), exc
        except NetworkError as exc:  # a 5xx, a connection fault
            due, error = handling.clock.now(), exc
        if not await self._queue(handling, reply, due, _why(error)):
            raise error
        return self._placeholder(handling, reply)

    async def _best_effort(self, handling: _Handling, endpoint: str, post: Any) -> Any:
        try:
            return await post()
        except TelegramError as exc:
            if endpoint != "answerCallbackQuery" and (
                isinstance(exc, BadRequest) or not isinstance(exc, (RetryAfter, NetworkError))
            ):
                raise
            logger.warning("Update %s: %s failed (%s); carrying on", handling.update_id, endpoint, _why(exc))
            return True

    async def _queued_ahead(self, handling: _Handling, chat_id: int) -> datetime | None:
        """When a reply queued earlier for this chat is due, if one still waits (keep the order)."""
        now = handling.clock.now()
        if handling.queued_until is not None:
            return max(now, handling.queued_until)
        held = self._held.get(chat_id)
        if held is None:
            return None
        if held > now:
            return held
        # Its time has come; it may still wait (a retry, a busy sender): ask the outbox.
        try:
            async with handling.sessions() as session:
                waiting = (await session.execute(
                    select(OutboxMessage.not_before, OutboxMessage.next_attempt_at).where(
                        OutboxMessage.status.in_(("pending", "sending")),
                        OutboxMessage.priority == PRIORITY_REPLY,
                        OutboxMessage.kind == REPLY_KIND,
                        OutboxMessage.chat_id == str(chat_id),
                    )
                )).all()
        except Exception:  # the order is a nicety; the reply still goes out
            logger.warning("Update %s: could not check the outbox for queued replies", handling.update_id,
                           exc_info=True)
            return None
        if not waiting:
            self._held.pop(chat_id, None)
            return None
        return max(now, *(retry or due for due, retry in waiting))

    async def _queue(self, handling: _Handling, reply: _Reply, due: datetime, why: str) -> bool:
        """Put the reply in the outbox; False if that failed too (the caller raises Telegram's error)."""
        now = handling.clock.now()
        key = f"reply:{handling.update_id}:{handling.origin}:{handling.replies}"
        try:
            attachment = None
            if reply.file is not None:
                kind, content, filename = reply.file
                path = await asyncio.to_thread(self._spool, content)
                attachment = {"type": kind, "path": str(path), "filename": filename}
            message = Outgoing(
                idempotency_key=key,
                kind=REPLY_KIND,
                text=reply.text,
                not_before=due,
                chat_id=str(reply.chat_id),
                buttons=reply.buttons,
                attachment=attachment,
                priority=PRIORITY_REPLY,
                expires_at=due + REPLY_TTL,
                respect_quiet_hours=False,
            )
            async with handling.sessions.begin() as session:
                added = await enqueue(session, [message], now)
        except Exception:  # e.g. the database is down as well
            logger.warning("Update %s: reply %d could not be queued (%s)", handling.update_id, handling.replies,
                           why, exc_info=True)
            return False
        handling.queued_until = max(due, handling.queued_until or due)
        for stale in [c for c, d in self._held.items() if d + REPLY_TTL <= now]:
            del self._held[stale]
        self._held[reply.chat_id] = max(due, self._held.get(reply.chat_id, due))
        logger.warning("Update %s: reply %d %s in the outbox (%s)", handling.update_id, handling.replies,
                       "queued" if added else "was already queued", why)
        return True

    async def initialize(self) -> None:
        await super().initialize()
        await asyncio.to_thread(self.clean_spool)

    def _spool(self, content: bytes) -> Path:
        """Write a queued reply's file where the sender can read it (owner only, never overwritten)."""
        self._spool_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        folder = self._spool_dir.lstat()
        if (not stat.S_ISDIR(folder.st_mode) or folder.st_mode & 0o077
                or (hasattr(os, "getuid") and folder.st_uid != os.getuid())):
            raise PermissionError("the reply spool folder is not private to this process's user")
        self.clean_spool()
        # A random name: another bot on this host, or a second run of the update, never shares a file.
        path = self._spool_dir / f"{secrets.token_hex(16)}.bin"
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
        with os.fdopen(os.open(path, flags, 0o600), "wb") as file:
            file.write(content)
        return path

    def clean_spool(self) -> None:
        """Remove queued replies' files old enough that their rows have been sent or dropped."""
        if not self._spool_dir.is_dir():
            return
        limit = time.time() - SPOOL_KEEP_SECONDS
        for path in self._spool_dir.iterdir():
            try:
                if path.stat().st_mtime < limit:
                    path.unlink()
            except OSError:
                continue

    def _placeholder(self, handling: _Handling, reply: _Reply) -> JSONDict:
        """What the handler gets instead of the sent message (id 0: not sent yet)."""
        return {
            "message_id": 0,
            "date": int(handling.clock.now().timestamp()),
            "chat": {"id": reply.chat_id, "type": "private" if reply.chat_id > 0 else "group"},
            "text": reply.text,
        }
