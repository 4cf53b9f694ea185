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

Every message moves the person's 24-hour window on (`mentoring.inbound.note_message`,
in the transaction that handles it; for a newcomer, once joining has made their
account). A status webhook (delivered, read, failed) is written on the outbox row
that sent the message (`mentoring.statuses`), in a transaction of its own.

A reply WhatsApp refuses for the moment (throttling, its own fault, the network)
is not lost: what was not sent goes into the outbox at reply priority
(`mentoring.late_replies`), keyed by the message it answers, and the sender
delivers it when WhatsApp takes messages again. Only a member's: a visitor's is
logged. A file cannot be queued from here, so the queue stops at a screen with
one; a send that timed out after it left is in doubt and not repeated (as on
Telegram, bot/reply_bot.py). Other refusals are logged and the rest dropped.
"""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass
from datetime import datetime

import httpx
from pywa_async import WhatsApp
from pywa_async.errors import ThrottlingError, WhatsAppError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.whatsapp.render import Outgoing, messages_of
from bot.whatsapp.uploads import with_media
from bot.whatsapp.webhook import Delivery, Event, Received
from mentoring import entries, inbound, late_replies, statuses
from mentoring.errors import DomainError
from mentoring.gate import consent_holds
from mentoring.i18n import Translator, translator
from mentoring.joining import rules as joining
from mentoring.joining import screens as joining_screens
from mentoring.joining.buttons import JOIN
from mentoring.joining.invites import CODE_ALPHABET, CODE_LENGTH
from mentoring.joining.rules import MemberView
from mentoring.joining.screens import Outcome, Visitor
from mentoring.outbox import buttons_of
from mentoring.plans import screens as plan_screens
from mentoring.privacy import consent_screens
from mentoring.refusals import refused
from mentoring.runtime import Services
from mentoring.screens import Input, Pressed, Reply, Screen, Text, Typed

logger = logging.getLogger(__name__)

CHANNEL = "whatsapp"
# The apology Telegram's error handler gives too (handlers/errors.py).
SORRY = ("Sorry, something went wrong on my side. What you sent before this was saved. "
         "Please try again in a moment.")
# Refusals for the moment: pywa's ThrottlingError family (4, 80007, 130429, 131048, 131056…),
# WhatsApp's own faults (131000 "something went wrong", 131016 "service unavailable"), and any 5xx.
FOR_THE_MOMENT = frozenset({4, 80007, 130429, 131048, 131056, 131000, 131016})
# A request that failed this way never reached WhatsApp; any other transport fault may have.
NEVER_LEFT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
# Seconds after which a status for a message id not found yet is looked up again.
STATUS_RETRIES = (2.0, 10.0)
# An invite code as the wa.me link writes it, found anywhere in the first message.
_CODE = re.compile(rf"(?<![A-Za-z0-9])[{CODE_ALPHABET}]{{{CODE_LENGTH}}}(?![A-Za-z0-9])")


@dataclass(frozen=True)
class Answer:
    """What to send back, in which language (None: the default language), and to which member
    (None: a visitor, whose reply is not queued when WhatsApp refuses it for the moment)."""

    reply: Reply
    locale: str | None
    person_id: int | None = None


def for_the_moment(error: WhatsAppError) -> bool:
    """Whether WhatsApp refused a send for now (so it may go later), not for good."""
    return (isinstance(error, ThrottlingError) or error.code in FOR_THE_MOMENT
            or (error.status_code or 0) >= 500)


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
        self._retries: set[asyncio.TimerHandle] = set()
        self._looking: set[asyncio.Task[None]] = set()

    async def close(self) -> None:
        """Forget statuses still waiting to be matched, and finish those being looked up (the process stops)."""
        for handle in self._retries:
            handle.cancel()
        self._retries.clear()
        if self._looking:
            await asyncio.gather(*self._looking, return_exceptions=True)

    async def on_event(self, event: Event) -> None:
        if isinstance(event, Delivery):
            await self._record(event)
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
            await self.send(answer, to_phone=event.wa_id, to_user=event.user_id, answering=event.message_id)

    async def _record(self, event: Delivery, tries: int = 0) -> None:
        """A status on the outbox row that sent the message; a fault is logged (Meta already has its 200).

        A status can overtake the sender's note of the message id (the webhook comes as soon as
        Meta took the message): an id not found yet is looked up again a little later.
        """
        svc = self._services
        try:
            async with svc.sessions.begin() as session:
                recorded = await statuses.record(
                    session, CHANNEL, event.message_id, event.status, event.at, event.error_code, event.error_title
                )
        except Exception:
            logger.warning("Recording a WhatsApp %s status failed", event.status, exc_info=True)
            return
        if recorded.change == "unknown" and event.status != "sent" and tries < len(STATUS_RETRIES):
            loop = asyncio.get_running_loop()

            def again() -> None:
                self._retries.discard(handle)
                task = loop.create_task(self._record(event, tries + 1))
                self._looking.add(task)
                task.add_done_callback(self._looking.discard)

            handle = loop.call_later(STATUS_RETRIES[tries], again)
            self._retries.add(handle)
            return
        if recorded.change in ("failed", "blocked", "requeued"):
            logger.info("WhatsApp status %s (code %s): outbox row %s %s; %d waiting messages failed",
                        event.status, event.error_code, recorded.outbox_id, recorded.change, recorded.failed_pending)
        else:
            logger.debug("WhatsApp status %s: %s (outbox row %s)", event.status, recorded.change, recorded.outbox_id)

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
                answer = await self._respond(session, member, visitor, given, now)
                # Last, so the step reads the reference cache this write empties; a newcomer's
                # account exists by now if joining made it.
                await inbound.note_message(session, CHANNEL, key, event.at)
                return answer
        except DomainError as error:
            await self._note_refused(key, event.at)
            if member is None:
                return Answer(refused(error), None)
            return Answer(refused(error), member.locale, member.person_id)

    async def _respond(
        self, session: AsyncSession, member: MemberView | None, visitor: Visitor, given: Input, now: datetime
    ) -> Answer:
        if member is None or _joins(given):
            return await self._join(session, visitor, given, now)
        key = visitor.external_user_id
        if member.blocked and await joining.reachable_again(session, CHANNEL, key):
            logger.info("Person %s wrote again on WhatsApp after blocking it", member.person_id)
        standing = member.consent
        if standing is not None and consent_holds(standing, given):
            return Answer(Reply(consent_screens.held(standing)), standing.locale, member.person_id)
        # Routed as on Telegram; WhatsApp never splits a text, so only the pausing applies.
        result = await entries.take(session, member, given, now)
        reply = result.reply if isinstance(result, Outcome) else result
        if not isinstance(reply, Reply):
            raise TypeError(f"a step returned {type(reply).__name__}, not a Reply")
        return Answer(reply, member.locale, member.person_id)

    async def _note_refused(self, key: str, at: datetime) -> None:
        """A refused step rolled its transaction back; the person did write, so the window moves on."""
        try:
            async with self._services.sessions.begin() as session:
                await inbound.note_message(session, CHANNEL, key, at)
        except Exception:
            logger.warning("Could not note the time of a refused WhatsApp message", exc_info=True)

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
        joined = outcome.menu_for or outcome.baseline_for
        return Answer(reply, outcome.locale, joined.person_id if joined is not None else None)

    # ------------------------------------------------------------------ out

    async def send(
        self, answer: Answer, *, to_phone: str | None, to_user: str | None, answering: str | None = None
    ) -> list[str]:
        """Send an answer's messages in order; the Cloud API's message ids.

        A refusal stops the rest: for the moment, the rest is queued (`answering`, the id of
        the message answered, keys it); for good, it is dropped.
        """
        tr = translator(answer.locale or self._services.default_locale)
        parts = _parts(answer.reply, tr)
        sent = []
        for number, (_screen, messages) in enumerate(parts):
            for position, message in enumerate(messages):
                try:
                    body = await with_media(self._client, self._phone_number_id, message)
                    result = await self._client.api.send_message(
                        sender=self._phone_number_id, to=to_phone, recipient=None if to_phone else to_user,
                        recipient_type="individual", typ=message.kind, msg=body,
                    )
                except WhatsAppError as error:
                    # The code only: the message's words and the person's number stay out of the logs.
                    why = f"{error.code} {type(error).__name__}"
                    if for_the_moment(error):
                        await self._queue_rest(answer, tr, parts, number, position, answering, why)
                    else:
                        logger.warning("WhatsApp refused a reply (%s)", why)
                    return sent
                except httpx.HTTPError as error:
                    # One that may have arrived is not repeated (in doubt); the rest is queued.
                    start = position if isinstance(error, NEVER_LEFT) else position + 1
                    await self._queue_rest(answer, tr, parts, number, start, answering,
                                           f"did not reach WhatsApp: {type(error).__name__}")
                    return sent
                sent.append(result["messages"][0]["id"])
        return sent

    async def _queue_rest(
        self, answer: Answer, tr: Translator, parts: list[_Part], number: int, position: int,
        answering: str | None, why: str,
    ) -> None:
        """Queue what was not sent, from message `position` of part `number` on, for the outbox sender."""
        if answer.person_id is None or answering is None:
            logger.warning("A reply to a visitor was not sent (%s); not queued", why)
            return
        queued: list[late_replies.LateReply] = []
        left = 0
        for index, (screen, messages) in enumerate(parts[number:], start=number):
            unsent = messages[position:] if index == number else messages
            if not unsent:
                continue
            if any(message.kind not in ("text", "interactive") for message in unsent):
                # A file: the outbox cannot carry it from here, and what follows must not overtake it.
                left = len(parts) - index
                break
            buttons = buttons_of(screen.choices, tr) if screen is not None else []
            queued.append(late_replies.LateReply(index, _words(unsent), buttons))
        if not queued:
            logger.warning("A reply was not sent (%s); nothing of it could be queued", why)
            return
        svc = self._services
        try:
            async with svc.sessions.begin() as session:
                await late_replies.queue(session, answer.person_id, f"reply:{CHANNEL}:{answering}", queued,
                                         svc.clock.now())
        except Exception:
            logger.warning("A reply to person %s was not sent (%s) and could not be queued", answer.person_id, why,
                           exc_info=True)
            return
        logger.warning("A reply to person %s was not sent (%s): %d part(s) queued in the outbox%s",
                       answer.person_id, why, len(queued), f", {left} with a file dropped" if left else "")



# One part of a reply: a screen (None: the notice shown as a message) and its Cloud API messages.
_Part = tuple[Screen | None, list[Outgoing]]


def _parts(reply: Reply, tr: Translator) -> list[_Part]:
    """The reply's messages grouped by what they show: its notice's (if shown), then each screen's."""
    screens: list[_Part] = [(screen, messages_of(Reply(screen), tr)) for screen in reply.screens]
    whole = messages_of(reply, tr)
    notice = whole[: len(whole) - sum(len(messages) for _, messages in screens)]
    return [(None, notice), *screens] if notice else screens


def _words(messages: list[Outgoing]) -> str:
    """The words of a part's unsent text and interactive messages, for one queued message."""
    lines: list[str] = []
    interactive = False
    for message in messages:
        body = message.body
        if message.kind == "text":
            lines.append(body["body"])
            continue
        if interactive:
            continue  # a further list of the same choices says only where it stands ("2/3")
        interactive = True
        if body["body"]["text"] != "…":
            lines.append(body["body"]["text"])
        if body["type"] == "cta_url":
            link = body["action"]["parameters"]
            lines.append(f"{link['display_text']}: {link['url']}")
    return "\n".join(lines)


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
