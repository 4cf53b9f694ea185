"""Turning an outbox row into Bot API calls: inline keyboards, photos and documents.

The Telegram side of the sender (bot/sender.py): `send_job` puts one claimed
row in front of its reader; the sender keeps the queue, the limits and the
results, and maps what Telegram answers to them.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.error import NetworkError

from storage.models import OutboxMessage

logger = logging.getLogger(__name__)

CAPTION_LIMIT = 1024


@dataclass
class Job:
    """A claimed row, as the sender sends it (read from the row once, at claim time)."""

    row_id: int
    person_id: int | None
    chat_id: str
    text: str
    buttons: list[list[dict[str, str]]] | None
    attachment: dict[str, str] | None
    attempts: int
    attachment_sent: bool
    claimed_at: datetime

    @classmethod
    def of(cls, row: OutboxMessage, chat_id: str, claimed_at: datetime) -> Job:
        return cls(
            row.id,
            row.person_id,
            chat_id,
            row.text,
            row.buttons,
            row.attachment,
            row.attempts,
            row.sent_message_id is not None,
            claimed_at,
        )


async def send_job(
    bot: Bot, job: Job, *, first_part_sent: Callable[[str], Awaitable[None]],
    wait_for_slot: Callable[[], Awaitable[bool]],
) -> str:
    """Send one row (its file first, if any); the id of the message that carries the text.

    A text too long for a caption goes after the file as a second message:
    `first_part_sent` records the file's message, so a retry never sends it again,
    and `wait_for_slot` keeps the chat's pace between the two (False: stopping).
    """
    markup = keyboard(job.buttons)
    attachment = job.attachment
    if attachment is not None and not Path(attachment["path"]).is_file():
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
        await first_part_sent(str(message.message_id))
        job.attachment_sent = True
        if not await wait_for_slot():
            raise Interrupted
    return await _send_text(bot, job.chat_id, job.text, markup)


async def _send_text(bot: Bot, chat_id: str, text: str, markup: InlineKeyboardMarkup | None) -> str:
    message = await bot.send_message(chat_id, text, reply_markup=markup)
    return str(message.message_id)


class Interrupted(NetworkError):
    """Stopped between the two parts of a long-captioned attachment; the text part is retried."""

    def __init__(self) -> None:
        super().__init__("stopped before the text part")


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
    """Send `{"type": "photo" | "document", "path", "filename"}`; the file is read off the loop."""
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
