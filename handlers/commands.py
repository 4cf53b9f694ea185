"""The Telegram command menu's entries: the commands themselves are `mentoring.help.commands`
(re-exported here for the handlers that build menus and status texts)."""

from __future__ import annotations

from collections.abc import Iterable

from telegram import BotCommand

from mentoring.help.commands import (
    COMMANDS,
    STRANGER_COMMANDS,
    CommandSpec,
    commands_for,
)
from mentoring.i18n import Translator

__all__ = ["COMMANDS", "STRANGER_COMMANDS", "CommandSpec", "bot_commands", "commands_for"]


def bot_commands(specs: Iterable[CommandSpec], tr: Translator) -> list[BotCommand]:
    return [BotCommand(spec.name, tr.gettext(spec.description)) for spec in specs]
