"""Random updates against the real Application: nothing crashes, every answer is sane,
and the database's invariants hold.

People of a populated world (some in the middle of a reflection, a to-do, a
session plan or a broadcast draft) and strangers send random text (empty to
10,000 characters, any Unicode, random entities), commands with odd arguments
and bot names, stickers, photos, voice notes, edited messages, and press real,
unknown and malformed buttons, in private and group chats. Forged button data (issue
10: "²", ids past 2**31 and 2**63, presses without a message) is refused: answered exactly
once, never by the error handler.
"""

from __future__ import annotations

import itertools
import re
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import Update

from handlers.services import SERVICES_KEY
from mentoring.button_data import Refused, decode
from mentoring.clock import ManualClock
from tests.security.conftest import errors_of
from tests.security.test_access_matrix import HANDLED, PREFIXES
from tests.support.offline import ChatUser
from tests.support.reflection import WEEK1_OPEN
from tests.support.world import World

_ids = itertools.count(9_000_000)
MAX_EXAMPLES = 400

# The database's invariants: each query counts violations.
INVARIANTS = {
    "person without a consent record": (
        "SELECT count(*) FROM people p WHERE NOT EXISTS "
        "(SELECT 1 FROM consent_records c WHERE c.person_id = p.id)"
    ),
    "membership without a person": (
        "SELECT count(*) FROM memberships m WHERE NOT EXISTS (SELECT 1 FROM people p WHERE p.id = m.person_id)"
    ),
    "identity without a person": (
        "SELECT count(*) FROM channel_identities i WHERE NOT EXISTS "
        "(SELECT 1 FROM people p WHERE p.id = i.person_id)"
    ),
    "duplicate outbox key": (
        "SELECT count(*) FROM (SELECT idempotency_key FROM outbox_messages "
        "GROUP BY idempotency_key HAVING count(*) > 1) d"
    ),
    "conversation state of nobody": (
        "SELECT count(*) FROM conversation_states s WHERE NOT EXISTS "
        "(SELECT 1 FROM people p WHERE p.id = s.person_id)"
    ),
    "reflection answer without its reflection": (
        "SELECT count(*) FROM reflection_answers a WHERE NOT EXISTS "
        "(SELECT 1 FROM reflections r WHERE r.id = a.reflection_id)"
    ),
    "reflection of nobody": (
        "SELECT count(*) FROM reflections r WHERE NOT EXISTS (SELECT 1 FROM people p WHERE p.id = r.person_id)"
    ),
}


async def broken_invariants(sessions: async_sessionmaker[AsyncSession]) -> dict[str, int]:
    async with sessions() as session:
        found = {name: (await session.scalar(text(query))) or 0 for name, query in INVARIANTS.items()}
    return {name: n for name, n in found.items() if n}


# ----------------------------------------------------------------------------- strategies

long_text = st.builds(lambda piece, n: (piece * n)[:10_000], st.text(min_size=1, max_size=8), st.integers(500, 10_000))
any_text = st.one_of(st.text(max_size=200), long_text, st.sampled_from(["", " ", "\n", "\u200b", "🙂" * 5000]))
command = st.builds(
    lambda name, bot, args: f"/{name}{bot}{args}",
    st.sampled_from([*HANDLED, "unknown", "START", "todo123"]),
    st.sampled_from(["", "@narbot_test_bot", "@otherbot", "@"]),
    st.one_of(st.just(""), st.sampled_from([" 123", " -1", " garbage", " " + "x" * 300, " ' OR 1=1 --"]),
              st.text(max_size=40).map(lambda s: " " + s)),
)
entity = st.fixed_dictionaries({
    "type": st.sampled_from(["bold", "bot_command", "mention", "url", "text_link", "pre", "spoiler"]),
    "offset": st.integers(0, 50), "length": st.integers(0, 50),
}).map(lambda e: {**e, "url": "https://example.org"} if e["type"] == "text_link" else e)
# Numbers that pass a naive check somewhere (isdigit, \d{1,12}, int()) but that no button carries.
FORGED_NUMBERS = ["²", "١٢", "５", "+5", " 5", "0", "05", "2147483648", str(2**63), "9" * 12]
callback = st.one_of(
    st.sampled_from(PREFIXES).flatmap(lambda p: st.text(max_size=20).map(lambda s: (p + s)[:64])),
    st.binary(min_size=0, max_size=64).map(lambda b: b.decode("latin-1")),
    st.just("REAL"),  # a real button from the person's own chat
    # A real button with one of its numbers forged, or pressed without a message (inline).
    st.tuples(st.just("FORGE"), st.sampled_from(FORGED_NUMBERS), st.integers(0, 3)),
    st.tuples(st.just("INLINE"), st.just(""), st.just(0)),
)
action = st.one_of(
    st.tuples(st.just("text"), any_text),
    st.tuples(st.just("command"), command),
    st.tuples(st.just("entities"), st.tuples(st.text(max_size=60), st.lists(entity, max_size=3))),
    st.tuples(st.sampled_from(["sticker", "photo", "voice", "edited"]), st.text(max_size=30)),
    st.tuples(st.just("callback"), callback),
)
step = st.tuples(st.integers(0, 30), st.booleans(), action)  # (who, in a group chat?, what)


