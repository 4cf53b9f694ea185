"""What handlers need from the application, kept in `bot_data` by the composition root."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import Update
from telegram.ext import ContextTypes

from mentoring.clock import Clock
from mentoring.i18n import Translator, normalize_locale, translator
from mentoring.joining import MemberView

SERVICES_KEY = "narbot.services"
CHANNEL = "telegram"


@dataclass
class Services:
    sessions: async_sessionmaker[AsyncSession]
    clock: Clock
    default_locale: str = "tr"
    default_timezone: str = "Europe/Istanbul"


def services(context: ContextTypes.DEFAULT_TYPE) -> Services:
    return context.application.bot_data[SERVICES_KEY]


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
