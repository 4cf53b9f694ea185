"""A local stand-in for the WhatsApp Cloud API (Graph API), spoken to over real HTTP.

Narbot's WhatsApp channel (pywa) is pointed at this server with
`WHATSAPP_API_BASE_URL` instead of `https://graph.facebook.com`. It keeps each
person's messages in memory and answers as the Cloud API does, with the limits
and errors the channel must survive:

- sends (`POST /<version>/<phone number id>/messages`) are checked as Meta
  checks them: the bearer token, `messaging_product`, a recipient (`to` is the
  phone number, `recipient` the business-scoped user id), the sizes of texts,
  reply buttons (at most 3, titles at most 20 characters, ids unique), lists
  (at most 10 rows, titles 24, descriptions 72), URL buttons and captions;
  a refused send gets Graph's error object (HTTP 400, `error.code`);
- the 24-hour window: a free-form message to someone who has not written in
  24 hours is refused with code 131047 (a template goes through); templates
  must be approved (`approved`: name and language) or get 132001, and their
  quick-reply button comes back as a `button` message (`tap_template`);
- `late_failures`: as Meta mostly does, 131047 and 131026 are not refused at
  once but accepted, then reported by a `failed` status webhook;
- throughput per number (`throughput`, messages per second; code 130429) and
  the pair rate between the business and one person (`pair_gap` seconds;
  code 131056);
- people who blocked the business (131026, "message undeliverable");
- media: uploads (`POST /<phone number id>/media`), their URLs and downloads;
- webhooks to the bot (`webhook_url`), signed with the app secret in
  `X-Hub-Signature-256` as Meta signs them, for incoming messages (text,
  button and list replies, voice notes, images, stickers) and for the statuses
  of every accepted send (`sent`, `delivered`, and `read` on request);
  a webhook the bot does not answer with 2xx is retried, as Meta does.

Time is `clock()` (seconds), so tests can move it; the stand-in never sleeps.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import itertools
import json
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Self

import aiohttp
from aiohttp import web

JSON = dict[str, Any]

WINDOW_SECONDS = 24 * 3600
TEXT_LIMIT = 4096
BODY_LIMIT = 1024
CAPTION_LIMIT = 1024
BUTTON_TITLE_LIMIT = 20
MAX_BUTTONS = 3
BUTTON_ID_LIMIT = 256
MAX_ROWS = 10
ROW_TITLE_LIMIT = 24
ROW_DESCRIPTION_LIMIT = 72
ROW_ID_LIMIT = 200
MEDIA_TYPES = ("image", "audio", "document", "video", "sticker")
# What the Cloud API takes as uploads (images, audio, documents), by MIME type.
UPLOAD_TYPES = frozenset({
    "image/jpeg", "image/png", "image/webp", "audio/ogg", "audio/mpeg", "audio/aac", "audio/mp4", "audio/amr",
    "text/plain", "application/pdf", "application/msword", "application/vnd.ms-excel",
    "application/vnd.ms-powerpoint",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
})


class GraphError(Exception):
    """A refusal in the Cloud API's shape: `{"error": {"message", "type", "code", ...}}`."""

    def __init__(self, code: int, message: str, status: int = 400, details: str | None = None) -> None:
        super().__init__(message)
        self.code, self.message, self.status, self.details = code, message, status, details

    def body(self) -> JSON:
        error: JSON = {"message": self.message, "type": "OAuthException", "code": self.code,
                       "fbtrace_id": "standin"}
        if self.details:
            error["error_data"] = {"messaging_product": "whatsapp", "details": self.details}
        return {"error": error}


def _invalid(details: str) -> GraphError:
    return GraphError(131009, "(#131009) Parameter value is not valid", details=details)


@dataclass
class Person:
    wa_id: str
    user_id: str
    name: str = "Test"
    last_message_at: float | None = None  # opens the 24-hour window
    blocked: bool = False


