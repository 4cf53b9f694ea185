"""WhatsApp's side of the sender: an outbox row as Cloud API messages, and Meta's answers as outcomes.

- Inside the 24-hour window the row goes as it would be shown in a reply
  (bot/whatsapp/render.py: buttons, lists, split texts, its file uploaded
  first); a row in several parts notes how many went (`parts:N`), so a retry
  never sends a part twice.
- Outside the window (the sender knows it from the person's last message) it
  goes as the approved template of its kind (`mentoring.nudges`) in the
  person's language; the template's one quick-reply button opens the row
  itself. A free-form send Meta refuses with 131047 (the window closed while
  it was on its way) goes as the template at once; it is never repeated
  free-form.
- Meta's answers (bot/courier.py): 130429 (the number's throughput), 4 and
  80007 (the app's or account's rate) and 131048 (spam rate) pause every send
  on WhatsApp; 131056 (the pair rate) holds back only this person's; 131026
  (undeliverable: not on WhatsApp, an old app, or the business blocked) marks
  the person unreachable here; 5xx, 131000, 131016 and network faults are
  retried; any other refusal fails the row with Meta's code and title.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
from pywa_async import WhatsApp
from pywa_async.errors import AuthorizationError, WhatsAppError

from bot.courier import Delivered, Job, Rejected, Throttled, Transient, Unreachable
from bot.sender_pacing import Limits
from bot.whatsapp.render import Outgoing, messages_of
from bot.whatsapp.uploads import with_media
from mentoring.delivery import WHATSAPP
from mentoring.i18n import translator
from mentoring.nudges.templates import LANGUAGE_CODES, held_data, nudge_for, template_name
from mentoring.outbox import screen_of
from mentoring.screens import Reply

logger = logging.getLogger(__name__)

PARTS = "parts:"  # `sent_message_id` while a row in several parts is half sent
# Pauses Meta does not state: the number's throughput is per second, the app's and account's per hour.
THROUGHPUT_PAUSE, APP_RATE_PAUSE, SPAM_PAUSE = 2.0, 60.0, 300.0
TOKEN_PAUSE = 300.0  # an access token refused: every send waits until it is fixed
RETRIED_CODES = frozenset({1, 2, 131000, 131016})
OUTSIDE_WINDOW = 131047
UNDELIVERABLE = 131026


class WhatsAppCourier:
    """Sends outbox rows through the Cloud API (pywa's client) for one business number."""

    channel = WHATSAPP

    def __init__(
        self, client: WhatsApp, phone_number_id: str, *, rate_per_second: float, pair_seconds: float,
        daily_new_people: int, template_prefix: str,
    ) -> None:
        self._client, self._phone_number_id = client, phone_number_id
        self.limits = Limits(rate_per_second, private_interval=pair_seconds)
        self.daily_new_people: int | None = daily_new_people
        self._pair_seconds = pair_seconds
        self._prefix = template_prefix

    async def deliver(
        self, job: Job, *, part_sent: Callable[[str], Awaitable[None]],
        wait_for_slot: Callable[[], Awaitable[bool]],
    ) -> Delivered:
        if job.window_closed:
            return await self._template(job)
        messages = messages_of(_reply_of(job), translator(job.locale))
        if not messages:
            raise Rejected("nothing to send (the text was erased)")
        # Parts a former attempt sent; if the row now makes fewer (its file is gone), its last part
        # (the words and buttons) still goes: better once more than never.
        done = min(_parts_done(job.sent_before), len(messages) - 1)
        message_id = ""
        for index, message in enumerate(messages[done:], start=done):
            try:
                message_id = await self._send(job, message.kind, await self._body(message))
            except WhatsAppError as error:
                if error.code == OUTSIDE_WINDOW and index == 0:
                    logger.info("Outbox row %d: outside WhatsApp's window; sent as a template", job.row_id)
                    return await self._template(job)
                raise self._outcome(error) from error
            if index < len(messages) - 1:
                # The parts go back to back (WhatsApp allows a short burst to one person).
                await part_sent(f"{PARTS}{index + 1}")
                job.sent_before = f"{PARTS}{index + 1}"
        return Delivered(message_id)

    async def _template(self, job: Job) -> Delivered:
        """The row's nudge: an approved template whose one button shows the row itself."""
        name = template_name(self._prefix, nudge_for(job.kind))
        body = {
            "name": name,
            "language": {"code": LANGUAGE_CODES.get(job.locale, LANGUAGE_CODES["tr"])},
            "components": [{
                "type": "button", "sub_type": "quick_reply", "index": "0",
                "parameters": [{"type": "payload", "payload": held_data(job.row_id)}],
            }],
        }
        try:
            return Delivered(await self._send(job, "template", body), template=name)
        except WhatsAppError as error:
            raise self._outcome(error) from error

    async def _body(self, message: Outgoing) -> dict[str, object]:
        try:
            return await with_media(self._client, self._phone_number_id, message)
        except httpx.HTTPError as error:
            raise Transient(f"media upload: {type(error).__name__}") from error
        except OSError as error:
            raise Rejected(f"attachment unreadable: {type(error).__name__}") from error

    async def _send(self, job: Job, kind: str, body: dict[str, Any]) -> str:
        # A person who hides their number is addressed by their business-scoped user id.
        phone = job.chat_id if job.chat_id.isdigit() else None
        try:
            result = await self._client.api.send_message(
                sender=self._phone_number_id, to=phone, recipient=None if phone else job.chat_id,
                recipient_type="individual", typ=kind, msg=body,
            )
        except httpx.HTTPError as error:  # timeouts and connection faults
            raise Transient(f"WhatsApp unreachable: {type(error).__name__}") from error
        return str(result["messages"][0]["id"])

    def _outcome(self, error: WhatsAppError) -> Exception:
        """Meta's refusal as the outcome the sender acts on (its code and title only: no words, no numbers)."""
        code = error.code
        reason = f"WhatsApp {code}: {error.message}"[:300]
        if code == 130429:
            return Throttled(THROUGHPUT_PAUSE, reason)
        if code in (4, 80007):
            return Throttled(APP_RATE_PAUSE, reason)
        if code == 131048:
            return Throttled(SPAM_PAUSE, reason)
        if code == 131056:
            return Throttled(max(self._pair_seconds, 1.0), reason, everyone=False)
        if code == UNDELIVERABLE:
            return Unreachable(reason)
        status = error.raw_response.status_code if error.raw_response is not None else 0
        if code in RETRIED_CODES or status >= 500 or error.is_transient:
            return Transient(reason)
        if isinstance(error, AuthorizationError):
            # Every send fails alike until the token is fixed: everything waits, nothing is given up.
            logger.error("WhatsApp refused the access token (%s); check WHATSAPP_ACCESS_TOKEN", code)
            return Throttled(TOKEN_PAUSE, reason)
        return Rejected(reason)


def _parts_done(sent_before: str | None) -> int:
    if sent_before is not None and sent_before.startswith(PARTS):
        return int(sent_before.removeprefix(PARTS))
    return 0


def _reply_of(job: Job) -> Reply:
    """The row as a screen: its words, its buttons as choices, its file if still there."""
    return Reply(screen_of(job.text, job.buttons, job.attachment, job.channel))
