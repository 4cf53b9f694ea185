"""/help and /language as a conversation any channel can hold.

Every step takes `(session, member, given, now)` and returns a `Reply`; the
adapters only translate it (principle 2). `commands` answers /help with the
commands of the member's roles, `languages` answers /language with a button
per supported language (data written and read by
`mentoring.help.buttons.LANGUAGE`, "lang:<locale>"), and `choose` stores the
pressed language and confirms it in that language.

People who have not joined may use /help and /language too; what they are told
is the adapter's (Telegram: how to join). `languages_screen()` and
`chosen_locale()` serve that answer without a member.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime

from babel import Locale
from sqlalchemy.ext.asyncio import AsyncSession

from mentoring.button_data import Refused
from mentoring.errors import DomainError
from mentoring.help.buttons import LANGUAGE
from mentoring.help.commands import CommandSpec, commands_for
from mentoring.i18n import N_, SUPPORTED_LOCALES, translator
from mentoring.joining import rules as joining
from mentoring.joining.rules import MemberView
from mentoring.screens import Choice, Input, Lines, Pressed, Raw, Reply, Screen, Text, Words

logger = logging.getLogger(__name__)

Step = Callable[[AsyncSession, MemberView, Input, datetime], Awaitable[Reply]]

# Said in the language just chosen (its English msgid names the language it is in).
CONFIRMED = N_("From now on I will write to you in English.")


# ----------------------------------------------------------------------------- screens


def command_list(specs: list[CommandSpec]) -> Screen:
    """What the person can do: one line per command, "/name — description"."""
    return Screen(Lines(
        Text("What you can do:"),
        *(Lines(Raw(f"/{spec.name}"), Text(spec.description), sep=" — ") for spec in specs),
    ))


def language_name(code: str) -> Words:
    """A language as its own speakers write it ("Türkçe", "English"), whatever the reader's language."""
    return Raw(Locale.parse(code).display_name.capitalize())


def languages_screen() -> Screen:
    """Which language should Narbot use: one button per supported language, in one row."""
    return Screen(
        Text("Which language should I use?"),
        [[Choice(LANGUAGE.encode("choose", locale=code), language_name(code)) for code in SUPPORTED_LOCALES]],
    )


def confirmation(locale: str) -> Screen:
    """The choice confirmed in the chosen language (not the one the press was read in)."""
    return Screen(Raw(translator(locale).gettext(CONFIRMED)), replace=True)


def chosen_locale(given: Input) -> str | None:
    """The language a language button carries, or None for data it does not carry."""
    if not isinstance(given, Pressed):
        return None
    try:
        return str(given.decode(LANGUAGE)["locale"])
    except Refused as refused:
        logger.info("Refused lang button data (%s)", refused.reason)
        return None


# ----------------------------------------------------------------------------- steps


async def commands(session: AsyncSession, member: MemberView, given: Input, now: datetime) -> Reply:
    """/help: the commands of the member's roles."""
    return Reply(command_list(commands_for(member.role_set)))


async def languages(session: AsyncSession, member: MemberView, given: Input, now: datetime) -> Reply:
    """/language: the supported languages as choices."""
    return Reply(languages_screen())


async def choose(session: AsyncSession, member: MemberView, given: Input, now: datetime) -> Reply:
    """A language button: store the language and confirm it in that language (stale data changes nothing)."""
    locale = chosen_locale(given)
    if locale is None:
        raise DomainError("stale_button")
    await joining.set_locale(session, member.person_id, locale)
    return Reply(confirmation(locale))
