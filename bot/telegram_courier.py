"""Telegram's side of the sender: an outbox row as Bot API calls, and Telegram's answers as outcomes.

`TelegramCourier.deliver` puts one claimed row in front of its reader (inline
keyboards, photos and documents, a text too long for a caption after its file)
and maps what Telegram answers to the outcomes the sender acts on
(bot/courier.py): a 429 pauses everyone for as long as Telegram asks,
"Forbidden" means the person blocked the bot, a bad request is never repeated,
network faults and 5xx are retried.

Paid broadcasts (opt-in, `TELEGRAM_PAID_BROADCAST_RATE`): Telegram lets a bot
send up to 1,000 messages a second with `allow_paid_broadcast`, for Telegram
Stars per message. With a paid rate set, the bulk kinds (`PAID_BROADCAST_KINDS`:
weekly prompts and reminders, announcements, digests...) go with the flag at up
to that rate, and every other kind (a reply, a notice someone is waiting for)
goes without it, within the free rate (`SENDER_RATE_PER_SECOND`) as before.
With paid broadcasts on, text messages go through a lean request beside the
bot's (bot/sender_http.py: PTB's request interface without httpx's cost per
message), and their answers are read as JSON, not built into `Message`s.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.request import BaseRequest, RequestData
from telegram.request._requestparameter import RequestParameter

from bot.bot_request import lean_request_for
from bot.courier import Delivered, Interrupted, Job, Rejected, Throttled, Transient, Unreachable
from bot.sender_pacing import Limits, Timer
from mentoring.delivery import TELEGRAM

logger = logging.getLogger(__name__)

CAPTION_LIMIT = 1024
PRIVATE_CHAT_INTERVAL = 1.0  # one message a second to a private chat
# Telegram's ceiling for paid broadcasts, in messages a second.
PAID_BROADCAST_LIMIT = 1000.0
# The token bucket's burst for paid sends (seconds of sends): at most rate * (1 + slack) + 1
# sends in any second of booked slots, so the pace is capped to keep that within Telegram's 1,000
# (989/s). The burst makes up time lost between batches; a larger one (0.02) left bursts that
# crossed the server's one-second windows and met 429s (issue #17).
PAID_SLACK = 0.01
# At most this many paid sends leave in any one second, counted as their requests start: 25 below
# Telegram's 1,000 for the way there. A request can start after its slot (its mark waited for a
# commit, the loop was busy) and leave with the next ones, and requests reach the server a little
# unevenly: a server that counts them as they arrive sees some of one second's sends in the next
# (issue #17: at 985 the stand-in counted 1,000 in 0.97-1.0 s and answered 429, a one-second pause
# of every send). The slots' pace stays a little above it, so requests are always ready to go.
PAID_WINDOW_CAP = 975
# What goes out in bulk, to many people at once, not in answer to anyone
# (mentoring/waves.py, broadcasts, resources, closing offers, digests, progress reports).
PAID_BROADCAST_KINDS = frozenset({
    "reflection_prompt", "reflection_reminder", "checkin_prompt", "checkin_reminder",
    "self_assessment_prompt", "broadcast", "digest", "progress_report", "resource_shared",
    "closing_offer",
})


def paid_pace(rate: float) -> float:
    """The pace paid sends keep so that no one-second window exceeds Telegram's 1,000."""
    return min(rate, (PAID_BROADCAST_LIMIT - 1) / (1 + PAID_SLACK))


class _LoopTime:
    """The event loop's monotonic clock (a courier's own waits)."""

    def now(self) -> float:
        return asyncio.get_running_loop().time()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, seconds))


class _FreeBudget:
    """With paid broadcasts on: the free rate for the sends without the flag (a token bucket)."""

    def __init__(self, rate: float, timer: Timer, slack: float = 0.1) -> None:
        self.interval, self.timer, self.slack = 1.0 / rate, timer, slack
        self._next = 0.0

    def give_way(self, now: float) -> None:
        """As `Limits.give_way`: a reply uses up one send of the burst held, never more."""
        self._next = min(max(self._next, now - self.slack) + self.interval, max(self._next, now))

    async def wait(self) -> None:
        now = self.timer.now()
        start = max(now - self.slack, self._next)
        self._next = start + self.interval
        if start > now:
            await self.timer.sleep(start - now)


