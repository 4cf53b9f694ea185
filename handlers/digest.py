"""/digest: a mentor's weekly group digest on demand, a mentee's detail, and the chart switch.

Buttons: `dg:g:<group>` (which group), `dg:m:<group>:<person>` (one mentee's
detail; checked against the presser's groups and audited), `dg:c:<0|1>`
(chart off / on). The same buttons come under the digest the outbox delivers.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes, filters

from handlers.buttons import pressed
from handlers.common import refuse, run_action, tell_stranger
from mentoring import access
from mentoring.button_data import DIGEST
from mentoring.digest import rules as digest
from mentoring.digest.chart import chart_png
from mentoring.digest.detail import mentee_detail, render_detail
from mentoring.digest.render import chart_switch, digest_buttons, render
from mentoring.errors import DomainError
from mentoring.i18n import Translator, translator
from mentoring.joining.rules import MemberView
from mentoring.outbox import Button

CALLBACK_PATTERN = rf"^{DIGEST.prefix}:"
MESSAGE_LIMIT = 4096
T = TypeVar("T")


def markup(buttons: list[list[Button]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(b.text, callback_data=b.data) for b in row] for row in buttons])


async def _run(update: Update, context: ContextTypes.DEFAULT_TYPE,
               action: Callable[[AsyncSession, MemberView, datetime], Awaitable[T]]
               ) -> tuple[MemberView, Translator, T] | None:
    """One domain action in one transaction; a refusal is answered and changes nothing."""
    member, outcome = await run_action(update, context, action)
    if isinstance(outcome, access.AccessDenied):
        await refuse(update, translator(member.locale if member else None))
        return None
    if isinstance(outcome, DomainError):
        raise outcome  # not a refusal: the error handler's business
    if member is None:
        await tell_stranger(update, context)
        return None
    if update.callback_query is not None:
        await update.callback_query.answer()
    return member, translator(member.locale), outcome  # type: ignore[return-value]


async def digest_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show the current digest of the mentor's group, or ask which group first."""
    done = await _run(update, context, digest.digest_groups)
    if done is None:
        return
    _, tr, groups = done
    assert update.effective_message is not None
    if not groups:
        await update.effective_message.reply_text(tr.gettext("The digest is for the mentors of a group."))
    elif len(groups) > 1:
        await update.effective_message.reply_text(
            tr.gettext("Which group's digest?"),
            reply_markup=InlineKeyboardMarkup(
                [[InlineKeyboardButton(name, callback_data=DIGEST.encode("g", group=gid))] for gid, name in groups]),
        )
    else:
        await _show(update, context, groups[0][0])


async def _show(update: Update, context: ContextTypes.DEFAULT_TYPE, group_id: int) -> None:
    async def load(session: AsyncSession, member: MemberView, now: datetime):  # type: ignore[no-untyped-def]
        return (await digest.digest_for(session, member, group_id, now),
                await digest.chart_on(session, member.person_id))

    done = await _run(update, context, load)
    if done is None:
        return
    member, tr, (found, chart) = done
    chat = update.effective_chat
    assert chat is not None
    if found is None:
        await chat.send_message(tr.gettext("No reflection week has closed yet; the first digest comes after it."))
        return
    if chart:
        await chat.send_photo(chart_png(found), filename="digest.png")
    text = render(found, tr, digest.zone_of(member.timezone))
    await chat.send_message(text[:MESSAGE_LIMIT], reply_markup=markup(digest_buttons(tr, found, chart)))


async def digest_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The group choice, mentee detail and chart switch buttons."""
    button = await pressed(update, context, DIGEST)
    if button is None:
        return
    if button.action == "g":
        await _show(update, context, button["group"])
    elif button.action == "m":
        await _detail(update, context, button["group"], button["person"])
    else:
        await _chart(update, context, button["on"])


async def _detail(update: Update, context: ContextTypes.DEFAULT_TYPE, group_id: int, person_id: int) -> None:
    done = await _run(update, context, lambda s, m, now: mentee_detail(s, m, group_id, person_id, now, m.locale))
    if done is None:
        return
    chat = update.effective_chat
    assert chat is not None
    await chat.send_message(render_detail(done[2], done[1]))


async def _chart(update: Update, context: ContextTypes.DEFAULT_TYPE, on: bool) -> None:
    done = await _run(update, context, lambda s, m, now: digest.set_chart(s, m, on, now))
    if done is None:
        return
    tr = done[1]
    query = update.callback_query
    assert query is not None and query.message is not None
    switch = chart_switch(tr, on)
    old = getattr(query.message, "reply_markup", None)  # None on an inaccessible message
    rows = [[b for b in row if not _is_chart_switch(b.callback_data)] for row in (old.inline_keyboard if old else ())]
    rows = [row for row in rows if row] + [[InlineKeyboardButton(switch.text, callback_data=switch.data)]]
    await query.edit_message_reply_markup(InlineKeyboardMarkup(rows))
    note = (tr.gettext("The chart will come with your digests again.") if on
            else tr.gettext("Your digests will come without the chart."))
    await query.message.chat.send_message(note)


def _is_chart_switch(data: object) -> bool:
    return isinstance(data, str) and DIGEST.matches(data) and DIGEST.decode(data).action == "c"


def handlers() -> list[BaseHandler]:
    """This feature's command and buttons."""
    return [
        CommandHandler("digest", digest_command, filters=filters.ChatType.PRIVATE),
        CallbackQueryHandler(digest_button, pattern=CALLBACK_PATTERN),
    ]
