"""Forged button data through the real Application: refused politely, once, changing nothing.

Each family the outside attack found (issue 10: "²" that passes isdigit(), ids over 2**31
and 2**63, 12-digit ids) and the malformed neighbours (extra or missing parts, unknown
actions, more than 64 bytes) is sent to every button prefix the bot has, by a member and
by a stranger. Each press must be answered exactly once with the one sentence for unknown
buttons, leave every table as it was, and never reach the error handler. The same holds
with the guard (handler group -2) taken out, so every feature's own parsing refuses as
well. Real data pressed without a message (under an inline message) is answered exactly
once (by the gate, which decides where presses may come from), changes nothing and
raises nothing.
"""

from __future__ import annotations

import itertools
import re
from datetime import UTC, date, datetime, time
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram.ext import CallbackQueryHandler

from handlers import build_handlers, privacy
from handlers.buttons import guard
from handlers.services import SERVICES_KEY
from mentoring.button_data import (
    ID_MAX,
    Choice,
    ClockTime,
    Day,
    Field,
    IdList,
    Int,
    Refused,
    UnixTime,
    Word,
    codec,
    decode,
)
from mentoring.clock import ManualClock
from mentoring.i18n import translator
from tests.security.conftest import errors_of, watch_errors
from tests.support.app import AppFactory
from tests.support.offline import ChatUser
from tests.support.snapshot import changed_tables, fingerprint
from tests.support.world import World, build_world

STALE = translator("tr").gettext("This button is no longer active.")
# Numbers no button carries: each passes a naive check somewhere (isdigit, \d{1,12}, int()).
FORGED_NUMBERS = ["²", "١٢", "+5", " 5", "0", "05", "-1", str(ID_MAX + 1), str(2**63), "9" * 12, "５"]
_query_ids = itertools.count(880_000)


def sample(part: Field) -> Any:
    """A value a builder could write: the lowest number (ids 1 exist), the first word."""
    if isinstance(part, Int):
        return part.low
    if isinstance(part, Choice):
        return next(iter(part.choices().values()))
    if isinstance(part, Word):
        return next(w for w in ("abcd2345", "2026-11-v2", "development", "0a1b2c") if re.fullmatch(part.shape, w))
    return {UnixTime: datetime(2026, 11, 23, 9, tzinfo=UTC), Day: date(2026, 11, 30),
            ClockTime: time(10, 0), IdList: (1, 2)}[type(part)]


def base_data() -> dict[str, list[tuple[str, list[Any]]]]:
    """Per prefix, real-looking data of every action."""
    found: dict[str, list[tuple[str, list[Any]]]] = {}
    for prefix, feature in codec().features.items():
        for action, layout in feature.actions.items():
            values = {part.name: sample(part) for part in layout if isinstance(part, Field)}
            found.setdefault(prefix, []).append((feature.encode(action, **values), list(layout)))
    return found


def forgeries(data: str, layout: list[Any]) -> list[str]:
    """Every forged family for one real button's data."""
    parts = data.split(":")
    forged = [data + ":1", ":".join(parts[:-1]), f"{parts[0]}:zz", f"{parts[0]}:zz:1",
              data + ":" + "1" * 64, data.upper(), data + " "]
    for position, part in enumerate(layout, start=1):
        if isinstance(part, Int):
            forged += [":".join(parts[:position] + [fake] + parts[position + 1:]) for fake in FORGED_NUMBERS]
    return sorted({f for f in forged if f != data and not _reads(f)})


def _reads(data: str) -> bool:
    try:
        decode(data)
    except Refused:
        return False
    return True


@pytest.fixture
async def world(make_app: AppFactory, clock: ManualClock) -> World:
    app, api = await make_app()
    world = await build_world(app, api, app.bot_data[SERVICES_KEY].sessions, clock.now())
    watch_errors(app)
    return world