class _PaidWindow:
    """With paid broadcasts on, sends as their requests start: never more than `cap` in any second.

    The sender books slots ahead (`Limits`), but a request can start late (its mark waited for a
    commit, the loop was busy) and then leave together with the next ones: the booked pace kept
    Telegram's 1,000 a second, the requests did not, and each 429 paused every send for a second
    (issue #17: up to 1,003 requests in a second, four pauses in a 20,000-prompt wave).
    Every send counts, paid or not: Telegram counts them all against the 1,000.
    """

    def __init__(self, cap: int, timer: Timer) -> None:
        self.cap, self.timer = cap, timer
        self._starts: deque[float] = deque()

    async def wait(self) -> None:
        while True:
            now = self.timer.now()
            while self._starts and now - self._starts[0] >= 1.0:
                self._starts.popleft()
            if len(self._starts) < self.cap:
                self._starts.append(now)
                return
            await self.timer.sleep(self._starts[0] + 1.0 - now)


class TelegramCourier:
    """Sends outbox rows through PTB's `Bot` at `rate_per_second` overall (below Telegram's ~30/s).

    With `paid_broadcast_rate` (> 0) the overall pace is that rate instead (≤ 1,000/s): bulk
    kinds go as paid broadcasts, the rest still within `rate_per_second`.
    """

    channel = TELEGRAM
    daily_new_people = None

    def __init__(
        self, bot: Bot, rate_per_second: float, *, paid_broadcast_rate: float = 0.0, timer: Timer | None = None,
    ) -> None:
        self.bot = bot
        self.paid_broadcast_rate = paid_broadcast_rate
        # The sender's timer in production (the loop's clock): `limits` lives on it.
        self._time: Timer = timer or _LoopTime()
        self._free: _FreeBudget | None = None
        self._paid: _PaidWindow | None = None
        # With paid broadcasts on: texts go this lean way (None: the bot's own request is not
        # PTB's plain HTTPX, e.g. a test's, or a proxy is set).
        self.lean: BaseRequest | None = None
        if paid_broadcast_rate > 0:
            self.lean = lean_request_for(bot.request)
            self.limits = Limits(
                paid_pace(paid_broadcast_rate), slack=PAID_SLACK, private_interval=PRIVATE_CHAT_INTERVAL
            )
            self._free = _FreeBudget(rate_per_second, self._time)
            self._paid = _PaidWindow(PAID_WINDOW_CAP, self._time)
        else:
            self.limits = Limits(rate_per_second, private_interval=PRIVATE_CHAT_INTERVAL)

    def reply_sent(self) -> None:
        """A reply is going out beside the sender (bot/reply_bot.py): Telegram counts it against the
        same limits, so the sender's next sends make room for it instead of meeting a 429."""
        now = self._time.now()
        self.limits.give_way(now)
        if self._free is not None:
            self._free.give_way(now)

    def is_paid(self, job: Job) -> bool:
        """Whether this row goes as a paid broadcast (paid broadcasts on, and a bulk kind)."""
        return self._free is not None and job.kind in PAID_BROADCAST_KINDS

    async def deliver(
        self, job: Job, *, part_sent: Callable[[str], Awaitable[None]],
        wait_for_slot: Callable[[], Awaitable[bool]],
    ) -> Delivered:
        paid = self.is_paid(job)
        if self._free is not None and not paid:
            await self._free.wait()  # without the flag Telegram's free ~30/s still applies
        if self._paid is not None:
            await self._paid.wait()  # every send counts towards the paid 1,000 a second
        try:
            message_id = await send_job(
                self.bot, job, part_sent=part_sent, wait_for_slot=wait_for_slot, paid=paid, lean=self.lean
            )
        except RetryAfter as exc:
            raise Throttled(seconds_of(exc.retry_after), "rate limited (429)") from exc
        except Forbidden as exc:
            raise Unreachable(exc.message) from exc
        except (BadRequest, ChatMigrated) as exc:
            raise Rejected(exc.message) from exc  # resending the same request cannot succeed
        except NetworkError as exc:  # timeouts, connection faults and 5xx
            raise Transient(exc.message) from exc
        except TelegramError as exc:
            raise Rejected(exc.message) from exc
        except OSError as exc:  # an attachment that cannot be read
            raise Rejected(f"attachment unreadable: {exc.__class__.__name__}") from exc
        return Delivered(message_id)

    async def close(self) -> None:
        """Close the lean request's connections (the sender calls this when it stops)."""
        if self.lean is not None:
            await self.lean.shutdown()


