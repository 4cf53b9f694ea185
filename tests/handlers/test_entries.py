"""Every channel enters the features the same ways: Telegram's handlers agree with mentoring/entries.py."""

from __future__ import annotations

import re

import pytest
from telegram.ext import CallbackQueryHandler, CommandHandler

from handlers import build_handlers
from mentoring import entries
from mentoring.conversation import Waiting
from mentoring.errors import DomainError
from mentoring.joining import screens as joining_screens
from mentoring.joining.buttons import JOIN
from mentoring.screens import Pressed, Typed, Voice
from mentoring.settings import screens as settings_screens
from mentoring.todos import screens as todo_screens


def telegram_entries() -> tuple[set[str], set[str]]:
    commands, prefixes = set(), set()
    for handler in build_handlers():
        if isinstance(handler, CommandHandler):
            commands |= set(handler.commands)
        elif isinstance(handler, CallbackQueryHandler) and handler.pattern is not None:
            match = re.fullmatch(r"\^(\w+):", handler.pattern.pattern)
            if match:
                prefixes.add(match.group(1))
    return commands, prefixes


def test_telegram_registers_every_entry_of_the_domain_and_no_other() -> None:
    commands, prefixes = telegram_entries()
    # /start and the join buttons are the newcomer's (a visitor, not yet a member).
    assert commands - {"start"} == set(entries.COMMANDS)
    assert prefixes - {JOIN.prefix} == set(entries.BUTTONS)


def test_a_command_wins_over_a_wait_and_a_wait_takes_free_input() -> None:
    waiting = Waiting(settings_screens.FLOW, "timezone")
    assert entries.route(Typed("/todo"), waiting) is todo_screens.start
    assert entries.route(Typed("/TODO@narbot_bot extra"), None) is todo_screens.start
    assert entries.route(Typed("Europe/Berlin"), waiting) is settings_screens.answer
    assert entries.route(Voice("v1", 3), waiting) is settings_screens.answer  # the flow decides what it takes
    assert entries.route(Pressed("todo:add"), waiting) is todo_screens.press


@pytest.mark.parametrize("given", [Typed("merhaba"), Typed("/nosuchcommand"), Voice("v1", 3)])
def test_what_no_feature_takes_is_answered_with_what_helps(given) -> None:
    assert entries.route(given, None) is joining_screens.unexpected
    # A wait left by a flow this version no longer has takes nothing either.
    assert entries.route(given, Waiting("a_flow_of_an_older_version", "x")) is joining_screens.unexpected


async def test_a_press_no_feature_reads_is_a_stale_button() -> None:
    step = entries.route(Pressed("zz:1"), None)
    with pytest.raises(DomainError) as refused:
        await step(None, None, Pressed("zz:1"), None)  # type: ignore[arg-type]
    assert refused.value.code == "stale_button"


def test_help_lists_exactly_the_commands_some_step_answers() -> None:
    from mentoring.help import commands as help_commands

    listed = {spec.name for spec in help_commands.COMMANDS}
    assert listed == set(entries.COMMANDS) | {"start"}
    assert help_commands.available() == listed


def test_another_features_entry_pauses_a_wait_and_its_own_or_an_aside_does_not() -> None:
    assert set(entries.OWNERS) == set(entries.FLOWS) == set(entries.PAUSES)
    reflecting = Waiting("reflection", "tried", {"reflection_id": 1})
    assert entries.pauses(Pressed("todo:add"), reflecting)
    assert entries.pauses(Typed("/todo"), reflecting)
    assert not entries.pauses(Pressed("rf:sum:1"), reflecting)
    assert not entries.pauses(Typed("/reflect"), reflecting)
    assert not entries.pauses(Typed("/help"), reflecting)
    assert not entries.pauses(Typed("an answer"), reflecting)
    assert not entries.pauses(Pressed("todo:add"), None)
