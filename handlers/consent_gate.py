"""The consent gate: a member whose consent is withdrawn or older than the current notice
is answered only with the notice (accept / decline) or how to erase, before any other
handler sees what they sent.

Runs in handler group -1 and sees every update first. It first applies the one
decision of which updates Narbot handles at all (`handlers.admission`, the rule
in `mentoring.gate`): a command for this bot in a group chat gets the pointer to
the private chat, a button pressed outside a private chat is answered with a
neutral note, and everything else that is not a new message or a button press
in a private chat (edits, channel posts, other kinds) is dropped; none of those
reach a feature. Raising ApplicationHandlerStop keeps
the update from the features. As it sees every member's update first, it also
notes that a member who had blocked the bot writes again, so the outbox reaches
them again.
"""

from __future__ import annotations

import logging
from zoneinfo import ZoneInfo

from telegram import Chat, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    ApplicationHandlerStop,
    BaseHandler,
    CallbackQueryHandler,
    ContextTypes,
    TypeHandler,
)

from handlers import fallback
from handlers.admission import route_of
from handlers.buttons import pressed
from handlers.common import load_member, tell_stranger
from handlers.joining import notice_text
from handlers.menus import set_person_menu
from handlers.replies import edit_or_reply
from handlers.services import CHANNEL, services, translator_for, user_key
from handlers.texts import status_text
from mentoring.button_data import CONSENT
from mentoring.gate import Route
from mentoring.i18n import Translator, translator
from mentoring.joining import rules as joining
from mentoring.privacy import consent
from mentoring.privacy.consent import NOTICE_VERSION, Standing

logger = logging.getLogger(__name__)

CALLBACK_PATTERN = r"^consent:"
# What a person may still do without current consent: answer the notice, see or erase their data.
ALLOWED_CALLBACKS = ("consent:", "privacy:")
ALLOWED_COMMANDS = ("/mydata", "/forgetme")


def _allowed_anyway(update: Update) -> bool:
    if update.callback_query is not None:
        return (update.callback_query.data or "").startswith(ALLOWED_CALLBACKS)
    message = update.effective_message
    if message is not None and message.text:
        command = message.text.split(maxsplit=1)[0].split("@", 1)[0].lower()
        return command in ALLOWED_COMMANDS
    return False


async def gate(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Let only what Narbot handles through, and that only once a member's consent covers the notice."""
    route = route_of(update)
    if route is not Route.FEATURES:
        await _outside_features(update, context, route)
        raise ApplicationHandlerStop
    # A new message or a button press in a private chat.
    chat = update.effective_chat
    assert chat is not None and chat.type == Chat.PRIVATE and update.effective_user is not None
    # A cached member costs no query and no session (storage/reference_cache.py).
    member = await joining.known_member(services(context).sessions, CHANNEL, user_key(update))
    if member is not None and member.blocked:
        async with services(context).sessions.begin() as session:
            if await joining.reachable_again(session, CHANNEL, user_key(update)):
                logger.info("Person %s unblocked the bot and wrote again", member.person_id)
    standing = member.consent if member is not None else None
    if standing is None or standing.is_current or _allowed_anyway(update):
        return
    tr = translator(standing.locale)
    if update.callback_query is not None:
        await update.callback_query.answer()
    if standing.withdrawn:
        await chat.send_message(withdrawn_text(tr, standing), reply_markup=_show_notice_button(tr))
    else:
        await chat.send_message(notice_text(tr), reply_markup=consent_buttons(tr))
    logger.info("Held an update of person %s until consent (withdrawn=%s)", standing.person_id,
                standing.withdrawn)
    raise ApplicationHandlerStop


async def _outside_features(update: Update, context: ContextTypes.DEFAULT_TYPE, route: Route) -> None:
    """What is not for the features gets a fixed, impersonal answer or none; nothing is read or written."""
    if route is Route.GROUP_POINTER:
        await fallback.group_chat(update, context)
    elif route is Route.BUTTON_ELSEWHERE:
        assert update.callback_query is not None
        tr = translator_for(update, context, None)
        await update.callback_query.answer(tr.gettext("This button works only in a private chat with Narbot."))


def consent_buttons(tr: Translator) -> InlineKeyboardMarkup:
    _ = tr.gettext
    return InlineKeyboardMarkup([
        [InlineKeyboardButton(_("I agree"), callback_data=f"consent:yes:{NOTICE_VERSION}")],
        [InlineKeyboardButton(_("I do not agree"), callback_data=f"consent:no:{NOTICE_VERSION}")],
    ])


def _show_notice_button(tr: Translator) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[
        InlineKeyboardButton(tr.gettext("Read the notice and come back"), callback_data="consent:show")
    ]])


def withdrawn_text(tr: Translator, standing: Standing) -> str:
    _ = tr.gettext
    assert standing.withdrawn_at is not None
    return _(
        "You withdrew your consent on {date}, so Narbot does not write to you and does not "
        "process what you send.\n\n"
        "To come back, read the notice and accept it. To receive your data send /mydata; "
        "to have it erased send /forgetme."
    ).format(date=tr.datetime(standing.withdrawn_at, ZoneInfo(standing.timezone), "long"))


async def consent_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show the notice again, or take a member's answer to it."""
    query = update.callback_query
    button = await pressed(update, context, CONSENT)
    if query is None or button is None:
        return
    action, version = button.action, button.values.get("version", "")
    svc = services(context)
    now = svc.clock.now()
    async with svc.sessions.begin() as session:
        member = await load_member(session, update)
        if member is not None and action in ("yes", "no") and version == NOTICE_VERSION:
            if action == "yes":
                await consent.accept_current(session, member.person_id, now)
            else:
                await consent.withdraw(session, member.person_id, now)
            # Read again around the cache: this session has just written the consent.
            member = await load_member(session, update)
    standing = member.consent if member is not None else None
    if standing is None or member is None:
        await tell_stranger(update, context)
        return
    await query.answer()
    tr = translator(standing.locale)
    if standing.is_current:
        thanks = tr.gettext("Thank you. Your consent has been recorded.")
        text = thanks + "\n\n" + status_text(tr, member)
        await edit_or_reply(update, text)
        assert update.effective_chat is not None
        await set_person_menu(context.bot, update.effective_chat.id, member)
    elif standing.withdrawn and action != "show":
        await edit_or_reply(update, withdrawn_text(tr, standing), _show_notice_button(tr))
    else:
        # "show", or an answer to an older notice: the current one is what counts.
        await edit_or_reply(update, notice_text(tr), consent_buttons(tr))


def gate_handlers() -> list[BaseHandler]:
    """Handlers for group -1, tried before every feature."""
    return [TypeHandler(Update, gate)]


def handlers() -> list[BaseHandler]:
    return [CallbackQueryHandler(consent_button, pattern=CALLBACK_PATTERN)]
