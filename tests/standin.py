"""A local stand-in for the Telegram Bot API, spoken to over real HTTP.

End-to-end tests, benchmarks and the manual demo point python-telegram-bot at
this server (``ApplicationBuilder().base_url(standin.base_url)``) instead of
``api.telegram.org``.  It keeps the chats in memory, answers with the JSON
Telegram would send, and can misbehave on purpose (rate limits, blocked users,
5xx errors, hung requests) so the outbox sender can be tested against the
failures it exists to survive.

Usage in a test::

    async with BotApiStandIn() as api:
        app = ApplicationBuilder().token(api.token).base_url(api.base_url).build()
        ...
        api.push_message(1001, "/start")
        [reply] = await api.wait_for_messages(1001, 1)

Manual demo::

    python -m tests.standin --port 8081
    # then run the bot with TELEGRAM_API_BASE_URL=http://127.0.0.1:8081/bot and
    curl -X POST http://127.0.0.1:8081/_standin/users/1001/messages \
         -H 'Content-Type: application/json' -d '{"text": "/start"}'
    curl http://127.0.0.1:8081/_standin/chats/1001/messages
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import copy
import json
import logging
import math
import mimetypes
import random
import re
import signal
import struct
import time
from collections import Counter, deque
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Self, TypeVar

import aiohttp
from aiohttp import web

__all__ = ["ApiCall", "ApiError", "BotApiStandIn", "StandInStats", "Upload", "main"]

logger = logging.getLogger("tests.standin")

T = TypeVar("T")
JSON = dict[str, Any]

#: Methods that put a new message into a chat; only these are rate limited,
#: fault-injected and counted in :attr:`StandInStats.delivered`.
DELIVERY_METHODS = frozenset({"sendMessage", "sendPhoto", "sendDocument"})

#: Form fields PTB JSON-encodes (non-string values).  Free text fields such as
#: ``text``, ``caption`` or ``callback_query_id`` are deliberately absent so a
#: text of "123" stays a string.
_JSON_FIELDS = frozenset(
    {
        "chat_id", "from_chat_id", "message_id", "message_ids", "user_id", "message_thread_id",
        "reply_to_message_id", "reply_markup", "entities", "caption_entities", "commands",
        "scope", "allowed_updates", "offset", "limit", "timeout", "link_preview_options",
        "reply_parameters", "show_alert", "cache_time", "disable_notification",
        "protect_content", "allow_sending_without_reply", "disable_web_page_preview",
        "drop_pending_updates", "max_connections", "has_spoiler", "show_caption_above_media",
        "disable_content_type_detection", "allow_paid_broadcast", "duration", "width",
        "height", "revoke_messages",
    }
)
_BOOL_FIELDS = frozenset({"show_alert", "drop_pending_updates", "disable_notification", "allow_paid_broadcast"})

#: Telegram's ceiling for paid broadcasts (``allow_paid_broadcast``; they cost Stars).
PAID_BROADCAST_LIMIT = 1000.0
_CHAT_ACTIONS = frozenset(
    {
        "typing", "upload_photo", "record_video", "upload_video", "record_voice",
        "upload_voice", "upload_document", "choose_sticker", "find_location",
        "record_video_note", "upload_video_note",
    }
)
_SCOPE_TYPES = frozenset(
    {
        "default", "all_private_chats", "all_group_chats", "all_chat_administrators",
        "chat", "chat_administrators", "chat_member",
    }
)
_BUTTON_ACTIONS = (
    "url", "callback_data", "web_app", "login_url", "switch_inline_query",
    "switch_inline_query_current_chat", "switch_inline_query_chosen_chat", "copy_text",
    "callback_game", "pay",
)
# Telegram does not send these unless asked for explicitly in allowed_updates.
_OPT_IN_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
_FILE_PREFIX = {"document": "BQAC", "photo": "AgAC", "sticker": "CAAC", "voice": "AwAC"}
_MAX_TEXT, _MAX_CAPTION, _MAX_CALLBACK_DATA = 4096, 1024, 64
_BUTTON_ERROR = "can't parse inline keyboard button: "
_NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)


class ApiError(Exception):
    """An error answer: ``{"ok": false, "error_code": status, "description": ...}``."""

    def __init__(self, status: int, description: str, parameters: JSON | None = None) -> None:
        super().__init__(description)
        self.status, self.description, self.parameters = status, description, parameters

    def body(self) -> JSON:
        body: JSON = {"ok": False, "error_code": self.status, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def _bad(description: str) -> ApiError:
    return ApiError(400, f"Bad Request: {description}")


@dataclass(frozen=True)
class Upload:
    """A file that arrived as a multipart part."""

    filename: str | None
    content_type: str
    data: bytes = field(repr=False)

    @property
    def size(self) -> int:
        return len(self.data)


@dataclass
class ApiCall:
    """One Bot API call and how it was answered (``status`` is None while in flight)."""

    method: str
    params: JSON
    status: int | None = None
    description: str | None = None


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    kind: str
    file_name: str | None
    mime_type: str | None
    data: bytes | None
    file_path: str

    @property
    def size(self) -> int:
        return len(self.data or b"")


@dataclass
class StandInStats:
    """Counters for benchmarks.

    ``by_status`` counts every answered call by HTTP status.  ``timeouts``
    counts requests the stand-in decided to hang (the client may give up before
    the late 504 arrives, so they are not necessarily in ``by_status``).
    ``delivered`` lists ``(chat_id, text)`` for every message that reached a
    chat, so duplicates and losses can be counted.
    """

    by_status: Counter[int] = field(default_factory=Counter)
    timeouts: int = 0
    delivered: list[tuple[int, str]] = field(default_factory=list)
    #: Deliveries sent with ``allow_paid_broadcast``.
    paid: int = 0

    @property
    def ok(self) -> int:
        return self.by_status[200]

    @property
    def rate_limited(self) -> int:
        return self.by_status[429]

    @property
    def forbidden(self) -> int:
        return self.by_status[403]

    @property
    def server_errors(self) -> int:
        """Injected 500/502 answers (the 504s after a hang are in ``timeouts``)."""
        return sum(n for code, n in self.by_status.items() if code >= 500 and code != 504)

    def duplicates(self) -> dict[tuple[int, str], int]:
        """``(chat_id, text)`` pairs delivered more than once, with their counts."""
        return {key: n for key, n in Counter(self.delivered).items() if n > 1}

    def as_dict(self) -> JSON:
        return {
            "200": self.ok, "429": self.rate_limited, "403": self.forbidden,
            "5xx": self.server_errors, "timeouts": self.timeouts,
            "by_status": {str(code): n for code, n in sorted(self.by_status.items())},
            "delivered": len(self.delivered),
            "duplicates": sum(n - 1 for n in self.duplicates().values()),
            "paid": self.paid,
        }


class _CommandTable(dict[tuple[str, str | None], list[JSON]]):
    """Commands keyed by ``(scope type, language code)``.

    An absent scope and ``{"type": "default"}`` mean the same to Telegram, so
    lookups with ``None`` as the scope (or ``""`` as the language) are
    normalised to ``("default", None)``-style keys.
    """

    @staticmethod
    def _norm(key: tuple[str | None, str | None]) -> tuple[str, str | None]:
        scope, lang = key
        return (scope or "default", lang or None)

    def __getitem__(self, key: tuple[str | None, str | None]) -> list[JSON]:
        return super().__getitem__(self._norm(key))

    def __contains__(self, key: object) -> bool:
        return isinstance(key, tuple) and len(key) == 2 and super().__contains__(self._norm(key))

    def get(self, key: tuple[str | None, str | None], default: Any = None) -> Any:
        return super().get(self._norm(key), default)


class _SlidingWindow:
    """At most ``limit`` events per ``window`` seconds."""

    def __init__(self, limit: int, window: float) -> None:
        self.limit, self.window = limit, window
        self._stamps: deque[float] = deque()

    def retry_after(self, now: float) -> int | None:
        """Whole seconds to wait before the next event is allowed, or None if it is."""
        while self._stamps and now - self._stamps[0] >= self.window:
            self._stamps.popleft()
        if len(self._stamps) < self.limit:
            return None
        return max(1, math.ceil(self._stamps[0] + self.window - now))

    def record(self, now: float) -> None:
        self._stamps.append(now)


# --------------------------------------------------------------------------- text formatting


def _u16(text: str) -> int:
    """Length in UTF-16 code units, the unit of Telegram entity offsets."""
    return len(text.encode("utf-16-le")) // 2


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode())


def _entity_error(text: str) -> ApiError:
    return _bad(f"can't parse entities: {text}")


_HTML_TAGS = frozenset(
    {
        "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler", "a",
        "code", "pre", "blockquote", "tg-emoji",
    }
)
_HTML_ENTITY_TYPES = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline",
    "ins": "underline", "s": "strikethrough", "strike": "strikethrough",
    "del": "strikethrough", "span": "spoiler", "tg-spoiler": "spoiler", "code": "code",
    "pre": "pre",
}
_HTML_ESCAPES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ATTR_RE = re.compile(r"""([a-zA-Z][\w-]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?""")
_CHARREF_RE = re.compile(r"&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]{2,8});")


def _html_unescape(match: re.Match[str]) -> str:
    ref = match.group(1)
    if ref.startswith(("#x", "#X")):
        return chr(int(ref[2:], 16))
    if ref.startswith("#"):
        return chr(int(ref[1:]))
    return _HTML_ESCAPES.get(ref.lower(), match.group(0))  # Telegram leaves other names alone


def parse_html(source: str) -> tuple[str, list[JSON]]:
    """Parse Telegram's HTML subset into ``(plain text, entities)``.

    Strict where Telegram is: unsupported tags (``<br>``, ``<p>``, a stray
    ``<`` from an unescaped user name) and unbalanced tags are errors.
    """
    out: list[str] = []
    pos16 = 0
    stack: list[JSON] = []
    entities: list[JSON] = []
    i = 0
    while i < len(source):
        char = source[i]
        if char == "<":
            end = source.find(">", i)
            if end == -1:
                raise _entity_error(
                    f"Can't find end of the tag starting at byte offset {_byte_offset(source, i)}"
                )
            inner = source[i + 1 : end]
            if inner.startswith("/"):
                name = inner[1:].strip().lower()
                if not stack:
                    raise _entity_error(
                        f"Unexpected end tag at byte offset {_byte_offset(source, i)}"
                    )
                top = stack.pop()
                if name and name != top["tag"]:
                    raise _entity_error(
                        f'Unmatched end tag at byte offset {_byte_offset(source, i)}, expected '
                        f'"</{top["tag"]}>", found "</{name}>"'
                    )
                _close_html_tag(top, pos16, stack, entities)
            else:
                match = re.match(r"[a-zA-Z][a-zA-Z0-9-]*", inner)
                name = match.group(0).lower() if match else ""
                if name not in _HTML_TAGS:
                    raise _entity_error(
                        f'Unsupported start tag "{name}" at byte offset {_byte_offset(source, i)}'
                    )
                attrs = {
                    m.group(1).lower(): _CHARREF_RE.sub(_html_unescape, next(
                        (g for g in m.group(2, 3, 4) if g is not None), ""
                    ))
                    for m in _ATTR_RE.finditer(inner, len(name))
                }
                if name == "span" and attrs.get("class") != "tg-spoiler":
                    raise _entity_error('Tag "span" must have class "tg-spoiler"')
                stack.append({"tag": name, "attrs": attrs, "start": pos16})
            i = end + 1
            continue
        if char == "&" and (ref := _CHARREF_RE.match(source, i)):
            piece = _html_unescape(ref)
            i = ref.end()
        else:
            piece = char
            i += 1
        out.append(piece)
        pos16 += _u16(piece)
    if stack:
        raise _entity_error(f'Can\'t find end tag corresponding to start tag "{stack[-1]["tag"]}"')
    return "".join(out), entities


def _close_html_tag(top: JSON, pos16: int, stack: list[JSON], entities: list[JSON]) -> None:
    tag, attrs, start = top["tag"], top["attrs"], top["start"]
    # <pre><code class="language-x"> is one pre entity with a language, not two.
    if tag == "code" and stack and stack[-1]["tag"] == "pre":
        language = attrs.get("class", "")
        if language.startswith("language-"):
            stack[-1]["language"] = language.removeprefix("language-")
            return
    if pos16 == start:
        return
    entity: JSON = {"offset": start, "length": pos16 - start}
    if tag == "a":
        if "href" not in attrs:
            return
        entity.update(type="text_link", url=attrs["href"])
    elif tag == "blockquote":
        entity["type"] = "expandable_blockquote" if "expandable" in attrs else "blockquote"
    elif tag == "tg-emoji":
        entity.update(type="custom_emoji", custom_emoji_id=attrs.get("emoji-id", ""))
    else:
        entity["type"] = _HTML_ENTITY_TYPES[tag]
        if tag == "pre" and top.get("language"):
            entity["language"] = top["language"]
    entities.append(entity)


_MDV2_RESERVED = frozenset("_*[]()~`>#+-=|{}.!")
_MDV2_MARKERS = {
    "*": "bold", "_": "italic", "__": "underline", "~": "strikethrough", "||": "spoiler",
}
_MDV2_NAMES = {
    "bold": "Bold", "italic": "Italic", "underline": "Underline",
    "strikethrough": "Strikethrough", "spoiler": "Spoiler", "link": "TextUrl",
}


def parse_markdown_v2(source: str) -> tuple[str, list[JSON]]:
    """Parse MarkdownV2 into ``(plain text, entities)``.

    Covers what a bot realistically sends: emphasis markers, code and pre
    blocks, inline links and ``>`` quotes, and Telegram's rule that every
    other reserved character must be escaped with a backslash (the usual way a
    translated sentence ending in "." breaks a MarkdownV2 message).
    """
    out: list[str] = []
    pos16 = 0
    stack: list[tuple[str, int, int]] = []  # (marker, start offset, byte offset of marker)
    entities: list[JSON] = []
    quote_start: int | None = None
    i, n = 0, len(source)

    def emit(piece: str) -> None:
        nonlocal pos16
        out.append(piece)
        pos16 += _u16(piece)

    def add(kind: str, start: int, **extra: str) -> None:
        if pos16 > start:
            entities.append({"type": kind, "offset": start, "length": pos16 - start, **extra})

    def scan_until(start: int, stop: str) -> tuple[str, int]:
        """Text up to the unescaped ``stop``; only ``stop`` and ``\\`` may be escaped there."""
        chunk: list[str] = []
        j = start
        while j < n and not source.startswith(stop, j):
            if source[j] == "\\" and j + 1 < n:
                j += 1
            chunk.append(source[j])
            j += 1
        return ("".join(chunk), j) if j < n else ("", -1)

    while i < n:
        char = source[i]
        at_line_start = i == 0 or source[i - 1] == "\n"
        if char == "\\":
            if i + 1 < n and 0 < ord(source[i + 1]) < 127:
                emit(source[i + 1])
                i += 2
                continue
            raise _entity_error(
                "Character '\\' is reserved and must be escaped with the preceding '\\'"
            )
        if char == ">" and at_line_start:
            if quote_start is None:
                quote_start = pos16
            i += 1
            continue
        if char == "\n" and quote_start is not None and not source.startswith(">", i + 1):
            add("blockquote", quote_start)
            quote_start = None
        if char == "`":
            is_pre = source.startswith("```", i)
            start_byte = _byte_offset(source, i)
            body, end = scan_until(i + (3 if is_pre else 1), "```" if is_pre else "`")
            if end == -1:
                kind = "Pre" if is_pre else "Code"
                raise _entity_error(f"Can't find end of {kind} entity at byte offset {start_byte}")
            entity: JSON = {"type": "pre" if is_pre else "code"}
            if is_pre and "\n" in body:
                language, rest = body.split("\n", 1)
                if language and re.fullmatch(r"[\w+#-]+", language):
                    entity["language"] = language
                    body = rest
            entity.update(offset=pos16, length=_u16(body))
            emit(body)
            if body:
                entities.append(entity)
            i = end + (3 if is_pre else 1)
            continue
        marker = next((m for m in ("__", "||") if source.startswith(m, i)), char)
        if marker in _MDV2_MARKERS:
            if stack and stack[-1][0] == marker:
                add(_MDV2_MARKERS[marker], stack.pop()[1])
            else:
                stack.append((marker, pos16, _byte_offset(source, i)))
            i += len(marker)
            continue
        if char == "[":
            stack.append(("[", pos16, _byte_offset(source, i)))
            i += 1
            continue
        if char == "]" and stack and stack[-1][0] == "[" and source.startswith("(", i + 1):
            url, end = scan_until(i + 2, ")")
            if end == -1:
                raise _entity_error(
                    f"Can't find end of a URL at byte offset {_byte_offset(source, i)}"
                )
            add("text_link", stack.pop()[1], url=url)
            i = end + 1
            continue
        if char in _MDV2_RESERVED:
            raise _entity_error(
                f"Character '{char}' is reserved and must be escaped with the preceding '\\'"
            )
        emit(char)
        i += 1
    if stack:
        marker, _, byte = stack[-1]
        name = "TextUrl" if marker == "[" else _MDV2_NAMES[_MDV2_MARKERS[marker]]
        raise _entity_error(f"Can't find end of {name} entity at byte offset {byte}")
    if quote_start is not None:
        add("blockquote", quote_start)
    return "".join(out), sorted(entities, key=lambda e: (e["offset"], -e["length"]))


def _strip_text(text: str, entities: list[JSON]) -> tuple[str, list[JSON]]:
    """Trim surrounding whitespace as Telegram does, keeping entities aligned."""
    stripped = text.strip()
    if stripped == text:
        return text, entities
    lead = _u16(text[: len(text) - len(text.lstrip())])
    size = _u16(stripped)
    kept = []
    for entity in entities:
        start = max(entity["offset"] - lead, 0)
        end = min(entity["offset"] + entity["length"] - lead, size)
        if end > start:
            kept.append({**entity, "offset": start, "length": end - start})
    return stripped, kept


def _format(text: str, parse_mode: Any, entities: Any) -> tuple[str, list[JSON]]:
    if isinstance(entities, list):
        return _strip_text(text, entities)
    mode = (parse_mode or "").lower() if isinstance(parse_mode, str) else ""
    if mode == "html":
        return _strip_text(*parse_html(text))
    if mode == "markdownv2":
        return _strip_text(*parse_markdown_v2(text))
    if mode not in ("", "markdown"):  # legacy Markdown is accepted but not parsed
        raise _bad(f"unsupported parse_mode \"{parse_mode}\"")
    return _strip_text(text, [])


def _image_size(data: bytes) -> tuple[int, int]:
    """Width and height of a PNG or JPEG, or (0, 0) when unknown."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        return struct.unpack(">II", data[16:24])
    if data[:2] == b"\xff\xd8":
        i = 2
        while i + 9 < len(data) and data[i] == 0xFF:
            marker, length = data[i + 1], struct.unpack(">H", data[i + 2 : i + 4])[0]
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                height, width = struct.unpack(">HH", data[i + 5 : i + 9])
                return width, height
            i += 2 + length
    return 0, 0


# --------------------------------------------------------------------------- the server


class BotApiStandIn:
    """An in-memory Telegram Bot API server on ``127.0.0.1``.

    Everything that crosses the wire is real HTTP; the state the tests read
    (``requests``, ``messages``, ``stats``...) is plain Python.  All public
    methods must be called from the event loop the server runs on.
    """

    def __init__(
        self,
        token: str = "123456:TEST-TOKEN",
        *,
        username: str = "narbot_test_bot",
        host: str = "127.0.0.1",
        port: int = 0,
        rate_limit_per_second: float | None = None,
        paid_rate_limit_per_second: float = PAID_BROADCAST_LIMIT,
        per_chat_interval: float | None = None,
        per_group_per_minute: int | None = None,
        fault_rate: float = 0.0,
        timeout_delay: float = 10.0,
        seed: int = 0,
        blocked_chat_ids: Iterable[int] = (),
        strict_chats: bool = False,
        clock: Callable[[], float] = time.time,
    ) -> None:
        """Configure the stand-in; nothing listens until :meth:`start`.

        ``rate_limit_per_second`` (global), ``per_chat_interval`` (seconds
        between messages to one private chat) and ``per_group_per_minute``
        make sends over the limit fail with 429 and ``retry_after``.  With
        the global limit on, a send with ``allow_paid_broadcast`` (Telegram's
        paid broadcasts) is not counted against it but against
        ``paid_rate_limit_per_second`` (1,000/s), which every send counts in.
        ``fault_rate`` is the share of sends that fail: half with a 500/502,
        half by hanging for ``timeout_delay`` seconds and then answering 504
        without delivering.  ``seed`` makes the faults reproducible.  Sends to
        ``blocked_chat_ids`` get 403.  With ``strict_chats``, sending to a
        private chat that never wrote to the bot gets 403 as on Telegram.
        ``clock`` supplies the Unix time used for message dates.
        """
        bot_id, sep, secret = token.partition(":")
        if not (bot_id.isdigit() and sep and secret):
            raise ValueError(f"token must look like '<digits>:<secret>', got {token!r}")
        if not 0.0 <= fault_rate <= 1.0:
            raise ValueError("fault_rate must be between 0 and 1")
        self.token, self.username, self.bot_id = token, username, int(bot_id)
        self.host, self.port = host, port
        self.bot_user: JSON = {
            "id": self.bot_id, "is_bot": True, "first_name": "Narbot", "username": username,
        }
        self.per_chat_interval = per_chat_interval
        self.per_group_per_minute = per_group_per_minute
        self.fault_rate, self.timeout_delay = fault_rate, timeout_delay
        self.blocked_chat_ids: set[int] = set(blocked_chat_ids)
        self._held: set[int] = set()
        self.strict_chats = strict_chats
        self.clock = clock
        self._rng = random.Random(seed)
        self._global_window: _SlidingWindow | None = None
        self._paid_window: _SlidingWindow | None = None
        if rate_limit_per_second is not None:
            if rate_limit_per_second <= 0:
                raise ValueError("rate_limit_per_second must be positive")
            window = max(1.0, 1.0 / rate_limit_per_second)
            limit = max(1, round(rate_limit_per_second * window))
            self._global_window = _SlidingWindow(limit, window)
            self._paid_window = _SlidingWindow(max(1, round(paid_rate_limit_per_second)), 1.0)
        self._chat_windows: dict[int, _SlidingWindow] = {}

        # What the bot did, for the tests to read.
        self.requests: list[tuple[str, JSON]] = []
        self.calls: list[ApiCall] = []
        self.messages: dict[int, list[JSON]] = {}
        self.answered_callbacks: list[JSON] = []
        self.commands: _CommandTable = _CommandTable()
        self.reply_keyboards: dict[int, JSON] = {}
        self.files: dict[str, StoredFile] = {}
        self.stats = StandInStats()
        self.webhook_url: str = ""
        self.webhook_secret: str | None = None
        self.webhook_deliveries: list[JSON] = []

        self._chats: dict[int, JSON] = {}
        self._users: dict[int, JSON] = {}
        self._updates: list[JSON] = []
        self._next_update_id = 1
        self._next_message_id: dict[int, int] = {}
        self._open_callbacks: set[str] = set()
        self._seq = 0
        self._allowed_updates: frozenset[str] | None = None
        self._webhook_info: JSON = {}
        self._poll_generation = 0
        self._changed = asyncio.Event()
        self._closing = False
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None
        self._webhook_task: asyncio.Task[None] | None = None
        self._api_methods: dict[str, Callable[[JSON], Awaitable[Any]]] = {
            name.removeprefix("_api_").lower(): getattr(self, name)
            for name in dir(self)
            if name.startswith("_api_")
        }

    # ------------------------------------------------------------------ lifecycle

    @property
    def base_url(self) -> str:
        """For ``base_url=``: PTB appends the token itself."""
        return f"http://{self.host}:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://{self.host}:{self.port}/file/bot"

    @property
    def control_url(self) -> str:
        return f"http://{self.host}:{self.port}/_standin"

    async def start(self) -> None:
        """Listen on ``host:port``; with port 0 a free port is chosen and stored."""
        if self._runner is not None:
            raise RuntimeError("stand-in already started")
        self._closing = False
        app = web.Application(client_max_size=64 * 1024 * 1024)  # documents may be up to 50 MB
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        app.router.add_post("/_standin/users/{user_id}/messages", self._control_message)
        app.router.add_post("/_standin/users/{user_id}/callbacks", self._control_callback)
        app.router.add_get("/_standin/chats/{chat_id}/messages", self._control_chat)
        app.router.add_get("/_standin/stats", self._control_stats)
        # Cancelling handlers whose client went away frees hung long polls at once.
        runner = web.AppRunner(
            app, access_log=None, handler_cancellation=True, shutdown_timeout=2.0
        )
        await runner.setup()
        try:
            await web.TCPSite(runner, self.host, self.port).start()
        except BaseException:
            await runner.cleanup()  # e.g. the port is taken: leave nothing half-open
            raise
        self._runner = runner
        self.port = runner.addresses[0][1]
        self._session = aiohttp.ClientSession()
        self._ensure_webhook_worker()

    async def stop(self) -> None:
        """Wake every waiting request, stop the webhook sender, close the server."""
        if self._runner is None:
            return
        self._closing = True
        self._notify()
        if self._webhook_task is not None:
            self._webhook_task.cancel()
            await asyncio.gather(self._webhook_task, return_exceptions=True)
            self._webhook_task = None
        runner, self._runner = self._runner, None
        await runner.cleanup()
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    # ------------------------------------------------------------------ waiting

    def _notify(self) -> None:
        """Wake everyone waiting for a state change (long polls, wait_for_*)."""
        event, self._changed = self._changed, asyncio.Event()
        event.set()

    async def _wait_until(self, check: Callable[[], T | None], timeout: float) -> T | None:
        """Re-run ``check`` after every state change until it returns non-None."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            result = check()
            if result is not None:
                return result
            remaining = deadline - loop.time()
            if remaining <= 0:
                return None
            event = self._changed
            try:
                await asyncio.wait_for(event.wait(), remaining)
            except TimeoutError:
                pass

    async def wait_for_messages(
        self, chat_id: int, count: int, timeout: float = 10.0
    ) -> list[JSON]:
        """Wait until the bot has sent at least ``count`` messages to ``chat_id``.

        Returns all of them.  On timeout the error says what did arrive and
        how the last API calls were answered.
        """
        result = await self._wait_until(
            lambda: msgs if len(msgs := self.messages_to(chat_id)) >= count else None, timeout
        )
        if result is not None:
            return result
        got = self.messages_to(chat_id)
        recent = "\n".join(
            f"  {c.method} {c.params.get('chat_id', '')} -> {c.status} {c.description or ''}"
            for c in self.calls[-10:]
        )
        raise TimeoutError(
            f"waited {timeout}s for {count} bot message(s) in chat {chat_id}, got {len(got)}: "
            f"{[m.get('text', m.get('caption')) for m in got]!r}\n"
            f"last API calls:\n{recent or '  none'}"
        )

    async def wait_for_request(
        self,
        method: str,
        predicate: Callable[[JSON], bool] | None = None,
        timeout: float = 10.0,
        *,
        start: int = 0,
    ) -> JSON:
        """Params of the first ``method`` call in ``requests[start:]`` matching ``predicate``.

        Pass ``start=len(api.requests)`` to ignore calls made before an action.
        """
        wanted = method.lower()

        def find() -> JSON | None:
            for name, params in self.requests[start:]:
                if name.lower() == wanted and (predicate is None or predicate(params)):
                    return params
            return None

        found = await self._wait_until(find, timeout)
        if found is None:
            seen = Counter(name for name, _ in self.requests[start:])
            raise TimeoutError(
                f"waited {timeout}s for a matching {method} call; calls seen: {dict(seen)}"
            )
        return found

    def hold_sends(self, chat_id: int) -> None:
        """Keep every send to ``chat_id`` waiting, unanswered, until :meth:`release_sends` (or the
        stand-in closes): a reply slow on its way to Telegram, the bot's request still open."""
        self._held.add(chat_id)

    def release_sends(self, chat_id: int) -> None:
        """Answer the sends :meth:`hold_sends` kept waiting, and the next ones at once."""
        self._held.discard(chat_id)
        self._notify()

    # ------------------------------------------------------------------ reading state

    def messages_to(self, chat_id: int) -> list[JSON]:
        """Copies of the bot's messages in ``chat_id``, oldest first, as edited since."""
        return [
            copy.deepcopy(m)
            for m in self.messages.get(chat_id, [])
            if m.get("from", {}).get("id") == self.bot_id
        ]

    def reply_keyboard(self, chat_id: int) -> list[list[str]] | None:
        """Button texts of the reply keyboard the user in ``chat_id`` currently sees."""
        markup = self.reply_keyboards.get(chat_id)
        if markup is None:
            return None
        return [
            [b if isinstance(b, str) else b.get("text", "") for b in row]
            for row in markup["keyboard"]
        ]

    # ------------------------------------------------------------------ injecting user activity

    def _user(
        self, user_id: int, first_name: str | None, last_name: str | None,
        username: str | None, language_code: str | None,
    ) -> JSON:
        """The user's profile; arguments left as None keep what was seen before."""
        known = self._users.get(user_id, {})
        user: JSON = {
            "id": user_id, "is_bot": False,
            "first_name": first_name or known.get("first_name", "Ayşe"),
        }
        for key, value in (("last_name", last_name), ("username", username),
                           ("language_code", language_code)):
            chosen = value if value is not None else known.get(
                key, "tr" if key == "language_code" else None
            )
            if chosen:
                user[key] = chosen
        self._users[user_id] = user
        return user

    def _chat(self, chat_id: int, user: JSON | None = None, title: str | None = None) -> JSON:
        if chat_id > 0:
            source = user or self._chats.get(chat_id) or {"first_name": f"User {chat_id}"}
            chat = {"id": chat_id, "type": "private"}
            chat.update(
                {k: source[k] for k in ("first_name", "last_name", "username") if k in source}
            )
        else:
            known = self._chats.get(chat_id, {})
            chat = {
                "id": chat_id,
                "type": "supergroup" if chat_id <= -1_000_000_000_000 else "group",
                "title": title or known.get("title") or f"Group {abs(chat_id)}",
            }
        if user is not None or title is not None or chat_id not in self._chats:
            self._chats[chat_id] = chat
        return dict(self._chats[chat_id])

    def _new_message_id(self, chat_id: int) -> int:
        # Telegram numbers messages per private chat, shared by both sides.
        self._next_message_id[chat_id] = self._next_message_id.get(chat_id, 0) + 1
        return self._next_message_id[chat_id]

    def _new_file(
        self, kind: str, name: str | None, mime: str | None, data: bytes | None
    ) -> StoredFile:
        self._seq += 1
        ext = mimetypes.guess_extension(mime or "") or (
            "." + name.rsplit(".", 1)[1] if name and "." in name else ""
        )
        stored = StoredFile(
            file_id=f"{_FILE_PREFIX[kind]}AgADBAADsq{self._seq:08d}{self.bot_id % 10_000:04d}",
            file_unique_id=f"AQADsq{self._seq:06d}",
            kind=kind, file_name=name, mime_type=mime, data=data,
            file_path=f"{kind}s/file_{self._seq}{ext}",
        )
        self.files[stored.file_id] = stored
        return stored

    def _push_user_message(
        self, user_id: int, content: JSON, *, chat_id: int | None, first_name: str | None,
        last_name: str | None, username: str | None, language_code: str | None,
        chat_title: str | None = None,
    ) -> JSON:
        user = self._user(user_id, first_name, last_name, username, language_code)
        chat_id = user_id if chat_id is None else chat_id
        chat = self._chat(chat_id, user if chat_id == user_id else None, chat_title)
        message = {
            "message_id": self._new_message_id(chat_id), "from": user, "chat": chat,
            "date": int(self.clock()), **content,
        }
        self.messages.setdefault(chat_id, []).append(message)
        return self.push_update({"message": copy.deepcopy(message)})

    def push_message(
        self, user_id: int, text: str, *, first_name: str | None = None,
        last_name: str | None = None, username: str | None = None,
        language_code: str | None = None, chat_id: int | None = None,
        chat_title: str | None = None,
    ) -> JSON:
        """A user writes ``text``; returns the queued update.

        ``chat_id`` defaults to the user's private chat; a negative id is a
        group.  A leading ``/command`` gets its ``bot_command`` entity.  Profile
        fields left as None keep their earlier values (first seen: "Ayşe", "tr").
        """
        content: JSON = {"text": text}
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0] if text.strip() else text
            content["entities"] = [{"type": "bot_command", "offset": 0, "length": _u16(command)}]
        return self._push_user_message(
            user_id, content, chat_id=chat_id, first_name=first_name, last_name=last_name,
            username=username, language_code=language_code, chat_title=chat_title,
        )

    def push_sticker(self, user_id: int, *, emoji: str = "👍", chat_id: int | None = None,
                     first_name: str | None = None, language_code: str | None = None) -> JSON:
        """A user sends a sticker."""
        stored = self._new_file("sticker", None, "image/webp", b"RIFF\x00\x00\x00\x00WEBP")
        sticker = {
            "file_id": stored.file_id, "file_unique_id": stored.file_unique_id, "type": "regular",
            "width": 512, "height": 512, "is_animated": False, "is_video": False,
            "emoji": emoji, "set_name": "NarbotTestStickers", "file_size": stored.size,
        }
        return self._push_user_message(
            user_id, {"sticker": sticker}, chat_id=chat_id, first_name=first_name,
            last_name=None, username=None, language_code=language_code,
        )

    def push_voice(self, user_id: int, duration: int = 3, *, chat_id: int | None = None,
                   first_name: str | None = None, language_code: str | None = None) -> JSON:
        """A user sends a voice note of ``duration`` seconds."""
        stored = self._new_file("voice", None, "audio/ogg", b"OggS" + bytes(16 * max(duration, 1)))
        voice = {
            "file_id": stored.file_id, "file_unique_id": stored.file_unique_id,
            "duration": duration, "mime_type": "audio/ogg", "file_size": stored.size,
        }
        return self._push_user_message(
            user_id, {"voice": voice}, chat_id=chat_id, first_name=first_name,
            last_name=None, username=None, language_code=language_code,
        )

    def push_photo(self, user_id: int, caption: str | None = None, *, chat_id: int | None = None,
                   first_name: str | None = None, language_code: str | None = None) -> JSON:
        """A user sends a photo (two sizes, as Telegram does), optionally captioned."""
        sizes = []
        for width, height in ((90, 68), (800, 600)):
            stored = self._new_file("photo", None, "image/jpeg", b"\xff\xd8" + bytes(width))
            sizes.append({
                "file_id": stored.file_id, "file_unique_id": stored.file_unique_id,
                "width": width, "height": height, "file_size": stored.size,
            })
        content: JSON = {"photo": sizes}
        if caption is not None:
            content["caption"] = caption
        return self._push_user_message(
            user_id, content, chat_id=chat_id, first_name=first_name,
            last_name=None, username=None, language_code=language_code,
        )

    def push_callback(
        self, user_id: int, data: str, *, message_id: int, chat_id: int | None = None,
        first_name: str | None = None, language_code: str | None = None,
    ) -> JSON:
        """A user presses an inline button under the bot's message ``message_id``."""
        chat_id = user_id if chat_id is None else chat_id
        message = self._find_message(chat_id, message_id)
        if message is None or message["from"]["id"] != self.bot_id:
            raise LookupError(f"no bot message {message_id} in chat {chat_id}")
        self._seq += 1
        query_id = str(4_410_000_000_000_000_000 + self._seq)
        self._open_callbacks.add(query_id)
        callback = {
            "id": query_id,
            "from": self._user(user_id, first_name, None, None, language_code),
            "message": copy.deepcopy(message),
            "chat_instance": str(-7_000_000_000_000_000_000 - abs(chat_id)),
            "data": data,
        }
        return self.push_update({"callback_query": callback})

    def push_update(self, update: JSON) -> JSON:
        """Queue a raw update (for getUpdates or the webhook); assigns ``update_id`` if missing."""
        if "update_id" not in update:
            update = {"update_id": self._next_update_id, **update}
        self._next_update_id = max(self._next_update_id, update["update_id"] + 1)
        self._updates.append(update)
        self._ensure_webhook_worker()
        self._notify()
        return update

    # ------------------------------------------------------------------ HTTP plumbing

    async def _handle_api(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            self.stats.by_status[401] += 1
            return web.json_response(ApiError(401, "Unauthorized").body(), status=401)
        handler = self._api_methods.get(request.match_info["method"].lower())
        if handler is None:
            self.stats.by_status[404] += 1
            error = ApiError(404, "Not Found: method not found")
            return web.json_response(error.body(), status=404)
        method = handler.__name__.removeprefix("_api_")
        call = ApiCall(method, {})
        try:
            call.params = await self._read_params(request)
            self.requests.append((method, call.params))
            self.calls.append(call)
            self._notify()
            outcome = await handler(call.params)
        except ApiError as exc:
            call.status, call.description = exc.status, exc.description
            self.stats.by_status[exc.status] += 1
            self._notify()
            return web.json_response(exc.body(), status=exc.status)
        body: JSON = {"ok": True}
        if isinstance(outcome, tuple):  # (result, description), as setWebhook answers
            body["result"], body["description"] = outcome
        else:
            body["result"] = outcome
        call.status = 200
        self.stats.by_status[200] += 1
        self._notify()
        return web.json_response(body)

    async def _read_params(self, request: web.Request) -> JSON:
        params: JSON = dict(request.query)
        if request.method == "POST" and request.body_exists:
            if request.content_type == "application/json":
                try:
                    body = await request.json()
                except ValueError:
                    raise _bad("can't parse JSON") from None
                if not isinstance(body, dict):
                    raise _bad("JSON object expected")
                params.update(body)
            else:
                for key, value in (await request.post()).items():
                    if isinstance(value, web.FileField):
                        params[key] = Upload(value.filename, value.content_type, value.file.read())
                    else:
                        params[key] = value
        for key, value in params.items():
            if key in _JSON_FIELDS and isinstance(value, str):
                try:
                    decoded = json.loads(value)
                except ValueError:
                    continue
                if isinstance(decoded, dict | list | int | float | bool):
                    params[key] = decoded
        for key in _BOOL_FIELDS & params.keys():
            if isinstance(params[key], str):
                params[key] = params[key].lower() in ("true", "1")
        return params

    async def _handle_file(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response(ApiError(401, "Unauthorized").body(), status=401)
        path = request.match_info["path"]
        stored = next((f for f in self.files.values() if f.file_path == path), None)
        if stored is None or stored.data is None:
            return web.json_response(ApiError(404, "Not Found").body(), status=404)
        return web.Response(
            body=stored.data, content_type=stored.mime_type or "application/octet-stream"
        )

    # ------------------------------------------------------------------ parameter helpers

    @staticmethod
    def _int(params: JSON, name: str, missing: str | None = None) -> int | None:
        value = params.get(name)
        if value is None or value == "":
            if missing is not None:
                raise _bad(missing)
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _bad(f"invalid {name} specified")
        return int(value)

    def _chat_id(self, params: JSON) -> int:
        value = params.get("chat_id")
        if value is None or value == "":
            raise _bad("chat_id is empty")
        if isinstance(value, bool) or not isinstance(value, int):
            raise _bad("chat not found")  # @channelusername: no channels here
        return value

    def _find_message(self, chat_id: int, message_id: int) -> JSON | None:
        chat = self.messages.get(chat_id, [])
        return next((m for m in chat if m["message_id"] == message_id), None)

    def _reply_markup(self, params: JSON) -> JSON | None:
        """Validate reply_markup; returns an inline keyboard (the only kind a Message carries)."""
        markup = params.get("reply_markup")
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise _bad("can't parse reply keyboard markup JSON object")
        if "inline_keyboard" in markup:
            rows = markup["inline_keyboard"]
            if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
                raise _bad(
                    'field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays'
                )
            for button in (b for row in rows for b in row):
                if not isinstance(button, dict) or not button.get("text"):
                    raise _bad(f"{_BUTTON_ERROR}Text must be non-empty")
                actions = [a for a in _BUTTON_ACTIONS if a in button]
                if not actions:
                    raise _bad(f"{_BUTTON_ERROR}Text buttons are unallowed in the inline keyboard")
                if len(actions) > 1:
                    raise _bad(f"{_BUTTON_ERROR}only one of the optional fields must be used")
                data = button.get("callback_data")
                if data is not None and not (1 <= len(str(data).encode()) <= _MAX_CALLBACK_DATA):
                    raise _bad("BUTTON_DATA_INVALID")
                url = button.get("url")
                if url is not None and not re.match(r"(https?|tg)://\S+$", str(url)):
                    raise _bad(f"inline keyboard button URL '{url}' is invalid: Wrong HTTP URL")
            return {"inline_keyboard": rows}
        if "keyboard" in markup:
            if not isinstance(markup["keyboard"], list):
                raise _bad("field \"keyboard\" of the ReplyKeyboardMarkup must be an Array")
        elif not ({"remove_keyboard", "force_reply"} & markup.keys()):
            raise _bad("can't find field \"inline_keyboard\"")
        return None

    def _apply_reply_keyboard(self, chat_id: int, params: JSON) -> None:
        markup = params.get("reply_markup")
        if isinstance(markup, dict) and "keyboard" in markup:
            self.reply_keyboards[chat_id] = markup
        elif isinstance(markup, dict) and markup.get("remove_keyboard"):
            self.reply_keyboards.pop(chat_id, None)

    def _text(
        self, params: JSON, key: str, limit: int, *, required: bool
    ) -> tuple[str, list[JSON]]:
        raw = params.get(key)
        if raw is None and not required:
            return "", []
        raw = "" if raw is None else str(raw)
        entities_key = "entities" if key == "text" else "caption_entities"
        text, entities = _format(raw, params.get("parse_mode"), params.get(entities_key))
        if required and not text:
            raise _bad("message text is empty")
        if len(text) > limit:
            raise _bad("message is too long" if key == "text" else "message caption is too long")
        return text, entities

    # ------------------------------------------------------------------ sending

    async def _gate(self, method: str, chat_id: int, *, paid: bool = False) -> None:
        """Refuse or delay a send: blocked chat (403), rate limits (429), injected faults.

        A paid broadcast (``paid``) skips the free global limit (~30/s) and meets the paid one
        (1,000/s), which counts every send.
        """
        if chat_id in self.blocked_chat_ids:
            raise ApiError(403, "Forbidden: bot was blocked by the user" if chat_id > 0
                           else "Forbidden: bot was kicked from the group chat")
        if self.strict_chats and chat_id > 0 and chat_id not in self._chats:
            raise ApiError(403, "Forbidden: bot can't initiate conversation with a user")
        if method not in DELIVERY_METHODS:
            return
        if chat_id in self._held:
            await self._wait_until(lambda: True if chat_id not in self._held or self._closing else None,
                                   math.inf)
        now = time.monotonic()
        overall = (self._paid_window,) if paid else (self._global_window, self._paid_window)
        windows = [w for w in (*overall, self._chat_window(chat_id)) if w is not None]
        for window in windows:
            if (wait := window.retry_after(now)) is not None:
                raise ApiError(429, f"Too Many Requests: retry after {wait}", {"retry_after": wait})
        if self.fault_rate and self._rng.random() < self.fault_rate:
            if self._rng.random() < 0.5:
                status = self._rng.choice((500, 502))
                raise ApiError(status, "Internal Server Error" if status == 500 else "Bad Gateway")
            self.stats.timeouts += 1
            await self._wait_until(lambda: True if self._closing else None, self.timeout_delay)
            raise ApiError(504, "Gateway Timeout")
        for window in windows:
            window.record(now)
        if paid:
            self.stats.paid += 1

    def _chat_window(self, chat_id: int) -> _SlidingWindow | None:
        if chat_id > 0 and self.per_chat_interval:
            limit, window = 1, self.per_chat_interval
        elif chat_id < 0 and self.per_group_per_minute:
            limit, window = self.per_group_per_minute, 60.0
        else:
            return None
        return self._chat_windows.setdefault(chat_id, _SlidingWindow(limit, window))

    def _store_bot_message(self, chat_id: int, params: JSON, content: JSON) -> JSON:
        message: JSON = {
            "message_id": self._new_message_id(chat_id), "from": dict(self.bot_user),
            "chat": self._chat(chat_id), "date": int(self.clock()), **content,
        }
        self.messages.setdefault(chat_id, []).append(message)
        self._apply_reply_keyboard(chat_id, params)
        label = content.get("text") or content.get("caption") or f"[{next(iter(content))}]"
        self.stats.delivered.append((chat_id, label))
        rows = (content.get("reply_markup") or {}).get("inline_keyboard", [])
        buttons = [button["text"] for row in rows for button in row]
        logger.info("bot -> %s #%s: %s%s", chat_id, message["message_id"], label,
                    f"  {buttons}" if buttons else "")
        return copy.deepcopy(message)

    def _with_markup_and_reply(self, chat_id: int, content: JSON, params: JSON) -> None:
        """Validate reply_markup and reply_parameters into ``content`` (before any gate)."""
        markup = self._reply_markup(params)
        if markup is not None:
            content["reply_markup"] = markup
        reply_to = params.get("reply_parameters")
        reply_to = reply_to if isinstance(reply_to, dict) else {}
        reply_id = reply_to.get("message_id") or params.get("reply_to_message_id")
        if reply_id:
            original = self._find_message(chat_id, reply_id)
            if original is not None:
                content["reply_to_message"] = copy.deepcopy(
                    {k: v for k, v in original.items() if k != "reply_to_message"}
                )
            elif not (
                reply_to.get("allow_sending_without_reply")
                or params.get("allow_sending_without_reply")
            ):
                raise _bad("message to be replied not found")

    async def _api_sendMessage(self, params: JSON) -> JSON:
        chat_id = self._chat_id(params)
        text, entities = self._text(params, "text", _MAX_TEXT, required=True)
        content: JSON = {"text": text, **({"entities": entities} if entities else {})}
        self._with_markup_and_reply(chat_id, content, params)
        await self._gate("sendMessage", chat_id, paid=params.get("allow_paid_broadcast") is True)
        return self._store_bot_message(chat_id, params, content)

    async def _send_file(self, params: JSON, kind: str) -> JSON:
        method = "sendDocument" if kind == "document" else "sendPhoto"
        chat_id = self._chat_id(params)
        value = params.get(kind)
        if isinstance(value, Upload):
            mime = value.content_type
            if mime in ("", "application/octet-stream") and value.filename:
                mime = mimetypes.guess_type(value.filename)[0] or mime
            stored = self._new_file(kind, value.filename, mime, value.data)
        elif isinstance(value, str) and value in self.files:
            stored = self.files[value]
        elif isinstance(value, str) and re.match(r"https?://", value):
            name = value.rsplit("/", 1)[-1]
            stored = self._new_file(kind, name, mimetypes.guess_type(value)[0], None)
        else:
            raise _bad(f"there is no {kind} in the request" if not value
                       else "wrong file identifier/HTTP URL specified")
        caption, caption_entities = self._text(params, "caption", _MAX_CAPTION, required=False)
        ids = {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id}
        content: JSON
        if kind == "document":
            document = {**ids, "file_size": stored.size}
            document.update({k: v for k, v in (("file_name", stored.file_name),
                                                ("mime_type", stored.mime_type)) if v})
            content = {"document": document}
        else:
            width, height = _image_size(stored.data or b"")
            size = {**ids, "width": width, "height": height, "file_size": stored.size}
            content = {"photo": [size]}
        if caption:
            content["caption"] = caption
        if caption_entities:
            content["caption_entities"] = caption_entities
        self._with_markup_and_reply(chat_id, content, params)
        await self._gate(method, chat_id, paid=params.get("allow_paid_broadcast") is True)
        return self._store_bot_message(chat_id, params, content)

    async def _api_sendDocument(self, params: JSON) -> JSON:
        return await self._send_file(params, "document")

    async def _api_sendPhoto(self, params: JSON) -> JSON:
        return await self._send_file(params, "photo")

    async def _api_sendChatAction(self, params: JSON) -> bool:
        chat_id = self._chat_id(params)
        if params.get("action") not in _CHAT_ACTIONS:
            raise _bad("wrong parameter action in request")
        await self._gate("sendChatAction", chat_id)
        return True

    # ------------------------------------------------------------------ editing

    def _message_to_edit(self, params: JSON, verb: str = "edit") -> tuple[int, JSON]:
        if params.get("inline_message_id"):
            raise _bad("MESSAGE_ID_INVALID")  # inline mode is not simulated
        chat_id = self._chat_id(params)
        message_id = self._int(params, "message_id", "message identifier is not specified")
        assert message_id is not None
        message = self._find_message(chat_id, message_id)
        if message is None:
            raise _bad(f"message to {verb} not found")
        return chat_id, message

    def _commit_edit(self, message: JSON, changes: JSON) -> JSON:
        for key, value in changes.items():
            if value in (None, []):
                message.pop(key, None)
            else:
                message[key] = value
        message["edit_date"] = int(self.clock())
        logger.info("bot edits %s #%s: %s", message["chat"]["id"], message["message_id"],
                    message.get("text", message.get("caption", "")))
        return copy.deepcopy(message)

    async def _api_editMessageText(self, params: JSON) -> JSON:
        chat_id, message = self._message_to_edit(params)
        if message["from"]["id"] != self.bot_id:
            raise _bad("message can't be edited")
        if "text" not in message:
            raise _bad("there is no text in the message to edit")
        text, entities = self._text(params, "text", _MAX_TEXT, required=True)
        # Telegram drops the inline keyboard when an edit does not repeat it.
        markup = self._reply_markup(params)
        current = (message["text"], message.get("entities", []), message.get("reply_markup"))
        if (text, entities, markup) == current:
            raise _bad(_NOT_MODIFIED.removeprefix("Bad Request: "))
        await self._gate("editMessageText", chat_id)
        changes = {"text": text, "entities": entities, "reply_markup": markup}
        return self._commit_edit(message, changes)

    async def _api_editMessageReplyMarkup(self, params: JSON) -> JSON:
        chat_id, message = self._message_to_edit(params)
        if message["from"]["id"] != self.bot_id:
            raise _bad("message can't be edited")
        markup = self._reply_markup(params)
        if markup == message.get("reply_markup"):
            raise _bad(_NOT_MODIFIED.removeprefix("Bad Request: "))
        await self._gate("editMessageReplyMarkup", chat_id)
        return self._commit_edit(message, {"reply_markup": markup})

    async def _api_deleteMessage(self, params: JSON) -> bool:
        chat_id, message = self._message_to_edit(params, "delete")
        self.messages[chat_id].remove(message)
        return True

    async def _api_answerCallbackQuery(self, params: JSON) -> bool:
        query_id = str(params.get("callback_query_id") or "")
        if query_id not in self._open_callbacks:
            raise _bad("query is too old and response timeout expired or query ID is invalid")
        if len(str(params.get("text") or "")) > 200:
            raise _bad("MESSAGE_TOO_LONG")
        self._open_callbacks.discard(query_id)
        self.answered_callbacks.append(params)
        return True

    # ------------------------------------------------------------------ bot and updates

    async def _api_getMe(self, params: JSON) -> JSON:
        return {
            **self.bot_user, "can_join_groups": True, "can_read_all_group_messages": False,
            "supports_inline_queries": False, "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _api_logOut(self, params: JSON) -> bool:
        return True

    async def _api_close(self, params: JSON) -> bool:
        return True

    def _deliverable(self, limit: int) -> list[JSON]:
        allowed = self._allowed_updates

        def wanted(kind: str) -> bool:
            return kind in allowed if allowed else kind not in _OPT_IN_UPDATES

        # Telegram discards updates of types the bot did not ask for.
        self._updates = [
            u for u in self._updates if any(wanted(k) for k in u if k != "update_id")
        ]
        return copy.deepcopy(self._updates[:limit])

    async def _api_getUpdates(self, params: JSON) -> list[JSON]:
        if self.webhook_url:
            raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active; "
                                "use deleteWebhook to delete the webhook first")
        offset = self._int(params, "offset")
        limit = min(max(self._int(params, "limit") or 100, 1), 100)
        timeout_value = params.get("timeout") or 0
        if isinstance(timeout_value, bool) or not isinstance(timeout_value, int | float):
            raise _bad("invalid timeout specified")
        timeout = max(float(timeout_value), 0.0)
        allowed = params.get("allowed_updates")
        if isinstance(allowed, list):
            self._allowed_updates = frozenset(allowed) or None
        if offset is not None:
            # A positive offset confirms everything before it; a negative one
            # keeps only the last -offset updates.
            self._updates = (self._updates[offset:] if offset < 0
                             else [u for u in self._updates if u["update_id"] >= offset])
        self._poll_generation += 1
        generation = self._poll_generation

        def ready() -> list[JSON] | str | None:
            if generation != self._poll_generation:
                return "conflict"
            if self._closing:
                return []
            return self._deliverable(limit) or None

        result = await self._wait_until(ready, timeout)
        if result == "conflict":
            # As on Telegram: a newer getUpdates ends an older one still waiting.
            raise ApiError(409, "Conflict: terminated by other getUpdates request; "
                                "make sure that only one bot instance is running")
        return result if isinstance(result, list) else []

    async def _api_setWebhook(self, params: JSON) -> tuple[bool, str]:
        url = str(params.get("url") or "")
        secret = params.get("secret_token")
        if url and not re.match(r"https?://[^/\s]+", url):
            raise _bad("bad webhook: invalid webhook URL specified")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", str(secret)):
            raise _bad("secret token contains unallowed characters")
        if params.get("drop_pending_updates"):
            self._updates.clear()
        if isinstance(params.get("allowed_updates"), list):
            self._allowed_updates = frozenset(params["allowed_updates"]) or None
        self.webhook_url, self.webhook_secret = url, (str(secret) if secret else None)
        self._webhook_info = {"max_connections": self._int(params, "max_connections") or 40}
        self._ensure_webhook_worker()
        self._notify()
        return True, "Webhook was set" if url else "Webhook was deleted"

    async def _api_deleteWebhook(self, params: JSON) -> tuple[bool, str]:
        was_set = bool(self.webhook_url)
        if params.get("drop_pending_updates"):
            self._updates.clear()
        self.webhook_url, self.webhook_secret, self._webhook_info = "", None, {}
        self._notify()
        return True, "Webhook was deleted" if was_set else "Webhook is already deleted"

    async def _api_getWebhookInfo(self, params: JSON) -> JSON:
        info: JSON = {"url": self.webhook_url, "has_custom_certificate": False,
                      "pending_update_count": len(self._updates)}
        if self.webhook_url:
            info.update(self._webhook_info)
            if self._allowed_updates:
                info["allowed_updates"] = sorted(self._allowed_updates)
        return info

    def _ensure_webhook_worker(self) -> None:
        if not self.webhook_url or self._session is None or self._closing:
            return
        if self._webhook_task is None or self._webhook_task.done():
            self._webhook_task = asyncio.get_running_loop().create_task(self._webhook_worker())

    async def _webhook_worker(self) -> None:
        """Deliver pending updates one at a time, in order, retrying until they are accepted."""
        stop: JSON = {}  # compared by identity

        def next_update() -> JSON | None:
            if self._closing or not self.webhook_url:
                return stop
            return next(iter(self._deliverable(1)), None)

        backoff = 0.05
        while True:
            head = await self._wait_until(next_update, timeout=60.0)
            if head is stop:
                return
            if head is None:
                continue
            if await self._post_webhook(head):
                self._updates = [u for u in self._updates if u["update_id"] != head["update_id"]]
                backoff = 0.05
                self._notify()
            else:
                await self._wait_until(lambda: True if self._closing else None, backoff)
                backoff = min(backoff * 2, 2.0)

    async def _post_webhook(self, update: JSON) -> bool:
        assert self._session is not None
        headers = {}
        if self.webhook_secret:
            headers["X-Telegram-Bot-Api-Secret-Token"] = self.webhook_secret
        record: JSON = {"update_id": update["update_id"], "url": self.webhook_url}
        try:
            async with self._session.post(self.webhook_url, json=update, headers=headers,
                                          timeout=aiohttp.ClientTimeout(total=10)) as response:
                await response.read()
                record["status"] = response.status
                ok = 200 <= response.status < 300
                error = None if ok else (
                    f"Wrong response from the webhook: {response.status} {response.reason}"
                )
        except (aiohttp.ClientError, TimeoutError) as exc:
            ok, error = False, f"Connection failed: {exc.__class__.__name__}"
        if error:
            record["error"] = error
            self._webhook_info.update(last_error_date=int(self.clock()), last_error_message=error)
        self.webhook_deliveries.append(record)
        return ok

    async def _api_getFile(self, params: JSON) -> JSON:
        stored = self.files.get(str(params.get("file_id") or ""))
        if stored is None:
            raise _bad("invalid file_id")
        return {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id,
                "file_size": stored.size, "file_path": stored.file_path}

    # ------------------------------------------------------------------ commands

    @staticmethod
    def _command_key(params: JSON) -> tuple[str, str | None]:
        scope = params.get("scope") or {"type": "default"}
        if not isinstance(scope, dict) or scope.get("type") not in _SCOPE_TYPES:
            raise _bad("unsupported bot command scope type")
        language = params.get("language_code") or None
        if language is not None and not re.fullmatch(r"[a-z]{2}", str(language)):
            raise _bad("invalid language code specified")
        return scope["type"], language

    async def _api_setMyCommands(self, params: JSON) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise _bad("can't parse commands JSON object")
        for command in commands:
            if not isinstance(command, dict) or not re.fullmatch(
                r"[a-z0-9_]{1,32}", str(command.get("command", ""))
            ):
                raise _bad("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", "")).strip()) <= 256:
                raise _bad("BOT_COMMAND_DESCRIPTION_INVALID")
        key = self._command_key(params)
        if commands:
            self.commands[key] = [
                {"command": c["command"], "description": c["description"]} for c in commands
            ]
        else:
            self.commands.pop(key, None)
        return True

    async def _api_deleteMyCommands(self, params: JSON) -> bool:
        self.commands.pop(self._command_key(params), None)
        return True

    async def _api_getMyCommands(self, params: JSON) -> list[JSON]:
        return copy.deepcopy(self.commands.get(self._command_key(params), []))

    # ------------------------------------------------------------------ control API (demo)

    @staticmethod
    def _control_error(description: str) -> web.HTTPBadRequest:
        body = json.dumps({"ok": False, "description": description})
        return web.HTTPBadRequest(text=body, content_type="application/json")

    async def _control_body(self, request: web.Request) -> JSON:
        try:
            body = await request.json()
        except ValueError:
            raise self._control_error("JSON body expected") from None
        if not isinstance(body, dict):
            raise self._control_error("JSON object expected")
        return body

    def _path_int(self, request: web.Request, name: str) -> int:
        try:
            return int(request.match_info[name])
        except ValueError:
            raise self._control_error(f"{name} must be an integer") from None

    async def _control_message(self, request: web.Request) -> web.Response:
        user_id, body = self._path_int(request, "user_id"), await self._control_body(request)
        if not isinstance(body.get("text"), str):
            raise self._control_error("text is required")
        update = self.push_message(
            user_id, body["text"], first_name=body.get("first_name"),
            last_name=body.get("last_name"), username=body.get("username"),
            language_code=body.get("language_code"), chat_id=body.get("chat_id"),
        )
        return web.json_response({"ok": True, "result": update})

    async def _control_callback(self, request: web.Request) -> web.Response:
        user_id, body = self._path_int(request, "user_id"), await self._control_body(request)
        if not isinstance(body.get("data"), str) or not isinstance(body.get("message_id"), int):
            raise self._control_error("data and message_id are required")
        try:
            update = self.push_callback(
                user_id, body["data"], message_id=body["message_id"], chat_id=body.get("chat_id"),
                first_name=body.get("first_name"), language_code=body.get("language_code"),
            )
        except LookupError as exc:
            return web.json_response({"ok": False, "description": str(exc)}, status=404)
        return web.json_response({"ok": True, "result": update})

    async def _control_chat(self, request: web.Request) -> web.Response:
        chat_id = self._path_int(request, "chat_id")
        return web.json_response({"ok": True, "result": self.messages_to(chat_id),
                                  "reply_keyboard": self.reply_keyboard(chat_id)})

    async def _control_stats(self, request: web.Request) -> web.Response:
        return web.json_response({"ok": True, "result": self.stats.as_dict()})