def handled_prefixes() -> set[str]:
    """The prefix of every CallbackQueryHandler pattern the bot registers."""
    prefixes = set()
    for handler in [*build_handlers(), *privacy.gate_handlers()]:
        if isinstance(handler, CallbackQueryHandler) and handler.pattern is not None:
            match = re.match(r"\^\(?([a-z]+):", handler.pattern.pattern)
            if match:
                prefixes.add(match.group(1))
    return prefixes


def test_the_codec_knows_every_prefix_the_handlers_route() -> None:
    assert handled_prefixes() == set(codec().features), handled_prefixes() ^ set(codec().features)


async def press(user: ChatUser, data: str, message: dict[str, Any] | None) -> str:
    """A press with this data (and no message at all when `message` is None); returns its id."""
    query_id = str(next(_query_ids))
    query: dict[str, Any] = {"id": query_id, "from": user._user(), "chat_instance": "ci", "data": data}
    if message is None:
        query["inline_message_id"] = "AgAAAB8"
    else:
        query["message"] = message
    await user.process({"callback_query": query})
    return query_id


Press = tuple[str, str, dict[str, Any] | None]  # (prefix, data, the message it is under)


async def refused_once_and_unchanged(
    world: World, sessions: async_sessionmaker[AsyncSession], pressers: list[ChatUser],
    presses: list[Press],
) -> list[tuple[str, str, Any]]:
    """Press everything; return the failures (wrong answers, changes, errors)."""
    failures: list[tuple[str, str, Any]] = []
    for prefix in sorted({prefix for prefix, _, _ in presses}):
        before = await fingerprint(sessions)
        for user in pressers:
            for _, data, message in (p for p in presses if p[0] == prefix):
                query_id = await press(user, data, message)
                answers = [p for p in world.api.calls_of("answerCallbackQuery")
                           if p["callback_query_id"] == query_id]
                forged = not _reads(data)
                if len(answers) != 1 or (forged and answers[0].get("text") != STALE):
                    failures.append((user.first_name, data, answers))
                if forged and not answers[0].get("show_alert"):
                    failures.append((user.first_name, data, "no alert"))
        if changed := changed_tables(before, await fingerprint(sessions)):
            failures.append(("tables", prefix, changed))
    if errors_of(world.app):
        failures.append(("errors", "", errors_of(world.app)))
    return failures


async def test_forged_data_on_every_prefix_is_refused_once_and_changes_nothing(world: World) -> None:
    sessions = world.app.bot_data[SERVICES_KEY].sessions
    member, stranger = world.person("mentee"), world.stranger()
    for user in (member, stranger):
        await user.send("/help")
    presses = []
    for prefix, buttons in base_data().items():
        for data, layout in buttons:
            presses += [(prefix, forged, "own") for forged in forgeries(data, layout)]
            # The real data, but under an inline message: no message to work on.
            presses.append((prefix, data, "none"))
    assert len({p[0] for p in presses}) == len(codec().features) >= 17
    failures = []
    for user in (member, stranger):
        message_of = {"own": user.messages()[-1], "none": None}
        failures += await refused_once_and_unchanged(
            world, sessions, [user], [(p, d, message_of[m]) for p, d, m in presses])
    assert not failures, failures[:20]


async def test_every_feature_refuses_forged_data_without_the_guard(world: World) -> None:
    """Defence in depth: each handler reads its data through the codec on its own."""
    guards = [h for h in world.app.handlers.get(-2, []) if getattr(h, "callback", None) is guard]
    assert guards, "the button guard is not registered in group -2"
    for handler in guards:
        world.app.remove_handler(handler, group=-2)
    sessions = world.app.bot_data[SERVICES_KEY].sessions
    member = world.person("mentee")
    await member.send("/help")
    own = member.messages()[-1]
    presses = [(prefix, forged, own)
               for prefix, buttons in base_data().items()
               for data, layout in buttons
               for forged in forgeries(data, layout)
               if decode_prefix(forged) == prefix]
    failures = await refused_once_and_unchanged(world, sessions, [member], presses)
    assert not failures, failures[:20]


def decode_prefix(data: str) -> str:
    """The prefix a handler pattern routes on (data a pattern would not route is left out)."""
    return data.split(":", 1)[0] if ":" in data else ""
