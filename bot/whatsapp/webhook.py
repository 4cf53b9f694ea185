"""The WhatsApp webhook: Meta's handshake, signed posts in, neutral events out.

`WebhookEndpoint` is an ASGI app (Starlette) for the path `/whatsapp`:

- `GET` answers Meta's verification handshake (`hub.mode`, `hub.verify_token`,
  `hub.challenge`) when the verify token matches, else 403;
- `POST` checks `X-Hub-Signature-256` (HMAC-SHA256 of the raw body with the app
  secret) before anything is read: a wrong or missing signature is refused (403)
  and the body ignored. A well-signed body is parsed by pywa, turned into
  events (`Received`: a person's message as a `mentoring.screens` input;
  `Delivery`: a status of a message the bot sent) and put on a queue, and the
  post is answered 200 at once: Meta retries a webhook that fails or is slow,
  and disables one that keeps failing. Workers hand the events to `on_event`,
  each person's in the order they came, in eight lanes so that one slow answer
  holds up only the people of its lane.

No message text is logged here (pywa's own debug logging of raw updates is
kept off by bot/logging.py).
"""

from __future__ import annotations

import asyncio
import logging
import zlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from pywa_async import WhatsApp
from pywa_async import types as wa
from pywa_async.handlers import (
    CallbackButtonHandler,
    CallbackSelectionHandler,
    MessageHandler,
    MessageStatusHandler,
)
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from mentoring.screens import Document, Input, Photo, Pressed, Typed, Unsupported, Voice

logger = logging.getLogger(__name__)

PATH = "/whatsapp"
SIGNATURE_HEADER = "X-Hub-Signature-256"
QUEUE_SIZE = 10_000
# Meta's payloads stay well under this; a bigger body is refused before it is read whole.
MAX_BODY = 3 * 1024 * 1024
# Kinds of "message" that are no one's input: reactions, edits, deletions, system notes, welcome requests.
NOT_MESSAGES = frozenset({"reaction", "edit", "revoke", "system", "request_welcome", "unknown"})
STOP_SECONDS = 10.0
LANES = 8


@dataclass(frozen=True)
class Received:
    """A person's message: who sent it (phone number, business-scoped id, profile name), its id, what they gave.

    The profile name is what the person calls themselves on WhatsApp; it is stored
    only when they join (as on Telegram), and never logged.
    """

    message_id: str
    wa_id: str | None = field(repr=False)
    user_id: str | None
    given: Input = field(repr=False)
    at: datetime
    name: str | None = field(default=None, repr=False)


@dataclass(frozen=True)
class Delivery:
    """What became of a message the bot sent: sent, delivered, read or failed (with Meta's error code)."""

    message_id: str
    status: str
    at: datetime
    error_code: int | None = None
    error_title: str | None = None


Event = Received | Delivery
EventHandler = Callable[[Event], Awaitable[None]]


def input_of(message: wa.Message | wa.CallbackButton | wa.CallbackSelection) -> Input:
    """What the person gave, in the domain's words (as handlers/render.input_of does for Telegram)."""
    if isinstance(message, wa.CallbackButton | wa.CallbackSelection):
        return Pressed(str(message.data))
    kind = message.type.value if message.type is not None else "unknown"
    if kind == "text" and message.text is not None:
        return Typed(message.text)
    if kind == "audio" and message.audio is not None and message.audio.voice:
        # WhatsApp does not say how long a voice note is; the flow does not need it to keep it.
        return Voice(message.audio.id, 0)
    if kind == "image" and message.image is not None:
        return Photo(message.image.id, message.image.caption)
    if kind == "document" and message.document is not None:
        return Document(message.document.id, message.document.filename, message.document.caption)
    return Unsupported(kind)


def _moment(update: wa.Message | wa.CallbackButton | wa.CallbackSelection | wa.MessageStatus) -> datetime:
    stamp = update.timestamp
    return stamp if stamp.tzinfo is not None else stamp.replace(tzinfo=UTC)


