"""/mydata, /forgetme, /privacy, the notice, explicit consents and the consent gate, on Telegram.

Only the adapter: what they say and offer is `mentoring.privacy.screens` and
`mentoring.privacy.consent_screens`; which
updates a member without current consent may still send is
`mentoring.gate.consent_holds`.

The gate runs in handler group -1 and sees every update first. It first applies
the one decision of which updates Narbot handles at all (`handlers.admission`,
the rule in `mentoring.gate.admit`): a command for this bot in a group chat gets
the pointer to the private chat, a button pressed outside a private chat is
answered with a neutral note, and everything else that is not a new message or
a button press in a private chat (edits, channel posts, other kinds) is dropped;
none of those reach a feature. Then a member who stopped Narbot, has not read
their programme's current notice, or has not answered the transfer-abroad consent
their notice asks, is answered only with that question (or their data rights). Raising ApplicationHandlerStop keeps the update from the features.
As it sees every member's update first, it also notes that a member who had
blocked the bot writes again, so the outbox reaches them again.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import (
    ApplicationHandlerStop,
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    TypeHandler,
    filters,
)

from handlers import fallback
from handlers.admission import route_of
from handlers.common import run_step
from handlers.joining import run_outcome
from handlers.render import input_of, show
from handlers.services import CHANNEL, services, user_key
from mentoring import entries
from mentoring import gate as gates
from mentoring.gate import Route
from mentoring.i18n import translator
from mentoring.joining import rules as joining
from mentoring.joining import words as joining_words
from mentoring.privacy import consent_screens, screens
from mentoring.privacy.buttons import CONSENT, OPTIN, PRIVACY
from mentoring.screens import Notice, Reply

logger = logging.getLogger(__name__)

CALLBACK_PATTERN = rf"^{PRIVACY.prefix}:"
CONSENT_PATTERN = rf"^{CONSENT.prefix}:"
OPTIN_PATTERN = rf"^{OPTIN.prefix}:"


async def mydata(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Send the person everything stored about them: a summary and a JSON file."""
    await run_step(update, context, screens.mydata)


async def forgetme(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Ask whether to erase the person's data (the first of two steps)."""
    await run_step(update, context, screens.forgetme)


async def privacy_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The buttons of /mydata and /forgetme: ask, confirm (while fresh) or keep."""
    await run_outcome(update, context, screens.press)


async def consent_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show the notice again, or take a member's answer to it."""
    await run_outcome(update, context, consent_screens.consent_press)


async def privacy_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show the person's explicit consents, each with the button that changes it."""
    await run_step(update, context, consent_screens.privacy)


async def optin_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Give, refuse or withdraw one explicit consent (and say what became of a held voice note or photo)."""
    await run_outcome(update, context, entries.optin_press)


async def gate(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Let only what Narbot handles through, and that only once a member's consent covers the notice."""
    route = route_of(update)
    if route is not Route.FEATURES:
        await _outside_features(update, context, route)
        raise ApplicationHandlerStop
    # A new message or a button press in a private chat, from a person.
    key, sessions = user_key(update), services(context).sessions
    # A cached member costs no query and no session (storage/reference_cache.py).
    member = await joining.known_member(sessions, CHANNEL, key)
    if member is not None and member.blocked:
        async with sessions.begin() as session:
            if await joining.reachable_again(session, CHANNEL, key):
                logger.info("Person %s unblocked the bot and wrote again", member.person_id)
    standing = member.consent if member is not None else None
    if standing is None or not gates.consent_holds(standing, input_of(update)):
        return
    await show(update, context, Reply(consent_screens.held(standing)), translator(standing.locale))
    logger.info("Held an update of person %s until consent (withdrawn=%s)", standing.person_id,
                standing.withdrawn)
    raise ApplicationHandlerStop


async def _outside_features(update: Update, context: ContextTypes.DEFAULT_TYPE, route: Route) -> None:
    """What is not for the features gets a fixed, impersonal answer or none; nothing is read or written."""
    if route is Route.GROUP_POINTER:
        await fallback.group_chat(update, context)
    elif route is Route.BUTTON_ELSEWHERE:
        await show(update, context, Reply(notice=Notice(joining_words.button_elsewhere())))


def handlers() -> list[BaseHandler]:
    """This feature's commands and buttons, in the order PTB should try them."""
    private = filters.ChatType.PRIVATE
    return [
        CommandHandler("mydata", mydata, filters=private),
        CommandHandler("forgetme", forgetme, filters=private),
        CommandHandler("privacy", privacy_command, filters=private),
        CallbackQueryHandler(privacy_button, pattern=CALLBACK_PATTERN),
        CallbackQueryHandler(consent_button, pattern=CONSENT_PATTERN),
        CallbackQueryHandler(optin_button, pattern=OPTIN_PATTERN),
    ]


def gate_handlers() -> list[BaseHandler]:
    """The consent gate, for a handler group before every feature."""
    return [TypeHandler(Update, gate)]
