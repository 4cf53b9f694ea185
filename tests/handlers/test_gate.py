"""One gate for every update: which kinds Narbot handles, and that no feature sees the others.

The walk takes every handler of `handlers.build_handlers()` and every kind of
Telegram update (each `Update.ALL_TYPES`, in private chats, groups,
supergroups and channels, buttons under inline messages
and under messages the bot can no longer reach) and checks that only a new
message or a button press in a private chat can reach a feature. Then the real Application: edited commands, group-chat buttons and
commands for other bots change nothing and say nothing personal.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, ExtBot

from handlers import admission, build_handlers, privacy
from handlers.admission import route_of
from mentoring.clock import ManualClock
from mentoring.gate import Route, admit
from mentoring.privacy.consent import NOTICE_VERSION
from storage.models import ConsentRecord, Membership
from tests.conftest import TEST_TOKEN
from tests.security.conftest import errors_of, watch_errors
from tests.support.offline import BOT_ID, BOT_USER, ChatUser, OfflineBotApi
from tests.support.privacy import join
from tests.support.reflection import WEEK1_OPEN
from tests.support.seed import seed_programme
from tests.support.snapshot import changed_tables, fingerprint

USER_ID = 5001  # the `user` fixture
OUR_NAME = BOT_USER["username"]
POINTER = f"https://t.me/{OUR_NAME}"
NEUTRAL_TR = "Bu düğme yalnızca Narbot ile özel sohbette çalışır."
# The button guard before the gate (handlers/buttons.py) answers data no button carries with this.
STALE_TR = "Bu düğme artık geçerli değil."
NEUTRAL = {NEUTRAL_TR, STALE_TR}
WITHDRAWN_TR = "tarihinde durdurdunuz"
_ids = itertools.count(8_000_000)


# ----------------------------------------------------------------------------- every kind of update

def _sender(user_id: int = USER_ID) -> dict[str, Any]:
    return {"id": user_id, "is_bot": False, "first_name": "Ayşe", "language_code": "tr"}


CHATS: dict[str, dict[str, Any]] = {
    "private": {"id": USER_ID, "type": "private", "first_name": "Ayşe"},
    "group": {"id": -100_200, "type": "group", "title": "Grup"},
    "supergroup": {"id": -1_001_000_200, "type": "supergroup", "title": "Süper grup"},
    "channel": {"id": -1_001_000_300, "type": "channel", "title": "Kanal"},
}
TEXTS = {
    "command": "/todo",
    "start_code": "/start abcd2345ef",
    "ours": f"/todo@{OUR_NAME}",
    "other_bot": "/todo@other_bot",
    "text": "Bu hafta masal okuduk",
}
MESSAGE_KINDS = ("message", "edited_message", "channel_post", "edited_channel_post",
                 "business_message", "edited_business_message", "guest_message")


@dataclass(frozen=True)
class Sample:
    name: str
    kind: str  # the Update field that is set
    expected: Route
    payload: dict[str, Any]


def _message(chat: dict[str, Any], text: str, *, kind: str) -> dict[str, Any]:
    now = int(datetime.now(UTC).timestamp())
    message: dict[str, Any] = {"message_id": next(_ids), "date": now, "chat": chat, "text": text}
    if chat["type"] == "channel":
        message["sender_chat"] = chat
    else:
        message["from"] = _sender()
    if text.startswith("/"):
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    if kind.startswith("edited"):
        message["edit_date"] = now
    if "business" in kind:
        message["business_connection_id"] = "bc1"
    return message


def _expected_for_message(kind: str, chat: str, text: str) -> Route:
    """Written out from the rule, independently of mentoring.gate."""
    if kind != "message":
        return Route.IGNORE  # edits, channel posts, business and guest messages
    if chat == "private":
        return Route.FEATURES
    if chat in ("group", "supergroup") and text in ("command", "start_code", "ours"):
        return Route.GROUP_POINTER
    return Route.IGNORE


def callback_data() -> list[str]:
    """One datum per button family the handlers know, plus ones nobody knows."""
    data = {f"consent:yes:{NOTICE_VERSION}", "consent:show", "join:no:tr:abcd2345ef", "x", ""}
    for handler in [*build_handlers(), *privacy.gate_handlers()]:
        if isinstance(handler, CallbackQueryHandler) and handler.pattern is not None:
            pattern = handler.pattern.pattern if isinstance(handler.pattern, re.Pattern) else str(handler.pattern)
            found = re.match(r"\^?([\w-]+:)", pattern)
            assert found is not None, pattern
            data.add(found.group(1) + "1")
    return sorted(data)


def _callback(data: str, message: dict[str, Any] | None, *, inline: bool = False) -> dict[str, Any]:
    query: dict[str, Any] = {"id": str(next(_ids)), "from": _sender(), "chat_instance": "ci", "data": data}
    if message is not None:
        query["message"] = message
    if inline:
        query["inline_message_id"] = "AAAAinline"
    return query


def _bot_message(chat: dict[str, Any], *, accessible: bool = True) -> dict[str, Any]:
    if not accessible:  # Telegram's InaccessibleMessage: date 0, nothing else
        return {"message_id": next(_ids), "date": 0, "chat": chat}
    return {"message_id": next(_ids), "date": int(datetime.now(UTC).timestamp()), "chat": chat,
            "from": BOT_USER, "text": "Yapılacaklar listeniz"}


def _other_kinds() -> dict[str, dict[str, Any]]:
    user, bot = _sender(), BOT_USER
    group, private = CHATS["group"], CHATS["private"]
    member_change = {"chat": private, "from": user, "date": 0,
                     "old_chat_member": {"status": "member", "user": bot},
                     "new_chat_member": {"status": "kicked", "user": bot, "until_date": 0}}
    boost_source = {"source": "premium", "user": user}
    return {
        "inline_query": {"id": "1", "from": user, "query": "/todo", "offset": ""},
        "chosen_inline_result": {"result_id": "1", "from": user, "query": "/todo"},
        "shipping_query": {"id": "1", "from": user, "invoice_payload": "p", "shipping_address": {
            "country_code": "TR", "state": "", "city": "Ankara", "street_line1": "s",
            "street_line2": "", "post_code": "06000"}},
        "pre_checkout_query": {"id": "1", "from": user, "currency": "TRY", "total_amount": 1,
                               "invoice_payload": "p"},
        "poll": {"id": "1", "question": "?", "options": [{"text": "a", "voter_count": 0, "persistent_id": "o1"}],
                 "total_voter_count": 0, "is_closed": False, "is_anonymous": True, "type": "regular",
                 "allows_multiple_answers": False, "allows_revoting": False, "members_only": False},
        "poll_answer": {"poll_id": "1", "user": user, "option_ids": [0], "option_persistent_ids": ["o1"]},
        "my_chat_member": member_change,
        "chat_member": {**member_change, "chat": group},
        "chat_join_request": {"chat": group, "from": user, "user_chat_id": USER_ID, "date": 0},
        "chat_boost": {"chat": CHATS["channel"], "boost": {
            "boost_id": "b", "add_date": 0, "expiration_date": 0, "source": boost_source}},
        "removed_chat_boost": {"chat": CHATS["channel"], "boost_id": "b", "remove_date": 0,
                               "source": boost_source},
        "message_reaction": {"chat": private, "message_id": 1, "user": user, "date": 0,
                             "old_reaction": [], "new_reaction": [{"type": "emoji", "emoji": "👍"}]},
        "message_reaction_count": {"chat": group, "message_id": 1, "date": 0, "reactions": []},
        "business_connection": {"id": "bc1", "user": user, "user_chat_id": USER_ID, "date": 0,
                                "is_enabled": True},
        "deleted_business_messages": {"business_connection_id": "bc1", "chat": private, "message_ids": [1]},
        "purchased_paid_media": {"from": user, "paid_media_payload": "p"},
        "managed_bot": {"user": user, "bot": {**bot, "id": BOT_ID + 1, "username": "managed_bot"}},
    }


def samples() -> Iterator[Sample]:
    for kind, (chat_name, chat), (text_name, text) in itertools.product(
        MESSAGE_KINDS, CHATS.items(), TEXTS.items()
    ):
        yield Sample(f"{kind}/{chat_name}/{text_name}", kind,
                     _expected_for_message(kind, chat_name, text_name),
                     {kind: _message(chat, text, kind=kind)})
    nobody = _message(CHATS["private"], "/todo", kind="message")
    del nobody["from"]  # no person behind it (Telegram never sends this in a private chat)
    yield Sample("message/private/no_sender", "message", Route.IGNORE, {"message": nobody})
    for data in callback_data():
        for chat_name, chat in CHATS.items():
            expected = Route.FEATURES if chat_name == "private" else Route.BUTTON_ELSEWHERE
            yield Sample(f"callback/{chat_name}/{data}", "callback_query", expected,
                         {"callback_query": _callback(data, _bot_message(chat))})
            yield Sample(f"callback/{chat_name}/inaccessible/{data}", "callback_query", expected,
                         {"callback_query": _callback(data, _bot_message(chat, accessible=False))})
        yield Sample(f"callback/inline/{data}", "callback_query", Route.BUTTON_ELSEWHERE,
                     {"callback_query": _callback(data, None, inline=True)})
        yield Sample(f"callback/nowhere/{data}", "callback_query", Route.BUTTON_ELSEWHERE,
                     {"callback_query": _callback(data, None)})
    for kind, content in _other_kinds().items():
        yield Sample(kind, kind, Route.IGNORE, {kind: content})


def as_update(sample: Sample, bot: ExtBot) -> Update:
    return Update.de_json({"update_id": next(_ids), **sample.payload}, bot)


@pytest.fixture
async def bot() -> ExtBot:
    bot = ExtBot(TEST_TOKEN, request=OfflineBotApi(), get_updates_request=OfflineBotApi())
    await bot.initialize()
    return bot


async def test_the_samples_cover_every_kind_of_update(bot: ExtBot) -> None:
    found = set()
    for sample in samples():
        update = as_update(sample, bot)
        set_fields = [kind for kind in Update.ALL_TYPES if getattr(update, kind) is not None]
        assert set_fields == [sample.kind], (sample.name, set_fields)
        found.add(sample.kind)
    assert found == set(Update.ALL_TYPES), set(Update.ALL_TYPES) - found


async def test_every_update_kind_gets_its_route(bot: ExtBot) -> None:
    wrong = [(s.name, route_of(u), s.expected) for s in samples() if route_of(u := as_update(s, bot)) is not s.expected]
    assert not wrong, wrong


async def test_an_update_is_routed_once_however_many_handlers_ask(
    bot: ExtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[object] = []

    def counted(incoming: Any) -> Route:
        asked.append(incoming)
        return admit(incoming)

    monkeypatch.setattr(admission, "admit", counted)
    handlers = build_handlers()
    sample_a, sample_b = list(samples())[:2]
    first, second = as_update(sample_a, bot), as_update(sample_b, bot)
    for update in (first, first, second, first):
        for handler in handlers:
            handler.check_update(update)
    # Dozens of handlers asked each time; routed when the update changed: first, second, first.
    assert len(handlers) > 20 and len(asked) == 3
    assert route_of(first) is sample_a.expected and route_of(second) is sample_b.expected
    assert len(asked) == 4  # second was not the last one routed


async def test_only_admitted_updates_can_reach_a_feature_handler(bot: ExtBot) -> None:
    handlers = build_handlers()
    gate = privacy.gate_handlers()
    leaks, unreached, stopped_by_the_guard = [], [], []
    for sample in samples():
        update = as_update(sample, bot)
        assert all(g.check_update(update) for g in gate), f"the gate must see {sample.name}"
        matching = [h for h in handlers if h.check_update(update) not in (None, False)]
        if sample.expected is Route.FEATURES:
            if not matching:
                unreached.append(sample.name)
            continue
        leaks += [(sample.name, type(h).__name__, h.callback.__name__) for h in matching]
        # The handler's own class (below the gate's guard) would have taken it.
        if any(type(h).__mro__[1].check_update(h, update) not in (None, False) for h in handlers):
            stopped_by_the_guard.append(sample.name)
    assert not leaks, leaks
    assert not unreached, f"a new message or press in the private chat must reach a handler: {unreached}"
    # Without the guard, the handlers' own checks would take these (the defects of issue 10).
    for name in ("edited_message/private/command", "edited_message/private/start_code",
                 "guest_message/private/command", "business_message/private/command",
                 "callback/group/x", "callback/supergroup/todo:1", "callback/inline/x",
                 f"callback/group/consent:yes:{NOTICE_VERSION}"):
        assert name in stopped_by_the_guard, name


async def test_the_application_answers_what_is_not_for_the_features_without_anything_personal(
    app_and_api: tuple[Application, Any], app_sessions: async_sessionmaker[AsyncSession],
    user: ChatUser, clock: ManualClock,
) -> None:
    app, api = app_and_api
    setup = await seed_programme(app_sessions, clock.now(), groups=2)
    await join(user, setup.codes["mentee1"])  # Ayşe (5001) is a consenting member
    clock.set(WEEK1_OPEN)
    watch_errors(app)
    before = await fingerprint(app_sessions)
    wrong = []
    for sample in samples():
        if sample.expected is Route.FEATURES:
            continue
        calls = len(api.calls)
        await app.process_update(as_update(sample, app.bot))
        made = [(method, params) for method, params in api.calls[calls:]]
        if sample.expected is Route.IGNORE:
            ok = made == []
        elif sample.expected is Route.GROUP_POINTER:
            ok = [m for m, _p in made] == ["sendMessage"] and POINTER in made[0][1]["text"] \
                and int(made[0][1]["chat_id"]) < 0 and "reply_markup" not in made[0][1]
        else:  # BUTTON_ELSEWHERE
            ok = [m for m, _p in made] == ["answerCallbackQuery"] and made[0][1]["text"] in NEUTRAL \
                and made[0][1]["callback_query_id"] == sample.payload["callback_query"]["id"]
        if not ok:
            wrong.append((sample.name, made))
    assert not wrong, wrong
    assert not changed_tables(before, await fingerprint(app_sessions))
    assert not errors_of(app)


# ----------------------------------------------------------------------------- edited commands

async def send_edited(user: ChatUser, text: str) -> None:
    """Telegram's update when a person edits one of their old messages into `text`."""
    message = _message(user._chat(), text, kind="edited_message")
    message["from"] = user._user()
    await user.process({"edited_message": message})


