"""What handlers need from the application, kept in `bot_data` by the composition root."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from mentoring.i18n import Translator, normalize_locale, translator
from mentoring.joining.rules import MemberView
from mentoring.runtime import SERVICES_KEY, Services, services_in

__all__ = ["CHANNEL", "SERVICES_KEY", "Services", "services", "translator_for", "user_key"]

CHANNEL = "telegram"


def services(context: ContextTypes.DEFAULT_TYPE) -> Services:
    return services_in(context.application.bot_data)


def user_key(update: Update) -> str:
    """The channel's id for the person behind an update."""
    assert update.effective_user is not None
    return str(update.effective_user.id)


def translator_for(update: Update, context: ContextTypes.DEFAULT_TYPE, member: MemberView | None) -> Translator:
    """Speak a member's chosen language, or guess a stranger's from their Telegram client."""
    if member is not None:
        return translator(member.locale)
    code = update.effective_user.language_code if update.effective_user else None
    return translator(normalize_locale(code, services(context).default_locale))
