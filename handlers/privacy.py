"""/mydata (everything stored about a person), /forgetme (erasure) and withdrawing consent.

Confirmation buttons carry the moment they were offered (`privacy:forget:<unix time>`),
so an old confirmation expires after CONFIRMATION_TTL by the clock, with nothing
kept in memory.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from telegram import (
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    Update,
)
from telegram.error import TelegramError
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes, filters

from handlers import consent_gate
from handlers.buttons import pressed
from handlers.common import load_member, tell_stranger
from handlers.privacy_texts import (
    erased_text,
    expired_text,
    forget_question,
    summary_text,
    withdraw_question,
)
from handlers.replies import edit_or_reply
from handlers.services import services, translator_for
from mentoring.button_data import PRIVACY
from mentoring.i18n import Translator
from mentoring.privacy import consent
from mentoring.privacy import rules as privacy

logger = logging.getLogger(__name__)

CALLBACK_PATTERN = rf"^{PRIVACY.prefix}:"
CONFIRMATION_TTL = timedelta(minutes=10)
# A clock a little ahead on another server must not make a fresh button look forged.
CLOCK_SKEW = timedelta(minutes=1)


def _rights_buttons(tr: Translator) -> InlineKeyboardMarkup:
    _ = tr.gettext
    return InlineKeyboardMarkup([
        [InlineKeyboardButton(_("Withdraw my consent"), callback_data=PRIVACY.encode("withdraw"))],
        [InlineKeyboardButton(_("Erase my data"), callback_data=PRIVACY.encode("forget"))],
    ])


def _confirm_buttons(tr: Translator, action: str, yes: str, now: datetime) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([
        [InlineKeyboardButton(yes, callback_data=PRIVACY.encode(f"{action}_confirmed", offered=now))],
        [InlineKeyboardButton(tr.gettext("No, keep everything as it is"), callback_data=PRIVACY.encode("keep"))],
    ])


def _forget_buttons(tr: Translator, now: datetime) -> InlineKeyboardMarkup:
    return _confirm_buttons(tr, "forget", tr.gettext("Yes, erase my data"), now)


def _withdraw_buttons(tr: Translator, now: datetime) -> InlineKeyboardMarkup:
    return _confirm_buttons(tr, "withdraw", tr.gettext("Yes, withdraw my consent"), now)


def _fresh(offered: datetime, now: datetime) -> bool:
    """Whether a confirmation offered at this moment may still be used."""
    return now - CONFIRMATION_TTL <= offered <= now + CLOCK_SKEW


async def mydata(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Send the person everything stored about them: a summary and a JSON file."""
    svc = services(context)
    now = svc.clock.now()
    async with svc.sessions.begin() as session:
        member = await load_member(session, update)
        export = await privacy.export_person(session, member.person_id, now) if member else None
    if member is None or export is None:
        await tell_stranger(update, context)
        return
    tr = translator_for(update, context, member)
    chat = update.effective_chat
    assert chat is not None
    await chat.send_message(summary_text(tr, member, export), reply_markup=_rights_buttons(tr))
    day = now.astimezone(ZoneInfo(member.timezone)).date().isoformat()
    filename = f"narbot-mydata-{day}.json"
    await chat.send_document(InputFile(export.content, filename=filename), filename=filename)
    logger.info("Sent person %s their data (%d records)", member.person_id, sum(export.counts.values()))


async def forgetme(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Ask whether to erase the person's data (the first of two steps)."""
    async with services(context).sessions.begin() as session:
        member = await load_member(session, update)
    if member is None:
        await tell_stranger(update, context)
        return
    tr = translator_for(update, context, member)
    chat = update.effective_chat
    assert chat is not None
    buttons = _forget_buttons(tr, services(context).clock.now())
    await chat.send_message(forget_question(tr), reply_markup=buttons)


async def privacy_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The buttons of /mydata and /forgetme: ask, confirm (while fresh) or keep."""
    query = update.callback_query
    button = await pressed(update, context, PRIVACY)
    if query is None or button is None:
        return
    # "forget" / "withdraw" ask; "forget_confirmed" / "withdraw_confirmed" carry when they were offered.
    action, offered = button.action.removesuffix("_confirmed"), button.values.get("offered")
    svc = services(context)
    now = svc.clock.now()
    async with svc.sessions.begin() as session:
        member = await load_member(session, update)
    if member is None:
        await tell_stranger(update, context)
        return
    tr = translator_for(update, context, member)
    if action == "keep":
        await query.answer()
        await edit_or_reply(update, tr.gettext("Nothing was changed."))
    elif offered is None:
        # Asked from under the /mydata summary: a new message, so the summary stays readable.
        await query.answer()
        question, buttons = (
            (forget_question(tr), _forget_buttons(tr, now)) if action == "forget"
            else (withdraw_question(tr), _withdraw_buttons(tr, now))
        )
        assert update.effective_chat is not None
        await update.effective_chat.send_message(question, reply_markup=buttons)
    elif not _fresh(offered, now):
        await query.answer(expired_text(tr), show_alert=True)
        await edit_or_reply(update, expired_text(tr))
    elif action == "forget":
        await _erase(update, context, member.person_id, tr)
    else:
        await _withdraw(update, context, member.person_id, tr)


async def _erase(
    update: Update, context: ContextTypes.DEFAULT_TYPE, person_id: int, tr: Translator
) -> None:
    svc = services(context)
    async with svc.sessions.begin() as session:
        cleared = await privacy.erase_person(session, person_id, svc.clock.now())
    assert update.callback_query is not None and update.effective_chat is not None
    await update.callback_query.answer()
    await edit_or_reply(update, erased_text(tr))
    logger.info("Erased person %s (%d personal values)", person_id, sum((cleared or {}).values()))
    try:
        await context.bot.delete_my_commands(scope=BotCommandScopeChat(update.effective_chat.id))
    except TelegramError:
        logger.warning("Could not reset the command menu of erased person %s", person_id, exc_info=True)


async def _withdraw(
    update: Update, context: ContextTypes.DEFAULT_TYPE, person_id: int, tr: Translator
) -> None:
    svc = services(context)
    async with svc.sessions.begin() as session:
        await consent.withdraw(session, person_id, svc.clock.now())
        member = await load_member(session, update)  # read around the cache: just written
    standing = member.consent if member is not None else None
    assert update.callback_query is not None and standing is not None
    await update.callback_query.answer()
    await edit_or_reply(update, consent_gate.withdrawn_text(tr, standing))
    logger.info("Person %s withdrew consent", person_id)


def handlers() -> list[BaseHandler]:
    """This feature's commands and buttons, in the order PTB should try them."""
    private = filters.ChatType.PRIVATE
    return [
        CommandHandler("mydata", mydata, filters=private),
        CommandHandler("forgetme", forgetme, filters=private),
        CallbackQueryHandler(privacy_button, pattern=CALLBACK_PATTERN),
        *consent_gate.handlers(),
    ]


def gate_handlers() -> list[BaseHandler]:
    """The consent gate, for a handler group before every feature."""
    return consent_gate.gate_handlers()
