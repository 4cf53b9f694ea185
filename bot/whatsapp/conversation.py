"""A WhatsApp message to the step that takes it, and the step's reply back as Cloud API messages.

The same domain entry points as on Telegram (`mentoring.entries.route`), run
for the member behind the message in one transaction; a refusal is rolled back
and answered with its words (`mentoring.refusals`). Before anything else:

- someone who has not joined is a visitor: a message that holds an invite code
  (the `wa.me` link fills it in) starts the joining flow, language -> KVKK
  notice -> consent -> welcome, with nothing stored before consent; any other
  message is told how to join;
- a member whose consent is withdrawn or older than the notice is held by the
  same decision as on Telegram (`mentoring.gate.consent_holds`).

A person is their business-scoped user id when WhatsApp gives one, else their
phone number (`channel_identities.external_user_id`); the phone number is kept
as the identity's chat id, and replies go to it (or to the user id when a
person has hidden their number).

A message WhatsApp delivers twice (a retried webhook, in any process) is handled
once: its id is written in the transaction that handles it (`mentoring.inbound`).

Not yet here (issue #12): replies WhatsApp refuses for the moment are logged,
not queued; statuses are not yet recorded on outbox rows.
"""

from __future__ import annotations

import asyncio
import logging
import mimetypes
import re
from dataclasses import dataclass
from datetime import datetime

import httpx
from pywa_async import WhatsApp
from pywa_async.errors import WhatsAppError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.whatsapp.render import Outgoing, messages_of
from bot.whatsapp.webhook import Delivery, Event, Received
from mentoring import conversation, entries, inbound
from mentoring.errors import DomainError
from mentoring.gate import consent_holds
from mentoring.i18n import translator
from mentoring.joining import rules as joining
from mentoring.joining import screens as joining_screens
from mentoring.joining.buttons import JOIN
from mentoring.joining.invites import CODE_ALPHABET, CODE_LENGTH
from mentoring.joining.rules import MemberView
from mentoring.joining.screens import Outcome, Visitor
from mentoring.plans import screens as plan_screens
from mentoring.privacy import screens as privacy_screens
from mentoring.refusals import refused
from mentoring.runtime import Services
from mentoring.screens import Input, Media, Pressed, Reply, Screen, Text, Typed

logger = logging.getLogger(__name__)

CHANNEL = "whatsapp"
# The apology Telegram's error handler gives too (handlers/errors.py).
SORRY = ("Sorry, something went wrong on my side. What you sent before this was saved. "
         "Please try again in a moment.")
# The document types the Cloud API accepts (others are refused at upload).
DOCUMENT_TYPES = frozenset({
    "text/plain", "application/pdf", "application/msword", "application/vnd.ms-excel",
    "application/vnd.ms-powerpoint",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
})
# An invite code as the wa.me link writes it, found anywhere in the first message.
_CODE = re.compile(rf"(?<![A-Za-z0-9])[{CODE_ALPHABET}]{{{CODE_LENGTH}}}(?![A-Za-z0-9])")


@dataclass(frozen=True)
class Answer:
    """What to send back and in which language (None: the default language)."""

    reply: Reply
    locale: str | None


def invite_code_in(given: Input) -> str | None:
    """The invite code a message holds ("abcd2345ef", "/start abcd2345ef", "Katıl: abcd2345ef")."""
    if not isinstance(given, Typed):
        return None
    found = _CODE.search(given.text.lower())
    return found.group(0) if found else None