@dataclass
class Sent:
    """A message the stand-in accepted from the bot."""

    id: str
    to: str  # the wa_id of the person it went to
    kind: str
    body: JSON
    at: float
    template: bool = False

    @property
    def text(self) -> str:
        """What the person reads first: a text's body, an interactive body or a caption."""
        if self.kind == "text":
            return str(self.body.get("body", ""))
        if self.kind == "interactive":
            return str(self.body.get("body", {}).get("text", ""))
        return str(self.body.get("caption", ""))

    @property
    def payload(self) -> str | None:
        """A template's quick-reply payload (the data its button gives back)."""
        for component in self.body.get("components", []):
            if component.get("sub_type") == "quick_reply":
                return str(component["parameters"][0]["payload"])
        return None

    @property
    def choices(self) -> list[tuple[str, str]]:
        """(id, title) of every reply button or list row."""
        if self.kind != "interactive":
            return []
        action = self.body.get("action", {})
        if self.body.get("type") == "button":
            return [(b["reply"]["id"], b["reply"]["title"]) for b in action.get("buttons", [])]
        return [(row["id"], row["title"]) for s in action.get("sections", []) for row in s.get("rows", [])]


@dataclass
class Webhook:
    """A webhook the stand-in delivered (or tried to) and how the bot answered."""

    payload: JSON
    statuses: list[int] = field(default_factory=list)


