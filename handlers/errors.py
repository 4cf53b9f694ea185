"""The error handler: log the fault (never the message text) and tell the person."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import Forbidden, NetworkError, RetryAfter
from telegram.ext import ApplicationHandlerStop, ContextTypes

from handlers.services import translator_for

logger = logging.getLogger(__name__)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log an unhandled error with its traceback and apologise to the person, if any."""
    update_id = update.update_id if isinstance(update, Update) else None
    logger.error("Unhandled error while handling update %s", update_id, exc_info=context.error)
    if not isinstance(update, Update):
        return
    await _apologise(update, context)
    # The update goes no further: after a fault in the consent gate (group -1) the feature
    # handlers would run unchecked, and fail (and apologise) a second time when the database is down.
    raise ApplicationHandlerStop


async def _apologise(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.effective_chat is None:
        return
    if isinstance(context.error, (Forbidden, NetworkError, RetryAfter)):
        # We cannot reach the person, or Telegram just asked us to wait (429):
        # writing to them now would fail the same way.
        return
    tr = translator_for(update, context, None)
    try:
        await update.effective_chat.send_message(
            tr.gettext(
                "Sorry, something went wrong on my side. What you sent before this was saved. "
                "Please try again in a moment."
            )
        )
    except Exception:
        logger.warning("Could not tell the person about the error", exc_info=True)
