"""/broadcast: a coordinator's announcement to a programme, a province or chosen groups.

The draft lives in the `broadcasts` table and the wait for the text or the send
time in `conversation_states`; buttons carry the draft's id (`bc:<id>:<action>`),
so a restart in the middle continues. The progress message is kept up to date
by the job in bot/broadcast_progress.py.
"""

from __future__ import annotations

import logging

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes, filters

from handlers import broadcast_texts as texts
from handlers.buttons import pressed
from handlers.common import load_member, refuse, tell_stranger
from handlers.inputs import register_input
from handlers.replies import edit_or_reply
from handlers.services import services, translator_for
from mentoring.access import AccessDenied
from mentoring.broadcasts import rules as broadcasts
from mentoring.broadcasts.audience import programme_groups, programme_provinces
from mentoring.broadcasts.progress import progress_of
from mentoring.broadcasts.rules import BroadcastGone, DraftView
from mentoring.button_data import BROADCAST, Pressed
from mentoring.conversation import Waiting
from mentoring.errors import DomainError
from mentoring.i18n import Translator
from mentoring.joining.rules import MemberView

logger = logging.getLogger(__name__)

CALLBACK_PATTERN = rf"^{BROADCAST.prefix}:"
Screen = tuple[str, InlineKeyboardMarkup | None]


def handlers() -> list[BaseHandler]:
    """This feature's commands and buttons, in the order PTB should try them."""
    return [
        CommandHandler("broadcast", broadcast_command, filters=filters.ChatType.PRIVATE),
        CallbackQueryHandler(broadcast_button, pattern=CALLBACK_PATTERN),
    ]


async def broadcast_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Start a new announcement: choose the programme (if several), then the audience."""
    assert update.effective_message is not None
    svc = services(context)
    view: DraftView | None = None
    async with svc.sessions.begin() as session:
        member = await load_member(session, update)
        programmes = broadcasts.programmes_to_coordinate(member) if member else []
        if member is not None and len(programmes) == 1:
            view = await broadcasts.start_draft(session, member, programmes[0][0], svc.clock.now())
    if member is None:
        await tell_stranger(update, context)
        return
    tr = translator_for(update, context, member)
    if not programmes:
        await refuse(update, tr, tr.gettext("Only the coordinators of a programme can send announcements."))
        return
    text, markup = texts.audience_menu(tr, view) if view else texts.programme_choice(tr, programmes)
    await update.effective_message.reply_text(text, reply_markup=markup)


async def broadcast_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Every button of the broadcast flow; stale, foreign or forged ones change nothing."""
    query = update.callback_query
    button = await pressed(update, context, BROADCAST)
    if query is None or button is None:
        return
    async with services(context).sessions.begin() as session:
        member = await load_member(session, update)
    if member is None:
        await tell_stranger(update, context)
        return
    tr = translator_for(update, context, member)
    action = button.action
    try:
        if action == "new":
            await _answer_with(update, await _new_draft(context, member, tr, button["programme"]))
        elif action == "send":
            await _confirm(update, context, member, tr, button["draft"])
        elif action == "stop":
            await _cancel(update, context, member, tr, button["draft"])
        else:
            await _answer_with(update, await _step(context, member, tr, button))
    except BroadcastGone:
        await query.answer(tr.gettext("This button is no longer active."))
    except AccessDenied:
        await refuse(update, tr)
    except DomainError as error:
        await query.answer(error_text(tr, error), show_alert=True)


async def _answer_with(update: Update, screen: Screen) -> None:
    assert update.callback_query is not None
    await update.callback_query.answer()
    await edit_or_reply(update, *screen)


async def _new_draft(
    context: ContextTypes.DEFAULT_TYPE, member: MemberView, tr: Translator, programme_id: int
) -> Screen:
    svc = services(context)
    async with svc.sessions.begin() as session:
        view = await broadcasts.start_draft(session, member, programme_id, svc.clock.now())
    return texts.audience_menu(tr, view)


async def _step(
    context: ContextTypes.DEFAULT_TYPE, member: MemberView, tr: Translator, button: Pressed
) -> Screen:
    """One step of composing the draft; returns the screen that replaces the pressed one."""
    svc = services(context)
    now = svc.clock.now()
    broadcast_id = button["draft"]
    async with svc.sessions.begin() as session:
        match button.action:
            case "aud":
                return texts.audience_menu(tr, await broadcasts.draft(session, member, broadcast_id))
            case "all":
                return texts.role_menu(tr, await broadcasts.choose_scope(session, member, broadcast_id, "programme"))
            case "prov":
                return await _province_page(session, member, tr, broadcast_id, button["page"])
            case "p":
                view = await broadcasts.choose_province(session, member, broadcast_id, button["province"])
                return texts.role_menu(tr, view)
            case "grp":
                view = await broadcasts.draft(session, member, broadcast_id)
                return await _group_page(session, tr, view, button["page"])
            case "g":
                view = await broadcasts.toggle_group(session, member, broadcast_id, button["group"])
                return await _group_page(session, tr, view, button["page"])
            case "gok":
                return texts.role_menu(tr, await broadcasts.choose_scope(session, member, broadcast_id, "groups"))
            case "r":
                view = await broadcasts.choose_role(session, member, broadcast_id, button["role"], now)
                return _after_audience(tr, view, member)
            case "text":
                await broadcasts.ask_text(session, member, broadcast_id, now)
                return texts.text_prompt(tr), None
            case "later":
                await broadcasts.ask_send_time(session, member, broadcast_id, now)
                return texts.time_prompt(tr, member.timezone), None
            case "now":
                view = await broadcasts.send_now_instead(session, member, broadcast_id)
                return texts.preview_summary(tr, view, member.timezone)
            case "drop":
                await broadcasts.discard(session, member, broadcast_id)
                return tr.gettext("The announcement was discarded; nothing was sent."), None
    raise BroadcastGone()