class CloudApiStandIn:
    def __init__(
        self,
        *,
        app_secret: str = "standin-app-secret",
        token: str = "standin-access-token",
        phone_number_id: str = "100200300400500",
        display_number: str = "905320000000",
        api_version: str = "v26.0",
        throughput: int = 80,
        pair_gap: float = 0.0,
        webhook_url: str | None = None,
        webhook_attempts: int = 3,
        clock: Callable[[], float] = time.time,
        approved: set[tuple[str, str]] | None = None,
        late_failures: bool = False,
    ) -> None:
        # Approved templates as (name, language code); None: any name is approved.
        self.approved, self.late_failures = approved, late_failures
        self.app_secret, self.token = app_secret, token
        self.phone_number_id, self.display_number = phone_number_id, display_number
        self.api_version = api_version
        self.throughput, self.pair_gap = throughput, pair_gap
        self.webhook_url, self.webhook_attempts = webhook_url, webhook_attempts
        self.clock = clock
        self.people: dict[str, Person] = {}
        self.sent: list[Sent] = []
        self.refused: list[tuple[str | None, int]] = []  # (wa_id, error code) of refused sends
        self.failed: list[Sent] = []  # accepted, then failed by a status webhook (`late_failures`)
        self.webhooks: list[Webhook] = []
        self.media: dict[str, tuple[bytes, str]] = {}
        self._ids = itertools.count(1)
        self._recent: deque[float] = deque()
        self._last_to: dict[str, float] = {}
        self._fail_next: deque[list[Any]] = deque()  # [sends to let through first, the error]
        self._changed = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self.port = 0

    # ------------------------------------------------------------------ life

    @property
    def base_url(self) -> str:
        """The Graph API root (`WHATSAPP_API_BASE_URL`); the version and number follow it."""
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        app = web.Application(client_max_size=20 * 1024 * 1024)
        app.router.add_post("/{version}/{phone}/messages", self._messages)
        app.router.add_post("/{version}/{phone}/media", self._upload)
        app.router.add_get("/{version}/{media_id}", self._media_url)
        app.router.add_get("/_download/{media_id}", self._download)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None and server.sockets
        self.port = server.sockets[0].getsockname()[1]
        self._session = aiohttp.ClientSession()

    async def stop(self) -> None:
        for task in list(self._tasks):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self._session is not None:
            await self._session.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    # ------------------------------------------------------------------ people and faults

    def person(self, wa_id: str, *, name: str = "Test", user_id: str | None = None) -> Person:
        if wa_id not in self.people:
            self.people[wa_id] = Person(wa_id, user_id or f"TR.{wa_id[-6:]}{len(self.people) + 1}", name)
        return self.people[wa_id]

    def block(self, wa_id: str) -> None:
        self.person(wa_id).blocked = True

    def fail_next(self, code: int, message: str = "Failure", status: int = 400, *, after: int = 0) -> None:
        """The next send (after `after` others) is refused with this error (e.g. 131000, status 500)."""
        self._fail_next.append([after, GraphError(code, message, status)])

    # ------------------------------------------------------------------ the person writes (webhooks)

    def _message(self, wa_id: str, kind: str, content: JSON, context: str | None = None) -> tuple[JSON, str]:
        person = self.person(wa_id)
        person.last_message_at = self.clock()
        message_id = f"wamid.in.{next(self._ids)}"
        message = {"from": wa_id, "id": message_id, "timestamp": str(int(self.clock())), "type": kind, kind: content}
        if context is not None:
            # A reply to a button or list names the message that carried it.
            message["context"] = {"from": self.display_number, "id": context}
        contact = {"profile": {"name": person.name}, "wa_id": wa_id, "user_id": person.user_id}
        return self._envelope({"contacts": [contact], "messages": [message]}), message_id

    def _envelope(self, value: JSON) -> JSON:
        value = {"messaging_product": "whatsapp",
                 "metadata": {"display_phone_number": self.display_number, "phone_number_id": self.phone_number_id},
                 **value}
        return {"object": "whatsapp_business_account",
                "entry": [{"id": "standin-waba", "changes": [{"value": value, "field": "messages"}]}]}

    async def write(self, wa_id: str, text: str) -> str:
        payload, message_id = self._message(wa_id, "text", {"body": text})
        await self.deliver(payload)
        return message_id

    def _carrying(self, wa_id: str, choice_id: str) -> tuple[Sent, str]:
        for sent in reversed(self.messages_to(wa_id)):
            for found, title in sent.choices:
                if found == choice_id:
                    return sent, title
        raise AssertionError(f"no message to {wa_id} offers {choice_id!r}")

    async def press(self, wa_id: str, button_id: str) -> str:
        """A reply button the bot sent this person pressed (its id is the data the bot gave it)."""
        sent, title = self._carrying(wa_id, button_id)
        content = {"type": "button_reply", "button_reply": {"id": button_id, "title": title}}
        payload, message_id = self._message(wa_id, "interactive", content, context=sent.id)
        await self.deliver(payload)
        return message_id

    async def choose(self, wa_id: str, row_id: str) -> str:
        """A row of a list the bot sent this person chosen."""
        sent, title = self._carrying(wa_id, row_id)
        content = {"type": "list_reply", "list_reply": {"id": row_id, "title": title, "description": ""}}
        payload, message_id = self._message(wa_id, "interactive", content, context=sent.id)
        await self.deliver(payload)
        return message_id

    async def tap_template(self, wa_id: str) -> str:
        """The quick-reply button of the newest template sent to this person tapped (a `button` message)."""
        sent = next(s for s in reversed(self.messages_to(wa_id)) if s.template)
        content = {"payload": sent.payload, "text": "Show"}
        payload, message_id = self._message(wa_id, "button", content, context=sent.id)
        await self.deliver(payload)
        return message_id

    async def forge_press(self, wa_id: str, button_id: str) -> str:
        """A button reply with data no message offered (a forged or very old press)."""
        content = {"type": "button_reply", "button_reply": {"id": button_id, "title": "?"}}
        payload, message_id = self._message(wa_id, "interactive", content, context="wamid.out.unknown")
        await self.deliver(payload)
        return message_id

    async def speak(self, wa_id: str, audio: bytes = b"OggS-standin") -> str:
        """A voice note (recorded in WhatsApp, so `voice` is true)."""
        media_id = self._store(audio, "audio/ogg; codecs=opus")
        content = {"id": media_id, "mime_type": "audio/ogg; codecs=opus", "voice": True,
                   "sha256": hashlib.sha256(audio).hexdigest()}
        payload, message_id = self._message(wa_id, "audio", content)
        await self.deliver(payload)
        return message_id

    async def show_photo(self, wa_id: str, image: bytes = b"\x89PNG-standin", caption: str | None = None) -> str:
        media_id = self._store(image, "image/jpeg")
        content: JSON = {"id": media_id, "mime_type": "image/jpeg", "sha256": hashlib.sha256(image).hexdigest()}
        if caption is not None:
            content["caption"] = caption
        payload, message_id = self._message(wa_id, "image", content)
        await self.deliver(payload)
        return message_id

    async def stick(self, wa_id: str) -> str:
        sticker = b"RIFF-webp"
        media_id = self._store(sticker, "image/webp")
        content = {"id": media_id, "mime_type": "image/webp", "sha256": hashlib.sha256(sticker).hexdigest(),
                   "animated": False}
        payload, message_id = self._message(wa_id, "sticker", content)
        await self.deliver(payload)
        return message_id

    async def react(self, wa_id: str, message_id: str, emoji: str = "👍") -> str:
        """A reaction to one of the bot's messages (WhatsApp sends it as a message of type reaction)."""
        payload, reaction_id = self._message(wa_id, "reaction", {"message_id": message_id, "emoji": emoji})
        await self.deliver(payload)
        return reaction_id

    async def read(self, message_id: str) -> None:
        """The person reads a message the bot sent: a `read` status."""
        sent = next(s for s in self.sent if s.id == message_id)
        await self.deliver(self._status(sent, "read"))

    def signature(self, body: bytes, secret: str | None = None) -> str:
        key = (secret or self.app_secret).encode()
        return "sha256=" + hmac.new(key, body, hashlib.sha256).hexdigest()

    async def deliver(self, payload: JSON, *, signature: str | None = None) -> list[int]:
        """POST a webhook to the bot as Meta does; retried while the answer is not 2xx."""
        assert self.webhook_url is not None and self._session is not None, "no webhook_url"
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
        record = Webhook(payload)
        self.webhooks.append(record)
        headers = {"Content-Type": "application/json", "X-Hub-Signature-256": signature or self.signature(body)}
        for _ in range(self.webhook_attempts):
            async with self._session.post(self.webhook_url, data=body, headers=headers) as response:
                record.statuses.append(response.status)
                if response.status < 300:
                    break
        return record.statuses

    def _status(self, sent: Sent, status: str, error: GraphError | None = None) -> JSON:
        entry: JSON = {"id": sent.id, "status": status, "timestamp": str(int(self.clock())),
                       "recipient_id": sent.to}
        if error is not None:
            entry["errors"] = [{"code": error.code, "title": error.message, "message": error.message,
                                "error_data": {"details": error.details or error.message}}]
        person = self.person(sent.to)
        # Since business-scoped user ids, statuses name the person as messages do.
        contact = {"wa_id": person.wa_id, "user_id": person.user_id}
        return self._envelope({"contacts": [contact], "statuses": [entry]})

    # ------------------------------------------------------------------ what the bot sent

    async def settled(self) -> None:
        """Wait until every status webhook the stand-in started has been answered."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    def messages_to(self, wa_id: str) -> list[Sent]:
        return [sent for sent in self.sent if sent.to == wa_id]

    async def wait_for_messages(self, wa_id: str, count: int, timeout: float = 10.0) -> list[Sent]:
        """The first `count` messages to `wa_id`, waiting (on the server's own events) up to `timeout`."""
        async def enough() -> list[Sent]:
            while len(self.messages_to(wa_id)) < count:
                self._changed.clear()
                await self._changed.wait()
            return self.messages_to(wa_id)[:count]

        try:
            return await asyncio.wait_for(enough(), timeout)
        except TimeoutError:
            got = [(s.kind, s.text[:40]) for s in self.messages_to(wa_id)]
            raise AssertionError(f"{wa_id} got {len(got)} of {count} messages: {got}") from None

    # ------------------------------------------------------------------ Graph API

    def _authorised(self, request: web.Request) -> None:
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            raise GraphError(190, "Invalid OAuth access token", status=401)
        if request.match_info.get("version") != self.api_version:
            raise GraphError(2500, f"Unknown path components: /{request.match_info.get('version')}")

    async def _messages(self, request: web.Request) -> web.Response:
        wa_id: str | None = None
        try:
            self._authorised(request)
            if request.match_info["phone"] != self.phone_number_id:
                raise GraphError(100, "Unsupported post request. Object does not exist")
            payload = await request.json()
            if payload.get("messaging_product") != "whatsapp":
                raise GraphError(100, "The parameter messaging_product is required.")
            person = self._recipient(payload)
            wa_id = person.wa_id
            kind = payload.get("type", "text")
            body = payload.get(kind)
            if not isinstance(body, dict):
                raise GraphError(100, f"The parameter {kind} is required.")
            check_message(kind, body)
            template = kind == "template"
            now = self.clock()
            if self._fail_next:
                if self._fail_next[0][0] == 0:
                    raise self._fail_next.popleft()[1]
                self._fail_next[0][0] -= 1
            if template and self.approved is not None and (
                (body["name"], body["language"]["code"]) not in self.approved
            ):
                raise GraphError(132001, "Template name does not exist in the translation")
            late: GraphError | None = None
            try:
                if person.blocked:
                    raise GraphError(131026, "Message undeliverable")
                if not template and (
                    person.last_message_at is None or now - person.last_message_at > WINDOW_SECONDS
                ):
                    raise GraphError(131047, "Re-engagement message",
                                     details="Message failed to send because more than 24 hours have passed "
                                             "since the customer last replied to this number.")
            except GraphError as error:
                if not self.late_failures:
                    raise
                late = error
            self._pace(person, now)
        except GraphError as error:
            self.refused.append((wa_id, error.code))
            return web.json_response(error.body(), status=error.status)
        sent = Sent(f"wamid.out.{next(self._ids)}", person.wa_id, kind, body, now, template)
        if late is not None:
            # Accepted, never delivered: the failure comes as a status webhook.
            self.refused.append((wa_id, late.code))
            self.failed.append(sent)
            self._later(self.deliver(self._status(sent, "failed", late)))
        else:
            self.sent.append(sent)
            self._changed.set()
            if self.webhook_url is not None:
                self._later(self._statuses(sent))
        return web.json_response({
            "messaging_product": "whatsapp",
            "contacts": [{"input": payload.get("to") or payload.get("recipient"), "wa_id": person.wa_id}],
            "messages": [{"id": sent.id}],
        })

    def _recipient(self, payload: JSON) -> Person:
        if payload.get("to"):
            return self.person(str(payload["to"]))
        user_id = payload.get("recipient")
        for person in self.people.values():
            if person.user_id == user_id:
                return person
        raise GraphError(131030, "Recipient phone number not in allowed list" if not user_id else
                         "Recipient not found")

    def _pace(self, person: Person, now: float) -> None:
        while self._recent and now - self._recent[0] >= 1.0:
            self._recent.popleft()
        if len(self._recent) >= self.throughput:
            raise GraphError(130429, "Rate limit hit")
        last = self._last_to.get(person.wa_id)
        if self.pair_gap and last is not None and now - last < self.pair_gap:
            raise GraphError(131056, "(Business Account, Consumer Account) pair rate limit hit")
        self._recent.append(now)
        self._last_to[person.wa_id] = now

    async def _statuses(self, sent: Sent) -> None:
        for status in ("sent", "delivered"):
            await self.deliver(self._status(sent, status))

    def _later(self, work: Any) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _store(self, content: bytes, mime_type: str) -> str:
        media_id = f"{next(self._ids)}{len(self.media) + 1000}"
        self.media[media_id] = (content, mime_type)
        return media_id

    async def _upload(self, request: web.Request) -> web.Response:
        try:
            self._authorised(request)
            form = await request.post()
            upload = form.get("file")
            if not isinstance(upload, web.FileField):
                raise GraphError(100, "The parameter file is required.")
            content = upload.file.read()
            mime = upload.content_type or str(form.get("type") or "application/octet-stream")
            if mime.split(";")[0].strip() not in UPLOAD_TYPES:
                raise GraphError(131053, "Media upload error", details=f"Unsupported MIME type: {mime}")
        except GraphError as error:
            return web.json_response(error.body(), status=error.status)
        return web.json_response({"id": self._store(content, mime)})

    async def _media_url(self, request: web.Request) -> web.Response:
        try:
            self._authorised(request)
            media_id = request.match_info["media_id"]
            if media_id not in self.media:
                raise GraphError(100, "Unsupported get request. Object does not exist")
        except GraphError as error:
            return web.json_response(error.body(), status=error.status)
        content, mime = self.media[media_id]
        return web.json_response({
            "messaging_product": "whatsapp", "url": f"{self.base_url}/_download/{media_id}",
            "mime_type": mime, "sha256": hashlib.sha256(content).hexdigest(), "file_size": len(content),
            "id": media_id,
        })

    async def _download(self, request: web.Request) -> web.Response:
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            return web.Response(status=401)
        content, mime = self.media[request.match_info["media_id"]]
        return web.Response(body=content, content_type=mime.split(";")[0])


def check_message(kind: str, body: JSON) -> None:
    """Refuse, as the Cloud API does, a message object over WhatsApp's limits."""
    if kind == "text":
        text = body.get("body")
        if not isinstance(text, str) or not text.strip():
            raise GraphError(100, "The parameter text['body'] is required.")
        if len(text) > TEXT_LIMIT:
            raise _invalid(f"Param text['body'] must be at most {TEXT_LIMIT} characters long.")
    elif kind == "interactive":
        _check_interactive(body)
    elif kind in MEDIA_TYPES:
        if not body.get("id") and not body.get("link"):
            raise GraphError(100, f"The parameter {kind}['id'] or {kind}['link'] is required.")
        if len(body.get("caption", "")) > CAPTION_LIMIT:
            raise _invalid(f"Param {kind}['caption'] must be at most {CAPTION_LIMIT} characters long.")
        if kind == "audio" and "caption" in body:
            raise _invalid("Param audio['caption'] is not allowed.")
    elif kind == "template":
        if not body.get("name") or not body.get("language", {}).get("code"):
            raise GraphError(100, "The parameters template['name'] and template['language'] are required.")
    else:
        raise _invalid(f"Unsupported message type {kind}")


def _check_interactive(body: JSON) -> None:
    text = body.get("body", {}).get("text", "")
    if not text or len(text) > BODY_LIMIT:
        raise _invalid(f"Param interactive['body']['text'] must be 1 to {BODY_LIMIT} characters long.")
    action = body.get("action", {})
    kind = body.get("type")
    if kind == "button":
        buttons = action.get("buttons", [])
        if not 1 <= len(buttons) <= MAX_BUTTONS:
            raise _invalid(f"Param interactive['action']['buttons'] must have 1 to {MAX_BUTTONS} buttons.")
        ids = [b.get("reply", {}).get("id", "") for b in buttons]
        titles = [b.get("reply", {}).get("title", "") for b in buttons]
        if len(set(ids)) != len(ids) or len(set(titles)) != len(titles):
            raise _invalid("Buttons must have unique ids and titles.")
        for button_id, title in zip(ids, titles, strict=True):
            if not button_id or len(button_id) > BUTTON_ID_LIMIT:
                raise _invalid("Param interactive['action']['buttons'][]['reply']['id'] is not valid.")
            if not title or len(title) > BUTTON_TITLE_LIMIT:
                raise _invalid(f"Button title must be 1 to {BUTTON_TITLE_LIMIT} characters long.")
    elif kind == "list":
        opener = action.get("button", "")
        if not opener or len(opener) > BUTTON_TITLE_LIMIT:
            raise _invalid(f"Param interactive['action']['button'] must be 1 to {BUTTON_TITLE_LIMIT} characters.")
        rows = [row for section in action.get("sections", []) for row in section.get("rows", [])]
        if not 1 <= len(rows) <= MAX_ROWS:
            raise _invalid(f"Total row count exceed max allowed count: {MAX_ROWS}")
        if len({row.get("id") for row in rows}) != len(rows):
            raise _invalid("Row ids must be unique.")
        for row in rows:
            if not row.get("id") or len(row["id"]) > ROW_ID_LIMIT:
                raise _invalid("Row id is not valid.")
            if not row.get("title") or len(row["title"]) > ROW_TITLE_LIMIT:
                raise _invalid(f"Row title must be 1 to {ROW_TITLE_LIMIT} characters long.")
            if len(row.get("description", "")) > ROW_DESCRIPTION_LIMIT:
                raise _invalid(f"Row description must be at most {ROW_DESCRIPTION_LIMIT} characters long.")
    elif kind == "cta_url":
        parameters = action.get("parameters", {})
        if not parameters.get("url", "").startswith(("https://", "http://")):
            raise _invalid("Param url is not valid.")
        if not 1 <= len(parameters.get("display_text", "")) <= BUTTON_TITLE_LIMIT:
            raise _invalid(f"Param display_text must be 1 to {BUTTON_TITLE_LIMIT} characters long.")
    else:
        raise _invalid(f"Unsupported interactive type {kind}")