async def send_job(
    bot: Bot, job: Job, *, part_sent: Callable[[str], Awaitable[None]],
    wait_for_slot: Callable[[], Awaitable[bool]], paid: bool = False, lean: BaseRequest | None = None,
) -> str:
    """Send one row (its file first, if any); the id of the message that carries the text.

    A text too long for a caption goes after the file as a second message:
    `part_sent` records the file's message, so a retry never sends it again,
    and `wait_for_slot` keeps the chat's pace between the two (False: stopping).
    `paid`: sent as a paid broadcast (`allow_paid_broadcast`). `lean`: texts go through this
    request instead of the bot's (bot/sender_http.py).
    """
    attachment = job.attachment
    if attachment is not None and attachment.get("file_id"):
        # A voice note or photo by reference: Telegram's file id is valid only on Telegram.
        if attachment.get("channel") != TELEGRAM:
            logger.warning("Outbox row %s: a file of another channel, sending the text alone", job.row_id)
            attachment = None
    elif attachment is not None and not Path(attachment["path"]).is_file():
        # A lost file (a cleaned temp folder, another host) must not cost the text too.
        logger.warning("Outbox row %s: attachment missing, sending the text alone", job.row_id)
        attachment = None
    if attachment is None:
        return await _send_text(bot, job, paid, lean)
    markup = keyboard(job.buttons)
    # Telegram counts captions in UTF-16 code units (an emoji can count twice).
    fits = len(job.text.encode("utf-16-le")) // 2 <= CAPTION_LIMIT
    if not job.attachment_sent:
        message = await send_file(
            bot,
            job.chat_id,
            attachment,
            job.text if fits else None,
            markup if fits else None,
            paid=paid,
        )
        if fits:
            return str(message.message_id)
        # Remember the first part, so a retry of the text does not repeat the file.
        await part_sent(str(message.message_id))
        job.sent_before = str(message.message_id)
        if not await wait_for_slot():
            raise Interrupted
    return await _send_text(bot, job, paid, lean)


async def _send_text(bot: Bot, job: Job, paid: bool, lean: BaseRequest | None) -> str:
    """The row's text with its keyboard; the id of the message."""
    # Only a paid send names the flag: the request of a free one stays as it was.
    extra = {"allow_paid_broadcast": True} if paid else {}
    if lean is not None:
        # The request `bot.send_message` builds (no Defaults, no callback-data cache in this bot),
        # its keyboard as plain JSON; PTB's `BaseRequest.post` maps the answer and raises its errors.
        params: dict[str, object] = {"chat_id": job.chat_id, "text": job.text, **extra}
        markup = keyboard_json(job.buttons)
        if markup is not None:
            params["reply_markup"] = markup
        data = RequestData([RequestParameter.from_input(name, value) for name, value in params.items()])
        result = await lean.post(f"{bot.base_url}/sendMessage", data)
        return str(result["message_id"])  # type: ignore[index,call-overload]
    message = await bot.send_message(job.chat_id, job.text, reply_markup=keyboard(job.buttons), **extra)
    return str(message.message_id)


def keyboard(buttons: list[list[dict[str, str]]] | None) -> InlineKeyboardMarkup | None:
    """The row's `[[{"text", "data"}]]` as an inline keyboard."""
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b["text"], callback_data=b["data"]) for b in row] for row in buttons]
    )


def keyboard_json(buttons: list[list[dict[str, str]]] | None) -> dict[str, object] | None:
    """`keyboard(buttons).to_dict()`, built directly: at paid-broadcast pace PTB's objects cost more
    than the request they go into (issue #17)."""
    if not buttons:
        return None
    return {"inline_keyboard": [[{"text": b["text"], "callback_data": b["data"]} for b in row] for row in buttons]}


async def send_file(
    bot: Bot,
    chat_id: str,
    attachment: dict[str, str],
    caption: str | None,
    markup: InlineKeyboardMarkup | None,
    *,
    paid: bool = False,
) -> Message:
    """Send `{"type": "photo" | "document", "path", "filename"}` (the file is read off the loop), or
    `{"type": "photo" | "voice", "file_id"}`, a file Telegram already holds, by its id."""
    extra = {"allow_paid_broadcast": True} if paid else {}
    if attachment.get("file_id"):
        if attachment.get("type") == "voice":
            return await bot.send_voice(
                chat_id, attachment["file_id"], caption=caption, reply_markup=markup, **extra
            )
        return await bot.send_photo(
            chat_id, attachment["file_id"], caption=caption, reply_markup=markup, **extra
        )
    content = await asyncio.to_thread(Path(attachment["path"]).read_bytes)
    name = attachment.get("filename") or Path(attachment["path"]).name
    if attachment.get("type") == "photo":
        return await bot.send_photo(
            chat_id, content, caption=caption, reply_markup=markup, filename=name, **extra
        )
    return await bot.send_document(
        chat_id, content, caption=caption, reply_markup=markup, filename=name, **extra
    )


def seconds_of(retry_after: float | timedelta) -> float:
    """`RetryAfter.retry_after` in seconds: a timedelta with PTB_TIMEDELTA set, else a number."""
    if isinstance(retry_after, timedelta):
        return retry_after.total_seconds()
    return float(retry_after)
