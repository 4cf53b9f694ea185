"""What most handlers do first: find the member behind the update, in their language."""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Update
from telegram.ext import ContextTypes

from handlers.render import input_of, show
from handlers.services import CHANNEL, services, translator_for, user_key
from handlers.texts import no_code_text
from mentoring import entries
from mentoring.errors import DomainError
from mentoring.i18n import Translator, translator
from mentoring.joining import rules as joining
from mentoring.joining.rules import MemberView
from mentoring.refusals import refused
from mentoring.screens import Input, Reply, Typed

T = TypeVar("T")
# One domain step for a member: (session, member, now) -> result.
Action = Callable[[AsyncSession, MemberView, datetime], Awaitable[T]]
# One conversation step (mentoring/<feature>/screens.py): (session, member, input, now) -> reply.
Step = Callable[[AsyncSession, MemberView, Input, datetime], Awaitable[Reply]]
# Telegram's longest text message; a longer paste arrives as several messages, the first ones this long.
LONGEST_TEXT = 4096
# What a feature tells someone who has not joined, when it is not how to join: (update, context, input).
Stranger = Callable[[Update, ContextTypes.DEFAULT_TYPE, Input], Awaitable[None]]


async def load_member(session: AsyncSession, update: Update) -> MemberView | None:
    return await joining.member_view(session, CHANNEL, user_key(update))


async def run_action(
    update: Update, context: ContextTypes.DEFAULT_TYPE, action: Action[T]
) -> tuple[MemberView | None, T | DomainError | None]:
    """Do one domain step for the member behind the update, in one transaction.

    A refusal (DomainError) rolls everything back and is returned for the
    feature to word; a stranger gets (None, None).
    """
    svc = services(context)
    member: MemberView | None = None
    try:
        async with svc.sessions.begin() as session:
            member = await load_member(session, update)
            if member is None:
                return None, None
            return member, await action(session, member, svc.clock.now())
    except DomainError as error:
        return member, error


async def run_step(
    update: Update, context: ContextTypes.DEFAULT_TYPE, step: Step | None, stranger: Stranger | None = None
) -> MemberView | None:
    """A feature's whole Telegram adapter for one update: the update as the step's input, the
    step in one transaction (`run_action`, through `mentoring.entries.take`, which joins a
    paste Telegram split and says when the step paused another flow), its reply shown in the
    member's language. With `step` None, `take` routes the input itself (`entries.route`: the
    waiting flow's step, or what helps), in the same transaction.

    A refusal (DomainError) changes nothing and is answered with its words from
    mentoring/refusals.py; a stranger is told how to join, or what `stranger` tells them
    (/help and /language answer people who have not joined). Returns the member the step
    ran for, as loaded before it (None for a stranger), for what only the channel does after.
    """
    given = dated(update, input_of(update))
    member, result = await run_action(
        update, context, lambda session, member, now: entries.take(session, member, given, now, step)
    )
    if member is None or result is None:
        if stranger is None:
            await tell_stranger(update, context)
        else:
            await stranger(update, context, given)
        return None
    reply = refused(result) if isinstance(result, DomainError) else result
    await show(update, context, reply, translator(member.locale))
    return member


def dated(update: Update, given: Input) -> Input:
    """Typed text with when it was sent, and whether it may be a part of a longer paste: exactly
    as long as Telegram's longest message (which counts UTF-16 code units; either count will do)."""
    message = update.effective_message
    if not isinstance(given, Typed) or message is None:
        return given
    lengths = (len(given.text), len(given.text.encode("utf-16-le")) // 2)
    return dataclasses.replace(given, sent_at=message.date, part=LONGEST_TEXT in lengths)


async def tell_stranger(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Someone without a role used a member's command or button: say how to join."""
    tr = translator_for(update, context, None)
    if update.callback_query is not None:
        await update.callback_query.answer()
    chat = update.effective_chat
    if chat is not None:
        await chat.send_message(no_code_text(tr))


async def refuse(update: Update, tr: Translator, text: str | None = None) -> None:
    """A button or command the person may not use: say so, change nothing."""
    message = text or tr.gettext("That is not available to you.")
    if update.callback_query is not None:
        await update.callback_query.answer(message, show_alert=True)
    elif update.effective_message is not None:
        await update.effective_message.reply_text(message)
