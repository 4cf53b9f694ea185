"""Turning an outbox row into Bot API calls: inline keyboards, photos and documents."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message

CAPTION_LIMIT = 1024


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