async def withdraw(user: ChatUser) -> None:
    await user.send("/mydata")
    await user.press("Narbot bana yazmayı bıraksın")
    await user.press("Evet, Narbot'u durdur")
    assert WITHDRAWN_TR in user.last_text()


async def memberships(sessions: async_sessionmaker[AsyncSession]) -> int:
    async with sessions() as session:
        return await session.scalar(select(func.count()).select_from(Membership)) or 0


async def test_edited_commands_of_a_person_who_withdrew_change_nothing_and_say_nothing(
    user: ChatUser, app_sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    setup = await seed_programme(app_sessions, clock.now(), groups=2)
    await join(user, setup.codes["mentee1"])
    clock.set(WEEK1_OPEN)  # a reflection could be started
    await withdraw(user)
    assert await memberships(app_sessions) == 1
    before, calls = await fingerprint(app_sessions), len(user.api.calls)

    for text in ("/todo", "/reflect", f"/start {setup.codes['mentee2']}", f"/start {setup.codes['mentor2']}",
                 "/help", "/mydata", "Bu hafta masal okuduk"):
        await send_edited(user, text)

    assert not changed_tables(before, await fingerprint(app_sessions))
    assert await memberships(app_sessions) == 1, "no membership in another group"
    assert user.api.calls[calls:] == [], "nothing is sent for an edit"
    # A new message still gets only the way back.
    await user.send("/todo")
    assert WITHDRAWN_TR in user.last_text()


async def test_edits_are_never_commands_even_with_consent(
    user: ChatUser, app_sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    setup = await seed_programme(app_sessions, clock.now(), groups=2)
    await join(user, setup.codes["mentee1"])
    clock.set(WEEK1_OPEN)
    before, calls = await fingerprint(app_sessions), len(user.api.calls)
    for text in ("/todo", "/reflect", f"/start {setup.codes['mentee2']}"):
        await send_edited(user, text)
    assert not changed_tables(before, await fingerprint(app_sessions))
    assert user.api.calls[calls:] == []
    # The same commands, sent anew, are served (so the silence above is the gate's doing).
    await user.send("/reflect")
    assert "Yansıtma · 1. hafta" in user.last_text()
    await user.send(f"/start {setup.codes['mentee2']}")
    assert await memberships(app_sessions) == 2


# ----------------------------------------------------------------------------- buttons in group chats

def button_data(user: ChatUser) -> list[str]:
    return [b["callback_data"] for m in user.messages() for row in m.get("reply_markup", {}).get("inline_keyboard", [])
            for b in row if "callback_data" in b]


async def press_in_group(user: ChatUser, data: str) -> None:
    await user.press_data(data, _bot_message(CHATS["group"]))


@pytest.mark.parametrize("withdrawn", [True, False], ids=["withdrawn", "consenting"])
async def test_buttons_pressed_in_a_group_chat_change_nothing_and_show_nothing(
    user: ChatUser, app_sessions: async_sessionmaker[AsyncSession], clock: ManualClock, withdrawn: bool
) -> None:
    setup = await seed_programme(app_sessions, clock.now())
    await join(user, setup.codes["mentee1"])
    await user.send("/todo")
    await user.press("➕ Yapılacak iş ekle")
    await user.send("Cumartesi çocuklarla yemek yap")
    await user.press("Tarih yok")
    await user.send("/todo")
    await user.send("/mydata")
    await user.press("Narbot bana yazmayı bıraksın")  # the confirmation's buttons too
    if withdrawn:
        await user.press("Evet, Narbot'u durdur")
        await user.send("/help")
        await user.press("Metni okuyup geri dön")  # the notice's buttons
    stamp = int(clock.now().timestamp())
    data = sorted(set(button_data(user)) | {f"consent:yes:{NOTICE_VERSION}", f"privacy:forget:{stamp}"})
    assert any(d.startswith("todo:") for d in data) and any(d.startswith("privacy:") for d in data)
    before, calls = await fingerprint(app_sessions), len(user.api.calls)

    for datum in data:
        await press_in_group(user, datum)

    assert not changed_tables(before, await fingerprint(app_sessions))
    made = user.api.calls[calls:]
    assert [m for m, _p in made] == ["answerCallbackQuery"] * len(data), made
    assert {p["text"] for _m, p in made} <= NEUTRAL
    assert NEUTRAL_TR in {p["text"] for _m, p in made}, "the gate itself answered real buttons"
    assert user.api.chat_messages(CHATS["group"]["id"]) == [], "nothing is written into the group"


# ----------------------------------------------------------------------------- commands in group chats

async def test_in_a_group_only_commands_for_this_bot_get_the_pointer(
    user: ChatUser, app_sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    setup = await seed_programme(app_sessions, clock.now())
    await join(user, setup.codes["mentee1"])
    for chat_id in (-100_200, -1_001_000_200):  # a group, a supergroup
        user.chat_id = chat_id
        calls = len(user.api.calls)
        for ignored in ("/todo@other_bot", "/start@other_bot abc", "/todo@", "merhaba"):
            await user.send(ignored)
        assert user.api.calls[calls:] == [], "commands for other bots and chatter get nothing"
        for ours in ("/todo", f"/todo@{OUR_NAME}", f"/TODO@{OUR_NAME.upper()} extra"):
            seen = len(user.messages())
            await user.send(ours)
            [reply] = user.messages()[seen:]
            assert POINTER in reply["text"] and "reply_markup" not in reply, ours
    user.chat_id = None
    await user.send(f"/todo@{OUR_NAME}")  # in the private chat the command is served
    assert POINTER not in user.last_text()


# ----------------------------------------------------------------------------- refusing the notice

async def refusals(sessions: async_sessionmaker[AsyncSession]) -> list[tuple[int, int | None, int | None]]:
    """(id, invite, person) of every refusal on record."""
    async with sessions() as session:
        return [tuple(row) for row in await session.execute(
            select(ConsentRecord.id, ConsentRecord.invite_id, ConsentRecord.person_id)
            .where(ConsentRecord.declined_at.is_not(None)).order_by(ConsentRecord.id)
        )]


async def test_a_refusal_is_recorded_once_per_invite_and_a_forged_code_writes_nothing(
    app_and_api, app_sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    app, api = app_and_api
    setup = await seed_programme(app_sessions, clock.now(), groups=2)
    code = setup.codes["mentee1"]
    first = ChatUser(app, api, user_id=7001)
    await first.send(f"/start {code}")
    await first.press("Türkçe")
    notice = first.messages()[-1]
    await first.press_data(f"join:no:tr:{code}", notice)
    assert "hiçbir bilgi kaydedilmedi" in first.last_text()
    [refusal] = await refusals(app_sessions)
    assert refusal[1] is not None and refusal[2] is None, "the invite, and no person"

    # Pressing again (a double tap, an old copy of the notice), or someone else refusing the same invite.
    await first.press_data(f"join:no:tr:{code}", notice)
    await first.press_data(f"join:no:en:{code}", notice)
    second = ChatUser(app, api, user_id=7002)
    await second.send(f"/start {code}")
    await second.press("Türkçe")
    await second.press("Şimdi değil")
    assert await refusals(app_sessions) == [refusal]

    # A code that names no invite writes nothing and says so.
    for forged in ("zzzzzzzzzz", "abcd2345ef", code + "x", "x" * 40):
        await first.press_data(f"join:no:tr:{forged}", notice)
        assert "Bu davet kodunu tanımıyorum." in first.last_text()
    assert await refusals(app_sessions) == [refusal]

    # Another invite's notice refused: that invite's one record.
    await first.press_data(f"join:no:tr:{setup.codes['mentee2']}", notice)
    assert len(await refusals(app_sessions)) == 2
