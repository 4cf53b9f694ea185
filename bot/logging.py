"""Logging set-up. Message texts, names and the bot token never reach the logs."""

from __future__ import annotations

import logging
import re
import traceback
from collections.abc import Mapping
from types import TracebackType
from typing import Any

from telegram import TelegramObject, Update

_TOKEN_IN_URL = re.compile(r"bot\d+:[A-Za-z0-9_-]+")


class RedactTokenFilter(logging.Filter):
    """Hide bot tokens that libraries put in URLs they log."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if _TOKEN_IN_URL.search(message):
            record.msg = _TOKEN_IN_URL.sub("bot<token>", message)
            record.args = None
        return True


_UPDATE_KINDS = frozenset(str(kind) for kind in Update.ALL_TYPES)
# PTB's own words (python-telegram-bot 22) when it fails on data from Telegram: the
# exception's text may quote that data. And when it logs a body that is not JSON.
_PARSE_FAILURES = (
    "Error while parsing updates!",
    "Something went wrong processing the data received from Telegram",
    "Error while building CallbackContext for update",
)
_RAW_BODY_MESSAGES = ("Can not load invalid JSON data",)
_MAX_DESCRIBED = 10


class _Withheld(str):
    """A description standing in for data; `%r` shows it without quotes."""

    def __repr__(self) -> str:
        return str(self)


def describe_update(data: object) -> str:
    """An update as its id and kind only (`update 42 (message)`): no names, no texts."""
    if isinstance(data, Update):
        kinds = [kind for kind in _UPDATE_KINDS if getattr(data, kind, None) is not None]
        return f"update {data.update_id} ({', '.join(sorted(kinds)) or 'no known kind'})"
    if isinstance(data, TelegramObject):
        return f"<{type(data).__name__} withheld>"
    if isinstance(data, Mapping):
        if "update_id" not in data:
            return f"<{len(data)} fields withheld>"
        update_id = data.get("update_id")
        shown_id = update_id if isinstance(update_id, int) and not isinstance(update_id, bool) else "?"
        kinds = sorted(str(key) for key in data if key in _UPDATE_KINDS)
        unknown = sum(1 for key in data if key != "update_id" and key not in _UPDATE_KINDS)
        if unknown:
            kinds.append(f"{unknown} unknown field{'s' if unknown > 1 else ''}")
        return f"update {shown_id} ({', '.join(kinds) or 'empty'})"
    return f"<{type(data).__name__} withheld>"


def _describe_argument(value: object) -> object:
    """A logging argument that carries Telegram data, reduced to what identifies it."""
    if isinstance(value, TelegramObject | Mapping):
        return _Withheld(describe_update(value))
    if isinstance(value, list | tuple) and any(isinstance(item, TelegramObject | Mapping) for item in value):
        described = [describe_update(item) for item in value[:_MAX_DESCRIBED]]
        if len(value) > _MAX_DESCRIBED:
            described.append(f"{len(value) - _MAX_DESCRIBED} more")
        return _Withheld(f"[{'; '.join(described)}]")
    return value


def _carries_data(value: object) -> bool:
    return _describe_argument(value) is not value


def _frames_only(exc_info: tuple[type[BaseException], BaseException, TracebackType | None]) -> str:
    """A traceback with its frames and the exception's type, without the exception's text.

    A parsing error's text may quote a value of the update it failed on.
    """
    kind, _exc, tb = exc_info
    frames = "".join(traceback.format_list(traceback.extract_tb(tb)))
    return (f"Traceback (most recent call last):\n{frames}"
            f"{kind.__module__}.{kind.__qualname__} (its message is withheld)")


class WithholdTelegramDataFilter(logging.Filter):
    """Keep what python-telegram-bot logs about updates, minus the updates' content.

    PTB logs a whole update (names, texts) when it cannot parse it: at CRITICAL
    from the bot's getUpdates ("Error while parsing updates! Received data was
    %r"), from the webhook handler ("Received data was: %r") and when it cannot
    build a context for an update; and a whole response body when it is not
    JSON. Such a record keeps its logger, level and words; each update in its
    arguments becomes `update <id> (<kind>)`, a raw body becomes its length, and
    its traceback keeps the frames and the exception's type but not its text.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if not record.name.startswith("telegram"):
            return True
        words = record.msg if isinstance(record.msg, str) else ""
        raw_body = words.startswith(_RAW_BODY_MESSAGES)
        args: Any = record.args
        if isinstance(args, Mapping):
            args = (args,)  # logging passes a lone mapping argument on its own
        args = args if isinstance(args, tuple) else ()
        if not (raw_body or words.startswith(_PARSE_FAILURES) or any(_carries_data(a) for a in args)):
            return True
        if raw_body:
            record.args = tuple(
                _Withheld(f"<{len(a)} characters withheld>") if isinstance(a, str | bytes) else a for a in args
            )
        else:
            record.args = tuple(_describe_argument(a) for a in args)
        if record.exc_info and record.exc_info[0] is not None:
            record.exc_text = _frames_only(record.exc_info)  # type: ignore[arg-type]
            record.exc_info = None
        return True


OWN_PACKAGES = ("bot", "handlers", "mentoring", "storage")


def configure_logging(level: str = "INFO") -> None:
    """Log to stderr; LOG_LEVEL=DEBUG opens Narbot's own loggers only.

    Libraries log whole updates and request bodies (PTB), SQL parameters
    (aiosqlite, SQLAlchemy) and URLs with the token (httpx) below INFO: those
    would carry message texts and names, so they stay at INFO or above. What
    PTB logs above that about an update it could not read keeps its level and
    words but not the update (WithholdTelegramDataFilter).
    """
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(WithholdTelegramDataFilter())
    handler.addFilter(RedactTokenFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    numeric = logging.getLevelName(level)
    root.setLevel(max(numeric, logging.INFO))
    for package in OWN_PACKAGES:
        logging.getLogger(package).setLevel(numeric)
    for noisy in ("httpx", "httpcore", "apscheduler", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
