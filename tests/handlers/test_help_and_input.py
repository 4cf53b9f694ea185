"""/help, /language, and what happens with input no feature expects."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mentoring.clock import ManualClock
from storage.models import Person
from tests.support.offline import ChatUser
from tests.support.seed import seed_programme


async def join(user: ChatUser, code: str, language: str = "Türkçe") -> None:
    await user.send(f"/start {code}")
    await user.press(language)
    await user.press("Okudum" if language == "Türkçe" else "I have read it")


async def test_help_lists_the_commands_of_the_role(
    user: ChatUser, app_sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    setup = await seed_programme(app_sessions, clock.now())
    await join(user, setup.codes["mentee1"])
    await user.send("/help")
    assert user.last_text().startswith("Yapabilecekleriniz:")
    assert "/language — Dili değiştirin" in user.last_text()


async def test_help_for_a_stranger_explains_how_to_join(user: ChatUser) -> None:
    user.language_code = "en"
    await user.send("/help")
    assert "personal invite link" in user.last_text()


async def test_language_switch_changes_replies_and_menu(
    user: ChatUser, app_sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    setup = await seed_programme(app_sessions, clock.now())
    await join(user, setup.codes["mentee1"])
    await user.send("/language")
    assert user.last_text() == "Hangi dili kullanayım?"
    await user.press("English")
    assert user.last_text() == "From now on I will write to you in English."
    async with app_sessions() as session:
        person = await session.scalar(select(Person))
    assert person is not None and person.locale == "en"
    menu = [c for c in user.api.calls_of("setMyCommands") if "scope" in c][-1]
    assert {"command": "language", "description": "Change the language"} in menu["commands"]
    await user.send("/help")
    assert user.last_text().startswith("What you can do:")


async def test_stickers_voice_and_text_get_an_answer(
    user: ChatUser, app_sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    await user.send_sticker()
    assert "davet bağlantısını" in user.last_text(), "a stranger is told how to join"
    setup = await seed_programme(app_sessions, clock.now())
    await join(user, setup.codes["mentee1"])
    for send in (user.send_sticker, user.send_voice, lambda: user.send("merhaba " * 1000)):
        before = len(user.texts())
        await send()
        assert len(user.texts()) == before + 1
        assert "Bunu anlayamadım" in user.last_text()


async def test_unknown_buttons_stop_the_spinner_with_a_note(user: ChatUser) -> None:
    message = {"message_id": 7, "date": 0, "chat": {"id": 5001, "type": "private"}, "text": "eski"}
    await user.press_data("todo:done:999", message)
    answer = user.api.calls_of("answerCallbackQuery")[-1]
    assert answer["text"] == "Bu düğme artık geçerli değil."


async def test_group_chats_get_a_pointer_to_the_private_chat(
    user: ChatUser, app_sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    setup = await seed_programme(app_sessions, clock.now())
    user.chat_id = -100200
    await user.send(f"/start {setup.codes['mentee1']}")
    assert "https://t.me/narbot_test_bot" in user.last_text()
    async with app_sessions() as session:
        assert await session.scalar(select(Person)) is None


async def test_a_failing_handler_apologises_and_logs_without_the_text(
    user: ChatUser, app_sessions: async_sessionmaker[AsyncSession], caplog, monkeypatch
) -> None:
    from mentoring.joining import rules as joining

    async def broken(*_: object) -> None:
        raise RuntimeError("database went away")

    monkeypatch.setattr(joining, "member_view", broken)
    await user.send("gizli bir metin")
    assert "Üzgünüm, benim tarafımda bir sorun oluştu" in user.last_text()
    assert "Unhandled error" in caplog.text
    assert "gizli bir metin" not in caplog.text


async def test_a_stranger_may_choose_a_language_and_is_told_how_to_join_in_it(
    user: ChatUser, app_sessions: async_sessionmaker[AsyncSession]
) -> None:
    await user.send("/language")
    assert user.last_text() == "Hangi dili kullanayım?"
    await user.press("English")
    assert "personal invite link" in user.last_text()
    assert user.api.calls_of("answerCallbackQuery")[-1].get("text") is None
    async with app_sessions() as session:
        assert await session.scalar(select(Person)) is None, "a stranger's choice is not stored"


@contextmanager
def transactions(sessions: async_sessionmaker[AsyncSession]) -> Iterator[list[object]]:
    begun: list[object] = []
    engine = sessions.kw["bind"].sync_engine
    note = begun.append
    event.listen(engine, "begin", note)
    try:
        yield begun
    finally:
        event.remove(engine, "begin", note)


async def test_free_input_is_routed_in_the_transaction_of_the_step_it_reaches(
    user: ChatUser, app_sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    setup = await seed_programme(app_sessions, clock.now())
    await join(user, setup.codes["mentee1"])
    await user.send("/todo")
    with transactions(app_sessions) as pressed:
        await user.press("➕ Yapılacak iş ekle")
    with transactions(app_sessions) as typed:
        await user.send("Cumartesi çocuklarla yemek yap")
    assert user.last_text().startswith("Yapılacaklar listenize kaydedildi.")
    # Reading which flow waits is part of the step's transaction: an answer costs no more than a press.
    assert pressed and len(typed) == len(pressed)
