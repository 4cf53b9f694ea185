"""Button presses in: callback data read by the domain's one codec (mentoring/button_data.py).

A guard in handler group -2 sees every press first: data no button of ours
carries is answered with one short sentence (the spinner stops) and goes no
further, so it changes nothing and never reaches the error handler. Where a
press comes from is the consent gate's question (group -1, `mentoring.gate`): a
press without a message (under an inline message) or outside the private chat
is answered there and never reaches a feature. Feature handlers read their
data with `pressed()`, which answers a refusal the same way as the guard.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import BadRequest
from telegram.ext import ApplicationHandlerStop, BaseHandler, ContextTypes, TypeHandler

from handlers.services import CHANNEL, services, translator_for, user_key
from mentoring.button_data import Feature, Pressed, Refused, decode
from mentoring.joining import rules as joining

logger = logging.getLogger(__name__)


def stale_text(update: Update, context: ContextTypes.DEFAULT_TYPE, member: joining.MemberView | None) -> str:
    return translator_for(update, context, member).gettext("This button is no longer active.")


async def refuse_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stop the spinner with the one sentence for buttons we do not (or no longer) know."""
    query = update.callback_query
    if query is None:
        return
    member = None
    if update.effective_user is not None:
        # A cached member costs no query (storage/reference_cache.py).
        member = await joining.known_member(services(context).sessions, CHANNEL, user_key(update))
    try:
        # An alert, like every refusal of a press: a toast is easily missed.
        await query.answer(stale_text(update, context, member), show_alert=True)
    except BadRequest:
        # Telegram no longer takes an answer (the query is too old): nothing left to stop.
        logger.info("Could not answer a refused button press")


async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE, feature: Feature) -> Pressed | None:
    """The press's action and typed values, or None once a refusal has been answered."""
    query = update.callback_query
    try:
        if query is None:
            raise Refused("no query")
        return feature.decode(query.data)
    except Refused as refused:
        logger.info("Refused %s button data (%s)", feature.prefix, refused.reason)
        await refuse_button(update, context)
        return None


async def guard(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Group -2: answer and drop presses whose data no button of ours carries."""
    query = update.callback_query
    if query is None:
        return
    try:
        decode(query.data)
        return
    except Refused as refused:
        logger.info("Refused button data (%s)", refused.reason)
    await refuse_button(update, context)
    raise ApplicationHandlerStop


def guard_handlers() -> list[BaseHandler]:
    """Handlers for group -2, before the consent gate and every feature."""
    return [TypeHandler(Update, guard)]
