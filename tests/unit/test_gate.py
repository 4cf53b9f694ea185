"""The one decision of which updates Narbot handles, as a table over every input."""

from __future__ import annotations

import itertools

import pytest

from mentoring.gate import Incoming, Kind, Route, Where, addressed_to, admit

PRIVATE, GROUP, ELSEWHERE = Where.PRIVATE_CHAT, Where.GROUP, Where.ELSEWHERE

# (kind, where, command for this bot) -> route, for an update from a person; every combination is listed.
TABLE = {
    (Kind.MESSAGE, PRIVATE, False): Route.FEATURES,
    (Kind.MESSAGE, PRIVATE, True): Route.FEATURES,
    (Kind.MESSAGE, GROUP, False): Route.IGNORE,  # chatter, or a command for another bot
    (Kind.MESSAGE, GROUP, True): Route.GROUP_POINTER,
    (Kind.MESSAGE, ELSEWHERE, False): Route.IGNORE,
    (Kind.MESSAGE, ELSEWHERE, True): Route.IGNORE,
    (Kind.BUTTON, PRIVATE, False): Route.FEATURES,
    (Kind.BUTTON, PRIVATE, True): Route.FEATURES,
    (Kind.BUTTON, GROUP, False): Route.BUTTON_ELSEWHERE,
    (Kind.BUTTON, GROUP, True): Route.BUTTON_ELSEWHERE,
    (Kind.BUTTON, ELSEWHERE, False): Route.BUTTON_ELSEWHERE,
    (Kind.BUTTON, ELSEWHERE, True): Route.BUTTON_ELSEWHERE,
    **{(Kind.EDITED_MESSAGE, where, command): Route.IGNORE
       for where in Where for command in (False, True)},
    **{(Kind.OTHER, where, command): Route.IGNORE for where in Where for command in (False, True)},
}


def test_the_table_covers_every_input() -> None:
    assert set(TABLE) == set(itertools.product(Kind, Where, (False, True)))


@pytest.mark.parametrize(("kind", "where", "command"), sorted(TABLE, key=str))
def test_every_input_gets_its_route(kind: Kind, where: Where, command: bool) -> None:
    assert admit(Incoming(kind, where, command)) is TABLE[(kind, where, command)]


@pytest.mark.parametrize(("kind", "where", "command"), sorted(TABLE, key=str))
def test_without_a_person_behind_it_nothing_reaches_the_features(kind: Kind, where: Where, command: bool) -> None:
    expected = TABLE[(kind, where, command)]
    route = admit(Incoming(kind, where, command, from_person=False))
    assert route is (Route.IGNORE if expected is Route.FEATURES else expected)


def test_only_new_messages_and_buttons_in_a_private_chat_reach_the_features() -> None:
    reach = {(kind, where) for (kind, where, _c), route in TABLE.items() if route is Route.FEATURES}
    assert reach == {(Kind.MESSAGE, PRIVATE), (Kind.BUTTON, PRIVATE)}


@pytest.mark.parametrize(("word", "expected"), [
    ("/todo", True),
    ("/todo@narbot_test_bot", True),
    ("/todo@Narbot_Test_Bot", True),  # Telegram usernames are case-insensitive
    ("/todo@other_bot", False),
    ("/todo@narbot_test_bot_2", False),
    ("/todo@", False),
])
def test_a_command_is_for_this_bot_without_a_name_or_with_its_own(word: str, expected: bool) -> None:
    assert addressed_to(word, "narbot_test_bot") is expected