# --------------------------------------------------------------------------- command line


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m tests.standin", description=(__doc__ or "").split("\n\n")[0]
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--token", default="123456:TEST-TOKEN")
    parser.add_argument("--username", default="narbot_test_bot")
    parser.add_argument("--rate-limit", type=float, default=None, help="global sends per second")
    parser.add_argument(
        "--paid-rate-limit", type=float, default=PAID_BROADCAST_LIMIT,
        help="sends per second with allow_paid_broadcast (with --rate-limit)",
    )
    parser.add_argument(
        "--per-chat-interval", type=float, default=None, help="seconds between sends to one chat"
    )
    parser.add_argument("--fault-rate", type=float, default=0.0)
    parser.add_argument("--seed", type=int, default=0)
    return parser.parse_args(argv)


async def _serve(args: argparse.Namespace) -> None:
    standin = BotApiStandIn(
        args.token, username=args.username, host=args.host, port=args.port,
        rate_limit_per_second=args.rate_limit, paid_rate_limit_per_second=args.paid_rate_limit,
        per_chat_interval=args.per_chat_interval,
        fault_rate=args.fault_rate, seed=args.seed,
    )
    async with standin:
        print(f"Bot API stand-in for @{standin.username} (token {standin.token})", flush=True)
        print(f"TELEGRAM_API_BASE_URL={standin.base_url}", flush=True)
        print(f"TELEGRAM_API_BASE_FILE_URL={standin.base_file_url}", flush=True)
        print(
            f"Write as user 1001:  curl -X POST {standin.control_url}/users/1001/messages "
            "-H 'Content-Type: application/json' -d '{\"text\": \"/start\"}'\n"
            f"Read the bot's replies:  curl {standin.control_url}/chats/1001/messages\n"
            "Ctrl-C stops.",
            flush=True,
        )
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        # Explicit handlers because a shell starting us in the background ignores SIGINT.
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError):  # not on Windows
                loop.add_signal_handler(sig, stop.set)
        await stop.wait()
    print("Stand-in stopped.", flush=True)


def main(argv: list[str] | None = None) -> None:
    """Run the stand-in until Ctrl-C (``python -m tests.standin``)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    try:
        asyncio.run(_serve(_arguments(argv)))
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
