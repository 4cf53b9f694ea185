"""The commands each role sees, in /help and in the Telegram command menu.

Later features add their commands here, so /help and the menus never list a
command that does not exist.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from telegram import BotCommand

from mentoring.i18n import N_, Translator
from storage.models import Role

EVERYONE = frozenset(Role)


@dataclass(frozen=True)
class CommandSpec:
    name: str
    description: str  # a msgid, translated when shown
    roles: frozenset[Role] = EVERYONE


COMMANDS: tuple[CommandSpec, ...] = (
    CommandSpec("start", N_("Where you are in the programme")),
    CommandSpec("help", N_("What Narbot can do for you")),
    CommandSpec("language", N_("Change the language")),
)

# What a stranger (no role yet) can use.
STRANGER_COMMANDS = ("start", "help", "language")


def commands_for(roles: Iterable[Role]) -> list[CommandSpec]:
    held = set(roles)
    if not held:
        return [spec for spec in COMMANDS if spec.name in STRANGER_COMMANDS]
    return [spec for spec in COMMANDS if spec.roles & held]


def bot_commands(specs: Iterable[CommandSpec], tr: Translator) -> list[BotCommand]:
    return [BotCommand(spec.name, tr.gettext(spec.description)) for spec in specs]