# ----------------------------------------------------------------------------- sending

def _payload(user: ChatUser, kind: str, content: Any, group: bool) -> dict[str, Any]:
    chat = {"id": -100_900_001, "type": "group", "title": "Grup"} if group else \
        {"id": user.user_id, "type": "private", "first_name": user.first_name}
    sender = {"id": user.user_id, "is_bot": False, "first_name": user.first_name, "language_code": "tr"}
    base = {"message_id": next(_ids), "date": int(datetime.now(UTC).timestamp()), "chat": chat,
            "from": sender}
    if kind in ("text", "command"):
        message = {**base, "text": content}
        if kind == "command" and content:
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(content.split()[0])}]
        return {"message": message}
    if kind == "entities":
        body, entities = content
        return {"message": {**base, "text": body, "entities": entities}}
    if kind == "sticker":
        return {"message": {**base, "sticker": {"file_id": "s", "file_unique_id": "s", "type": "regular",
                                                "width": 1, "height": 1, "is_animated": False, "is_video": False}}}
    if kind == "photo":
        return {"message": {**base, "caption": content, "photo": [
            {"file_id": "p", "file_unique_id": "p", "width": 9, "height": 9}]}}
    if kind == "voice":
        return {"message": {**base, "voice": {"file_id": "v", "file_unique_id": "v", "duration": 3}}}
    if kind == "edited":
        return {"edited_message": {**base, "text": content or ".", "edit_date": base["date"]}}
    real = [b["callback_data"] for m in user.messages() for r in m.get("reply_markup", {}).get("inline_keyboard", [])
            for b in r if "callback_data" in b]
    data = (real[-1] if real else "x:1") if content == "REAL" else content
    message = user.messages()[-1] if user.messages() else {**base, "from": {"id": 1, "is_bot": True, "first_name": "N"}}
    query = {"id": str(next(_ids)), "from": sender, "chat_instance": "ci", "message": message}
    if isinstance(content, tuple):
        how, fake, which = content
        data = real[-1] if real else "todo:ok:1"
        if how == "INLINE":
            del query["message"]
            query["inline_message_id"] = "AgAAAB8"
        else:
            numbers = list(re.finditer(r"\d+", data))
            if numbers:
                found = numbers[which % len(numbers)]
                data = data[: found.start()] + fake + data[found.end():]
            else:
                data = f"{data}:{fake}"
    return {"callback_query": {**query, "data": data}}


def refused(query: dict[str, Any]) -> bool:
    """A press the codec (or the missing message) refuses: it must be answered exactly once."""
    try:
        decode(query["data"])
    except Refused:
        return True
    return "message" not in query


async def put_people_mid_flow(world: World, clock: ManualClock) -> None:
    clock.set(WEEK1_OPEN)  # reflections are open
    await world.mentees[0][0].send("/reflect")
    await world.mentees[0][0].send("Oyun saatinde sırayla konuşmayı denedim.")
    await world.mentees[1][0].send("/todo")
    await world.mentees[1][0].press_data("todo:add", world.mentees[1][0].messages()[-1])
    await world.mentors[0][0].send("/session")
    await world.coordinators[0].send("/broadcast")
    await world.coordinators[0].press_data(
        world.coordinators[0].messages()[-1]["reply_markup"]["inline_keyboard"][0][0]["callback_data"],
        world.coordinators[0].messages()[-1])


@pytest.fixture
async def fuzz_world(world: World, clock: ManualClock) -> tuple[World, list[ChatUser]]:
    """The world with people mid-flow, plus two strangers (built once; the examples share it)."""
    await put_people_mid_flow(world, clock)
    return world, [*world.everyone(), world.stranger(), world.stranger()]


@settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(steps=st.lists(step, min_size=1, max_size=4))
async def test_random_updates_are_survived(
    fuzz_world: tuple[World, list[ChatUser]], steps: list[tuple[int, bool, tuple[str, Any]]]
) -> None:
    world, people = fuzz_world
    app, api = world.app, world.api
    sessions = app.bot_data[SERVICES_KEY].sessions
    calls = len(api.calls)
    queries: list[str] = []
    forged: list[str] = []
    for who, group, (kind, content) in steps:
        payload = _payload(people[who % len(people)], kind, content, group)
        if "callback_query" in payload:
            queries.append(payload["callback_query"]["id"])
            if refused(payload["callback_query"]):
                forged.append(payload["callback_query"]["id"])
        await app.process_update(Update.de_json({"update_id": next(_ids), **payload}, app.bot))
    assert not errors_of(app), errors_of(app)
    for method, params in api.calls[calls:]:
        if method in ("sendMessage", "editMessageText"):
            assert 0 < len(params["text"]) <= 4096, (method, len(params["text"]))
        if method == "answerCallbackQuery" and "text" in params:
            assert len(params["text"]) <= 200
    answers = [p["callback_query_id"] for m, p in api.calls[calls:] if m == "answerCallbackQuery"]
    assert set(queries) <= set(answers), set(queries) - set(answers)
    assert all(answers.count(query) == 1 for query in forged), [q for q in forged if answers.count(q) != 1]
    assert not await broken_invariants(sessions)