class WebhookEndpoint:
    """The `/whatsapp` webhook as an ASGI app, with the worker that hands its events on."""

    def __init__(self, client: WhatsApp, on_event: EventHandler, *, path: str = PATH) -> None:
        self.client = client
        self._on_event = on_event
        # One lane per group of people: a person's events stay in order, and one slow
        # answer (an upload, a timeout) holds up only the people of its lane.
        self._lanes: list[asyncio.Queue[Event]] = [asyncio.Queue(QUEUE_SIZE) for _ in range(LANES)]
        self._workers: list[asyncio.Task[None]] = []
        self._stopping = False
        client.add_handlers(
            MessageHandler(self._message),
            CallbackButtonHandler(self._message),
            CallbackSelectionHandler(self._message),
            MessageStatusHandler(self._status),
        )
        self.app = Starlette(routes=[
            Route(path, self._handshake, methods=["GET"]),
            Route(path, self._post, methods=["POST"]),
        ])

    async def __call__(self, scope, receive, send) -> None:  # type: ignore[no-untyped-def]
        await self.app(scope, receive, send)

    # ------------------------------------------------------------------ life

    def start(self) -> None:
        if not self._workers:
            loop = asyncio.get_running_loop()
            self._workers = [loop.create_task(self._work(lane), name=f"whatsapp-webhook-{number}")
                             for number, lane in enumerate(self._lanes)]

    async def stop(self) -> None:
        """Take nothing new (503: Meta retries), hand on what was accepted, then stop the worker."""
        self._stopping = True
        if not self._workers:
            return
        try:
            await asyncio.wait_for(self.drained(), STOP_SECONDS)
        except TimeoutError:
            left = sum(lane.qsize() for lane in self._lanes)
            logger.warning("Stopped with %d WhatsApp events not handed on", left)
        for worker in self._workers:
            worker.cancel()
        await asyncio.gather(*self._workers, return_exceptions=True)
        self._workers = []

    async def drained(self) -> None:
        """Wait until every accepted event has been handed on (for tests and shutdown)."""
        for lane in self._lanes:
            await lane.join()

    # ------------------------------------------------------------------ HTTP

    async def _handshake(self, request: Request) -> Response:
        params = request.query_params
        if params.get("hub.mode") != "subscribe":
            return PlainTextResponse("Forbidden", status_code=403)
        body, status = await self.client.webhook_challenge_handler(
            vt=params.get("hub.verify_token"), ch=params.get("hub.challenge")
        )
        return PlainTextResponse(body or "", status_code=status)

    async def _post(self, request: Request) -> Response:
        if self._stopping:
            return PlainTextResponse("Stopping", status_code=503)  # Meta retries it, elsewhere or later
        declared = request.headers.get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > MAX_BODY):
            return PlainTextResponse("Too large", status_code=413)
        chunks, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > MAX_BODY:
                return PlainTextResponse("Too large", status_code=413)
            chunks.append(chunk)
        raw = b"".join(chunks)
        refused = await self.client.webhook_update_validator(raw, request.headers.get(SIGNATURE_HEADER))
        if refused is not None:
            logger.warning("Refused a WhatsApp webhook post: bad or missing signature (%d bytes)", len(raw))
            return PlainTextResponse("Forbidden", status_code=403)
        text, status = await self.client.webhook_update_handler(raw)
        return PlainTextResponse(text, status_code=status)

    # ------------------------------------------------------------------ pywa -> events

    async def _message(self, _: WhatsApp, update: wa.Message | wa.CallbackButton | wa.CallbackSelection) -> None:
        if isinstance(update, wa.Message) and update.type is not None and update.type.value in NOT_MESSAGES:
            return  # a reaction, an edit or a system note is nobody's answer (Telegram ignores them too)
        user = update.from_user
        event = Received(update.id, user.wa_id, user.bsuid, input_of(update), _moment(update), user.name)
        await self._lane(user.bsuid or user.wa_id).put(event)

    async def _status(self, _: WhatsApp, update: wa.MessageStatus) -> None:
        error = update.error
        event = Delivery(
            update.id,
            update.status.value,
            _moment(update),
            error.code if error is not None else None,
            error.message if error is not None else None,
        )
        await self._lane(update.from_user.bsuid or update.from_user.wa_id).put(event)

    def _lane(self, person: str | None) -> asyncio.Queue[Event]:
        # zlib.crc32, not hash(): the same person in the same lane whatever PYTHONHASHSEED says.
        return self._lanes[zlib.crc32((person or "").encode()) % len(self._lanes)]

    async def _work(self, lane: asyncio.Queue[Event]) -> None:
        while True:
            event = await lane.get()
            try:
                await self._on_event(event)
            except Exception:  # one event's fault must not stop the others
                logger.exception("Handling a WhatsApp %s failed", type(event).__name__)
            finally:
                lane.task_done()
