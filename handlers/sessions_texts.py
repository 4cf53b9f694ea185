"""Texts and plumbing shared by the session and agenda handlers."""

from __future__ import annotations

from typing import TypeVar

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from handlers.common import Action, refuse, run_action
from mentoring.errors import DomainError
from mentoring.i18n import N_, Translator
from mentoring.outbox import Button
from mentoring.sessions.notices import details
from mentoring.sessions.rules import SessionView

T = TypeVar("T")
Work = Action[T]
run = run_action  # the sessions features' name for it

TEXT_LIMIT = N_("That is too long ({length} characters). Please keep it to {limit} characters.")
_ERRORS = {
    "bad_date": N_("Please type the date as DD.MM.YYYY, for example 05.12.2026."),
    "bad_time": N_("Please type the time as HH:MM, for example 18:30."),
    "date_in_past": N_("That day has passed. Please choose a day from today on."),
    "date_too_far": N_("Please choose a day within the next year."),
    "start_in_past": N_("That time has passed. Please choose a later time."),
    "empty_place": N_("Please write the place or the online link."),
    "empty_topic": N_("Please write some text."),
    "empty_text": N_("Please write some text."),
    "place_too_long": TEXT_LIMIT,
    "topic_too_long": TEXT_LIMIT,
    "text_too_long": TEXT_LIMIT,
    "topic_gone": N_("That topic is no longer on the agenda."),
    "not_started": N_("The session has not started yet."),
    "stale": N_("This button is no longer active."),
    "agenda_full": N_(
        "The agenda holds at most {limit} topics. Delete topics you no longer need first, then add."
    ),
}
_CLOSED = {
    "cancelled": N_("This session has been cancelled."),
    "started": N_("This session has already started."),
}
ANSWERS = {
    "yes": N_("Coming"),
    "no": N_("Not coming"),
    "maybe": N_("Not sure"),
}


async def tell_error(update: Update, tr: Translator, error: DomainError) -> None:
    """Say why nothing changed: an alert on a button, a reply to a message."""
    if error.code == "access_denied":
        await refuse(update, tr)
        return
    if error.code == "session_closed":
        text = tr.gettext(_CLOSED[str(error.values["reason"])])
    else:
        text = tr.gettext(_ERRORS.get(error.code, _ERRORS["stale"])).format(**error.values)
    if update.callback_query is not None:
        await update.callback_query.answer(text, show_alert=True)
    elif update.effective_message is not None:
        await update.effective_message.reply_text(text)


def keyboard(rows: list[list[Button]]) -> InlineKeyboardMarkup | None:
    if not rows:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.text, callback_data=b.data) for b in row] for row in rows]
    )


def session_card(tr: Translator, view: SessionView, reader_zone: str) -> str:
    _ = tr.gettext
    lines = [details(tr, view.facts, reader_zone)]
    if view.cancelled:
        lines.append(_("This session has been cancelled."))
    if view.may_answer:
        answer = _(ANSWERS[view.my_answer]) if view.my_answer else _("not given yet")
        lines.append(_("Your answer: {answer}").format(answer=answer))
    if view.may_manage or not view.may_answer:
        counts = view.rsvp
        lines.append(
            _(
                "Answers: {yes} coming, {no} not coming, {maybe} not sure, {none} no answer yet"
            ).format(yes=counts.yes, no=counts.no, maybe=counts.maybe, none=counts.none)
        )
    return "\n\n".join(lines)


def text_of(update: Update) -> str | None:
    """The text of a message, or None for a sticker, voice note, photo…"""
    message = update.effective_message
    return message.text if message is not None and message.text else None


async def ask_for_text(update: Update, tr: Translator) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_text(tr.gettext("Please send this as a text message."))
