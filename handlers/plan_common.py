"""What the plan and partner handlers share: running one domain step, and saying what went wrong."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from handlers.common import refuse, run_action, tell_stranger
from handlers.replies import edit_or_reply
from handlers.services import translator_for
from mentoring.access import AccessDenied
from mentoring.errors import DomainError
from mentoring.i18n import N_, Translator
from mentoring.joining.rules import MemberView
from mentoring.outbox import Button

T = TypeVar("T")
Action = Callable[[AsyncSession, MemberView, datetime], Awaitable[T]]

_PROBLEMS = {
    "stale": N_("This button is no longer active."),
    "text_expected": N_("Please write your answer as text (stickers, photos and voice notes cannot be "
                        "saved here)."),
    "text_too_long": N_("That is {length} characters; please keep it to at most {most}."),
    "too_many_goals": N_("Your plan already has {most} goals; mark some as done or keep working on them."),
    "bad_date": N_("Please write the date as DD.MM.YYYY, for example 31.01.2027."),
    "date_past": N_("That date has already passed; please choose a later one."),
    "date_far": N_("That date is too far away; please choose one within three years."),
    "no_partner": N_("You do not have a peer partner yet; your mentors will pair you."),
    "checkin_closed": N_("This check-in is closed; nothing was changed. The next one will come next week."),
    "checkin_answered": N_("You have already answered this week's check-in. Thank you!"),
    "nobody_to_pair": N_("Everyone in this group already has a peer partner."),
    "at_most_three": N_("Choose at most three."),
}


def problem_text(tr: Translator, error: DomainError) -> str:
    template = _PROBLEMS.get(error.code, _PROBLEMS["stale"])
    return tr.gettext(template).format(**error.values)


def markup(rows: list[list[Button]]) -> InlineKeyboardMarkup | None:
    if not rows:
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton(b.text, callback_data=b.data) for b in row]
                                 for row in rows])


async def perform(update: Update, context: ContextTypes.DEFAULT_TYPE,
                  action: Action[T]) -> tuple[Translator, T] | None:
    """Run one step in one transaction; on refusal nothing changes and the person is told why."""
    member, outcome = await run_action(update, context, action)
    if isinstance(outcome, AccessDenied):
        await refuse(update, translator_for(update, context, member))
        return None
    if isinstance(outcome, DomainError):
        tr = translator_for(update, context, member)
        await tell(update, tr, problem_text(tr, outcome))
        return None
    if member is None:
        await tell_stranger(update, context)
        return None
    if update.callback_query is not None:
        await update.callback_query.answer()
    return translator_for(update, context, member), outcome  # type: ignore[return-value]


async def tell(update: Update, tr: Translator, text: str) -> None:
    """A short note: as a callback alert for a button, as a reply for a message."""
    if update.callback_query is not None:
        await update.callback_query.answer(text, show_alert=True)
    elif update.effective_message is not None:
        await update.effective_message.reply_text(text)


async def show(update: Update, text: str, rows: list[list[Button]]) -> None:
    """Answer in place for a button, as a new message for a command or text."""
    if update.callback_query is not None:
        await edit_or_reply(update, text, markup(rows))
    else:
        assert update.effective_message is not None
        await update.effective_message.reply_text(text, reply_markup=markup(rows))
