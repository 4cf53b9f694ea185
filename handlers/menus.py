"""The Telegram command menu: one per language, and one per member for their roles."""

from __future__ import annotations

import logging

from telegram import Bot, BotCommandScopeChat
from telegram.error import TelegramError

from handlers.commands import bot_commands, commands_for
from mentoring.i18n import DEFAULT_LOCALE, SUPPORTED_LOCALES, translator
from mentoring.joining.rules import MemberView

logger = logging.getLogger(__name__)


async def set_default_menus(bot: Bot, default_locale: str = DEFAULT_LOCALE) -> None:
    """The menu strangers see, in each supported language (default language without a code)."""
    strangers = commands_for(())
    await bot.set_my_commands(bot_commands(strangers, translator(default_locale)))
    for locale in SUPPORTED_LOCALES:
        await bot.set_my_commands(bot_commands(strangers, translator(locale)), language_code=locale)


async def set_person_menu(bot: Bot, chat_id: int | str, member: MemberView) -> None:
    """The member's own menu, with their roles' commands in their language."""
    try:
        await bot.set_my_commands(
            bot_commands(commands_for(member.role_set), translator(member.locale)),
            scope=BotCommandScopeChat(chat_id),
        )
    except TelegramError:
        # The menu is a convenience; /help lists the same commands.
        logger.warning("Could not set the command menu for person %s", member.person_id, exc_info=True)
