"""/reflect, the reflection's buttons, and the answers a mentee writes, records or photographs.

Buttons carry their state (`rf:<action>:<reflection id>[:<question>[:<value>]]`);
the question a written answer belongs to is in the database (flow "reflection").
"""

from __future__ import annotations

import logging
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Message, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes, filters

from handlers import reflection_texts as texts
from handlers.buttons import pressed
from handlers.common import load_member, refuse, tell_stranger
from handlers.inputs import register_input
from handlers.replies import edit_or_reply
from handlers.services import services, translator_for
from mentoring.button_data import REFLECTION, Pressed
from mentoring.conversation import Waiting
from mentoring.joining.rules import MemberView
from mentoring.reflection import flow as reflections
from mentoring.reflection.steps import Given, Outcome, Step

logger = logging.getLogger(__name__)

CALLBACK_PATTERN = rf"^{REFLECTION.prefix}:"


async def reflect_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Start or continue this week's reflection."""
    svc = services(context)
    async with svc.sessions.begin() as session:
        member = await load_member(session, update)
        step = (
            await reflections.open_reflection(session, member, svc.clock.now()) if member else None
        )
    if member is None or step is None:
        await tell_stranger(update, context)
        return
    await _show(update, context, member, step)


async def reflection_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Every button of the reflection: start, answer, summary, change, numbers only, submit."""
    button = await pressed(update, context, REFLECTION)
    if button is None:
        return
    svc = services(context)
    now = svc.clock.now()
    async with svc.sessions.begin() as session:
        member = await load_member(session, update)
        step = await _dispatch(session, member, button, now) if member else None
    if member is None:
        await tell_stranger(update, context)
        return
    tr = translator_for(update, context, member)
    if step is None:
        await refuse(update, tr)
        return
    await _show(update, context, member, step)


async def _dispatch(session: AsyncSession, member: MemberView, button: Pressed, now: datetime) -> Step:
    """The domain call a button stands for."""
    action = button.action
    if action == "go":
        return await reflections.open_reflection(session, member, now, week=button["week"])
    if action == "grp":
        return await reflections.open_reflection(
            session, member, now, group_id=button["group"], week=button["week"]
        )
    reflection_id = button["reflection"]
    if action == "a":
        # The domain reads the value as the question's kind expects (a score, an option, skip).
        value = str(button["value"])
        return await reflections.answer_button(
            session, member, reflection_id, button["question"], value, now
        )
    if action == "ed":
        return await reflections.change_answer(session, member, reflection_id, button["question"], now)
    simple = {
        "sum": reflections.show_summary,
        "chg": reflections.change_menu,
        "no": reflections.toggle_numbers_only,
        "sub": reflections.submit,
    }
    return await simple[action](session, member, reflection_id, now)


async def reflection_input(
    update: Update, context: ContextTypes.DEFAULT_TYPE, member: MemberView, state: Waiting
) -> None:
    """A message while a reflection question (or the summary) waits."""
    message = update.effective_message
    assert message is not None
    reflection_id = state.data.get("reflection_id")
    svc = services(context)
    async with svc.sessions.begin() as session:
        step = (
            await reflections.answer_input(
                session, member, reflection_id, _given(message), svc.clock.now(), state
            )
            if isinstance(reflection_id, int)
            else None
        )
    if step is None:
        await refuse(update, translator_for(update, context, member))
        return
    if step.outcome in (Outcome.QUESTION, Outcome.SUMMARY):
        logger.info("Person %s answered in reflection %s", member.person_id, reflection_id)
    await _show(update, context, member, step, note_length=len(message.text or ""))


def _given(message: Message) -> Given:
    if message.text is not None:
        return Given(text=message.text)
    if message.voice is not None:
        # to_dict() gives whole seconds without PTB's int/timedelta deprecation dance.
        return Given(
            file_kind="voice",
            file_id=message.voice.file_id,
            duration=int(message.voice.to_dict().get("duration", 0)),
        )
    if message.photo:
        return Given(file_kind="photo", file_id=message.photo[-1].file_id, caption=message.caption)
    return Given()


async def _show(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    member: MemberView,
    step: Step,
    note_length: int = 0,
) -> None:
    """Render a step: a note on the pressed button, in place for a button, or as a reply."""
    tr = translator_for(update, context, member)
    # Not update.effective_message for a press: it warns when the pressed message is inaccessible.
    query = update.callback_query
    message = update.effective_message if query is None else None
    refusal = texts.refusal_text(tr, step)
    if refusal is not None:
        if query is not None:
            await query.answer(refusal, show_alert=True)
        elif message is not None:
            await message.reply_text(refusal)
        return
    text, markup = texts.step_message(tr, step, ZoneInfo(member.timezone), note_length)
    if query is not None:
        await query.answer()
        await edit_or_reply(update, text, markup)
    elif message is not None:
        await message.reply_text(text, reply_markup=markup)


register_input(reflections.FLOW, reflection_input)


def handlers() -> list[BaseHandler]:
    """This feature's commands and buttons, in the order PTB should try them."""
    return [
        CommandHandler("reflect", reflect_command, filters=filters.ChatType.PRIVATE),
        CallbackQueryHandler(reflection_button, pattern=CALLBACK_PATTERN),
    ]
