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

from handlers import (
    broadcasts,
    closing,
    console,
    digest,
    fallback,
    feedback,
    inputs,
    joining,
    nudges,
    objections,
    peers,
    plans,
    privacy,
    reflection,
    reports,
    resources,
    safeguarding,
    sessions,
    settings,
    todos,
)
from handlers import help as help_handlers
from handlers.admission import features_only
from handlers.buttons import guard_handlers as button_guard
from handlers.errors import on_error

PRIVATE = filters.ChatType.PRIVATE

# Feature modules: each has `handlers() -> list[BaseHandler]` (its commands and
# buttons, private chats only); free input goes to the waiting flow through handlers.inputs.
FEATURES = (privacy, reflection, peers, todos, plans, sessions, settings, broadcasts, reports, digest,
            nudges, safeguarding, objections, feedback, resources, console,
            closing)


def build_handlers() -> list[BaseHandler]:
    """All handlers, in the order PTB tries them (first match wins)."""
    feature_handlers = [handler for feature in FEATURES for handler in feature.handlers()]
    # Group chats, edits, channel posts and buttons outside the private chat never get here:
    # the gate (group -1) answers or drops them, and features_only makes every handler below
    # refuse them too, by the same decision (handlers/admission.py).
    handlers: list[BaseHandler] = [
        CommandHandler("start", joining.start, filters=PRIVATE),
        CommandHandler("help", help_handlers.help_command, filters=PRIVATE),
        CommandHandler("language", help_handlers.language_command, filters=PRIVATE),
        CallbackQueryHandler(joining.join_button, pattern=joining.CALLBACK_PATTERN),
        CallbackQueryHandler(help_handlers.language_button, pattern=help_handlers.CALLBACK_PATTERN),
        *feature_handlers,
        CallbackQueryHandler(inputs.parts_button, pattern=inputs.PARTS_PATTERN),
        CallbackQueryHandler(inputs.resume_button, pattern=inputs.RESUME_PATTERN),
        # Catch-alls last, so every feature above gets its chance first.
        CallbackQueryHandler(fallback.unknown_button),
        # Free input (text, voice, photo…) goes to the flow that waits for it.
        MessageHandler(
            PRIVATE & ~filters.COMMAND & ~filters.StatusUpdate.ALL & ~filters.UpdateType.EDITED,
            inputs.route_input,
        ),
        MessageHandler(PRIVATE & filters.COMMAND & ~filters.UpdateType.EDITED, fallback.unexpected_message),
    ]
    return [features_only(handler) for handler in handlers]


def register(application: Application) -> None:
    handlers = build_handlers()
    # The consent gate sees every update first: nothing is processed without current consent.
    # Before it: button data no button of ours carries is answered and dropped
    # (handlers/buttons.py), so forged data never reaches a feature or the error handler.
    application.add_handlers(button_guard(), group=-2)
    application.add_handlers(privacy.gate_handlers(), group=-1)
    application.add_handlers(handlers)
    application.add_error_handler(on_error)
