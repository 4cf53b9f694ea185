"""Issue #13, points 3 and 4 through the real handlers: a long paste Telegram split into parts is
one answer (or is refused whole), and a flow another feature interrupts is paused, said clearly,
with one tap back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mentoring.clock import ManualClock
from storage.models import ConversationState
from storage.models.reflections import ReflectionAnswer
from storage.models.todos import Todo
from tests.support.offline import ChatUser
from tests.support.reflection import WEEK1_OPEN
from tests.support.seed import seed_programme

# A 5,000-character answer: Telegram sends it as 4,096 + 904 characters, cut in the middle of a word.
ANSWER = " ".join(f"Bugün {n}. denemede çocuklarla sırayla konuşmayı çalıştık." for n in range(200))[:5000]
SENT = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
BUTTONS = {"plan_tried", "skill", "stress", "confidence"}  # answered before the first text question


async def send_at(user: ChatUser, text: str, at: datetime) -> None:
    """A text message with the date Telegram gives it."""
    await user.process({"message": user._message(text=text, date=int(at.timestamp()))})


async def answers(sessions: async_sessionmaker[AsyncSession]) -> dict[str, ReflectionAnswer]:
    async with sessions() as session:
        return {a.question_key: a for a in (await session.scalars(select(ReflectionAnswer))).all()}


async def waiting_data(sessions: async_sessionmaker[AsyncSession]) -> dict | None:
    async with sessions() as session:
        state = await session.scalar(select(ConversationState))
        return None if state is None else dict(state.data)


async def mid_reflection(user: ChatUser, sessions: async_sessionmaker[AsyncSession], clock: ManualClock) -> None:
    setup = await seed_programme(sessions, clock.now())
    await user.send(f"/start {setup.codes['mentee1']}")
    await user.press("Türkçe")
    await user.press("Okudum")
    clock.set(WEEK1_OPEN)
    await user.send("/reflect")
    assert "soru 1/9" in user.last_text()
    for label in ("Evet", "Empati", "3", "4"):  # the default set starts with buttons
        await user.press(label)
    assert "soru 5/9" in user.last_text()


async def test_a_paste_split_in_two_is_one_answer(
    user: ChatUser, app_sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    await mid_reflection(user, app_sessions, clock)
    first, rest = ANSWER[:4096], ANSWER[4096:]
    assert len(rest) == 904 and not first.endswith(" ") and not rest.startswith(" ")  # cut mid-word

    await send_at(user, first, SENT)
    assert "Uzun bir metin aldım (4096 karakter)" in user.last_text()
    assert user.buttons() == ["Hepsi bu"]
    assert set(await answers(app_sessions)) == BUTTONS  # nothing answered yet: the part is held
    await send_at(user, rest, SENT + timedelta(seconds=1))

    assert "soru 6/9" in user.last_text()
    assert "karakter" not in user.last_text()  # accepted, not refused
    stored = await answers(app_sessions)
    assert set(stored) == BUTTONS | {"happened"} and stored["happened"].text == ANSWER
    assert "held" not in (await waiting_data(app_sessions) or {})


async def test_an_answer_over_the_limit_is_refused_whole_and_nothing_is_stored(
    user: ChatUser, app_sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    await mid_reflection(user, app_sessions, clock)
    long = ("Çok uzun bir yansıtma yanıtı. " * 300)[:4096 * 2 + 300]
    for n, start in enumerate(range(0, len(long), 4096)):
        await send_at(user, long[start:start + 4096], SENT + timedelta(seconds=n))

    refused = user.last_text()
    assert "Bu metin 8492 karakter; bir yanıt en çok 8000 karakter olabilir." in refused
    assert "sesli mesaj" in refused and "soru 5/9" in refused  # what to do, and the question waits
    assert set(await answers(app_sessions)) == BUTTONS
    assert "held" not in (await waiting_data(app_sessions) or {})

    await user.send("Kısaltılmış yanıt.")
    assert "soru 6/9" in user.last_text()
    assert (await answers(app_sessions))["happened"].text == "Kısaltılmış yanıt."


async def test_a_part_nothing_follows_is_kept_whole(
    user: ChatUser, app_sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    await mid_reflection(user, app_sessions, clock)
    exactly = ANSWER[:4096]
    await send_at(user, exactly, SENT)
    await user.press("Hepsi bu")
    assert "soru 6/9" in user.last_text()
    assert (await answers(app_sessions))["happened"].text == exactly.strip()

    # A part followed only later is a whole answer too; the later text answers the next question.
    await send_at(user, exactly, SENT + timedelta(minutes=1))
    user.new_texts()
    await send_at(user, "Ayrı bir yanıt.", SENT + timedelta(minutes=1, seconds=30))
    shown = user.new_texts()
    assert len(shown) == 2 and "soru 7/9" in shown[0] and "soru 8/9" in shown[1]
    stored = await answers(app_sessions)
    assert stored["hard"].text == exactly.strip() and stored["next"].text == "Ayrı bir yanıt."


async def test_an_older_todo_button_pauses_the_reflection_with_a_way_back(
    user: ChatUser, app_sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    await mid_reflection(user, app_sessions, clock)
    await user.send("Oyun saatinde sırayla konuşmayı denedim.")
    assert "soru 6/9" in user.last_text()
    await user.send("/todo")
    todo_list = dict(user.messages()[-1])  # a copy: the API edits its messages in place
    await user.send("/reflect")
    assert "soru 6/9" in user.last_text()

    await user.press(user.buttons(todo_list)[0], message=todo_list)
    # The to-do screen takes the place of the pressed message and says what was paused.
    [screen] = [m for m in user.messages() if m["message_id"] == todo_list["message_id"]]
    assert screen["text"] != todo_list["text"]
    assert "Yansıtmanız duraklatıldı; şimdiye kadarki yanıtlarınız saklandı." in screen["text"]
    assert user.buttons(screen)[-1] == "Yansıtmaya dön"
    # Free text now goes to the to-do that waits, not to the reflection.
    await user.send("Kitap okuma saatini planla")
    async with app_sessions() as session:
        assert (await session.scalars(select(Todo.text))).all() == ["Kitap okuma saatini planla"]
    assert set(await answers(app_sessions)) == BUTTONS | {"happened"}

    # One tap back: the same question, and the next text answers it.
    await user.press("Yansıtmaya dön")
    [screen] = [m for m in user.messages() if m["message_id"] == todo_list["message_id"]]
    assert "soru 6/9" in screen["text"] and "duraklatıldı" not in screen["text"]
    await user.send("Akşam da denedim.")
    assert "soru 7/9" in user.last_text()
    assert (await answers(app_sessions))["hard"].text == "Akşam da denedim."


async def test_help_mid_question_does_not_pause_it(
    user: ChatUser, app_sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    await mid_reflection(user, app_sessions, clock)
    await user.send("/help")
    assert "duraklatıldı" not in user.last_text()
    await user.send("Yardımdan sonra yanıt.")
    assert "soru 6/9" in user.last_text() and "duraklatıldı" not in user.last_text()
    assert (await answers(app_sessions))["happened"].text == "Yardımdan sonra yanıt."


async def test_a_command_pauses_a_waiting_todo_and_says_how_to_go_back(
    user: ChatUser, app_sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    await mid_reflection(user, app_sessions, clock)
    await user.send("/todo")
    await user.press(user.buttons()[0])  # "add": the to-do waits for its text
    await user.send("/reflect")
    assert "soru 5/9" in user.last_text()
    assert "/todo ile yaptığınız işlem duraklatıldı." in user.last_text()
    assert "/todo ile devam et" in user.buttons()  # one tap back, on any channel
    await user.send("Bir yansıtma yanıtı.")  # to the reflection, which waits now
    assert (await answers(app_sessions))["happened"].text == "Bir yansıtma yanıtı."
    async with app_sessions() as session:
        assert (await session.scalars(select(Todo.text))).all() == []
    await user.press("/todo ile devam et")
    assert "/todo ile devam et" not in user.buttons() and user.buttons()  # the to-do list again


async def test_a_paused_change_of_an_answer_resumes_at_that_question(
    user: ChatUser, app_sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    await mid_reflection(user, app_sessions, clock)
    for text in ("bir", "iki", "üç"):
        await user.send(text)
    await user.press("Evet")
    await user.press("Geç")
    await user.press("Bir yanıtı değiştir")
    await user.press(next(b for b in user.buttons() if b.startswith("7.")))
    assert "soru 7/9" in user.last_text() and "Şu anki yanıtınız: üç" in user.last_text()

    await user.send("/todo")
    assert "Yansıtmanız duraklatıldı" in user.last_text()
    await user.press("Yansıtmaya dön")
    assert "soru 7/9" in user.last_text() and "Şu anki yanıtınız: üç" in user.last_text()
    await user.send("üç, yeniden")
    assert "→ üç, yeniden" in user.last_text()  # back at the summary with the changed answer
