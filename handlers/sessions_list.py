"""/sessions, RSVP buttons, and a mentor's move and cancel buttons.

Callback data: `ses:r:<session>:<y|n|m>` (RSVP), `ses:mv:<session>` (move),
`ses:x:<session>` (ask to cancel), `ses:xc:<session>` (cancel), `ses:xn:<session>` (keep).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Update
from telegram.ext import ContextTypes

from handlers.buttons import pressed
from handlers.common import tell_stranger
from handlers.replies import edit_or_reply
from handlers.services import translator_for
from handlers.sessions_prompts import show_prompt
from handlers.sessions_texts import Work, keyboard, run, session_card, tell_error
from mentoring import access
from mentoring.button_data import SESSIONS
from mentoring.errors import DomainError
from mentoring.i18n import Translator
from mentoring.joining.rules import MemberView
from mentoring.outbox import Button
from mentoring.sessions import followup, planning
from mentoring.sessions import rules as sessions
from mentoring.sessions.notices import RSVP_CODES, SessionFacts, rsvp_buttons, when_text
from mentoring.sessions.planning import Prompt
from mentoring.sessions.rules import SessionView

PATTERN = rf"^{SESSIONS.prefix}:(r|mv|x|xc|xn):"


def card_buttons(tr: Translator, view: SessionView) -> list[list[Button]]:
    if view.cancelled:
        return []
    rows = rsvp_buttons(tr, view.facts.session_id) if view.may_answer else []
    if view.may_manage:
        sid = view.facts.session_id
        rows.append(
            [
                Button(tr.gettext("Move"), SESSIONS.encode("mv", session=sid)),
                Button(tr.gettext("Cancel"), SESSIONS.encode("x", session=sid)),
            ]
        )
    return rows


def held_buttons(tr: Translator, session_id: int) -> list[list[Button]]:
    _ = tr.gettext
    return [
        [
            Button(_("Who came"), SESSIONS.encode("at", session=session_id)),
            Button(_("Minutes"), SESSIONS.encode("mn", session=session_id)),
        ]
    ]


async def _overview(
    session: AsyncSession, member: MemberView, now: datetime
) -> tuple[list[SessionView], list[SessionFacts]]:
    upcoming = await sessions.upcoming(session, member, now)
    held = [
        await sessions.facts_of(session, found)
        for found in await followup.recent_held(session, member, now)
    ]
    return upcoming, held


async def sessions_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Upcoming sessions of my groups, with my answer and buttons to change it."""
    member, result = await run(update, context, _overview)
    if member is None:
        await tell_stranger(update, context)
        return
    tr = translator_for(update, context, member)
    assert (
        update.effective_message is not None
        and not isinstance(result, DomainError)
        and result is not None
    )
    upcoming, held = result
    message = update.effective_message
    if not upcoming:
        text = tr.gettext("There are no upcoming group sessions.")
        if access.mentored_groups(member):
            text += "\n" + tr.gettext("Plan one with /session.")
        await message.reply_text(text)
    else:
        await message.reply_text(tr.gettext("Upcoming group sessions:"))
    for view in upcoming:
        await message.reply_text(
            session_card(tr, view, member.timezone), reply_markup=keyboard(card_buttons(tr, view))
        )
    for facts in held:
        await message.reply_text(
            _held_text(tr, facts, member.timezone),
            reply_markup=keyboard(held_buttons(tr, facts.session_id)),
        )


def _held_text(tr: Translator, facts: SessionFacts, zone: str) -> str:
    return tr.gettext(
        "Held session of {group}, {when}: mark who came and write the minutes."
    ).format(group=facts.group_name, when=when_text(tr, facts.starts_at, zone, facts.zone))


async def session_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """RSVP, move and cancel buttons."""
    query = update.callback_query
    button = await pressed(update, context, SESSIONS)
    if query is None or button is None:
        return
    action, session_id = button.action, button.values.get("session", 0)
    value = button.values.get("answer", "")
    member, result = await run(update, context, _work(action, session_id, value))
    if member is None:
        await tell_stranger(update, context)
        return
    tr = translator_for(update, context, member)
    if isinstance(result, DomainError):
        await tell_error(update, tr, result)
        return
    _ = tr.gettext
    if action == "r":
        assert isinstance(result, SessionView)
        await query.answer(_("Thank you, your answer is saved."))
        await edit_or_reply(
            update, session_card(tr, result, member.timezone), keyboard(card_buttons(tr, result))
        )
        return
    await query.answer()
    if isinstance(result, Prompt):  # moving: the planning flow asks for the new day
        await show_prompt(update, tr, member, result)
        return
    assert isinstance(result, SessionView)
    card = session_card(tr, result, member.timezone)
    if action == "x":
        await edit_or_reply(
            update,
            _("Cancel this session? Everyone will be told.") + "\n\n" + card,
            keyboard(
                [
                    [
                        Button(_("Yes, cancel it"), SESSIONS.encode("xc", session=session_id)),
                        Button(_("No, keep it"), SESSIONS.encode("xn", session=session_id)),
                    ]
                ]
            ),
        )
    elif action == "xc":
        await edit_or_reply(
            update, _("The session has been cancelled; everyone will be told.") + "\n\n" + card
        )
    else:
        await edit_or_reply(update, card, keyboard(card_buttons(tr, result)))


def _work(action: str, session_id: int, value: str) -> Work[SessionView | Prompt]:
    async def work(
        session: AsyncSession, member: MemberView, now: datetime
    ) -> SessionView | Prompt:
        if action == "r":
            return await sessions.answer(session, member, session_id, RSVP_CODES[value], now)
        if action == "mv":
            return await planning.begin_move(session, member, session_id, now)
        if action == "x":
            return await sessions.manageable(session, member, session_id, now)
        if action == "xc":
            return await sessions.cancel(session, member, session_id, now)
        if action == "xn":
            return await sessions.view(session, member, session_id)
        raise DomainError("access_denied")

    return work
