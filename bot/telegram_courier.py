"""Telegram's side of the sender: an outbox row as Bot API calls, and Telegram's answers as outcomes.

`TelegramCourier.deliver` puts one claimed row in front of its reader (inline
keyboards, photos and documents, a text too long for a caption after its file)
and maps what Telegram answers to the outcomes the sender acts on
(bot/courier.py): a 429 pauses everyone for as long as Telegram asks,
"Forbidden" means the person blocked the bot, a bad request is never repeated,
network faults and 5xx are retried.
"""

from __future__ import annotations

import asyncio
import logging
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

from bot.courier import Delivered, Interrupted, Job, Rejected, Throttled, Transient, Unreachable
from bot.sender_pacing import Limits
from mentoring.delivery import TELEGRAM

logger = logging.getLogger(__name__)

CAPTION_LIMIT = 1024
PRIVATE_CHAT_INTERVAL = 1.0  # one message a second to a private chat


class TelegramCourier:
    """Sends outbox rows through PTB's `Bot` at `rate_per_second` overall (below Telegram's ~30/s)."""

    channel = TELEGRAM
    daily_new_people = None

    def __init__(self, bot: Bot, rate_per_second: float) -> None:
        self.bot = bot
        self.limits = Limits(rate_per_second, private_interval=PRIVATE_CHAT_INTERVAL)

    async def deliver(
        self, job: Job, *, part_sent: Callable[[str], Awaitable[None]],
        wait_for_slot: Callable[[], Awaitable[bool]],
    ) -> Delivered:
        try:
            message_id = await send_job(self.bot, job, part_sent=part_sent, wait_for_slot=wait_for_slot)
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


async def send_job(
    bot: Bot, job: Job, *, part_sent: Callable[[str], Awaitable[None]],
    wait_for_slot: Callable[[], Awaitable[bool]],
) -> str:
    """Send one row (its file first, if any); the id of the message that carries the text.

    A text too long for a caption goes after the file as a second message:
    `part_sent` records the file's message, so a retry never sends it again,
    and `wait_for_slot` keeps the chat's pace between the two (False: stopping).
    """
    markup = keyboard(job.buttons)
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
        return await _send_text(bot, job.chat_id, job.text, markup)
    # Telegram counts captions in UTF-16 code units (an emoji can count twice).
    fits = len(job.text.encode("utf-16-le")) // 2 <= CAPTION_LIMIT
    if not job.attachment_sent:
        message = await send_file(
            bot,
            job.chat_id,
            attachment,
            job.text if fits else None,
            markup if fits else None,
        )
        if fits:
            return str(message.message_id)
        # Remember the first part, so a retry of the text does not repeat the file.
        await part_sent(str(message.message_id))
        job.sent_before = str(message.message_id)
        if not await wait_for_slot():
            raise Interrupted
    return await _send_text(bot, job.chat_id, job.text, markup)


async def _send_text(bot: Bot, chat_id: str, text: str, markup: InlineKeyboardMarkup | None) -> str:
    message = await bot.send_message(chat_id, text, reply_markup=markup)
    return str(message.message_id)


def keyboard(buttons: list[list[dict[str, str]]] | None) -> InlineKeyboardMarkup | None:
    """The row's `[[{"text", "data"}]]` as an inline keyboard."""
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b["text"], callback_data=b["data"]) for b in row] for row in buttons]
    )


async def send_file(
    bot: Bot,
    chat_id: str,
    attachment: dict[str, str],
    caption: str | None,
    markup: InlineKeyboardMarkup | None,
) -> Message:
    """Send `{"type": "photo" | "document", "path", "filename"}` (the file is read off the loop), or
    `{"type": "photo" | "voice", "file_id"}`, a file Telegram already holds, by its id."""
    if attachment.get("file_id"):
        if attachment.get("type") == "voice":
            return await bot.send_voice(chat_id, attachment["file_id"], caption=caption, reply_markup=markup)
        return await bot.send_photo(chat_id, attachment["file_id"], caption=caption, reply_markup=markup)
    content = await asyncio.to_thread(Path(attachment["path"]).read_bytes)
    name = attachment.get("filename") or Path(attachment["path"]).name
    if attachment.get("type") == "photo":
        return await bot.send_photo(
            chat_id, content, caption=caption, reply_markup=markup, filename=name
        )
    return await bot.send_document(
        chat_id, content, caption=caption, reply_markup=markup, filename=name
    )


def seconds_of(retry_after: float | timedelta) -> float:
    """`RetryAfter.retry_after` in seconds: a timedelta with PTB_TIMEDELTA set, else a number."""
    if isinstance(retry_after, timedelta):
        return retry_after.total_seconds()
    return float(retry_after)
