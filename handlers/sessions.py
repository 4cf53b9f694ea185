"""/session: a mentor plans (or moves) a group session step by step.

Callback data: `ses:grp:<group>`, `ses:d:<yyyymmdd>`, `ses:t:<hhmm>`,
`ses:tp:<topic or 0>`, `ses:stop`. The step the mentor is at lives in the
database (flow "session_plan"), so typed answers and a restart continue it.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes, filters

from handlers import agenda as agenda_handlers
from handlers import sessions_followup, sessions_list
from handlers.buttons import pressed
from handlers.common import tell_stranger
from handlers.inputs import register_input
from handlers.replies import edit_or_reply
from handlers.services import translator_for
from handlers.sessions_prompts import show_prompt
from handlers.sessions_texts import Work, ask_for_text, run, tell_error, text_of
from mentoring.button_data import SESSIONS, Pressed
from mentoring.conversation import Waiting
from mentoring.errors import DomainError
from mentoring.joining.rules import MemberView
from mentoring.sessions import planning
from mentoring.sessions.planning import Prompt

PLANNING_PATTERN = rf"^{SESSIONS.prefix}:(grp|d|t|tp|stop)(:|$)"


async def _answer(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    member: MemberView | None,
    result: Prompt | DomainError | None,
) -> None:
    if member is None:
        await tell_stranger(update, context)
        return
    tr = translator_for(update, context, member)
    if isinstance(result, DomainError):
        await tell_error(update, tr, result)
        return
    if update.callback_query is not None:
        await update.callback_query.answer()
    if result is not None:
        await show_prompt(update, tr, member, result)


async def session_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Start planning a group session (mentors)."""
    member, result = await run(update, context, planning.begin)
    await _answer(update, context, member, result)


async def planning_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The group, day, time and topic buttons of the planning flow."""
    query = update.callback_query
    button = await pressed(update, context, SESSIONS)
    if query is None or button is None:
        return
    action = button.action
    member, result = await run(update, context, _button_work(button))
    if action == "stop" and member is not None and not isinstance(result, DomainError):
        await query.answer()
        await edit_or_reply(
            update, translator_for(update, context, member).gettext("Planning stopped.")
        )
        return
    await _answer(update, context, member, result)


async def _forged(*_args: object) -> Prompt | None:
    """Callback data no button of ours carries: refuse, change nothing."""
    raise DomainError("access_denied")


async def _stop(session: AsyncSession, member: MemberView, _now: datetime) -> None:
    await planning.stop(session, member)


def _button_work(button: Pressed) -> Work[Prompt | None]:
    if button.action == "grp":
        group_id = button["group"]
        return lambda s, m, now: planning.begin(s, m, now, group_id)
    if button.action == "d":
        day = button["day"]
        return lambda s, m, now: planning.give_date(s, m, day, now)
    if button.action == "t":
        at = button["at"]
        return lambda s, m, now: planning.give_time(s, m, at, now)
    if button.action == "tp":
        topic_id = button["topic"] or None
        return lambda s, m, now: planning.give_topic(s, m, topic_id, now)
    if button.action == "stop":
        return _stop
    return _forged  # another part of /sessions; the pattern does not send those here


async def planning_input(
    update: Update, context: ContextTypes.DEFAULT_TYPE, member: MemberView, state: Waiting
) -> None:
    """Typed answers of the planning flow: a date, a time or the place."""
    tr = translator_for(update, context, member)
    text = text_of(update)
    if text is None:
        await ask_for_text(update, tr)
        return
    if state.step == "topic":
        assert update.effective_message is not None
        await update.effective_message.reply_text(
            tr.gettext("Please choose a topic with the buttons above.")
        )
        return
    try:
        work = _typed_work(state.step, text)
    except DomainError as error:
        await tell_error(update, tr, error)
        return
    member_now, result = await run(update, context, work)
    await _answer(update, context, member_now, result)


def _typed_work(step: str, text: str) -> Work[Prompt | None]:
    if step == "date":
        day: date = planning.parse_date(text)
        return lambda s, m, now: planning.give_date(s, m, day, now)
    if step == "time":
        at = planning.parse_time(text)
        return lambda s, m, now: planning.give_time(s, m, at, now)
    return lambda s, m, now: planning.give_place(s, m, text, now)


register_input(planning.FLOW, planning_input)


def handlers() -> list[BaseHandler]:
    """This feature's commands and buttons, in the order PTB should try them."""
    private = filters.ChatType.PRIVATE
    return [
        CommandHandler("session", session_command, filters=private),
        CommandHandler("sessions", sessions_list.sessions_command, filters=private),
        CommandHandler("agenda", agenda_handlers.agenda_command, filters=private),
        CallbackQueryHandler(planning_button, pattern=PLANNING_PATTERN),
        CallbackQueryHandler(sessions_list.session_button, pattern=sessions_list.PATTERN),
        CallbackQueryHandler(sessions_followup.followup_button, pattern=sessions_followup.PATTERN),
        CallbackQueryHandler(agenda_handlers.agenda_button, pattern=agenda_handlers.PATTERN),
    ]
