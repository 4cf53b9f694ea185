"""Telegram handlers, one module per feature, registered in one ordered list."""

from __future__ import annotations

from telegram.ext import (
    Application,
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from handlers import fallback, joining
from handlers import help as help_handlers
from handlers.errors import on_error

PRIVATE = filters.ChatType.PRIVATE


def build_handlers() -> list[BaseHandler]:
    """All handlers, in the order PTB tries them (first match wins within the group)."""
    return [
        # Group chats first: nothing personal is ever shown there.
        MessageHandler(filters.ChatType.GROUPS & filters.COMMAND, fallback.group_chat),
        CommandHandler("start", joining.start, filters=PRIVATE),
        CommandHandler("help", help_handlers.help_command, filters=PRIVATE),
        CommandHandler("language", help_handlers.language_command, filters=PRIVATE),
        CallbackQueryHandler(joining.join_button, pattern=joining.CALLBACK_PATTERN),
        CallbackQueryHandler(help_handlers.language_button, pattern=help_handlers.CALLBACK_PATTERN),
        # Catch-alls last, so every feature above gets its chance first.
        CallbackQueryHandler(fallback.unknown_button),
        MessageHandler(
            PRIVATE & ~filters.StatusUpdate.ALL & ~filters.UpdateType.EDITED, fallback.unexpected_message
        ),
    ]


def register(application: Application) -> None:
    application.add_handlers(build_handlers())
    application.add_error_handler(on_error)
