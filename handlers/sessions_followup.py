"""After a session: who came, the minutes, and the attendees' feedback.

Callback data: `ses:at:<session>` (attendance sheet), `ses:am:<session>:<person>`
(toggle), `ses:ad:<session>` (done), `ses:mn:<session>` (write minutes),
`ses:ms:<session>` (minutes later), `ses:fb:<session>:<1-5>` (feedback score),
`ses:fs:<session>` (skip the takeaway).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Update
from telegram.ext import ContextTypes

from handlers.buttons import pressed
from handlers.common import tell_stranger
from handlers.inputs import register_input
from handlers.replies import edit_or_reply
from handlers.services import translator_for
from handlers.sessions_texts import Work, ask_for_text, keyboard, run, tell_error, text_of
from mentoring.button_data import SESSIONS
from mentoring.conversation import Waiting
from mentoring.errors import DomainError
from mentoring.i18n import Translator
from mentoring.joining.rules import MemberView
from mentoring.outbox import Button
from mentoring.sessions import followup
from mentoring.sessions.followup import AttendanceSheet
from mentoring.sessions.notices import when_text

PATTERN = rf"^{SESSIONS.prefix}:(at|am|ad|mn|ms|fb|fs):"


def _sheet_message(
    tr: Translator, sheet: AttendanceSheet, zone: str
) -> tuple[str, list[list[Button]]]:
    sid = sheet.facts.session_id
    text = tr.gettext("Who came to the session of {when}? Tap the names, then press Done.").format(
        when=when_text(tr, sheet.facts.starts_at, zone, sheet.facts.zone)
    )
    rows = [
        [Button(("✅ " if p.present else "▫️ ") + p.name[:50], SESSIONS.encode("am", session=sid, person=p.person_id))]
        for p in sheet.people
    ]
    return text, rows + [[Button(tr.gettext("Done"), SESSIONS.encode("ad", session=sid))]]


def _minutes_prompt(
    tr: Translator, session_id: int, current: str | None = None
) -> tuple[str, list[list[Button]]]:
    _ = tr.gettext
    text = _(
        "Write the decisions of the session (the minutes) in one message, up to {limit} characters."
    ).format(limit=followup.MINUTES_MAX)
    if current:
        text += "\n\n" + _("Minutes so far (your message replaces them):") + "\n" + current
    return text, [[Button(_("Later"), SESSIONS.encode("ms", session=session_id))]]


async def followup_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Attendance, minutes and feedback buttons."""
    query = update.callback_query
    button = await pressed(update, context, SESSIONS)
    if query is None or button is None:
        return
    action, session_id = button.action, button.values.get("session", 0)
    number = button.values.get("person", button.values.get("score"))
    member, result = await run(update, context, _work(action, session_id, number))
    if member is None:
        await tell_stranger(update, context)
        return
    tr = translator_for(update, context, member)
    if isinstance(result, DomainError):
        await tell_error(update, tr, result)
        return
    await query.answer()
    _ = tr.gettext
    if isinstance(result, AttendanceSheet):
        text, rows = _sheet_message(tr, result, member.timezone)
        await edit_or_reply(update, text, keyboard(rows))
    elif action == "ad":
        assert isinstance(result, int) and update.effective_chat is not None
        await edit_or_reply(
            update,
            tr.ngettext(
                "Attendance saved. {count} attendee is asked for feedback.",
                "Attendance saved. {count} attendees are asked for feedback.",
                result,
            ).format(count=result),
        )
        text, rows = _minutes_prompt(tr, session_id)
        await update.effective_chat.send_message(text, reply_markup=keyboard(rows))
    elif action == "mn":
        assert result is None or isinstance(result, str)
        text, rows = _minutes_prompt(tr, session_id, result)
        await edit_or_reply(update, text, keyboard(rows))
    elif action == "ms":
        await edit_or_reply(update, _("All right. You can write the minutes later from /sessions."))
    elif action == "fb":
        await edit_or_reply(
            update,
            _(
                "Thank you! What is one thing you take away from the session? "
                "Write it in a sentence, or skip."
            ),
            keyboard([[Button(_("Skip"), SESSIONS.encode("fs", session=session_id))]]),
        )
    else:
        await edit_or_reply(update, _("Thank you, your feedback is saved."))


def _work(action: str, session_id: int, number: int | None) -> Work[object]:
    async def work(session: AsyncSession, member: MemberView, now: datetime) -> object:
        if action == "at":
            return await followup.sheet(session, member, session_id, now)
        if action == "am" and number is not None:
            return await followup.toggle(session, member, session_id, number, now)
        if action == "ad":
            return await followup.finish_attendance(session, member, session_id, now)
        if action == "mn":
            return await followup.begin_minutes(session, member, session_id, now)
        if action == "ms":
            return await followup.skip_minutes(session, member)
        if action == "fb" and number is not None:
            return await followup.rate(session, member, session_id, number, now)
        if action == "fs":
            return await followup.take_away(session, member, session_id, None, now)
        raise DomainError("access_denied")

    return work


async def minutes_input(
    update: Update, context: ContextTypes.DEFAULT_TYPE, member: MemberView, state: Waiting
) -> None:
    """The mentor's minutes of a held session."""
    tr = translator_for(update, context, member)
    text = text_of(update)
    if text is None:
        await ask_for_text(update, tr)
        return
    session_id = int(state.data["session_id"])
    member_now, result = await run(
        update, context, lambda s, m, now: followup.save_minutes(s, m, session_id, text, now)
    )
    if isinstance(result, DomainError):
        await tell_error(update, tr, result)
        return
    _ = tr.gettext
    assert update.effective_message is not None and member_now is not None
    await update.effective_message.reply_text(
        _("The minutes are saved.")
        + "\n\n"
        + _("To-dos agreed in the session? Give them to members with /assign.")
    )


async def takeaway_input(
    update: Update, context: ContextTypes.DEFAULT_TYPE, member: MemberView, state: Waiting
) -> None:
    """An attendee's one takeaway from the session."""
    tr = translator_for(update, context, member)
    text = text_of(update)
    if text is None:
        await ask_for_text(update, tr)
        return
    session_id = int(state.data["session_id"])
    _member, result = await run(
        update, context, lambda s, m, now: followup.take_away(s, m, session_id, text, now)
    )
    if isinstance(result, DomainError):
        await tell_error(update, tr, result)
        return
    assert update.effective_message is not None
    await update.effective_message.reply_text(tr.gettext("Thank you, your feedback is saved."))


register_input(followup.MINUTES_FLOW, minutes_input)
register_input(followup.TAKEAWAY_FLOW, takeaway_input)