def _after_audience(tr: Translator, view: DraftView, member: MemberView) -> Screen:
    """With the audience set: ask for the text, or (when changing the audience) show the summary again."""
    if view.text is None:
        return texts.text_prompt(tr), None
    return texts.preview_summary(tr, view, member.timezone)


async def _province_page(
    session: AsyncSession, member: MemberView, tr: Translator, broadcast_id: int, page: int
) -> Screen:
    view = await broadcasts.draft(session, member, broadcast_id)
    found, total = await programme_provinces(session, view.programme_id, page * texts.PAGE_SIZE, texts.PAGE_SIZE)
    return texts.province_menu(tr, view, found, page, total)


async def _group_page(session: AsyncSession, tr: Translator, view: DraftView, page: int) -> Screen:
    found, total = await programme_groups(session, view.programme_id, page * texts.PAGE_SIZE, texts.PAGE_SIZE)
    return texts.group_menu(tr, view, found, page, total)


async def _confirm(
    update: Update, context: ContextTypes.DEFAULT_TYPE, member: MemberView, tr: Translator, broadcast_id: int
) -> None:
    """Queue the announcement; the pressed summary becomes the progress message."""
    query = update.callback_query
    assert query is not None and query.message is not None
    svc = services(context)
    async with svc.sessions.begin() as session:
        confirmed = await broadcasts.confirm(
            session, member, broadcast_id, svc.clock.now(),
            progress_chat_id=str(query.message.chat.id), progress_message_id=query.message.message_id,
        )
        progress = await progress_of(session, broadcast_id)
    if confirmed.already or progress is None:
        await query.answer(tr.gettext("This announcement is already on its way."))
        return
    logger.info("Broadcast %s confirmed: %s messages queued", broadcast_id, confirmed.queued)
    await _answer_with(update, texts.progress_view(tr, progress))


async def _cancel(
    update: Update, context: ContextTypes.DEFAULT_TYPE, member: MemberView, tr: Translator, broadcast_id: int
) -> None:
    """Stop what has not gone out yet; the report follows when the last message is settled."""
    query = update.callback_query
    assert query is not None
    svc = services(context)
    async with svc.sessions.begin() as session:
        stopped = await broadcasts.cancel(session, member, broadcast_id, svc.clock.now())
        progress = await progress_of(session, broadcast_id)
    assert progress is not None
    logger.info("Broadcast %s cancelled: %s messages stopped", broadcast_id, stopped)
    await query.answer(tr.ngettext(
        "Cancelled: {count} message will not be sent.", "Cancelled: {count} messages will not be sent.", stopped
    ).format(count=stopped), show_alert=True)
    await edit_or_reply(update, *texts.progress_view(tr, progress))


def error_text(tr: Translator, error: DomainError) -> str:
    _ = tr.gettext
    match error.code:
        case "broadcast_too_long":
            return _(
                "That text has {length} characters; an announcement can have at most {limit}. "
                "Please shorten it and send it again."
            ).format(**error.values)
        case "broadcast_empty":
            return _("The announcement is empty. Please write its text.")
        case "broadcast_bad_time":
            return _("I could not read that time. Please type it as DD.MM.YYYY HH:MM, for example 24.11.2026 10:00.")
        case "broadcast_time_passed":
            return _("That moment has already passed. Please type a time in the future.")
        case "broadcast_nobody":
            return _("Nobody is in this audience. Please choose another audience.")
    return _("That is not available to you.")


async def broadcast_input(
    update: Update, context: ContextTypes.DEFAULT_TYPE, member: MemberView, state: Waiting
) -> None:
    """The announcement's text, or its send time, typed by the coordinator."""
    message = update.effective_message
    assert message is not None
    tr = translator_for(update, context, member)
    if message.text is None:
        # A sticker, photo or voice note where words are expected: say so, keep waiting.
        await message.reply_text(
            tr.gettext("Please send the announcement as a text message; stickers, photos and voice "
                       "messages cannot be sent as announcements.") if state.step == "text"
            else texts.time_prompt(tr, member.timezone)
        )
        return
    svc = services(context)
    broadcast_id = int(state.data.get("broadcast_id", 0))
    try:
        async with svc.sessions.begin() as session:
            if state.step == "time":
                view = await broadcasts.set_send_time(session, member, broadcast_id, message.text, svc.clock.now())
            else:
                view = await broadcasts.set_text(session, member, broadcast_id, message.text, svc.clock.now())
    except BroadcastGone:
        async with svc.sessions.begin() as session:
            await broadcasts.stop_waiting(session, member.person_id)
        await message.reply_text(tr.gettext("That announcement is no longer being written. "
                                            "Send /broadcast to start a new one."))
        return
    except DomainError as error:
        await message.reply_text(error_text(tr, error))
        return
    summary, markup = texts.preview_summary(tr, view, member.timezone)
    await message.reply_text(texts.preview_copy(tr, view))
    await message.reply_text(summary, reply_markup=markup)


register_input(broadcasts.FLOW, broadcast_input)