class Conversations:
    """Hands each webhook event to the domain and sends the reply (one per process)."""

    def __init__(self, services: Services, client: WhatsApp, phone_number_id: str) -> None:
        self._services = services
        self._client = client
        self._phone_number_id = phone_number_id

    async def on_event(self, event: Event) -> None:
        if isinstance(event, Delivery):
            # Statuses reach the outbox rows with WhatsApp's sender (issue #12); nothing to show.
            logger.debug("WhatsApp status %s for a sent message", event.status)
            return
        key = event.user_id or event.wa_id
        if key is None:
            return
        try:
            answer = await self._answer(event, key)
        except Exception:
            # Already answered 200 to Meta, so no retry comes: say so rather than stay silent.
            logger.exception("Handling a WhatsApp message failed")
            answer = Answer(Reply(Screen(Text(SORRY))), None)
        if answer is not None:
            await self.send(answer, to_phone=event.wa_id, to_user=event.user_id)

    async def _answer(self, event: Received, key: str) -> Answer | None:
        """The answer to a message, or None when it was handled before (WhatsApp delivered it twice)."""
        svc, given = self._services, event.given
        visitor = Visitor(CHANNEL, key, event.wa_id or key, event.name or "")
        member: MemberView | None = None
        try:
            async with svc.sessions.begin() as session:
                now = svc.clock.now()
                # In this transaction: a handling that fails leaves no trace, and the retry does the work.
                if not await inbound.first_time(session, CHANNEL, event.message_id, now):
                    logger.info("A WhatsApp message was delivered again; handled once")
                    return None
                member = await joining.member_view(session, CHANNEL, key)
                if member is None or _joins(given):
                    return await self._join(session, visitor, given, now)
                if member.blocked and await joining.reachable_again(session, CHANNEL, key):
                    logger.info("Person %s wrote again on WhatsApp after blocking it", member.person_id)
                standing = member.consent
                if standing is not None and consent_holds(standing, given):
                    return Answer(Reply(privacy_screens.held(standing)), standing.locale)
                waiting = await conversation.waiting(session, member.person_id)
                result = await entries.route(given, waiting)(session, member, given, now)
                reply = result.reply if isinstance(result, Outcome) else result
                if not isinstance(reply, Reply):
                    raise TypeError(f"a step returned {type(reply).__name__}, not a Reply")
                return Answer(reply, member.locale)
        except DomainError as error:
            return Answer(refused(error), member.locale if member is not None else None)

    async def _join(self, session: AsyncSession, visitor: Visitor, given: Input, now: datetime) -> Answer:
        """A visitor's message: join with the code it holds, or a join button; else how to join."""
        svc = self._services
        if isinstance(given, Pressed):
            outcome = await joining_screens.press(
                session, visitor, given, now, default_timezone=svc.default_timezone
            )
        else:
            code = invite_code_in(given)
            as_start = Typed(f"/start {code}" if code else "/start")
            outcome = await joining_screens.start(
                session, visitor, as_start, now, default_timezone=svc.default_timezone
            )
        reply = outcome.reply
        if outcome.baseline_for is not None:
            offer = await plan_screens.baseline_offer(session, outcome.baseline_for, now)
            if offer is not None:
                reply = Reply(*reply.screens, offer, notice=reply.notice)
        return Answer(reply, outcome.locale)

    # ------------------------------------------------------------------ out

    async def send(self, answer: Answer, *, to_phone: str | None, to_user: str | None) -> list[str]:
        """Send an answer's messages in order; the Cloud API's message ids (a refused one stops the rest)."""
        tr = translator(answer.locale or self._services.default_locale)
        sent = []
        for message in messages_of(answer.reply, tr):
            try:
                body = await self._with_media(message)
                result = await self._client.api.send_message(
                    sender=self._phone_number_id, to=to_phone, recipient=None if to_phone else to_user,
                    recipient_type="individual", typ=message.kind, msg=body,
                )
            except WhatsAppError as error:
                # The code only: the message's words and the person's number stay out of the logs.
                logger.warning("WhatsApp refused a reply (%s %s)", error.code, type(error).__name__)
                break
            except httpx.HTTPError as error:
                logger.warning("A reply did not reach WhatsApp (%s)", type(error).__name__)
                break
            sent.append(result["messages"][0]["id"])
        return sent

    async def _with_media(self, message: Outgoing) -> dict[str, object]:
        if message.upload is None:
            return message.body
        media = message.upload
        content = media.content if media.content is not None else await asyncio.to_thread(_read, media)
        filename = media.filename or (media.path.name if media.path else f"narbot-{media.kind}")
        mime = _mime(media, filename)
        if media.kind == "document" and mime not in DOCUMENT_TYPES:
            # WhatsApp takes few document types; a JSON export is text, so it goes as .txt.
            filename, mime = f"{filename}.txt", "text/plain"
        uploaded = await self._client.api.upload_media(
            phone_id=self._phone_number_id, media=content, mime_type=mime, filename=filename
        )
        body: dict[str, object] = {**message.body, "id": uploaded["id"]}
        if media.kind == "document":
            body["filename"] = filename
        return body


def _joins(given: Input) -> bool:
    """A member who sends /start (with a new code) or presses a join button takes the joining path.

    Not a bare word of a code's shape: a member's answer ("strawberry") must not be read as one.
    """
    if isinstance(given, Pressed):
        return given.data.startswith(f"{JOIN.prefix}:")
    if isinstance(given, Typed):
        words = given.text.split()
        return bool(words) and words[0].lower() == "/start"
    return False


def _read(media: Media) -> bytes:
    assert media.path is not None
    return media.path.read_bytes()


def _mime(media: Media, filename: str) -> str:
    if media.kind == "voice":
        return "audio/ogg"
    guessed = mimetypes.guess_type(filename)[0]
    if guessed:
        return guessed
    return "image/png" if media.kind == "photo" else "application/octet-stream"
